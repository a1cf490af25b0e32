"""aeutils.viz.latent: latent scatter and traversal figures."""

from __future__ import annotations

import pytest
import torch

from aeutils import viz
from aeutils.models import PCA


IMAGES = torch.rand(12, 1, 28, 28, generator=torch.Generator().manual_seed(0))


LABELS = torch.arange(12) % 3


def _image_axes(fig):
    return [ax for ax in fig.axes if ax.get_visible() and ax.images]


def test_plot_latent_scatter_one_series_per_class():
    pca = PCA(n_components=2).fit(IMAGES)
    fig = viz.plot_latent_scatter(pca.encode, IMAGES, LABELS, ["a", "b", "c"])
    assert [t.get_text() for t in fig.axes[0].get_legend().get_texts()] == ["a", "b", "c"]
    with pytest.raises(ValueError, match=r"codes of shape \(N, k\) with k >= 2"):
        viz.plot_latent_scatter(lambda x: x.flatten(1)[:, :1], IMAGES, LABELS, ["a", "b", "c"])
    with pytest.raises(ValueError, match="labels must have shape"):
        viz.plot_latent_scatter(pca.encode, IMAGES, LABELS[:3], ["a", "b", "c"])


def test_plot_latent_traversal_moves_one_dimension_per_row():
    decoded = []

    def decode(codes):
        decoded.append(codes.clone())
        return torch.sigmoid(codes[:, :1]).view(-1, 1, 1, 1).expand(-1, 1, 28, 28)

    fig = viz.plot_latent_traversal(decode, torch.zeros(3), dims=[0, 2], offsets=[-1, 0, 1])
    assert len(_image_axes(fig)) == 6
    codes = decoded[0]
    assert codes[:3, 0].tolist() == [-1, 0, 1] and codes[3:, 2].tolist() == [-1, 0, 1]
    with pytest.raises(ValueError, match=r"dims\[0\] must be in 0..2"):
        viz.plot_latent_traversal(decode, torch.zeros(3), dims=[3], offsets=[1])


def test_plot_embeddings_draws_one_panel_per_embedding():
    points = torch.randn(12, 2)
    names = ["x", "y", "z"]
    fig = viz.plot_embeddings({"a": points, "b": points * 2}, LABELS, names)
    assert [ax.get_title() for ax in fig.axes] == ["a", "b"]
    with pytest.raises(ValueError, match="same number of points"):
        viz.plot_embeddings({"a": points, "b": points[:5]}, LABELS, names)


def test_plot_embeddings_rejects_points_that_are_not_2d():
    with pytest.raises(ValueError, match="2 columns"):
        viz.plot_embeddings({"a": torch.randn(12, 3)}, LABELS, ["x", "y", "z"])
    with pytest.raises(ValueError, match="empty"):
        viz.plot_embeddings({}, LABELS, ["x", "y", "z"])


# ---------------------------------------------------------------- issue 19
def test_latent_scatter_refuses_nan_codes_instead_of_dropping_them():
    def encode(batch):
        codes = batch.flatten(1)[:, :2].clone()
        codes[::3] = float("nan")
        return codes

    with pytest.raises(ValueError, match="NaN"):
        viz.plot_latent_scatter(encode, IMAGES, LABELS, ["a", "b", "c"])


DECODE_2D = torch.nn.Sequential(
    torch.nn.Linear(2, 784), torch.nn.Unflatten(1, (1, 28, 28))
)


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"dims": [0.5]}, TypeError, r"dims\[0\]"),
        ({"dims": [True]}, TypeError, r"dims\[0\]"),
        ({"dims": [2]}, ValueError, r"dims\[0\]"),
        ({"dims": 0}, TypeError, "dims"),
        ({"offsets": [float("nan")]}, ValueError, "offsets"),
        ({"offsets": []}, TypeError, "offsets"),
    ],
)
def test_latent_traversal_checks_dims_and_offsets(kwargs, error, match):
    arguments = {"dims": [0, 1], "offsets": [-1.0, 1.0], **kwargs}
    with pytest.raises(error, match=match):
        viz.plot_latent_traversal(DECODE_2D, torch.zeros(2), **arguments)


def test_latent_grid_refuses_a_zero_size():
    with pytest.raises(ValueError, match="size"):
        viz.plot_latent_grid(
            DECODE_2D, x_range=(-1, 1), y_range=(-1, 1), steps=2, size=0
        )
