"""aeutils.train.loop: learning, reproducibility, loss terms, errors."""

from __future__ import annotations

import pytest
import torch
from torch import nn
from torch.nn import functional as F

from aeutils.losses import mse_loss
from aeutils.train import History, evaluate, fit, predict, seed_everything, select_device


class TinyAutoencoder(nn.Module):
    def __init__(self, latent_dim: int = 4):
        super().__init__()
        self.encoder = nn.Linear(64, latent_dim)
        self.decoder = nn.Linear(latent_dim, 64)

    def forward(self, x):
        return torch.sigmoid(self.decoder(self.encoder(x.flatten(1)))).view_as(x)


@pytest.fixture
def images():
    generator = torch.Generator().manual_seed(0)
    codes = torch.randn(256, 3, generator=generator)
    patterns = torch.randn(3, 64, generator=generator)
    return torch.sigmoid(codes @ patterns).view(256, 1, 8, 8)


def _train(images, **kwargs):
    seed_everything(0)
    model = TinyAutoencoder()
    history = fit(model, images[:200], val_images=images[200:], progress=False, **kwargs)
    return model, history


def test_fit_reduces_the_loss_and_records_history(images):
    _, history = _train(images, epochs=15, lr=1e-2, batch_size=16)
    assert history.epochs == 15
    assert len(history.val_loss) == 15 and len(history.epoch_seconds) == 15
    assert history.train_loss[-1] < 0.5 * history.train_loss[0]
    assert history.val_loss[-1] < 0.5 * history.val_loss[0]
    assert history.device == "cpu" and history.model_name == "TinyAutoencoder"
    assert "15 epochs" in history.summary() and "validation loss" in history.summary()


def test_fit_is_reproducible_with_a_seed(images):
    model_a, history_a = _train(images, epochs=3)
    model_b, history_b = _train(images, epochs=3)
    assert history_a.train_loss == history_b.train_loss
    assert history_a.val_loss == history_b.val_loss
    for p, q in zip(model_a.parameters(), model_b.parameters()):
        assert torch.equal(p, q)
    _, history_c = _train(images, epochs=3, seed=1)
    assert history_c.train_loss != history_a.train_loss


def test_random_corruption_inside_the_loss_is_reproducible(images):
    def denoising(model, batch):
        noisy = (batch + 0.2 * torch.randn_like(batch)).clamp(0, 1)
        return F.mse_loss(model(noisy), batch)

    _, first = _train(images, epochs=2, loss_fn=denoising)
    _, second = _train(images, epochs=2, loss_fn=denoising)
    assert first.train_loss == second.train_loss


def test_loss_terms_are_recorded(images):
    def with_terms(model, batch):
        mse = mse_loss(model, batch)
        penalty = 1e-3 * model.encoder.weight.pow(2).sum()
        return {"loss": mse + penalty, "mse": mse, "penalty": penalty}

    _, history = _train(images, epochs=2, loss_fn=with_terms)
    assert set(history.terms) == {"mse", "penalty", "val_mse", "val_penalty"}
    for i in range(2):
        total = history.terms["mse"][i] + history.terms["penalty"][i]
        assert history.train_loss[i] == pytest.approx(total, rel=1e-5)


def test_evaluate_and_predict_restore_mode(images):
    model = TinyAutoencoder()
    model.train()
    result = evaluate(model, images)
    assert set(result) == {"loss"}
    manual = F.mse_loss(model(images), images).item()
    assert result["loss"] == pytest.approx(manual, rel=1e-5)
    assert model.training
    out = predict(model, images, batch_size=100)
    assert out.shape == images.shape and model.training
    codes = predict(lambda x: x.flatten(1)[:, :3], images)
    assert codes.shape == (256, 3)


@pytest.mark.parametrize(
    ("kwargs", "pattern"),
    [
        ({"epochs": 0}, "epochs must be at least 1"),
        ({"batch_size": 0}, "batch_size must be at least 1"),
        ({"lr": -1.0}, "lr must be positive"),
        ({"lr_schedule": "step"}, "lr_schedule"),
        ({"val_images": torch.rand(2, 1, 4, 4)}, "examples of val_images and"),
    ],
)
def test_fit_rejects_bad_arguments(images, kwargs, pattern):
    with pytest.raises(ValueError, match=pattern):
        fit(TinyAutoencoder(), images, progress=False, **kwargs)


def test_fit_rejects_bad_loss_functions(images):
    with pytest.raises(ValueError, match="needs a 'loss' entry"):
        fit(TinyAutoencoder(), images, loss_fn=lambda m, x: {"mse": mse_loss(m, x)}, progress=False)
    with pytest.raises(ValueError, match="scalar tensors"):
        fit(TinyAutoencoder(), images, loss_fn=lambda m, x: (m(x) - x).pow(2), progress=False)


def test_fit_blames_the_loss_function_for_nan_before_any_update(images):
    def exploding(model, batch):
        return mse_loss(model, batch) * float("inf")

    with pytest.raises(FloatingPointError, match="loss function itself.*not a learning-rate"):
        fit(TinyAutoencoder(), images, loss_fn=exploding, progress=False)


