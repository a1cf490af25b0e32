"""fit, evaluate, predict and mse_loss on features (N, D), windows (N, C, T) and images."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from torch import nn

from aeutils._validation import check_batch, check_images
from aeutils.train import evaluate, fit, mse_loss, predict, seed_everything


class FlatAutoencoder(nn.Module):
    """Works for any example shape: flattens, compresses, restores the shape."""

    def __init__(self, n_values: int, latent_dim: int = 3):
        super().__init__()
        self.encoder = nn.Linear(n_values, latent_dim)
        self.decoder = nn.Linear(latent_dim, n_values)

    def forward(self, x):
        return self.decoder(self.encoder(x.flatten(1))).view_as(x)


def _low_rank(shape, *, seed=0, scale=3.0):
    """Standardised-looking data with values far outside [0, 1]."""
    generator = torch.Generator().manual_seed(seed)
    n, rest = shape[0], shape[1:]
    codes = torch.randn(n, 3, generator=generator)
    patterns = torch.randn(3, int(np.prod(rest)), generator=generator)
    return (scale * codes @ patterns).view(*shape)


@pytest.mark.parametrize("shape", [(128, 12), (128, 3, 10), (128, 1, 4, 4)])
def test_fit_evaluate_predict_accept_every_form(shape):
    data = _low_rank(shape)
    if len(shape) == 4:
        data = torch.sigmoid(data)  # images must be in [0, 1]
    seed_everything(0)
    model = FlatAutoencoder(int(np.prod(shape[1:])))
    history = fit(model, data[:96], val_images=data[96:], epochs=20, lr=1e-2, batch_size=16, progress=False)
    assert history.train_loss[-1] < 0.5 * history.train_loss[0]
    assert evaluate(model, data[96:])["loss"] == pytest.approx(history.val_loss[-1], rel=1e-5)
    assert predict(model, data).shape == shape
    assert mse_loss(model, data).shape == ()


def test_standardised_features_are_not_range_checked_but_images_are():
    features = _low_rank((32, 5))
    assert features.min() < 0 and features.max() > 1
    fit(FlatAutoencoder(5), features, epochs=1, progress=False)
    with pytest.raises(ValueError, match=r"pixel values in \[0, 1\]"):
        fit(FlatAutoencoder(16), _low_rank((32, 1, 4, 4)), epochs=1, progress=False)


def test_float64_numpy_features_are_converted():
    features = _low_rank((40, 6)).double().numpy()
    model = FlatAutoencoder(6)
    fit(model, features, epochs=1, progress=False)
    assert evaluate(model, features)["loss"] > 0
    assert predict(model, features).dtype == torch.float32


@pytest.mark.parametrize(
    ("shape", "pattern"),
    [
        ((5,), r"features \(N, D\), windows \(N, C, T\) or images \(N, C, H, W\).*unsqueeze\(0\)"),
        ((2, 1, 3, 4, 4), "5 axes.*Merge the extra axes"),
        ((0, 4), r"empty.*example \(features \(N, D\)\)"),
        ((3, 0, 7), r"empty.*windows"),
    ],
)
def test_check_batch_names_the_accepted_forms(shape, pattern):
    with pytest.raises(ValueError, match=pattern):
        check_batch(torch.zeros(shape), name="train_images")


def test_check_batch_applies_value_range_to_images_only():
    assert check_batch(torch.full((2, 3), 7.0), name="x").max() == 7.0
    assert check_batch(torch.full((2, 1, 3), -7.0), name="x").min() == -7.0
    with pytest.raises(ValueError, match="pixel values"):
        check_batch(torch.full((2, 1, 3, 3), 7.0), name="x")
    assert check_batch(torch.full((2, 1, 3, 3), 7.0), name="x", value_range=None).max() == 7.0
    with pytest.raises(ValueError, match="NaN"):
        check_batch(torch.tensor([[1.0, float("nan")]]), name="x")
    with pytest.raises(TypeError, match=r"floating-point.*x\.float\(\)"):
        check_batch(torch.ones(2, 3, dtype=torch.int64), name="x")


@pytest.mark.parametrize(
    ("n_features", "hint"),
    [
        (784, r"flattened 28x28 grayscale images, use x\.reshape\(-1, 1, 28, 28\)"),
        (64, r"flattened 8x8 grayscale.*reshape\(-1, 1, 8, 8\)"),
        (4096, r"flattened 64x64 grayscale.*reshape\(-1, 1, 64, 64\)"),
        (3072, r"flattened 32x32 RGB images.*reshape\(-1, 3, 32, 32\)"),
        (10, r"not square images"),
    ],
)
def test_check_images_flat_hint_matches_the_size(n_features, hint):
    with pytest.raises(ValueError, match=hint) as error:
        check_images(torch.rand(2, n_features))
    if n_features != 784:
        assert "28x28" not in str(error.value)


class WrongShape(nn.Module):
    """Returns (N, 8, 8) for (N, 1, 8, 8): PyTorch would broadcast the target."""

    def __init__(self, output_shape=None):
        super().__init__()
        self.layer = nn.Linear(64, 64)
        self.output_shape = output_shape

    def forward(self, x):
        out = self.layer(x.flatten(1))
        if self.output_shape is None:
            return out.view(-1, 8, 8)
        return out.mean(0).view(self.output_shape)


@pytest.mark.parametrize("model", [WrongShape(), WrongShape(output_shape=(1, 1, 8, 8))])
def test_output_shape_must_match_the_batch(model):
    images = torch.rand(16, 1, 8, 8)
    pattern = r"returned shape \((16, 8, 8|1, 1, 8, 8)\) for a batch of shape \(16, 1, 8, 8\)"
    with pytest.raises(ValueError, match=pattern):
        mse_loss(model, images)
    with pytest.raises(ValueError, match=pattern):
        fit(model, images, epochs=1, progress=False)
    with pytest.raises(ValueError, match=pattern):
        evaluate(model, images)


def test_custom_loss_that_broadcasts_is_caught():
    def loss_fn(model, batch):
        return nn.functional.mse_loss(model(batch), batch)

    with pytest.raises(ValueError, match=r"different shapes.*\(16, 1, 8, 8\)"):
        fit(WrongShape(), torch.rand(16, 1, 8, 8), loss_fn=loss_fn, epochs=1, progress=False)
    with pytest.raises(ValueError, match="different shapes"):
        evaluate(WrongShape(), torch.rand(16, 1, 8, 8), loss_fn=loss_fn)
