"""Figures: right layout, no pyplot state, clear errors."""

from __future__ import annotations

import pytest
import torch

from aeutils import viz
from aeutils.models import PCA

IMAGES = torch.rand(12, 1, 28, 28, generator=torch.Generator().manual_seed(0))
LABELS = torch.arange(12) % 3


def _image_axes(fig):
    return [ax for ax in fig.axes if ax.get_visible() and ax.images]


def test_plot_image_grid_layout_and_titles():
    fig = viz.plot_image_grid(IMAGES[:10], ncols=4, titles=[str(i) for i in range(10)])
    assert len(_image_axes(fig)) == 10
    assert [ax.get_title() for ax in _image_axes(fig)][:3] == ["0", "1", "2"]
    with pytest.raises(ValueError, match="titles has 2 entries for 10 images"):
        viz.plot_image_grid(IMAGES[:10], titles=["a", "b"])


def test_plot_reconstructions_accepts_callables_and_tensors():
    pca = PCA(n_components=3).fit(IMAGES)
    fig = viz.plot_reconstructions(IMAGES, {"PCA": pca.reconstruct, "same": IMAGES})
    assert len(_image_axes(fig)) == 24
    labels = [ax.get_ylabel() for ax in fig.axes if ax.get_ylabel()]
    assert labels[0] == "original"
    assert labels[1].startswith("PCA\nMSE ") and labels[2] == "same\nMSE 0.0000"


def test_plot_reconstructions_errors():
    with pytest.raises(ValueError, match="reconstructions is empty"):
        viz.plot_reconstructions(IMAGES, {})
    with pytest.raises(ValueError, match=r"reconstructions\['flat'\] must have shape"):
        viz.plot_reconstructions(IMAGES, {"flat": lambda x: x.flatten(1)})


def test_plot_components_symmetric_colour_scale():
    components = torch.randn(5, 784)
    fig = viz.plot_components(components, ncols=3)
    for ax, row in zip(_image_axes(fig), components):
        low, high = ax.images[0].get_clim()
        assert low == pytest.approx(-high) and high == pytest.approx(float(row.abs().max()))
    with pytest.raises(ValueError, match="99 values per row, which is not a square"):
        viz.plot_components(torch.randn(5, 99))



def test_image_rows_need_as_many_images_in_each_row():
    with pytest.raises(ValueError, match="same number of images"):
        viz.plot_image_rows({"a": IMAGES[:3], "b": IMAGES[:2]})
    with pytest.raises(ValueError, match="column_titles has 1 entries for 3 columns"):
        viz.plot_image_rows({"a": IMAGES[:3]}, column_titles=["x"])


def test_image_rows_refuse_a_zero_cell():
    with pytest.raises(ValueError, match="cell_size"):
        viz.plot_image_rows({"a": IMAGES[:3]}, cell_size=0)
