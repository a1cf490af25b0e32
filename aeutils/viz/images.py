"""Image figures: grids, reconstructions, components, labelled rows.

Every figure function of :mod:`aeutils.viz` returns a
:class:`matplotlib.figure.Figure` built without ``pyplot``, so a notebook
cell shows it exactly once (when it is the cell's last expression) and no
figure is left open.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import numpy as np
import torch
from matplotlib.figure import Figure

from .figures import ImageFunction, NotebookFigure, image_axes, to_numpy_images
from ..validation import (
    validate_images,
    validate_mapping,
    validate_matrix,
    validate_positive_float,
    validate_positive_int,
)
from ..metrics import per_image_mse
from ..train import predict

__all__ = [
    "plot_components",
    "plot_image_grid",
    "plot_image_rows",
    "plot_reconstructions",
]


def _tile(
    tiles: np.ndarray,
    style: Callable[[np.ndarray], dict],
    *,
    ncols: int,
    titles: Sequence[str] | None,
    title: str | None,
    cell_size: float,
) -> Figure:
    """Lay out 2-D arrays in a grid; ``style(tile)`` gives each one's imshow options."""
    ncols = validate_positive_int(ncols, name="ncols")
    cell_size = validate_positive_float(cell_size, name="cell_size")
    if titles is not None and len(titles) != len(tiles):
        raise ValueError(f"titles has {len(titles)} entries for {len(tiles)} images.")
    ncols = min(ncols, len(tiles))
    nrows = -(-len(tiles) // ncols)
    fig = NotebookFigure(figsize=(ncols * cell_size, nrows * cell_size + (0.4 if title else 0)))
    axes = image_axes(fig, nrows, ncols)
    for i, (ax, tile) in enumerate(zip(axes.flat, tiles)):
        ax.imshow(tile, **style(tile))
        if titles is not None:
            ax.set_title(titles[i], fontsize=9)
    for ax in list(axes.flat)[len(tiles) :]:
        ax.set_visible(False)
    if title:
        fig.suptitle(title, fontsize=12)
    fig.tight_layout()
    return fig


def plot_image_grid(
    images: object,
    *,
    ncols: int = 8,
    titles: Sequence[str] | None = None,
    title: str | None = None,
    cell_size: float = 1.2,
) -> Figure:
    """Show images in a grid.

    Parameters
    ----------
    images
        Shape ``(N, C, H, W)``, values in ``[0, 1]``.
    ncols
        Images per row.
    titles
        Optional caption for each image.
    title
        Optional title of the whole figure.
    cell_size
        Size of one image in inches.
    """
    x = validate_images(images, name="images", channels=(1, 3))
    return _tile(
        to_numpy_images(x),
        lambda image: {"cmap": "gray", "vmin": 0.0, "vmax": 1.0},
        ncols=ncols, titles=titles, title=title, cell_size=cell_size,
    )  # fmt: skip


def plot_reconstructions(
    images: object,
    reconstructions: Mapping[str, ImageFunction | torch.Tensor],
    *,
    n: int = 8,
    show_mse: bool = True,
    cell_size: float = 1.1,
) -> Figure:
    """Originals in the top row, then one row per model's reconstructions.

    Parameters
    ----------
    images
        Images to reconstruct, shape ``(N, C, H, W)``; the first ``n`` are shown.
    reconstructions
        ``{row label: model}``, where a model is any callable mapping images to
        images (an ``nn.Module``, ``pca.reconstruct``, ...) or an already
        computed tensor of reconstructions of the same images.
    n
        Number of images (columns).
    show_mse
        Add each row's mean squared error over the shown images to its label.
    """
    x = validate_images(images, name="images", channels=(1, 3))
    n = validate_positive_int(n, name="n", maximum=len(x))
    cell_size = validate_positive_float(cell_size, name="cell_size")
    reconstructions = validate_mapping(
        reconstructions, name="reconstructions", example="{label: model or tensor}"
    )
    x = x[:n]
    rows = {"original": x}
    for label, model in reconstructions.items():
        x_hat = model[:n] if isinstance(model, torch.Tensor) else predict(model, x)
        x_hat = validate_images(x_hat, name=f"reconstructions[{label!r}]", value_range=None)
        if x_hat.shape != x.shape:
            raise ValueError(
                f"reconstructions[{label!r}] has shape {tuple(x_hat.shape)}, expected "
                f"{tuple(x.shape)}."
            )
        rows[label] = x_hat
    fig = NotebookFigure(figsize=(n * cell_size + 1.6, len(rows) * cell_size))
    axes = image_axes(fig, len(rows), n)
    for r, (label, batch) in enumerate(rows.items()):
        shown = to_numpy_images(batch.clamp(0, 1))
        for c in range(n):
            axes[r, c].imshow(shown[c], cmap="gray", vmin=0.0, vmax=1.0)
        text = label
        if show_mse and r > 0:
            text += f"\nMSE {float(per_image_mse(x, batch.clamp(0, 1)).mean()):.4f}"
        axes[r, 0].set_ylabel(text, rotation=0, ha="right", va="center", fontsize=10)
    fig.tight_layout()
    return fig


def plot_components(
    components: object,
    *,
    image_shape: Sequence[int] | None = None,
    titles: Sequence[str] | None = None,
    ncols: int = 8,
    title: str | None = None,
    cell_size: float = 1.2,
) -> Figure:
    """Show weight vectors (eigen-images, decoder columns, features) as images.

    Each image has its own symmetric colour scale: red is positive, blue
    negative, white zero, so the sign pattern is what you read.

    Parameters
    ----------
    components
        Matrix of shape ``(k, H * W)``, one vector per row.
    image_shape
        ``(H, W)`` or ``(1, H, W)`` (e.g. ``pca.image_shape_``) to reshape each
        row to; ``None`` assumes square images (``H = W = sqrt(D)``).
    """
    matrix = validate_matrix(components, name="components")
    shape = _component_shape(image_shape, n_values=matrix.shape[1])
    tiles = matrix.detach().cpu().float().numpy().reshape(-1, *shape)

    def symmetric(tile: np.ndarray) -> dict:
        limit = float(np.abs(tile).max()) or 1.0
        return {"cmap": "RdBu_r", "vmin": -limit, "vmax": limit}

    return _tile(tiles, symmetric, ncols=ncols, titles=titles, title=title, cell_size=cell_size)


def _component_shape(image_shape: Sequence[int] | None, *, n_values: int) -> tuple[int, int]:
    if image_shape is None:
        side = int(round(n_values**0.5))
        if side * side != n_values:
            raise ValueError(
                f"components have {n_values} values per row, which is not a square image; "
                "pass image_shape=(H, W), e.g. pca.image_shape_."
            )
        return side, side
    shape = tuple(int(v) for v in image_shape)
    if len(shape) == 3 and shape[0] == 1:
        shape = shape[1:]
    if len(shape) != 2 or min(shape) < 1:
        raise ValueError(
            f"image_shape must be (H, W) or (1, H, W) (signed components are drawn one "
            f"channel at a time), got {tuple(image_shape)}."
        )
    if shape[0] * shape[1] != n_values:
        raise ValueError(
            f"components have {n_values} values per row but image_shape {tuple(image_shape)} "
            f"holds {shape[0] * shape[1]}; pass the shape of the images they came from "
            "(e.g. pca.image_shape_)."
        )
    return shape


def plot_image_rows(
    rows: Mapping[str, object],
    *,
    column_titles: Sequence[str] | None = None,
    cell_size: float = 1.0,
    title: str | None = None,
) -> Figure:
    """Several labelled rows of images with the same number of columns.

    Use it for interpolations (decoded path above a pixel blend), corruption
    and denoising rows, or prior samples from several models.

    Parameters
    ----------
    rows
        ``{row label: images (N, C, H, W)}``; every row has the same ``N``.
        Values are clamped to [0, 1] for display.
    column_titles
        Optional caption above each column.
    """
    rows = validate_mapping(rows, name="rows", example="{label: images}")
    cell_size = validate_positive_float(cell_size, name="cell_size")
    checked = {
        label: validate_images(images, name=f"rows[{label!r}]", value_range=None)
        for label, images in rows.items()
    }
    lengths = {len(images) for images in checked.values()}
    if len(lengths) != 1:
        raise ValueError(f"every row must have the same number of images, got {lengths}.")
    n = lengths.pop()
    if column_titles is not None and len(column_titles) != n:
        raise ValueError(f"column_titles has {len(column_titles)} entries for {n} columns.")
    fig = NotebookFigure(
        figsize=(n * cell_size + 1.6, len(checked) * cell_size + (0.4 if title else 0))
    )
    axes = image_axes(fig, len(checked), n)
    for r, (label, images) in enumerate(checked.items()):
        shown = to_numpy_images(images.clamp(0, 1))
        for c in range(n):
            axes[r, c].imshow(shown[c], cmap="gray", vmin=0.0, vmax=1.0)
            if r == 0 and column_titles is not None:
                axes[r, c].set_title(column_titles[c], fontsize=9)
        axes[r, 0].set_ylabel(label, rotation=0, ha="right", va="center", fontsize=10)
    if title:
        fig.suptitle(title, fontsize=12)
    fig.tight_layout()
    return fig
