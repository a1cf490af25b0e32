"""Image figures: grids, reconstructions, components, labelled rows."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import numpy as np
import torch
from matplotlib.figure import Figure

from ..metrics import per_image_mse
from ..train import predict
from ..validation import (
    validate_images,
    validate_mapping,
    validate_matrix,
    validate_positive_float,
    validate_positive_int,
)
from .figures import (
    ImageFunction,
    NotebookFigure,
    image_axes,
    image_rows,
    to_numpy_images,
)

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
    """2-D arrays in a grid; ``style(tile)`` gives each one's imshow keys."""
    ncols = validate_positive_int(ncols, name="ncols")
    cell_size = validate_positive_float(cell_size, name="cell_size")
    if titles is not None and len(titles) != len(tiles):
        raise ValueError(
            f"titles has {len(titles)} entries for {len(tiles)} images."
        )
    ncols = min(ncols, len(tiles))
    nrows = -(-len(tiles) // ncols)
    fig = NotebookFigure(figsize=(ncols * cell_size, nrows * cell_size
                                  + (0.4 if title else 0)))  # fmt: skip
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
    """Images ``(N, C, H, W)`` in ``[0, 1]`` in a grid of ``ncols`` columns.

    ``titles`` captions each image, ``title`` the figure; ``cell_size`` is
    one image's size in inches.
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
    """The first ``n`` images on top, then one row per model's rebuilds.

    ``reconstructions`` is ``{row label: model}``, a model being a callable
    mapping images to images or a tensor of the images' reconstructions;
    ``show_mse`` adds each row's MSE over the shown images to its label.
    """
    x = validate_images(images, name="images", channels=(1, 3))
    n = validate_positive_int(n, name="n", maximum=len(x))
    reconstructions = validate_mapping(
        reconstructions, name="reconstructions",
        example="{label: model or tensor}",
    )  # fmt: skip
    x = x[:n]
    rows = [("original", x)]
    for label, model in reconstructions.items():
        name = f"reconstructions[{label!r}]"
        x_hat = model[:n] if isinstance(model, torch.Tensor) else predict(
            model, x
        )
        x_hat = validate_images(x_hat, name=name, value_range=None)
        if x_hat.shape != x.shape:
            raise ValueError(
                f"{name} has shape {tuple(x_hat.shape)}, expected "
                f"{tuple(x.shape)}."
            )
        if show_mse:
            mse = float(per_image_mse(x, x_hat.clamp(0, 1)).mean())
            label = f"{label}\nMSE {mse:.4f}"
        rows.append((label, x_hat))
    return image_rows(rows, cell_size=cell_size)


def plot_components(
    components: object,
    *,
    image_shape: Sequence[int] | None = None,
    titles: Sequence[str] | None = None,
    ncols: int = 8,
    title: str | None = None,
    cell_size: float = 1.2,
) -> Figure:
    """Weight vectors ``(k, H * W)`` (eigen-images, decoder columns) as images.

    Each has its own symmetric scale: red positive, blue negative, white 0.
    ``image_shape`` is ``(H, W)`` or ``(1, H, W)`` (e.g.
    ``pca.image_shape_``); ``None`` assumes square images. Other arguments
    as in :func:`plot_image_grid`.
    """
    matrix = validate_matrix(components, name="components")
    shape = _component_shape(image_shape, n_values=matrix.shape[1])
    tiles = matrix.detach().cpu().float().numpy().reshape(-1, *shape)

    def symmetric(tile: np.ndarray) -> dict:
        limit = float(np.abs(tile).max()) or 1.0
        return {"cmap": "RdBu_r", "vmin": -limit, "vmax": limit}

    return _tile(tiles, symmetric, ncols=ncols, titles=titles, title=title,
                 cell_size=cell_size)  # fmt: skip


def _component_shape(
    image_shape: Sequence[int] | None, *, n_values: int
) -> tuple[int, int]:
    hint = "pass image_shape=(H, W), e.g. pca.image_shape_."
    if image_shape is None:
        side = round(n_values**0.5)
        if side * side != n_values:
            raise ValueError(
                f"components have {n_values} values per row, which is not a "
                f"square image; {hint}"
            )
        return side, side
    shape = tuple(int(v) for v in image_shape)
    if len(shape) == 3 and shape[0] == 1:
        shape = shape[1:]
    if len(shape) != 2 or min(shape) < 1:
        raise ValueError(
            "image_shape must be (H, W) or (1, H, W) (signed components are "
            f"drawn one channel at a time), got {tuple(image_shape)}."
        )
    if shape[0] * shape[1] != n_values:
        raise ValueError(
            f"components have {n_values} values per row but image_shape "
            f"{tuple(image_shape)} holds {shape[0] * shape[1]}; {hint}"
        )
    return shape


def plot_image_rows(
    rows: Mapping[str, object],
    *,
    column_titles: Sequence[str] | None = None,
    cell_size: float = 1.0,
    title: str | None = None,
) -> Figure:
    """Labelled rows of images (clamped to [0, 1]), the same count in each.

    ``rows`` is ``{row label: images (N, C, H, W)}``, e.g. an interpolation
    above a pixel blend; ``column_titles`` captions each column.
    """
    rows = validate_mapping(rows, name="rows", example="{label: images}")
    checked = [
        (label, validate_images(images, name=f"rows[{label!r}]",
                                value_range=None))
        for label, images in rows.items()
    ]  # fmt: skip
    lengths = {len(images) for _, images in checked}
    if len(lengths) != 1:
        raise ValueError(
            f"every row must have the same number of images, got {lengths}."
        )
    n = lengths.pop()
    if column_titles is not None and len(column_titles) != n:
        raise ValueError(
            f"column_titles has {len(column_titles)} entries for {n} columns."
        )
    return image_rows(checked, cell_size=cell_size,
                      column_titles=column_titles, title=title)  # fmt: skip
