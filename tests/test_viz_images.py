"""Figures: right layout, no pyplot state, clear errors."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pytest
import torch

from aeutils import viz
from aeutils.models import PCA
from aeutils.train import History

IMAGES = torch.rand(12, 1, 28, 28, generator=torch.Generator().manual_seed(0))
LABELS = torch.arange(12) % 3


def _image_axes(fig):
    return [ax for ax in fig.axes if ax.get_visible() and ax.images]


def test_figures_do_not_touch_pyplot():
    before = plt.get_fignums()
    viz.plot_image_grid(IMAGES)
    assert plt.get_fignums() == before


def test_figures_render_as_png_in_notebooks():
    png = viz.plot_image_grid(IMAGES[:2])._repr_png_()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"


def test_plot_image_grid_layout_and_titles():
    fig = viz.plot_image_grid(IMAGES[:10], ncols=4, titles=[str(i) for i in range(10)])
    assert len(_image_axes(fig)) == 10
    assert [ax.get_title() for ax in _image_axes(fig)][:3] == ["0", "1", "2"]
    with pytest.raises(ValueError, match="titles has 2 entries for 10 images"):
        viz.plot_image_grid(IMAGES[:10], titles=["a", "b"])


def test_plot_reconstructions_accepts_callables_and_tensors():
    pca = PCA(n_components=3).fit(IMAGES)
    fig = viz.plot_reconstructions(IMAGES, {"PCA": pca.reconstruct, "same": IMAGES}, n=5)
    assert len(_image_axes(fig)) == 15
    labels = [ax.get_ylabel() for ax in fig.axes if ax.get_ylabel()]
    assert labels[0] == "original"
    assert labels[1].startswith("PCA\nMSE ") and labels[2] == "same\nMSE 0.0000"


def test_plot_reconstructions_errors():
    with pytest.raises(ValueError, match="reconstructions is empty"):
        viz.plot_reconstructions(IMAGES, {})
    with pytest.raises(ValueError, match="n must be at most 12"):
        viz.plot_reconstructions(IMAGES, {"id": IMAGES}, n=20)
    with pytest.raises(ValueError, match=r"reconstructions\['flat'\] must have shape"):
        viz.plot_reconstructions(IMAGES, {"flat": lambda x: x.flatten(1)}, n=4)


def test_plot_components_symmetric_colour_scale():
    components = torch.randn(5, 784)
    fig = viz.plot_components(components, ncols=3)
    for ax, row in zip(_image_axes(fig), components):
        low, high = ax.images[0].get_clim()
        assert low == pytest.approx(-high) and high == pytest.approx(float(row.abs().max()))
    with pytest.raises(ValueError, match="99 values per row, which is not a square"):
        viz.plot_components(torch.randn(5, 99))


def test_plot_loss_curves_draws_train_val_and_baselines():
    history = History(train_loss=[0.3, 0.2, 0.1], val_loss=[0.35, 0.25, 0.15], epoch_seconds=[1.0] * 3)
    fig = viz.plot_loss_curves({"AE": history}, baselines={"PCA": 0.12})
    labels = [line.get_label() for line in fig.axes[0].get_lines()]
    assert labels == ["AE (train)", "AE (validation)", "PCA"]
    with pytest.raises(ValueError, match="histories is empty"):
        viz.plot_loss_curves({})


def test_plot_latent_scatter_one_series_per_class():
    pca = PCA(n_components=2).fit(IMAGES)
    fig = viz.plot_latent_scatter(pca.encode, IMAGES, LABELS, ["a", "b", "c"])
    assert [t.get_text() for t in fig.axes[0].get_legend().get_texts()] == ["a", "b", "c"]
    with pytest.raises(ValueError, match=r"codes of shape \(N, k\) with k > 3"):
        viz.plot_latent_scatter(pca.encode, IMAGES, LABELS, ["a", "b", "c"], dims=(0, 3))
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
    with pytest.raises(ValueError, match=r"dims must lie in \[0, 2\]"):
        viz.plot_latent_traversal(decode, torch.zeros(3), dims=[3], offsets=[1])


def test_plot_explained_variance_marks_thresholds():
    ratio = torch.tensor([0.5, 0.3, 0.1, 0.05, 0.05])
    fig = viz.plot_explained_variance(ratio, thresholds=(0.8, 0.95))
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert texts == ["80% at k = 2", "95% at k = 4"]
    with pytest.raises(ValueError, match="sum to at most 1"):
        viz.plot_explained_variance(torch.tensor([0.9, 0.9]))


def test_plot_per_component_side_by_side_bars_and_reference():
    fig = viz.plot_per_component(
        {"a": torch.tensor([1.0, 2.0, 3.0]), "b": torch.tensor([3.0, 2.0, 1.0])},
        ylabel="degrees", reference=("5°", 5.0), ylim=(0, 6),
    )
    ax = fig.axes[0]
    heights = [patch.get_height() for patch in ax.patches]
    assert heights == [1.0, 2.0, 3.0, 3.0, 2.0, 1.0]
    assert ax.patches[0].get_x() < ax.patches[3].get_x() < ax.patches[1].get_x()
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["5°", "a", "b"]
    assert ax.get_ylim() == (0, 6)
    with pytest.raises(ValueError, match="same non-zero length"):
        viz.plot_per_component({"a": torch.ones(3), "b": torch.ones(2)}, ylabel="x")
    with pytest.raises(ValueError, match="series is empty"):
        viz.plot_per_component({}, ylabel="x")


def test_figure_to_png_respects_dpi():
    fig = viz.plot_image_grid(IMAGES[:1], cell_size=1.0)
    small, large = viz.figure_to_png(fig, dpi=50), viz.figure_to_png(fig, dpi=200)
    width = lambda png: int.from_bytes(png[16:20], "big")  # noqa: E731 (IHDR width field)
    assert small[:4] == large[:4] == b"\x89PNG"
    assert width(large) == pytest.approx(4 * width(small), abs=4)

