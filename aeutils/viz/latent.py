"""Latent-space figures: codes by class, decoded grids, traversals.

Encoder and decoder callables follow the device rule of :mod:`aeutils.train`.
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
    validate_real,
    validate_vector,
)
from .figures import (
    NotebookFigure,
    check_count,
    finish,
    image_rows,
    scatter_by_class,
    single_axes,
    to_numpy_images,
)

__all__ = [
    "plot_embeddings",
    "plot_latent_grid",
    "plot_latent_scatter",
    "plot_latent_traversal",
]


def plot_latent_scatter(
    encode: CodeFunction,
    images: object,
    labels: torch.Tensor,
    class_names: Sequence[str],
    *,
    axis_labels: tuple[str, str] = ("z[0]", "z[1]"),
    title: str | None = None,
) -> Figure:
    """The first two code dimensions of ``encode(images)``, by class.

    ``encode`` maps images ``(N, C, H, W)`` to codes ``(N, k)``; ``labels``
    are integers naming ``class_names``; the first 5,000 images are drawn.
    """
    x = validate_images(images, name="images")
    labels = validate_labels(labels, n=len(x), n_classes=len(class_names))
    codes = predict(encode, x[:5000])
    if codes.ndim != 2 or codes.shape[1] < 2:
        raise ValueError(
            "encode must return codes of shape (N, k) with k >= 2, got "
            f"{tuple(codes.shape)}."
        )
    fig, ax = single_axes(8.0, 6.0)
    scatter_by_class(ax, codes[:, :2].float().numpy(), labels[:5000].numpy(),
                     class_names, size=6, alpha=0.6)  # fmt: skip
    ax.set(xlabel=axis_labels[0], ylabel=axis_labels[1], title=title or "")
    ax.legend(loc="center left", bbox_to_anchor=(1.01, 0.5), markerscale=3,
              fontsize=9, frameon=False)  # fmt: skip
    return finish(fig)


def plot_latent_traversal(
    decode: CodeFunction,
    base_code: torch.Tensor,
    *,
    dims: Sequence[int],
    offsets: Sequence[float],
    dim_labels: Sequence[str] | None = None,
) -> Figure:
    """Row ``i``: ``decode(base_code + offset * e_dims[i])`` for each offset.

    ``decode`` maps codes ``(N, k)`` to images (e.g. ``model.decode``);
    ``base_code`` ``(k,)`` is often zeros or a mean code; ``dim_labels``
    default to ``"z[i]"``.
    """
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
    check_count(dim_labels, len(dims), name="dim_labels", what="dims")
    labels = dim_labels or [f"z[{d}]" for d in dims]
    moves = torch.eye(len(base))[dims, None] * torch.tensor(offsets)[:, None]
    images = validate_images(decode_codes(decode, base + moves.flatten(0, 1)),
                             name="decode(codes)", value_range=None,
                             channels=(1, 3))  # fmt: skip
    return image_rows(list(zip(labels, images.split(len(offsets)))),
                      cell_size=1.0, label_width=1.2, extra_height=0.4,
                      column_titles=[f"{v:+g}" for v in offsets])  # fmt: skip


def plot_latent_grid(
    decode: CodeFunction,
    *,
    x_range: Sequence[float],
    y_range: Sequence[float],
    steps: int = 15,
    size: float = 6.0,
    title: str | None = None,
) -> Figure:
    """What each region of a 2-D latent plane decodes to, as one mosaic.

    ``decode`` maps codes ``(N, 2)`` to images; ``x_range`` and ``y_range``
    are ``(low, high)`` of the plane (e.g. the codes' 1st and 99th
    percentiles); ``steps`` images per side; ``size`` the figure's inches.
    """
    size = validate_positive_float(size, name="size")
    images = decode_grid(decode, x_range=x_range, y_range=y_range, steps=steps)
    tiles = to_numpy_images(validate_images(
        images, name="decode(codes)", value_range=None, channels=(1, 3)
    ).clamp(0, 1))  # fmt: skip
    rows = [np.concatenate(list(tiles[r * steps : (r + 1) * steps]), axis=1)
            for r in range(steps)]  # fmt: skip
    fig, ax = single_axes(size, size)
    ax.imshow(np.concatenate(rows, axis=0), cmap="gray", vmin=0, vmax=1,
              extent=(x_range[0], x_range[1], y_range[0], y_range[1]),
              aspect="auto")  # fmt: skip
    ax.set(xlabel="z[0]", ylabel="z[1]", title=title or "")
    return finish(fig)


def plot_embeddings(
    embeddings: Mapping[str, object],
    labels: object,
    class_names: Sequence[str],
    *,
    titles: Mapping[str, str] | None = None,
) -> Figure:
    """2-D embeddings of the same points side by side, coloured by class.

    ``embeddings`` is ``{name: points (N, 2)}`` (e.g. t-SNE maps of two
    kinds of codes), ``labels`` the integer class of each point and
    ``titles`` an optional panel title per name.
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
    axes = fig.subplots(1, len(points), squeeze=False)[0]
    for ax, (name, p) in zip(axes, points.items()):
        scatter_by_class(ax, p.numpy(), labels, class_names, size=4,
                         alpha=0.7)  # fmt: skip
        ax.set_title((titles or {}).get(name, name), fontsize=10)
        ax.set(xticks=[], yticks=[])
    fig.legend(*axes[0].get_legend_handles_labels(), loc="lower center",
               ncol=5, markerscale=3, fontsize=8, frameon=False)  # fmt: skip
    fig.tight_layout(rect=(0, 0.12, 1, 1))
    return fig
