"""aeutils.latent.decode_codes: decoded images on the CPU, clear errors."""

from __future__ import annotations

import pytest
import torch

from aeutils import latent
from aeutils.models import MLPAutoencoder


def test_decodes_codes_to_images_without_gradients():
    model = MLPAutoencoder(latent_dim=3, hidden_dims=(8,))
    images = latent.decode_codes(model.decoder, torch.randn(5, 3))
    assert images.shape == (5, 1, 28, 28) and not images.requires_grad
    assert model.training, "the module's mode is restored"


def test_rejects_a_single_code_without_batch_dimension():
    model = MLPAutoencoder(latent_dim=3, hidden_dims=(8,))
    with pytest.raises(ValueError, match="unsqueeze"):
        latent.decode_codes(model.decoder, torch.randn(3))


def test_rejects_a_decoder_that_returns_the_wrong_count():
    with pytest.raises(ValueError, match="images for"):
        latent.decode_codes(lambda z: torch.zeros(1, 1, 4, 4), torch.zeros(2, 3))


# ------------------------------ (was test_robustness.py)


import math

import pytest
import torch
from torch import nn

from aeutils import latent


def _linear_encoder(scale: float = 1.0) -> nn.Module:
    torch.manual_seed(0)
    encoder = nn.Sequential(nn.Flatten(), nn.Linear(16, 5))
    with torch.no_grad():
        encoder[1].weight.mul_(scale)
    return encoder


def _images(n: int = 40) -> torch.Tensor:
    return torch.rand(n, 1, 4, 4, generator=torch.Generator().manual_seed(1))


def test_jacobian_norm_of_a_linear_layer_is_its_frobenius_norm():
    encoder = _linear_encoder()
    norms = latent.jacobian_norm(encoder, _images(7), batch_size=3)
    expected = encoder[1].weight.detach().norm()
    assert norms.shape == (7,)
    assert torch.allclose(norms, expected.expand(7), rtol=1e-5)


def test_jacobian_norm_of_a_sigmoid_layer_matches_the_closed_form():
    torch.manual_seed(0)
    layer = nn.Linear(16, 5)
    encoder = nn.Sequential(nn.Flatten(), layer, nn.Sigmoid())
    images = _images(6)
    h = encoder(images).detach()
    closed_form = ((h * (1 - h)) ** 2 * layer.weight.detach().pow(2).sum(1)).sum(1).sqrt()
    assert torch.allclose(latent.jacobian_norm(encoder, images), closed_form, rtol=1e-5)


def test_sensitivity_of_a_linear_map_is_about_its_rms_singular_value():
    encoder = _linear_encoder()
    ratios = latent.code_sensitivity(encoder, _images(400), sigma=0.01)
    # E||W dx||^2 / E||dx||^2 = ||W||_F^2 / D for isotropic dx.
    expected = float(encoder[1].weight.detach().norm()) / math.sqrt(16)
    assert ratios.shape == (400,)
    assert float(ratios.pow(2).mean().sqrt()) == pytest.approx(expected, rel=0.1)


def test_sensitivity_scales_with_the_weights_and_is_seeded():
    small = latent.code_sensitivity(_linear_encoder(1.0), _images())
    large = latent.code_sensitivity(_linear_encoder(3.0), _images())
    again = latent.code_sensitivity(_linear_encoder(1.0), _images())
    assert torch.allclose(large, 3 * small, rtol=1e-4)
    assert torch.equal(small, again)


def test_sensitivity_restores_training_mode():
    encoder = _linear_encoder().train()
    latent.code_sensitivity(encoder, _images())
    assert encoder.training


@pytest.mark.parametrize(
    ("sigma", "error", "match"),
    [(0.0, ValueError, "positive"), ("0.01", TypeError, "must be a real number")],
)
def test_bad_sigma_is_explained(sigma, error, match):
    with pytest.raises(error, match=match):
        latent.code_sensitivity(_linear_encoder(), _images(), sigma=sigma)


def test_bad_images_are_explained():
    with pytest.raises(ValueError, match=r"\(N, C, H, W\)"):
        latent.jacobian_norm(_linear_encoder(), torch.rand(4, 16))


# ------------------------------ (was test_sparse.py)


import pytest
import torch

from aeutils import latent


def test_active_mask_is_relative_to_each_units_maximum():
    codes = torch.tensor([[1.0, 100.0, 0.0], [0.05, 5.0, 0.0], [0.5, 20.0, 0.0]])
    mask = latent.active_mask(codes, relative_threshold=0.1)
    expected = torch.tensor([[True, True, False], [False, False, False], [True, True, False]])
    assert torch.equal(mask, expected)


