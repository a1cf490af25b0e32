"""Sensitivity of codes to small input changes (aeutils.robustness)."""

from __future__ import annotations

import math

import pytest
import torch
from torch import nn

from aeutils import robustness


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
    norms = robustness.jacobian_norm(encoder, _images(7), batch_size=3)
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
    assert torch.allclose(robustness.jacobian_norm(encoder, images), closed_form, rtol=1e-5)


def test_sensitivity_of_a_linear_map_is_about_its_rms_singular_value():
    encoder = _linear_encoder()
    ratios = robustness.code_sensitivity(encoder, _images(400), sigma=0.01, batch_size=64)
    # E||W dx||^2 / E||dx||^2 = ||W||_F^2 / D for isotropic dx.
    expected = float(encoder[1].weight.detach().norm()) / math.sqrt(16)
    assert ratios.shape == (400,)
    assert float(ratios.pow(2).mean().sqrt()) == pytest.approx(expected, rel=0.1)


def test_sensitivity_scales_with_the_weights_and_is_seeded():
    small = robustness.code_sensitivity(_linear_encoder(1.0), _images(), seed=3)
    large = robustness.code_sensitivity(_linear_encoder(3.0), _images(), seed=3)
    again = robustness.code_sensitivity(_linear_encoder(1.0), _images(), seed=3)
    assert torch.allclose(large, 3 * small, rtol=1e-4)
    assert torch.equal(small, again)


def test_sensitivity_restores_training_mode():
    encoder = _linear_encoder().train()
    robustness.code_sensitivity(encoder, _images())
    assert encoder.training


@pytest.mark.parametrize(
    ("sigma", "error", "match"),
    [(0.0, ValueError, "positive"), ("0.01", TypeError, "must be a number")],
)
def test_bad_sigma_is_explained(sigma, error, match):
    with pytest.raises(error, match=match):
        robustness.code_sensitivity(_linear_encoder(), _images(), sigma=sigma)


def test_bad_images_are_explained():
    with pytest.raises(ValueError, match=r"\(N, C, H, W\)"):
        robustness.jacobian_norm(_linear_encoder(), torch.rand(4, 16))
