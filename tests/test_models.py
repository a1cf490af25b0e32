"""The PCA baseline against NumPy's SVD."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from aeutils.models import PCA, count_parameters


@pytest.fixture
def images():
    generator = torch.Generator().manual_seed(0)
    scales = torch.linspace(1.0, 0.01, 16)
    flat = 0.5 + 0.1 * torch.randn(300, 16, generator=generator) * scales
    return flat.clamp(0, 1).view(300, 1, 4, 4)


def test_pca_matches_numpy_svd(images, k=5):
    pca = PCA(n_components=k).fit(images)
    flat = images.flatten(1).double().numpy()
    centered = flat - flat.mean(axis=0)
    _, s, vt = np.linalg.svd(centered, full_matrices=False)
    np.testing.assert_allclose(pca.mean_.numpy(), flat.mean(axis=0), atol=1e-6)
    # Same directions up to sign.
    np.testing.assert_allclose(np.abs(pca.components_.numpy() @ vt[:k].T), np.eye(k), atol=1e-4)
    np.testing.assert_allclose(pca.explained_variance_.numpy(), s[:k] ** 2 / (len(flat) - 1), rtol=1e-4)
    total = (s**2).sum()
    np.testing.assert_allclose(pca.explained_variance_ratio_.numpy(), s[:k] ** 2 / total, rtol=1e-4)


def test_pca_signs_are_deterministic(images):
    pca = PCA(n_components=4).fit(images)
    peak = pca.components_.gather(1, pca.components_.abs().argmax(dim=1, keepdim=True))
    assert bool((peak > 0).all())


def test_full_rank_reconstruction_is_exact(images):
    pca = PCA(n_components=16).fit(images)
    torch.testing.assert_close(pca.reconstruct(images), images, atol=1e-5, rtol=0)


def test_reconstruction_error_is_sum_of_dropped_eigenvalues(images):
    pca = PCA(n_components=16).fit(images)
    for k in (1, 4, 9):
        error = (pca.reconstruct(images, n_components=k) - images).pow(2).flatten(1).sum(1)
        expected = pca.explained_variance_[k:].sum() * (len(images) - 1) / len(images)
        assert float(error.mean()) == pytest.approx(float(expected), rel=1e-3)


def test_encode_decode_shapes_and_truncation(images):
    pca = PCA(n_components=6).fit(images)
    codes = pca.encode(images)
    assert codes.shape == (300, 6)
    assert pca.encode(images, n_components=2).shape == (300, 2)
    torch.testing.assert_close(pca.decode(codes[:, :2]), pca.reconstruct(images, n_components=2))
    assert pca.decode(codes).shape == images.shape


def test_pca_errors(images):
    with pytest.raises(RuntimeError, match="not fitted"):
        PCA(n_components=2).encode(images)
    with pytest.raises(ValueError, match="at most 16"):
        PCA(n_components=17).fit(images)
    pca = PCA(n_components=3).fit(images)
    with pytest.raises(ValueError, match="keeps only 3 components"):
        pca.decode(torch.zeros(2, 4))
    with pytest.raises(ValueError, match="n_components must be between 1 and 3"):
        pca.encode(images, n_components=4)
    with pytest.raises(ValueError, match=r"images of shape \(1, 4, 4\)"):
        pca.encode(torch.rand(2, 1, 5, 5))


def test_count_parameters_counts_shared_once():
    linear = torch.nn.Linear(4, 3)
    assert count_parameters(linear) == 15
    assert count_parameters(torch.nn.Sequential(linear, linear)) == 15