def _nan_after(calls: int, *, term: str = "loss"):
    """A loss function whose ``term`` turns NaN after ``calls`` training batches."""
    count = {"n": 0}

    def loss_fn(model, batch):
        mse = mse_loss(model, batch)
        count["n"] += model.training
        factor = float("nan") if count["n"] > calls else 1.0
        if term == "loss":
            return mse * factor
        return {"loss": mse, term: mse * factor}

    return loss_fn


def test_fit_names_the_epoch_when_the_loss_turns_nan(images):
    # 256 images in batches of 64: the sixth call is the second batch of epoch 2.
    loss_fn = _nan_after(5)
    with pytest.raises(FloatingPointError, match=r"training loss became nan in epoch 2"):
        fit(TinyAutoencoder(), images, loss_fn=loss_fn, batch_size=64, epochs=3, progress=False)


def test_fit_checks_every_recorded_term(images):
    loss_fn = _nan_after(5, term="kl")
    with pytest.raises(FloatingPointError, match=r"training term 'kl' became nan in epoch 2"):
        fit(TinyAutoencoder(), images, loss_fn=loss_fn, batch_size=64, epochs=3, progress=False)


def test_fit_checks_the_validation_loss(images):
    def nan_in_eval(model, batch):
        loss = mse_loss(model, batch)
        return loss if model.training else loss * float("nan")

    with pytest.raises(FloatingPointError, match=r"validation loss became nan in epoch 1"):
        fit(TinyAutoencoder(), images[:200], val_images=images[200:], loss_fn=nan_in_eval,
            epochs=2, progress=False)  # fmt: skip


def test_fit_detects_nan_gradients_behind_a_finite_loss(images):
    def nan_gradient(model, batch):
        weight = model.encoder.weight
        # sqrt has an infinite gradient at 0, and 0 * inf = nan: the value is fine.
        return mse_loss(model, batch) + 0.0 * torch.sqrt(weight - weight.detach()).sum()

    with pytest.raises(FloatingPointError, match=r"parameters became NaN.*epoch 1.*gradients"):
        fit(TinyAutoencoder(), images, loss_fn=nan_gradient, batch_size=256, progress=False)


def test_evaluate_refuses_to_return_nan(images):
    model = TinyAutoencoder()
    with torch.no_grad():
        model.decoder.bias.fill_(float("nan"))
    with pytest.raises(FloatingPointError, match="evaluated loss became nan"):
        evaluate(model, images)


@pytest.mark.parametrize(
    ("kwargs", "error", "pattern"),
    [
        ({"lr": "1e-3"}, TypeError, "lr must be a real number.*without quotes"),
        ({"lr": float("nan")}, ValueError, "lr must be a finite number"),
        ({"seed": 0.5}, TypeError, "seed must be an int"),
        ({"device": "gpu"}, ValueError, "device must be 'cpu', 'cuda'"),
        ({"device": 0}, TypeError, "device must be a string"),
        ({"loss_fn": lambda m, x: mse_loss(m, x).item()}, TypeError, "got float.*carries no gradient"),
        ({"loss_fn": lambda m, x: {"loss": mse_loss(m, x), "n": 3}}, TypeError, "term 'n' is a int"),
        ({"loss_fn": "mse"}, TypeError, "loss_fn must be a function"),
    ],
)
def test_fit_explains_bad_arguments(images, kwargs, error, pattern):
    with pytest.raises(error, match=pattern):
        fit(TinyAutoencoder(), images, epochs=1, progress=False, **kwargs)


def test_fit_explains_models_without_parameters(images):
    with pytest.raises(ValueError, match="no trainable parameters"):
        fit(nn.Identity(), images, epochs=1, progress=False)
    with pytest.raises(TypeError, match="model must be a Module"):
        fit(lambda x: x, images, epochs=1, progress=False)






def test_progress_prints_summary_outside_notebooks(images, capsys):
    fit(TinyAutoencoder(), images, epochs=1, progress=True)
    assert "Trained TinyAutoencoder for 1 epochs" in capsys.readouterr().out






def test_evaluate_works_for_models_without_parameters(images):
    assert evaluate(nn.Identity(), images) == {"loss": 0.0}


# ------------------------------ (was test_train_forms.py)


import numpy as np
import pytest
import torch
from torch import nn

from aeutils.validation import validate_batch, validate_images
from aeutils.train import evaluate, fit, predict, seed_everything


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
        validate_batch(torch.zeros(shape), name="train_images")


def test_check_batch_applies_value_range_to_images_only():
    assert validate_batch(torch.full((2, 3), 7.0), name="x").max() == 7.0
    assert validate_batch(torch.full((2, 1, 3), -7.0), name="x").min() == -7.0
    with pytest.raises(ValueError, match="pixel values"):
        validate_batch(torch.full((2, 1, 3, 3), 7.0), name="x")
    assert validate_batch(torch.full((2, 1, 3, 3), 7.0), name="x", value_range=None).max() == 7.0
    with pytest.raises(ValueError, match="NaN"):
        validate_batch(torch.tensor([[1.0, float("nan")]]), name="x")
    with pytest.raises(TypeError, match=r"floating-point.*x\.float\(\)"):
        validate_batch(torch.ones(2, 3, dtype=torch.int64), name="x")


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
        validate_images(torch.rand(2, n_features))
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

    with pytest.raises(ValueError, match=r"returned shape \(16, 8, 8\) for a batch"):
        fit(WrongShape(), torch.rand(16, 1, 8, 8), loss_fn=loss_fn, epochs=1, progress=False)
    with pytest.raises(ValueError, match="different shapes"):
        evaluate(WrongShape(), torch.rand(16, 1, 8, 8), loss_fn=loss_fn)


