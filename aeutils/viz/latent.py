"""Latent-space figures: codes scattered by class, decoded grids, traversals.

Each takes an encoder or decoder callable (a module, ``model.encode``,
``model.decode``, ``pca.decode``...) and follows the device rule of
:mod:`aeutils.train`: inputs are sent to the callable's module's device.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import torch
from matplotlib.figure import Figure

from ..latent import CodeFunction, decode_codes, decode_grid
from ..train import predict
from ..validation import (
    validate_images,
    validate_index,
    validate_labels,
    validate_mapping,
    validate_matrix,
    validate_positive_float,
    validate_positive_int,
    validate_real,
    validate_vector,
)
from .figures import CLASS_COLORS, ImageFunction, NotebookFigure, image_axes, to_numpy_images

__all__ = [
    "plot_embeddings",
    "plot_latent_grid",
    "plot_latent_scatter",
    "plot_latent_traversal",
]


def plot_latent_scatter(
    encode: ImageFunction,
    images: object,
    labels: torch.Tensor,
    class_names: Sequence[str],
    *,
    dims: tuple[int, int] = (0, 1),
    max_points: int = 5000,
    axis_labels: tuple[str, str] | None = None,
    title: str | None = None,
) -> Figure:
    """Scatter two code dimensions of ``encode(images)``, coloured by class.

    Parameters
    ----------
    encode
        Callable mapping images ``(N, C, H, W)`` to codes ``(N, k)``.
    images, labels
        The data to encode and its integer labels.
    class_names
        Legend entry of each label value.
    dims
        Which two code dimensions to plot.
    max_points
        Plot at most this many (the first ones) to keep the figure legible.
    axis_labels
        Names of the two axes; default ``"z[i]"``.
    """
    x = validate_images(images, name="images")
    labels = validate_labels(labels, n=len(x), n_classes=len(class_names))
    max_points = validate_positive_int(max_points, name="max_points")
    x, labels = x[:max_points], labels[:max_points]
    codes = predict(encode, x)
    if codes.ndim != 2 or max(dims) >= codes.shape[1]:
        raise ValueError(
            f"encode must return codes of shape (N, k) with k > {max(dims)}, got {tuple(codes.shape)}."
        )
    codes = codes.float().numpy()
    fig = NotebookFigure(figsize=(8.0, 6.0))
    ax = fig.subplots()
    for value, name in enumerate(class_names):
        mask = (labels == value).numpy()
        ax.scatter(
            codes[mask, dims[0]], codes[mask, dims[1]], s=6, alpha=0.6,
            color=CLASS_COLORS[value % len(CLASS_COLORS)], label=name, rasterized=True,
        )  # fmt: skip
    xlabel, ylabel = axis_labels or (f"z[{dims[0]}]", f"z[{dims[1]}]")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)
    ax.legend(loc="center left", bbox_to_anchor=(1.01, 0.5), markerscale=3, fontsize=9, frameon=False)
    fig.tight_layout()
    return fig


def plot_latent_traversal(
    decode: ImageFunction,
    base_code: torch.Tensor,
    *,
    dims: Sequence[int],
    offsets: Sequence[float],
    dim_labels: Sequence[str] | None = None,
    cell_size: float = 1.0,
) -> Figure:
    """Decode ``base_code`` moved along one code dimension at a time.

    Row ``i`` shows ``decode(base_code + offset * e_dims[i])`` for each offset,
    which reveals what that dimension of the bottleneck controls.

    Parameters
    ----------
    decode
        Callable mapping codes ``(N, k)`` to images ``(N, C, H, W)``, e.g.
        ``model.decode``; codes are sent to its module's device.
    base_code
        Code of shape ``(k,)`` to start from (often all zeros or a mean code).
    dims
        Code dimensions to move along, one row each.
    offsets
        Amounts to add, one column each.
    dim_labels
        Row labels; default ``"z[i]"``.
    """
    cell_size = validate_positive_float(cell_size, name="cell_size")
    base = validate_vector(base_code, name="base_code")
    for name, values in (("dims", dims), ("offsets", offsets)):
        if isinstance(values, (str, bytes)) or not isinstance(
            values, (Sequence, np.ndarray, torch.Tensor)
        ) or len(values) == 0:
            raise TypeError(
                f"{name} must be a non-empty list, got {values!r}."
            )
    dims = [
        validate_index(d, name=f"dims[{i}]", size=len(base))
        for i, d in enumerate(dims)
    ]
    offsets = [validate_real(v, name="offsets") for v in offsets]
    codes = base.repeat(len(dims) * len(offsets), 1)
    for r, dim in enumerate(dims):
        for c, offset in enumerate(offsets):
            codes[r * len(offsets) + c, dim] += offset
    images = validate_images(
        decode_codes(decode, codes), name="decode(codes)", value_range=None, channels=(1, 3)
    )
    shown = to_numpy_images(images.clamp(0, 1))
    fig = NotebookFigure(figsize=(len(offsets) * cell_size + 1.2, len(dims) * cell_size + 0.4))
    axes = image_axes(fig, len(dims), len(offsets))
    labels = dim_labels or [f"z[{d}]" for d in dims]
    if len(labels) != len(dims):
        raise ValueError(f"dim_labels has {len(labels)} entries for {len(dims)} dims.")
    for r in range(len(dims)):
        axes[r, 0].set_ylabel(labels[r], rotation=0, ha="right", va="center", fontsize=10)
        for c, offset in enumerate(offsets):
            axes[r, c].imshow(shown[r * len(offsets) + c], cmap="gray", vmin=0.0, vmax=1.0)
            if r == 0:
                axes[r, c].set_title(f"{offset:+g}", fontsize=9)
    fig.tight_layout()
    return fig


def plot_latent_grid(
    decode: CodeFunction,
    *,
    x_range: Sequence[float],
    y_range: Sequence[float],
    steps: int = 15,
    size: float = 6.0,
    title: str | None = None,
    axis_labels: tuple[str, str] = ("z[0]", "z[1]"),
) -> Figure:
    """What each region of a 2-D latent plane decodes to, as one mosaic.

    Parameters
    ----------
    decode
        Callable mapping codes ``(N, 2)`` to images ``(N, C, H, W)``.
    x_range, y_range
        ``(low, high)`` of the plane to cover, e.g. the codes' 1st and 99th
        percentiles.
    steps
        Images per side.
    size
        Width and height of the figure in inches.
    """
    size = validate_positive_float(size, name="size")
    images = decode_grid(decode, x_range=x_range, y_range=y_range, steps=steps)
    tiles = to_numpy_images(images.clamp(0, 1))
    rows = [np.concatenate(list(tiles[r * steps : (r + 1) * steps]), axis=1)
            for r in range(steps)]  # fmt: skip
    mosaic = np.concatenate(rows, axis=0)
    fig = NotebookFigure(figsize=(size, size))
    ax = fig.subplots()
    ax.imshow(mosaic, cmap="gray", vmin=0, vmax=1,
              extent=(x_range[0], x_range[1], y_range[0], y_range[1]),
              aspect="auto")  # fmt: skip
    ax.set_xlabel(axis_labels[0])
    ax.set_ylabel(axis_labels[1])
    if title:
        ax.set_title(title)
    fig.tight_layout()
    return fig


def plot_embeddings(
    embeddings: Mapping[str, object],
    labels: object,
    class_names: Sequence[str],
    *,
    titles: Mapping[str, str] | None = None,
) -> Figure:
    """2-D embeddings of the same points side by side, coloured by class.

    Parameters
    ----------
    embeddings
        ``{name: points}``, each of shape ``(N, 2)`` (e.g. t-SNE maps of two
        kinds of codes of the same N images).
    labels
        Integer class of each point, shape ``(N,)``.
    class_names
        Legend entry of each label value.
    titles
        Optional panel title per name (default: the name).
    """
    embeddings = validate_mapping(
        embeddings, name="embeddings", example="{name: (N, 2) points}"
    )
    points = {
        name: validate_matrix(p, name=f"embeddings[{name!r}]", n_cols=2).cpu()
        for name, p in embeddings.items()
    }
    lengths = {len(p) for p in points.values()}
    if len(lengths) != 1:
        raise ValueError(
            "every embedding must have the same number of points, got "
            f"{sorted(lengths)}."
        )
    labels = validate_labels(
        labels, n=lengths.pop(), n_classes=len(class_names)
    ).numpy()
    fig = NotebookFigure(figsize=(7.5, 4.4))
    axes = np.atleast_1d(fig.subplots(1, len(points)))
    for ax, (name, p) in zip(axes, points.items()):
        for value, class_name in enumerate(class_names):
            mask = labels == value
            ax.scatter(
                p[mask, 0].numpy(),
                p[mask, 1].numpy(),
                s=4,
                alpha=0.7,
                color=CLASS_COLORS[value % len(CLASS_COLORS)],
                label=class_name,
                rasterized=True,
            )
        ax.set_title((titles or {}).get(name, name), fontsize=10)
        ax.set_xticks([])
        ax.set_yticks([])
    fig.legend(
        *axes[0].get_legend_handles_labels(),
        loc="lower center",
        ncol=5,
        markerscale=3,
        fontsize=8,
        frameon=False,
    )
    fig.tight_layout(rect=(0, 0.12, 1, 1))
    return fig
