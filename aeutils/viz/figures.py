"""The figure class and set-up the figure modules share (colours ``"C0"``
to ``"C9"``: matplotlib's tab10, one per class or series)."""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from itertools import zip_longest

import numpy as np
import torch
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from ..validation import (
    validate_instance,
    validate_positive_float,
    validate_positive_int,
)

__all__ = ["NotebookFigure", "figure_to_png"]

GREY = {"cmap": "gray", "vmin": 0.0, "vmax": 1.0}


def figure_to_png(fig: Figure, *, dpi: float | None = None) -> bytes:
    """PNG bytes of ``fig`` on opaque white, cropped to its content.

    ``dpi=None`` uses the figure's own; the white background keeps it
    readable on the book's dark theme.
    """
    validate_instance(fig, Figure, name="fig",
                      example="what the viz functions return")  # fmt: skip
    if dpi is not None:
        dpi = validate_positive_float(dpi, name="dpi")
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi or "figure",
                bbox_inches="tight", facecolor="white")  # fmt: skip
    return buffer.getvalue()


class NotebookFigure(Figure):
    """A Figure that shows itself as PNG in Jupyter, even before pyplot."""

    def _repr_png_(self) -> bytes:
        return figure_to_png(self)


def single_axes(width: float, height: float) -> tuple[Figure, Axes]:
    """A figure of ``width`` x ``height`` inches with one axes."""
    fig = NotebookFigure(figsize=(width, height))
    return fig, fig.subplots()


def finish(fig: Figure, title: str | None = None) -> Figure:
    """Add the optional ``title`` above ``fig``, then tighten its layout."""
    if title:
        fig.suptitle(title, fontsize=12)
    fig.tight_layout()
    return fig


def to_numpy_images(images: torch.Tensor) -> np.ndarray:
    """(N, C, H, W) tensor -> (N, H, W) or (N, H, W, C) array for imshow."""
    array = images.detach().cpu().float().numpy()
    return array[:, 0] if array.shape[1] == 1 else array.transpose(0, 2, 3, 1)


def check_count(
    items: Sequence | None, n: int, *, name: str, what: str = "images"
) -> None:
    """Raise unless ``items`` (captions, labels...) is None or has ``n``."""
    if items is not None and len(items) != n:
        raise ValueError(f"{name} has {len(items)} entries for {n} {what}.")


def image_axes(fig: Figure, nrows: int, ncols: int) -> np.ndarray:
    """A 2-D grid of axes without ticks or frames, for images."""
    axes = fig.subplots(nrows, ncols, squeeze=False)
    for ax in axes.flat:
        ax.set(xticks=[], yticks=[])
        ax.spines[:].set_visible(False)
    return axes


def image_grid(
    tiles: Sequence[np.ndarray],
    *,
    ncols: int,
    cell_size: float,
    titles: Sequence[str] | None = None,
    row_labels: Sequence[str] = (),
    title: str | None = None,
    label_width: float = 0.0,
    extra_height: float = 0.0,
    style: Callable[[np.ndarray], dict] | None = None,
) -> Figure:
    """Arrays for imshow, ``ncols`` a row, ``cell_size`` inches each.

    ``titles`` caption the first tiles, ``row_labels`` stand left of each
    row and ``style(tile)`` gives a tile's imshow keys (default grey in
    [0, 1]); ``label_width`` and ``extra_height`` are inches of margin.
    """
    ncols = min(validate_positive_int(ncols, name="ncols"), len(tiles))
    cell_size = validate_positive_float(cell_size, name="cell_size")
    nrows = -(-len(tiles) // ncols)
    height = nrows * cell_size + extra_height + (0.4 if title else 0)
    fig = NotebookFigure(figsize=(ncols * cell_size + label_width, height))
    axes = image_axes(fig, nrows, ncols)
    for ax, tile, caption in zip_longest(axes.flat, tiles, titles or ()):
        if tile is None:
            ax.set_visible(False)
            continue
        ax.imshow(tile, **(style(tile) if style else GREY))
        if caption is not None:
            ax.set_title(caption, fontsize=9)
    for ax, label in zip(axes[:, 0], row_labels):
        ax.set_ylabel(label, rotation=0, ha="right", va="center", fontsize=10)
    return finish(fig, title)


def image_rows(
    rows: Sequence[tuple[str, torch.Tensor]],
    *,
    cell_size: float,
    column_titles: Sequence[str] | None = None,
    label_width: float = 1.6,
    **options: object,
) -> Figure:
    """Rows of grey images (clamped to [0, 1]), a label left of each row.

    ``rows`` is a list of ``(label, images (n, C, H, W))`` with the same
    ``n``; other options as in :func:`image_grid`.
    """
    n = len(rows[0][1])
    if len({len(images) for _, images in rows}) != 1:
        raise ValueError(
            "every row must have the same number of images, got "
            f"{[len(images) for _, images in rows]}."
        )
    check_count(column_titles, n, name="column_titles", what="columns")
    tiles = [tile for _, images in rows
             for tile in to_numpy_images(images.clamp(0, 1))]  # fmt: skip
    return image_grid(tiles, ncols=n, cell_size=cell_size,
                      titles=column_titles, label_width=label_width,
                      row_labels=[label for label, _ in rows], **options)


def scatter_by_class(
    ax, points: np.ndarray, labels: np.ndarray, class_names: Sequence[str],
    *, size: float, alpha: float,
) -> None:  # fmt: skip
    """Scatter 2-D ``points`` on ``ax``, one coloured series per class."""
    for value, name in enumerate(class_names):
        mask = labels == value
        ax.scatter(points[mask, 0], points[mask, 1], s=size, alpha=alpha,
                   color=f"C{value % 10}", label=name, rasterized=True)
