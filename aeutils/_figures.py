"""Shared pieces of the course's figures: the figure class, PNG export, image axes.

:class:`NotebookFigure` and :func:`figure_to_png` (both re-exported by
:mod:`aeutils.viz`), the class colours, and small helpers used by
:mod:`aeutils.viz`, :mod:`aeutils.viz_curves`, :mod:`aeutils.latent` and
:mod:`aeutils.anomaly_plots` to turn image tensors into arrays and lay out
tick-less image axes.
"""

from __future__ import annotations

import io
from collections.abc import Callable

import numpy as np
import torch
from matplotlib.figure import Figure

from ._validation import check_positive_float

ImageFunction = Callable[[torch.Tensor], torch.Tensor]

_CLASS_COLORS = [
    "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
    "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf",
]  # fmt: skip


def figure_to_png(fig: Figure, *, dpi: float | None = None) -> bytes:
    """PNG bytes of ``fig``, cropped to its content; ``dpi=None`` uses the figure's own.

    The background is opaque white (Jupyter's inline backend would make it
    transparent), so the figure stays readable on the book's dark theme.
    """
    if dpi is not None:
        dpi = check_positive_float(dpi, name="dpi")
    buffer = io.BytesIO()
    fig.savefig(
        buffer, format="png", dpi=dpi or "figure", bbox_inches="tight", facecolor="white"
    )
    return buffer.getvalue()


class NotebookFigure(Figure):
    """A Figure that renders itself as PNG in Jupyter.

    IPython registers its PNG formatter for figures only once pyplot has been
    used; this repr makes a figure show even in a cell that runs before that.
    """

    def _repr_png_(self) -> bytes:
        return figure_to_png(self)


def _to_numpy_images(images: torch.Tensor) -> np.ndarray:
    """(N, C, H, W) tensor -> (N, H, W) or (N, H, W, C) array for imshow."""
    array = images.detach().cpu().float().numpy()
    return array[:, 0] if array.shape[1] == 1 else array.transpose(0, 2, 3, 1)


def _image_axes(fig: Figure, nrows: int, ncols: int) -> np.ndarray:
    axes = np.atleast_2d(fig.subplots(nrows, ncols, squeeze=False))
    for ax in axes.flat:
        ax.set_xticks([])
        ax.set_yticks([])
        for spine in ax.spines.values():
            spine.set_visible(False)
    return axes
