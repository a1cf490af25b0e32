"""The PCA baseline against NumPy's SVD, the library's autoencoders, and
the top-k sparse autoencoder chapter 11 defines."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from aeutils import models
from aeutils.models import PCA, count_parameters
from tests.book.chapter_code import chapter_definition

TopKSparseAutoencoder = chapter_definition(
    "11_sparse_autoencoders_interpretability.ipynb", "TopKSparseAutoencoder"
)
ConvAutoencoder = chapter_definition(
    "04_convolutional_autoencoder.ipynb", "ConvAutoencoder"
)
SpatialVAE = chapter_definition("13_latent_diffusion.ipynb", "SpatialVAE")


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


def test_feature_autoencoder_keeps_the_example_shape_and_a_linear_output():
    model = models.FeatureAutoencoder((4, 16), latent_dim=3, hidden_dims=(32, 8))
    x = torch.randn(5, 4, 16)
    assert model.encode(x).shape == (5, 3)
    assert model(x).shape == x.shape
    linear = [m for m in model.decoder if isinstance(m, torch.nn.Linear)]
    assert [m.out_features for m in linear] == [8, 32, 64]
    assert isinstance(model.decoder[-2], torch.nn.Linear)  # no sigmoid
    assert isinstance(model.encoder[-1], torch.nn.Linear)  # a linear code


def test_feature_autoencoder_rejects_empty_sizes():
    with pytest.raises(ValueError, match="must be positive"):
        models.FeatureAutoencoder((30,), latent_dim=0)
# --- TopKSparseAutoencoder (chapter 11) --------------------------------------


def _sparse_mixture(n=512, d=6, n_features=24, seed=0):
    """Activations that are sums of 2 of 24 fixed directions: a dictionary."""
    generator = torch.Generator().manual_seed(seed)
    features = torch.nn.functional.normalize(torch.randn(n_features, d, generator=generator), dim=1)
    which = torch.stack([torch.randperm(n_features, generator=generator)[:2] for _ in range(n)])
    weights = torch.rand(n, 2, generator=generator) + 0.5
    return (features[which] * weights.unsqueeze(-1)).sum(dim=1) + 0.3


def test_topk_code_has_exactly_k_nonnegative_entries():
    torch.manual_seed(0)
    sae = TopKSparseAutoencoder(6, 48, 3)
    with torch.no_grad():
        sae.encoder.bias.fill_(5.0)  # every pre-activation positive
        codes = sae.encode(torch.randn(20, 6))
    assert codes.shape == (20, 48)
    assert ((codes > 0).sum(dim=1) == 3).all()
    assert (codes >= 0).all()


def test_topk_keeps_the_largest_preactivations():
    torch.manual_seed(1)
    sae = TopKSparseAutoencoder(6, 16, 4)
    h = torch.randn(5, 6)
    with torch.no_grad():
        pre = sae.encoder(h - sae.pre_bias)
        codes = sae.encode(h)
    expected = pre.topk(4, dim=1).indices.sort(dim=1).values
    kept = (codes > 0).int().topk(4, dim=1).indices.sort(dim=1).values
    positive_top = (pre.topk(4, dim=1).values > 0).all(dim=1)
    assert torch.equal(kept[positive_top], expected[positive_top])


def test_negative_top_values_are_cut_by_the_relu():
    sae = TopKSparseAutoencoder(3, 8, 2)
    with torch.no_grad():
        sae.encoder.bias.fill_(-100.0)
        assert (sae.encode(torch.randn(4, 3)) == 0).all()


def test_decoder_directions_have_unit_norm_and_encoder_starts_as_transpose():
    torch.manual_seed(2)
    sae = TopKSparseAutoencoder(5, 40, 4)
    norms = sae.directions().norm(dim=0)
    torch.testing.assert_close(norms, torch.ones(40))
    torch.testing.assert_close(sae.encoder.weight.detach(), sae.directions().detach().T)
    with torch.no_grad():
        sae.decoder_weight.mul_(torch.linspace(0.1, 7.0, 40))
    torch.testing.assert_close(sae.directions().norm(dim=0), torch.ones(40))


def test_decode_is_a_sum_of_directions_plus_the_pre_bias():
    torch.manual_seed(3)
    sae = TopKSparseAutoencoder(4, 10, 2)
    with torch.no_grad():
        sae.pre_bias.copy_(torch.tensor([1.0, -2.0, 0.5, 0.0]))
        codes = torch.zeros(1, 10)
        codes[0, 3], codes[0, 7] = 2.0, 0.5
        expected = sae.pre_bias + 2.0 * sae.directions()[:, 3] + 0.5 * sae.directions()[:, 7]
        torch.testing.assert_close(sae.decode(codes)[0], expected)


def test_training_learns_a_sparse_dictionary():
    from aeutils import metrics
    from aeutils.train import fit

    h = _sparse_mixture()
    torch.manual_seed(0)
    sae = TopKSparseAutoencoder(6, 48, 2)
    untrained = metrics.fraction_of_variance_unexplained(h, sae(h).detach())
    fit(sae, h, epochs=40, batch_size=64, lr=3e-3, progress=False)
    with torch.no_grad():
        trained = metrics.fraction_of_variance_unexplained(h, sae(h))
        codes = sae.encode(h)
    assert trained < 0.25 < untrained, (trained, untrained)
    assert metrics.mean_l0(codes) <= 2.0
    torch.testing.assert_close(sae.directions().norm(dim=0), torch.ones(48))


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((16, 128, 0), "k must be at least 1"),
        ((16, 128, -3), "k must be at least 1"),
        ((16, 128, 2.5), "k must be an int"),
        ((16, 128, True), "k must be an int"),
        ((16, 128, 129), "larger than the dictionary"),
        ((0, 128, 4), "input_dim must be at least 1"),
        ((16, "128", 4), "n_latents must be an int"),
    ],
)
def test_topk_bad_sizes_are_explained(args, message):
    with pytest.raises((ValueError, TypeError), match=message):
        TopKSparseAutoencoder(*args)


def test_topk_rejects_nan_activations():
    sae = TopKSparseAutoencoder(3, 12, 2)
    h = torch.randn(4, 3)
    h[1, 2] = float("nan")
    with pytest.raises(ValueError, match="NaN or infinite"):
        sae.encode(h)
    h[1, 2] = float("inf")
    with pytest.raises(ValueError, match="NaN or infinite"):
        sae(h)


@pytest.mark.parametrize(
    ("build", "kwargs", "pattern"),
    [
        ("MLPClassifier", {"hidden_dim": "8"}, "hidden_dim must be an int"),
    ],
)
def test_generative_models_name_their_bad_arguments(build, kwargs, pattern):
    """Issue 19: bad sizes gave raw errors (VariationalAutoencoder and SpatialVAE
    keep the source chapters 12 and 13 show)."""
    from aeutils import models

    with pytest.raises((TypeError, ValueError), match=pattern):
        getattr(models, build)(**kwargs)


@pytest.mark.parametrize(
    "build",
    [
        lambda: models.MLPAutoencoder(latent_dim="8"),
        lambda: models.MLPAutoencoder(hidden_dims=(2.5,)),
        lambda: ConvAutoencoder(latent_dim=2.5),
        lambda: models.VariationalAutoencoder(latent_dim="8"),
        lambda: models.VariationalAutoencoder(hidden_dim=0),
        lambda: SpatialVAE(latent_channels="4"),
        lambda: models.FeatureAutoencoder((3,), latent_dim="2"),
    ],
)
def test_sizes_that_are_not_positive_integers_get_a_clear_error(build):
    with pytest.raises(ValueError, match="positive integer|integer latent_dim"):
        build()
