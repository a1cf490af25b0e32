"""Figures for the course, sized to be readable at book width.

Every function returns a :class:`matplotlib.figure.Figure` built without
``pyplot``, so a notebook cell shows it exactly once (when it is the cell's
last expression) and no figure is left open. Helpers that need a model take
plain callables: an encoder, a decoder, a ``reconstruct`` function, or an
``nn.Module``, as in probml-utils.

This module holds the image figures (grids, reconstructions, components) and
the latent-space figures. The curve and bar figures (:func:`plot_loss_curves`,
:func:`plot_explained_variance`, :func:`plot_per_component`) live in
:mod:`aeutils.viz_curves`, and :class:`NotebookFigure` and :func:`figure_to_png`
with the shared helpers in :mod:`aeutils._figures`; all are re-exported here,
so ``aeutils.viz`` still offers every figure.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import numpy as np
import torch
from matplotlib.figure import Figure

from ._figures import (
    _CLASS_COLORS,
    ImageFunction,
    NotebookFigure,
    _image_axes,
    _to_numpy_images,
    figure_to_png,
)
from ._validation import (
    check_images,
    check_labels,
    check_mapping,
    check_matrix,
    check_positive_float,
    check_positive_int,
)
from .metrics import per_image_mse
from .train import predict
from .viz_curves import (
    plot_explained_variance,
    plot_label_efficiency,
    plot_loss_curves,
    plot_per_component,
    plot_rate_distortion,
)

__all__ = [
    "figure_to_png",
    "plot_components",
    "plot_embeddings",
    "plot_explained_variance",
    "plot_label_efficiency",
    "plot_per_component",
    "plot_image_grid",
    "plot_latent_scatter",
    "plot_latent_traversal",
    "plot_loss_curves",
    "plot_rate_distortion",
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
    ncols = check_positive_int(ncols, name="ncols")
    cell_size = check_positive_float(cell_size, name="cell_size")
    if titles is not None and len(titles) != len(tiles):
        raise ValueError(f"titles has {len(titles)} entries for {len(tiles)} images.")
    ncols = min(ncols, len(tiles))
    nrows = -(-len(tiles) // ncols)
    fig = NotebookFigure(figsize=(ncols * cell_size, nrows * cell_size + (0.4 if title else 0)))
    axes = _image_axes(fig, nrows, ncols)
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
    x = check_images(images, name="images", channels=(1, 3))
    return _tile(
        _to_numpy_images(x),
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
    x = check_images(images, name="images", channels=(1, 3))
    n = check_positive_int(n, name="n", maximum=len(x))
    cell_size = check_positive_float(cell_size, name="cell_size")
    reconstructions = check_mapping(
        reconstructions, name="reconstructions", example="{label: model or tensor}"
    )
    x = x[:n]
    rows = {"original": x}
    for label, model in reconstructions.items():
        x_hat = model[:n] if isinstance(model, torch.Tensor) else predict(model, x)
        x_hat = check_images(x_hat, name=f"reconstructions[{label!r}]", value_range=None)
        if x_hat.shape != x.shape:
            raise ValueError(
                f"reconstructions[{label!r}] has shape {tuple(x_hat.shape)}, expected "
                f"{tuple(x.shape)}."
            )
        rows[label] = x_hat
    fig = NotebookFigure(figsize=(n * cell_size + 1.6, len(rows) * cell_size))
    axes = _image_axes(fig, len(rows), n)
    for r, (label, batch) in enumerate(rows.items()):
        shown = _to_numpy_images(batch.clamp(0, 1))
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
    matrix = check_matrix(components, name="components")
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
    x = check_images(images, name="images")
    labels = check_labels(labels, n=len(x), n_classes=len(class_names))
    max_points = check_positive_int(max_points, name="max_points")
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
            color=_CLASS_COLORS[value % len(_CLASS_COLORS)], label=name, rasterized=True,
        )  # fmt: skip
    xlabel, ylabel = axis_labels or (f"z[{dims[0]}]", f"z[{dims[1]}]")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)
    ax.legend(loc="center left", bbox_to_anchor=(1.01, 0.5), markerscale=3, fontsize=9, frameon=False)
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
    embeddings = check_mapping(embeddings, name="embeddings", example="{name: (N, 2) points}")
    points = {name: check_matrix(p, name=f"embeddings[{name!r}]", n_cols=2).cpu()
              for name, p in embeddings.items()}  # fmt: skip
    lengths = {len(p) for p in points.values()}
    if len(lengths) != 1:
        raise ValueError(f"every embedding must have the same number of points, got {sorted(lengths)}.")
    labels = check_labels(labels, n=lengths.pop(), n_classes=len(class_names)).numpy()
    fig = NotebookFigure(figsize=(7.5, 4.4))
    axes = fig.subplots(1, len(points))
    axes = np.atleast_1d(axes)
    for ax, (name, p) in zip(axes, points.items()):
        for value, class_name in enumerate(class_names):
            mask = labels == value
            ax.scatter(p[mask, 0].numpy(), p[mask, 1].numpy(), s=4, alpha=0.7,
                       color=_CLASS_COLORS[value % len(_CLASS_COLORS)],
                       label=class_name, rasterized=True)  # fmt: skip
        ax.set_title((titles or {}).get(name, name), fontsize=10)
        ax.set_xticks([])
        ax.set_yticks([])
    fig.legend(*axes[0].get_legend_handles_labels(), loc="lower center",
               ncol=5, markerscale=3, fontsize=8, frameon=False)  # fmt: skip
    fig.tight_layout(rect=(0, 0.12, 1, 1))
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
        Callable mapping codes ``(N, k)`` to images ``(N, C, H, W)``.
    base_code
        Code of shape ``(k,)`` to start from (often all zeros or a mean code).
    dims
        Code dimensions to move along, one row each.
    offsets
        Amounts to add, one column each.
    dim_labels
        Row labels; default ``"z[i]"``.
    """
    cell_size = check_positive_float(cell_size, name="cell_size")
    base = torch.as_tensor(base_code).float()
    if base.ndim != 1:
        raise ValueError(f"base_code must have shape (k,), got {tuple(base.shape)}.")
    if not dims or not offsets:
        raise ValueError("dims and offsets must both be non-empty.")
    if max(dims) >= base.shape[0] or min(dims) < 0:
        raise ValueError(f"dims must lie in [0, {base.shape[0] - 1}], got {list(dims)}.")
    codes = base.repeat(len(dims) * len(offsets), 1)
    for r, dim in enumerate(dims):
        for c, offset in enumerate(offsets):
            codes[r * len(offsets) + c, dim] += offset
    with torch.no_grad():
        images = decode(codes)
        images = check_images(images, name="decode(codes)", value_range=None, channels=(1, 3))
    shown = _to_numpy_images(images.clamp(0, 1))
    fig = NotebookFigure(figsize=(len(offsets) * cell_size + 1.2, len(dims) * cell_size + 0.4))
    axes = _image_axes(fig, len(dims), len(offsets))
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
