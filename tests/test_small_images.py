"""The main path on data the chapters never use: scikit-learn's 8x8 digits.

float64 NumPy images of shape (N, 1, 8, 8), as a new user would load them,
go through PCA, training, evaluation, prediction, the metrics, every plot, a
latent grid, the probes and a widget; RGB 32x32 images through the parts that
handle colour.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from sklearn.datasets import load_digits

from aeutils import latent, metrics, probes, viz
from aeutils.data import ImageDataset, train_val_split
from aeutils.models import PCA, MLPAutoencoder, count_parameters
from tests.book.chapter_code import chapter_definition
from aeutils.train import evaluate, fit, predict, seed_everything


@pytest.fixture(scope="module")
def digits():
    bunch = load_digits()
    images = (bunch.data / 16.0).reshape(-1, 1, 8, 8)  # float64 NumPy, as users have it
    return images[:600], bunch.target[:600]


def test_digits_main_path(digits):
    images, labels = digits
    assert images.dtype == np.float64
    dataset = ImageDataset(images, labels, tuple(str(d) for d in range(10)))
    train, val = train_val_split(dataset, val_size=0.2)

    pca = PCA(n_components=8).fit(images)
    assert 0.5 < float(pca.explained_variance_ratio_.sum()) < 1.0
    pca_mse = float(metrics.per_image_mse(images, pca.reconstruct(images)).mean())

    seed_everything(0)
    model = MLPAutoencoder(latent_dim=8, hidden_dims=(32,), image_shape=(1, 8, 8))
    history = fit(model, train.images, val_images=val.images, epochs=30, batch_size=32,
                  lr=3e-3, progress=False)  # fmt: skip
    assert history.val_loss[-1] < 0.5 * history.val_loss[0]
    assert evaluate(model, val.images)["loss"] == pytest.approx(history.val_loss[-1], rel=1e-5)
    reconstructions = predict(model, images)
    assert reconstructions.shape == (600, 1, 8, 8) and reconstructions.dtype == torch.float32
    mse = float(metrics.per_image_mse(images, reconstructions).mean())
    assert mse < 3 * pca_mse  # trained, in the same league as PCA
    assert math.isfinite(float(metrics.psnr(images, reconstructions).mean()))
    assert 0 < metrics.explained_variance(images, reconstructions) < 1
    assert metrics.principal_angles(pca.components_.T, pca.components_.T).max() < 1e-2

    codes = predict(model.encoder, images)
    assert codes.shape == (600, 8)
    accuracy = probes.linear_probe(codes[:400], labels[:400], codes[400:], labels[400:]).accuracy
    assert accuracy > 0.6
    assert probes.knn_probe(codes[:400], labels[:400], codes[400:], labels[400:]).accuracy > 0.6

    figures = [
        viz.plot_image_grid(images[:16]),
        viz.plot_reconstructions(images, {"PCA": pca.reconstruct, "MLP": model}),
        viz.plot_components(pca.components_),
        viz.plot_loss_curves({"MLP": history}, baselines={"PCA": pca_mse}),
        viz.plot_latent_scatter(model.encoder, images, labels, dataset.class_names),
        viz.plot_latent_traversal(model.decoder, torch.zeros(8), dims=[0, 1], offsets=[-1, 0, 1]),
        viz.plot_explained_variance(PCA(n_components=64).fit(images).explained_variance_ratio_),
        viz.plot_per_component({"PCA": pca.explained_variance_ratio_}, ylabel="ratio"),
        viz.plot_image_rows({"originals": images[:5], "MLP": reconstructions[:5]}),
    ]
    assert all(fig.axes for fig in figures)

    two_d = PCA(n_components=2).fit(images)
    grid = latent.decode_grid(two_d.decode, x_range=(-2, 2), y_range=(-2, 2), steps=3)
    assert grid.shape == (9, 1, 8, 8)
    assert viz.plot_latent_grid(two_d.decode, x_range=(-2, 2), y_range=(-2, 2), steps=3).axes

    widget = viz.interactive_figure(
        lambda k: viz.plot_reconstructions(images, {f"PCA k={k}": PCA(k).fit(images).reconstruct}),
        name="k", values=[1, 4],
    )  # fmt: skip
    assert len(widget.frames) == 2


def test_rgb_32x32_images():
    generator = torch.Generator().manual_seed(0)
    images = torch.rand(64, 3, 32, 32, generator=generator, dtype=torch.float64)
    seed_everything(0)
    ConvAutoencoder = chapter_definition(
        "04_convolutional_autoencoder.ipynb", "ConvAutoencoder"
    )
    model = ConvAutoencoder(latent_dim=8, channels=(4, 8), image_shape=(3, 32, 32))
    history = fit(model, images, epochs=1, batch_size=32, progress=False)
    assert math.isfinite(history.train_loss[0]) and count_parameters(model) > 0
    reconstructions = predict(model, images)
    assert reconstructions.shape == images.shape
    assert viz.plot_image_grid(images[:4]).axes
    assert viz.plot_reconstructions(images, {"conv": model}).axes
    # PCA's covariance is D x D: 16x16 RGB (D = 768) keeps the test quick.
    small = images[:, :, ::2, ::2]
    assert PCA(n_components=4).fit(small).reconstruct(small).shape == small.shape
