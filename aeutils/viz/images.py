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
    validate_same_shape,
)
from .figures import check_count, image_grid, image_rows, to_numpy_images

__all__ = [
    "plot_components",
    "plot_image_grid",
    "plot_image_rows",
    "plot_reconstructions",
]


def plot_image_grid(
    images: object,
    *,
    ncols: int = 8,
    titles: Sequence[str] | None = None,
    cell_size: float = 1.2,
) -> Figure:
    """Images ``(N, C, H, W)`` in ``[0, 1]`` in a grid of ``ncols`` columns.

    ``titles`` captions each image; ``cell_size`` is one image's size in
    inches.
    """
    x = validate_images(images, name="images", channels=(1, 3))
    check_count(titles, len(x), name="titles")
    return image_grid(to_numpy_images(x), ncols=ncols, titles=titles,
                      cell_size=cell_size)  # fmt: skip


def plot_reconstructions(
    images: object, reconstructions: Mapping[str, Callable | torch.Tensor]
) -> Figure:
    """The first 8 images on top, then one row per model's rebuilds.

    ``reconstructions`` is ``{row label: model}``, a model being a callable
    mapping images to images or a tensor of the images' reconstructions;
    each row's label gives its MSE over the shown images.
    """
    x = validate_images(images, name="images", channels=(1, 3))[:8]
    reconstructions = validate_mapping(
        reconstructions, name="reconstructions",
        example="{label: model or tensor}",
    )  # fmt: skip
    rows = [("original", x)]
    for label, model in reconstructions.items():
        name = f"reconstructions[{label!r}]"
        x_hat = model[: len(x)] if isinstance(model, torch.Tensor) else (
            predict(model, x)
        )
        x_hat = validate_images(x_hat, name=name, value_range=None)
        validate_same_shape(x, x_hat, names=("the images shown", name))
        mse = float(per_image_mse(x, x_hat.clamp(0, 1)).mean())
        rows.append((f"{label}\nMSE {mse:.4f}", x_hat))
    return image_rows(rows, cell_size=1.1)


def plot_components(
    components: object,
    *,
    titles: Sequence[str] | None = None,
    ncols: int = 8,
    title: str | None = None,
    cell_size: float = 1.2,
) -> Figure:
    """Weight vectors ``(k, H * H)`` (eigen-images, decoder columns) as images.

    Each square image has its own symmetric scale: red positive, blue
    negative, white 0. ``titles`` captions each image, ``title`` the figure;
    other arguments as in :func:`plot_image_grid`.
    """
    matrix = validate_matrix(components, name="components")
    side = round(matrix.shape[1] ** 0.5)
    if side * side != matrix.shape[1]:
        raise ValueError(
            f"components have {matrix.shape[1]} values per row, which is not "
            "a square image of one channel (H * H values)."
        )
    tiles = matrix.detach().cpu().float().numpy().reshape(-1, side, side)

    def symmetric(tile: np.ndarray) -> dict:
        limit = float(np.abs(tile).max()) or 1.0
        return {"cmap": "RdBu_r", "vmin": -limit, "vmax": limit}

    check_count(titles, len(tiles), name="titles")
    return image_grid(tiles, ncols=ncols, titles=titles, title=title,
                      cell_size=cell_size, style=symmetric)  # fmt: skip


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
    return image_rows(checked, cell_size=cell_size,
                      column_titles=column_titles, title=title)  # fmt: skip
