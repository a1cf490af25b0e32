"""Figures for the course, sized to be readable at book width.

Every function returns a :class:`matplotlib.figure.Figure` built without
``pyplot``, so a notebook cell shows it exactly once (when it is the cell's
last expression) and no figure is left open. Helpers that need a model take
plain callables: an encoder, a decoder, a ``reconstruct`` function, or an
``nn.Module``, as in probml-utils.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Mapping, Sequence

import numpy as np
import torch
from matplotlib.figure import Figure

from ._validation import (
    check_images,
    check_labels,
    check_mapping,
    check_matrix,
    check_positive_float,
    check_positive_int,
)
from .metrics import per_image_mse
from .train import History, predict

__all__ = [
    "figure_to_png",
    "plot_components",
    "plot_explained_variance",
    "plot_per_component",
    "plot_image_grid",
    "plot_latent_scatter",
    "plot_latent_traversal",
    "plot_loss_curves",
    "plot_reconstructions",
]

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


def plot_loss_curves(
    histories: History | Mapping[str, History],
    *,
    baselines: Mapping[str, float] | None = None,
    ylabel: str = "MSE per pixel",
    log_scale: bool = True,
) -> Figure:
    """Training (dashed) and validation (solid) loss per epoch.

    Parameters
    ----------
    histories
        One :class:`~aeutils.train.History` or ``{label: History}``.
    baselines
        ``{label: value}`` drawn as horizontal reference lines, e.g. PCA's MSE.
    ylabel
        Label of the loss axis.
    log_scale
        Use a logarithmic loss axis.
    """
    if isinstance(histories, History):
        histories = {histories.model_name: histories}
    if not histories:
        raise ValueError("histories is empty; pass a History or {label: History}.")
    fig = NotebookFigure(figsize=(7.5, 4.0))
    ax = fig.subplots()
    for i, (label, history) in enumerate(histories.items()):
        color = _CLASS_COLORS[i % len(_CLASS_COLORS)]
        epochs = np.arange(1, history.epochs + 1)
        ax.plot(epochs, history.train_loss, "--", color=color, label=f"{label} (train)")
        if history.val_loss:
            ax.plot(epochs, history.val_loss, "-", color=color, label=f"{label} (validation)")
    for j, (label, value) in enumerate((baselines or {}).items()):
        ax.axhline(value, color="black", linestyle=[":", "-."][j % 2], linewidth=1.2, label=label)
    if log_scale:
        ax.set_yscale("log")
    ax.set_xlabel("epoch")
    ax.set_ylabel(ylabel)
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=9)
    fig.tight_layout()
    return fig


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


def plot_explained_variance(
    explained_variance_ratio: object,
    *,
    thresholds: Sequence[float] = (0.5, 0.9, 0.95),
) -> Figure:
    """Cumulative fraction of variance explained by the top ``k`` components.

    Parameters
    ----------
    explained_variance_ratio
        Ratio of each component, in decreasing order, shape ``(D,)``.
    thresholds
        Fractions to mark with the ``k`` that first reaches them.
    """
    ratio = torch.as_tensor(explained_variance_ratio).double().cpu()
    if ratio.ndim != 1 or len(ratio) == 0:
        raise ValueError(f"explained_variance_ratio must be 1-D and non-empty, got {tuple(ratio.shape)}.")
    if (ratio < 0).any() or float(ratio.sum()) > 1.0 + 1e-6:
        raise ValueError("explained_variance_ratio must be non-negative and sum to at most 1.")
    cumulative = torch.cumsum(ratio, dim=0).numpy()
    ks = np.arange(1, len(ratio) + 1)
    fig = NotebookFigure(figsize=(7.5, 4.0))
    ax = fig.subplots()
    ax.plot(ks, cumulative, color=_CLASS_COLORS[0], linewidth=2)
    for threshold in thresholds:
        if cumulative[-1] < threshold:
            continue
        k = int(np.searchsorted(cumulative, threshold)) + 1
        ax.plot([k, k], [0, cumulative[k - 1]], ":", color="gray")
        ax.plot(k, cumulative[k - 1], "o", color=_CLASS_COLORS[3])
        ax.annotate(f"{threshold:.0%} at k = {k}", (k, cumulative[k - 1]),
                    xytext=(8, -14), textcoords="offset points", fontsize=10)  # fmt: skip
    ax.set_xscale("log")
    ax.set_xlabel("number of components k (log scale)")
    ax.set_ylabel("fraction of variance explained")
    ax.set_ylim(0, 1.02)
    ax.grid(True, which="both", alpha=0.3)
    fig.tight_layout()
    return fig


def plot_per_component(
    series: Mapping[str, object],
    *,
    ylabel: str,
    xlabel: str = "component",
    reference: tuple[str, float] | None = None,
    ylim: tuple[float, float] | None = None,
) -> Figure:
    """Bar chart of one value per component (angle, alignment, activity...).

    Parameters
    ----------
    series
        ``{label: values}``, each a 1-D tensor or array of the same length; with
        several entries the bars are drawn side by side and labelled.
    ylabel, xlabel
        Axis labels; components are numbered from 1.
    reference
        Optional ``(label, value)`` drawn as a dotted horizontal line.
    ylim
        Optional limits of the value axis.
    """
    series = check_mapping(series, name="series", example="{label: values}")
    values = {label: torch.as_tensor(v).detach().cpu().double().flatten() for label, v in series.items()}
    lengths = {len(v) for v in values.values()}
    if len(lengths) != 1 or 0 in lengths:
        raise ValueError(f"every series must have the same non-zero length, got {sorted(lengths)}.")
    positions = np.arange(1, lengths.pop() + 1)
    width = 0.8 / len(values)
    fig = NotebookFigure(figsize=(7.5, 3.5))
    ax = fig.subplots()
    for i, (label, v) in enumerate(values.items()):
        offset = (i - (len(values) - 1) / 2) * width
        ax.bar(positions + offset, v.numpy(), width=width, label=label, color=_CLASS_COLORS[i % 10])
    if reference is not None:
        ax.axhline(reference[1], color="black", linestyle=":", label=reference[0])
    if ylim is not None:
        ax.set_ylim(*ylim)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if len(values) > 1 or reference is not None:
        ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=len(values) + 1, frameon=False)
    fig.tight_layout()
    return fig