def test_activation_stats_counts_fractions_and_dead_units():
    codes = torch.tensor([[1.0, 0.0, 0.0, 2.0], [0.0, 1.0, 0.0, 2.0]])
    stats = latent.activation_stats(codes)
    assert stats.active_fraction == pytest.approx(0.5)
    assert torch.allclose(stats.active_per_image, torch.tensor([0.5, 0.5]))
    assert torch.allclose(stats.unit_frequency, torch.tensor([0.5, 0.5, 0.0, 1.0]))
    assert stats.dead_units == 1


def test_activation_stats_is_scale_invariant():
    torch.manual_seed(0)
    codes = torch.relu(torch.randn(200, 16))
    a = latent.activation_stats(codes).active_fraction
    b = latent.activation_stats(codes * 37.0).active_fraction
    assert a == pytest.approx(b)


def test_top_activating_returns_strongest_images_first():
    codes = torch.tensor([[0.1, 3.0], [0.9, 1.0], [0.5, 2.0], [0.0, 0.0]])
    top = latent.top_activating(codes, units=[0, 1], k=2)
    assert top.tolist() == [[1, 2], [0, 2]]


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"relative_threshold": 1.0}, ValueError, r"\[0, 1\)"),
        ({"relative_threshold": "0.1"}, TypeError, "must be a real number"),
    ],
)
def test_bad_threshold_is_explained(kwargs, error, match):
    with pytest.raises(error, match=match):
        latent.active_mask(torch.ones(3, 2), **kwargs)


def test_bad_inputs_are_explained():
    with pytest.raises(ValueError, match="2-D matrix"):
        latent.activation_stats(torch.ones(3, 2, 2))
    with pytest.raises(ValueError, match=r"units\[0\] must be in 0..1"):
        latent.top_activating(torch.ones(5, 2), units=[2], k=1)
    with pytest.raises(ValueError, match="between 1 and 5"):
        latent.top_activating(torch.ones(5, 2), units=[0], k=6)


# ---------------------------------------------------------------- issue 19
X8 = torch.rand(6, 1, 8, 8, generator=torch.Generator().manual_seed(1))
LINEAR = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(64, 3))


def _nan_codes(batch):
    return batch.flatten(1)[:, :3] * float("nan")


@pytest.mark.parametrize(
    "measure", [latent.code_sensitivity, latent.jacobian_norm]
)
def test_an_encoder_returning_nan_is_refused(measure):
    with pytest.raises(ValueError, match="NaN"):
        measure(_nan_codes, X8)


def test_code_sensitivity_refuses_an_infinite_sigma_and_takes_numpy():
    import numpy as np

    with pytest.raises(ValueError, match="sigma"):
        latent.code_sensitivity(LINEAR, X8, sigma=float("inf"))
    assert torch.isfinite(
        latent.code_sensitivity(LINEAR, X8, sigma=np.float32(0.01))
    ).all()


@pytest.mark.parametrize(
    "measure", [latent.code_sensitivity, latent.jacobian_norm]
)
def test_a_vae_encode_is_measured_on_its_mean(measure):
    from aeutils.models import VariationalAutoencoder

    vae = VariationalAutoencoder(latent_dim=2, hidden_dim=8)
    x = torch.rand(4, 1, 28, 28)
    expected = measure(lambda b: vae.encode(b)[0], x)
    assert torch.allclose(measure(vae.encode, x), expected)


@pytest.mark.parametrize(
    "measure", [latent.code_sensitivity, latent.jacobian_norm]
)
def test_a_batchnorm_encoder_in_train_mode_is_measured_in_eval_mode(measure):
    encoder = torch.nn.Sequential(
        torch.nn.Flatten(), torch.nn.Linear(64, 3), torch.nn.BatchNorm1d(3)
    )
    encoder.train()
    first = measure(encoder, X8)
    assert encoder.training
    # In eval mode an image's result does not depend on its batch.
    assert torch.allclose(measure(encoder, X8[:1]), first[:1], atol=1e-5)


def test_activation_stats_counts_negative_codes_as_active():
    codes = torch.rand(30, 5, generator=torch.Generator().manual_seed(0))
    positive = latent.activation_stats(codes)
    negative = latent.activation_stats(-codes)
    assert negative.dead_units == 0
    assert negative.active_fraction == positive.active_fraction


@pytest.mark.parametrize("units", [[0.5, 1.7], [True, False], "01", []])
def test_top_activating_refuses_units_that_are_not_indices(units):
    with pytest.raises(TypeError, match="units"):
        latent.top_activating(torch.rand(10, 3), units=units)


DECODER = torch.nn.Sequential(
    torch.nn.Linear(4, 64), torch.nn.Unflatten(1, (1, 8, 8))
)


def test_decode_codes_names_the_code_width_when_it_does_not_fit():
    with pytest.raises(ValueError, match="code width 5"):
        latent.decode_codes(DECODER, torch.zeros(2, 5))


def test_decode_codes_blames_nan_codes_not_the_model():
    with pytest.raises(ValueError, match="codes holds 8 NaN") as error:
        latent.decode_codes(DECODER, torch.full((2, 4), float("nan")))
    assert "model" not in str(error.value)