def test_fit_classifier_learns_a_separable_problem():
    from aeutils.models import MLPClassifier
    from aeutils.train import fit_classifier

    generator = torch.Generator().manual_seed(0)
    images = torch.rand(600, 1, 4, 4, generator=generator) * 0.5
    labels = torch.arange(600) % 2
    images[labels == 1, :, :2] += 0.5  # class 1 is bright at the top
    model = MLPClassifier(hidden_dim=16, n_classes=2, image_shape=(1, 4, 4))
    history = fit_classifier(model, images, labels, epochs=30, lr=1e-2)
    assert history.epochs == 30 and history.train_loss[-1] < history.train_loss[0]
    accuracy = (predict(model, images).argmax(dim=1) == labels).float().mean()
    assert float(accuracy) > 0.95
    assert predict(model.features, images).shape == (600, 16)


def test_fit_classifier_rejects_bad_labels():
    from aeutils.models import MLPClassifier
    from aeutils.train import fit_classifier

    model = MLPClassifier(hidden_dim=4, n_classes=2, image_shape=(1, 2, 2))
    with pytest.raises(ValueError, match="labels"):
        fit_classifier(model, torch.rand(5, 1, 2, 2), torch.zeros(4, dtype=torch.long))
    with pytest.raises(TypeError, match="labels must hold integer"):
        fit_classifier(model, torch.rand(5, 1, 2, 2), torch.zeros(5))
    with pytest.raises(ValueError, match="n_classes"):
        MLPClassifier(hidden_dim=4, n_classes=1)


class FlatOutput(nn.Module):
    """Returns (N, 8, 8) for (N, 1, 8, 8): a reconstruction that broadcasts."""

    def __init__(self):
        super().__init__()
        self.layer = nn.Linear(64, 64)

    def forward(self, x):
        return self.layer(x.flatten(1)).view(-1, 8, 8)


def test_a_hand_written_loss_cannot_train_on_a_broadcast():
    """Issue 19: the output shape is checked once, whatever the loss."""
    with pytest.raises(ValueError, match=r"returned shape \(16, 8, 8\).*"
                       r"\(16, 1, 8, 8\).*view_as"):
        fit(FlatOutput(), torch.rand(16, 1, 8, 8), epochs=1, progress=False,
            loss_fn=lambda m, b: (m(b) - b).pow(2).mean())


@pytest.mark.parametrize(
    ("build", "shape"),
    [("MLPAutoencoder", (1, 8, 8)), ("ConvAutoencoder", (3, 32, 32)),
     ("VariationalAutoencoder", (1, 8, 8))],
)
def test_fit_compares_a_default_model_with_the_data(build, shape):
    """Issue 19: models default to (1, 28, 28); fit says what to pass."""
    from aeutils import losses, models

    model = getattr(models, build)()
    loss = losses.negative_elbo if "Variational" in build else mse_loss
    pattern = rf"{build} cannot process images.*image_shape={shape}"
    with pytest.raises(ValueError, match=pattern.replace("(", r"\(")
                       .replace(")", r"\)")):
        fit(model, torch.rand(4, *shape), loss_fn=loss, epochs=1,
            progress=False)


def test_a_detached_loss_is_refused_before_training(images):
    """Issue 19: a loss without a gradient gets a clear error."""
    with pytest.raises(ValueError, match=r"without a gradient.*\.detach\(\)"):
        fit(TinyAutoencoder(), images, epochs=1, progress=False,
            loss_fn=lambda m, b: mse_loss(m, b).detach())


def test_a_model_that_needs_more_than_a_batch_is_left_to_its_loss():
    class Denoise(nn.Module):
        def __init__(self):
            super().__init__()
            self.layer = nn.Linear(4, 4)

        def forward(self, z, t):
            return self.layer(z) * t

    def loss_fn(model, batch):
        return (model(batch, 0.5) - batch).pow(2).mean()

    history = fit(Denoise(), torch.randn(32, 4), loss_fn=loss_fn, epochs=1,
                  progress=False)
    assert history.epochs == 1


@pytest.mark.parametrize("seed", ["a", -1, 2.0])
def test_seed_everything_refuses_bad_seeds(seed):
    with pytest.raises((TypeError, ValueError), match="seed must be"):
        seed_everything(seed)


# ------------------------------ History


def test_history_defaults():
    history = History(train_loss=[1.0, 0.5], epoch_seconds=[0.25, 0.25])
    assert history.epochs == 2 and history.total_seconds == 0.5
    assert history.summary().endswith("train loss 0.50000.")
