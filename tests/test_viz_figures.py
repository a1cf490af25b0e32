"""aeutils.viz.figures: figures without pyplot, PNG output."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pytest
import torch

from aeutils import viz


IMAGES = torch.rand(12, 1, 28, 28, generator=torch.Generator().manual_seed(0))


def test_figures_do_not_touch_pyplot():
    before = plt.get_fignums()
    viz.plot_image_grid(IMAGES)
    assert plt.get_fignums() == before


def test_figures_render_as_png_in_notebooks():
    png = viz.plot_image_grid(IMAGES[:2])._repr_png_()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"


def test_figure_to_png_respects_dpi():
    fig = viz.plot_image_grid(IMAGES[:1], cell_size=1.0)
    small, large = viz.figure_to_png(fig, dpi=50), viz.figure_to_png(fig, dpi=200)
    width = lambda png: int.from_bytes(png[16:20], "big")  # noqa: E731 (IHDR width field)
    assert small[:4] == large[:4] == b"\x89PNG"
    assert width(large) == pytest.approx(4 * width(small), abs=4)


def test_figure_to_png_refuses_what_is_not_a_figure():
    with pytest.raises(TypeError, match="fig must be a Figure"):
        viz.figure_to_png(None)
