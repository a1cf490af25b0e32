"""aeutils.metrics against values worked out by hand."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from aeutils import metrics


def test_per_image_mse_and_psnr_known_values():
    x = torch.zeros(2, 1, 2, 2)
    x_hat = torch.zeros(2, 1, 2, 2)
    x_hat[0] = 0.1  # squared error 0.01 on every pixel
    x_hat[1, 0, 0, 0] = 1.0  # one pixel off by 1 out of 4
    mse = metrics.per_image_mse(x, x_hat)
    torch.testing.assert_close(mse, torch.tensor([0.01, 0.25], dtype=torch.float64))
    psnr = metrics.psnr(x, x_hat)
    torch.testing.assert_close(psnr, torch.tensor([20.0, 10 * math.log10(4)], dtype=torch.float64))


def test_psnr_perfect_is_infinite():
    x = torch.rand(1, 1, 3, 3)
    assert math.isinf(float(metrics.psnr(x, x)[0]))


def test_explained_variance():
    x = torch.rand(20, 1, 4, 4)
    assert metrics.explained_variance(x, x) == pytest.approx(1.0)
    mean_image = x.mean(dim=0, keepdim=True).expand_as(x)
    assert metrics.explained_variance(x, mean_image) == pytest.approx(0.0, abs=1e-12)
    with pytest.raises(ValueError, match="zero variance"):
        metrics.explained_variance(torch.ones(3, 1, 2, 2), torch.ones(3, 1, 2, 2))


def test_principal_angles_known_rotation():
    basis = torch.linalg.qr(torch.randn(8, 8, generator=torch.Generator().manual_seed(0)))[0]
    a = basis[:, :2]
    theta = math.radians(25.0)
    b = torch.stack([basis[:, 0], math.cos(theta) * basis[:, 1] + math.sin(theta) * basis[:, 5]], 1)
    angles = metrics.principal_angles(a * 3.0, b @ torch.tensor([[1.0, 2.0], [0.0, 1.0]]))
    torch.testing.assert_close(angles, torch.tensor([0.0, 25.0], dtype=torch.float64), atol=1e-5, rtol=0)
    orthogonal = metrics.principal_angles(basis[:, :2], basis[:, 2:4])
    torch.testing.assert_close(orthogonal, torch.tensor([90.0, 90.0], dtype=torch.float64))


def test_principal_angles_validates():
    with pytest.raises(ValueError, match="same number of rows.*transpose"):
        metrics.principal_angles(torch.rand(10, 2), torch.rand(2, 10))
    with pytest.raises(ValueError, match="linearly dependent"):
        metrics.principal_angles(torch.ones(10, 2), torch.rand(10, 2))
    with pytest.raises(ValueError, match="2-D matrix"):
        metrics.principal_angles(torch.rand(10), torch.rand(10, 2))


# --- sparse-autoencoder metrics ----------------------------------------------


def test_fvu_known_values():
    h = torch.tensor([[0.0, 1.0], [2.0, 3.0], [4.0, 5.0]])
    # Sum of squares around the column means: 8 + 8 = 16.
    assert metrics.fraction_of_variance_unexplained(h, h) == 0.0
    mean = h.mean(dim=0).expand_as(h)
    assert metrics.fraction_of_variance_unexplained(h, mean) == pytest.approx(1.0)
    off = h.clone()
    off[0, 0] += 2.0  # squared error 4 out of 16
    assert metrics.fraction_of_variance_unexplained(h, off) == pytest.approx(0.25)


def test_fvu_is_scale_free():
    generator = torch.Generator().manual_seed(0)
    h = torch.randn(50, 4, generator=generator)
    h_hat = h + 0.1 * torch.randn(50, 4, generator=generator)
    once = metrics.fraction_of_variance_unexplained(h, h_hat)
    assert metrics.fraction_of_variance_unexplained(10 * h, 10 * h_hat) == pytest.approx(once)


def test_fvu_errors():
    h = torch.randn(5, 3)
    with pytest.raises(ValueError, match="same shape|shape"):
        metrics.fraction_of_variance_unexplained(h, h[:, :2])
    with pytest.raises(ValueError, match="zero variance"):
        metrics.fraction_of_variance_unexplained(torch.ones(4, 3), torch.ones(4, 3))
    bad = h.clone()
    bad[0, 0] = float("nan")
    with pytest.raises(ValueError, match="NaN"):
        metrics.fraction_of_variance_unexplained(bad, h)


def test_l0_and_dead_latents_known_values():
    codes = torch.tensor(
        [
            [0.0, 2.0, 0.0, 1.0, 0.0],
            [0.0, 0.5, 0.0, 0.0, 0.0],
            [0.0, 0.0, 0.0, 3.0, 0.1],
        ]
    )
    assert metrics.mean_l0(codes) == pytest.approx(5 / 3)
    assert metrics.dead_latents(codes) == 2  # latents 0 and 2 never fire


def test_sparse_code_metrics_reject_bad_codes():
    with pytest.raises(ValueError, match="non-negative"):
        metrics.mean_l0(torch.tensor([[1.0, -0.5]]))
    with pytest.raises(ValueError, match="NaN"):
        metrics.dead_latents(torch.tensor([[1.0, float("nan")]]))
    with pytest.raises(ValueError, match="2-D"):
        metrics.mean_l0(torch.ones(4))
def test_frechet_distance_matches_the_gaussian_formula():
    generator = torch.Generator().manual_seed(0)
    a = torch.randn(20000, 3, generator=generator, dtype=torch.float64)
    b = 2.0 * torch.randn(20000, 3, generator=generator, dtype=torch.float64) + 1.0
    # N(0, I) vs N(1, 4I) in 3-D: |mu|^2 = 3, tr = 3 + 12 - 2 * 3 * 2 = 3.
    assert metrics.frechet_distance(a, b) == pytest.approx(6.0, rel=0.03)
    assert metrics.frechet_distance(a, a) == pytest.approx(0.0, abs=1e-6)
    assert metrics.frechet_distance(a[:5000], a[5000:10000]) < 0.01


def test_frechet_distance_uses_correlations():
    generator = torch.Generator().manual_seed(1)
    x = torch.randn(20000, 1, generator=generator, dtype=torch.float64)
    noise = torch.randn(20000, 1, generator=generator, dtype=torch.float64)
    correlated = torch.cat([x, x + 0.01 * noise], dim=1)
    anti = torch.cat([x, -x + 0.01 * noise], dim=1)
    # Same means and variances per column, opposite correlation.
    assert metrics.frechet_distance(correlated, anti) > 1.5


def test_frechet_distance_validates():
    with pytest.raises(ValueError, match="columns"):
        metrics.frechet_distance(torch.zeros(4, 2), torch.zeros(4, 3))
    with pytest.raises(ValueError, match="two rows"):
        metrics.frechet_distance(torch.zeros(1, 2), torch.zeros(4, 2))
    with pytest.raises(ValueError, match="2-D"):
        metrics.frechet_distance(torch.zeros(4), torch.zeros(4, 2))
def test_per_image_mse_averages_every_axis_but_the_first():
    x = torch.zeros(3, 2, 4, 4)
    x_hat = x.clone()
    x_hat[1, 0, 0, 0] = 2.0  # one pixel off by 2 out of 32 values
    assert metrics.per_image_mse(x, x_hat).tolist() == [0.0, 4.0 / 32, 0.0]
    rows = np.arange(6.0).reshape(2, 3)
    assert metrics.per_image_mse(rows, rows + 1).tolist() == [1.0, 1.0]
