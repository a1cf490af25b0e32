"""The VAE's loss: the reduction chapter 7 derives is the one the code uses."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from torch.nn import functional as F

from aeutils import losses, models
from aeutils.models import VariationalAutoencoder
from aeutils.losses import (
    bernoulli_entropy,
    kl_per_dimension,
    negative_elbo,
    reparameterize,
)


class _FixedPosterior(torch.nn.Module):
    """Encoder and decoder with known outputs, so the loss is checkable by hand."""

    def __init__(self, mean, log_var, logits):
        super().__init__()
        self.mean, self.log_var, self.logits = mean, log_var, logits

    def encode(self, images):
        return self.mean, self.log_var

    def decode_logits(self, codes):
        return self.logits


def _fixed(n=3, k=4, seed=0):
    g = torch.Generator().manual_seed(seed)
    images = torch.rand(n, 1, 5, 5, generator=g)
    model = _FixedPosterior(
        torch.randn(n, k, generator=g),
        torch.randn(n, k, generator=g),
        torch.randn(n, 1, 5, 5, generator=g),
    )
    return model, images


def test_reduction_is_sum_over_pixels_and_dims_mean_over_batch():
    model, images = _fixed()
    terms = negative_elbo(model, images)
    bce = F.binary_cross_entropy_with_logits(model.logits, images, reduction="sum")
    kl = -0.5 * (1 + model.log_var - model.mean**2 - model.log_var.exp()).sum()
    n = len(images)
    assert torch.allclose(terms["reconstruction"], bce / n)
    assert torch.allclose(terms["kl"], kl / n)
    assert torch.allclose(terms["loss"], (bce + kl) / n)


def test_reduction_does_not_depend_on_batch_size():
    model, images = _fixed()
    doubled = _FixedPosterior(
        torch.cat([model.mean] * 2), torch.cat([model.log_var] * 2),
        torch.cat([model.logits] * 2),
    )
    one = negative_elbo(model, images)
    two = negative_elbo(doubled, torch.cat([images] * 2))
    for name in ("loss", "reconstruction", "kl"):
        assert torch.allclose(one[name], two[name]), name


def test_reduction_is_not_a_mean_over_pixels():
    model, images = _fixed()
    mean_bce = F.binary_cross_entropy_with_logits(model.logits, images)
    rec = negative_elbo(model, images)["reconstruction"]
    assert torch.allclose(rec, mean_bce * 25)


def test_beta_weights_only_the_kl_term():
    model, images = _fixed()
    plain, weighted = negative_elbo(model, images), negative_elbo(model, images, beta=4.0)
    assert torch.allclose(weighted["loss"], plain["reconstruction"] + 4 * plain["kl"])
    with pytest.raises(ValueError, match="beta"):
        negative_elbo(model, images, beta=-1.0)


def test_kl_is_zero_at_the_prior_and_positive_elsewhere():
    zeros = torch.zeros(2, 3)
    assert torch.allclose(kl_per_dimension(zeros, zeros), zeros)
    assert (kl_per_dimension(torch.ones(2, 3), torch.ones(2, 3)) > 0).all()


def test_reparameterize_has_the_right_spread_and_gradients():
    torch.manual_seed(0)
    mean = torch.zeros(50000, 1, requires_grad=True)
    log_var = torch.full((50000, 1), 2.0, requires_grad=True)
    z = reparameterize(mean, log_var)
    assert abs(float(z.detach().std()) - float(torch.exp(torch.tensor(1.0)))) < 0.05
    z.sum().backward()
    assert mean.grad is not None and log_var.grad is not None


def test_model_shapes_and_entropy_floor():
    model = VariationalAutoencoder(latent_dim=3, hidden_dim=8)
    images = torch.rand(4, 1, 28, 28)
    mean, log_var = model.encode(images)
    assert mean.shape == log_var.shape == (4, 3)
    assert model(images).shape == images.shape
    assert model.decode(mean).min() >= 0 and model.decode(mean).max() <= 1
    binary = (images > 0.5).float()
    assert torch.allclose(bernoulli_entropy(binary), torch.zeros(4), atol=1e-2)
    with pytest.raises(ValueError, match="latent_dim"):
        VariationalAutoencoder(latent_dim=0)


def test_chapter_defines_the_same_class():
    import inspect
    import json
    from pathlib import Path

    path = Path(__file__).resolve().parents[1] / "book" / "12_variational_autoencoder.ipynb"
    sources = ["".join(c["source"]) for c in json.loads(path.read_text())["cells"]]
    expected = inspect.getsource(VariationalAutoencoder).rstrip()
    assert any(s.startswith(expected) for s in sources), (
        "book/07's VariationalAutoencoder cell must match aeutils/vae.py"
    )


def test_spatial_vae_keeps_a_spatial_code_and_sums_its_kl():
    from tests.book.chapter_code import chapter_definition

    SpatialVAE = chapter_definition("13_latent_diffusion.ipynb", "SpatialVAE")

    torch.manual_seed(0)
    model = SpatialVAE(latent_channels=4, channels=(8, 16))
    images = torch.rand(3, 1, 28, 28)
    mean, log_var = model.encode(images)
    assert mean.shape == log_var.shape == (3, 4, 7, 7)
    assert model(images).shape == images.shape
    with torch.no_grad():
        output = model(images)
    assert 0 <= float(output.min()) and float(output.max()) <= 1
    terms = negative_elbo(model, images)
    kl = kl_per_dimension(mean, log_var).flatten(1).sum(dim=1).mean()
    assert torch.allclose(terms["kl"], kl)  # summed over all 196 entries
    with pytest.raises(ValueError, match="positive"):
        SpatialVAE(latent_channels=0)
# ---------------------------------------------------------------- issue 19: ELBO inputs
def _posterior(**changes):
    arguments = {"mean": torch.zeros(4, 2), "log_var": torch.zeros(4, 2)}
    return {**arguments, **changes}


@pytest.mark.parametrize("function", [losses.reparameterize, losses.kl_per_dimension])
@pytest.mark.parametrize(
    ("changes", "error", "message"),
    [
        ({"log_var": torch.zeros(2)}, ValueError, "mean and log_var"),
        ({"log_var": torch.zeros(4, 1)}, ValueError, "mean and log_var"),
        ({"mean": torch.full((4, 2), float("nan"))}, ValueError, "mean contains"),
        ({"log_var": torch.full((4, 2), float("inf"))}, ValueError, "log_var contains"),
        ({"mean": torch.zeros(0, 2), "log_var": torch.zeros(0, 2)}, ValueError, "mean is empty"),
        ({"mean": np.zeros((4, 2))}, TypeError, "mean must be a floating-point torch tensor"),
    ],
)
def test_posterior_helpers_refuse_broadcasts_nan_and_arrays(function, changes, error, message):
    with pytest.raises(error, match=message):
        function(**_posterior(**changes))


@pytest.mark.parametrize(
    ("images", "beta", "message"),
    [
        (torch.rand(4, 1, 28, 28) * 255, 1.0, r"images must have pixel values in \[0, 1\]"),
        (torch.rand(4, 1, 28, 28) - 0.5, 1.0, r"images must have pixel values in \[0, 1\]"),
        (torch.full((4, 1, 28, 28), float("nan")), 1.0, "images contains"),
        (torch.rand(0, 1, 28, 28), 1.0, "images is empty"),
        (torch.rand(4, 1, 28, 28), float("nan"), "beta must be a finite number"),
        (torch.rand(4, 1, 28, 28), float("inf"), "beta must be a finite number"),
    ],
)
def test_negative_elbo_refuses_bad_images_and_beta(images, beta, message):
    model = models.VariationalAutoencoder(latent_dim=2)
    with pytest.raises(ValueError, match=message):
        losses.negative_elbo(model, images, beta=beta)


def test_negative_elbo_accepts_float64_images():
    model = models.VariationalAutoencoder(latent_dim=2)
    terms = losses.negative_elbo(model, torch.rand(3, 1, 28, 28, dtype=torch.float64))
    assert torch.isfinite(terms["loss"])


@pytest.mark.parametrize(
    "images", [torch.rand(2, 1, 4, 4) * 255, (torch.rand(2, 1, 4, 4) * 255).to(torch.uint8)]
)
def test_bernoulli_entropy_refuses_unscaled_images(images):
    with pytest.raises((ValueError, TypeError), match="images"):
        losses.bernoulli_entropy(images)


def test_negative_elbo_needs_a_model_with_encode_and_decode_logits():
    """Issue 19: a model without encode gave an AttributeError."""
    with pytest.raises(TypeError, match="model.encode must be a method of a VAE"):
        negative_elbo(torch.nn.Identity(), torch.rand(2, 1, 28, 28))


def test_negative_elbo_explains_images_without_a_channel_axis():
    from aeutils.models import VariationalAutoencoder

    with pytest.raises(ValueError, match=r"unsqueeze\(1\)"):
        negative_elbo(VariationalAutoencoder(latent_dim=2), torch.rand(4, 28, 28))


def test_numpy_input_to_reparameterize_is_explained():
    with pytest.raises(TypeError, match=r"mean must be a floating-point torch tensor"):
        reparameterize(np.zeros((4, 2)), np.zeros((4, 2)))
