"""The shared figure class and the pieces every figure module uses.

:class:`NotebookFigure` (a figure that shows itself once in a notebook),
:func:`figure_to_png`, the class colours :data:`CLASS_COLORS`, and the
helpers :func:`to_numpy_images` and :func:`image_axes` that turn image
tensors into arrays and lay out tick-less image axes.
"""

from __future__ import annotations

import io
from collections.abc import Callable

import numpy as np
import torch
from matplotlib.figure import Figure

from ..validation import validate_images, validate_positive_float, validate_positive_int

__all__ = [
    "CLASS_COLORS",
    "ImageFunction",
    "NotebookFigure",
    "figure_to_png",
    "image_axes",
    "to_numpy_images",
]

#: A model, encoder or decoder: maps a batch of tensors to a batch of tensors.
ImageFunction = Callable[[torch.Tensor], torch.Tensor]

#: One colour per class label (matplotlib's tab10).
CLASS_COLORS = [
    "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
    "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf",
]  # fmt: skip


def figure_to_png(fig: Figure, *, dpi: float | None = None) -> bytes:
    """PNG bytes of ``fig``, cropped to its content; ``dpi=None`` uses the figure's own.

    The background is opaque white (Jupyter's inline backend would make it
    transparent), so the figure stays readable on the book's dark theme.
    """
    if not isinstance(fig, Figure):
        raise TypeError(
            f"fig must be a matplotlib Figure (what the viz functions "
            f"return), got {type(fig).__name__}."
        )
    if dpi is not None:
        dpi = validate_positive_float(dpi, name="dpi")
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


def to_numpy_images(images: torch.Tensor) -> np.ndarray:
    """(N, C, H, W) tensor -> (N, H, W) or (N, H, W, C) array for imshow."""
    images = validate_images(images, name="images", value_range=None)
    array = images.detach().cpu().float().numpy()
    return array[:, 0] if array.shape[1] == 1 else array.transpose(0, 2, 3, 1)


def image_axes(fig: Figure, nrows: int, ncols: int) -> np.ndarray:
    """A grid of axes without ticks or frames, for images."""
    nrows = validate_positive_int(nrows, name="nrows")
    ncols = validate_positive_int(ncols, name="ncols")
    axes = np.atleast_2d(fig.subplots(nrows, ncols, squeeze=False))
    for ax in axes.flat:
        ax.set_xticks([])
        ax.set_yticks([])
        for spine in ax.spines.values():
            spine.set_visible(False)
    return axes
