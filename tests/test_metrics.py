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


def test_psnr_perfect_is_infinite_and_data_range_checked():
    x = torch.rand(1, 1, 3, 3)
    assert math.isinf(float(metrics.psnr(x, x)[0]))
    with pytest.raises(ValueError, match="data_range"):
        metrics.psnr(x, x, data_range=0)


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


def test_per_image_mse_averages_every_axis_but_the_first():
    x = torch.zeros(3, 2, 4, 4)
    x_hat = x.clone()
    x_hat[1, 0, 0, 0] = 2.0  # one pixel off by 2 out of 32 values
    assert metrics.per_image_mse(x, x_hat).tolist() == [0.0, 4.0 / 32, 0.0]
    rows = np.arange(6.0).reshape(2, 3)
    assert metrics.per_image_mse(rows, rows + 1).tolist() == [1.0, 1.0]
