"""Walking the latent space: decoded grids and interpolations.

Both helpers take a ``decode`` callable (a decoder module, ``model.decode``,
``pca.decode``...), in the spirit of probml-utils, so chapter 3's plain
autoencoder and chapter 7's VAE are drawn by the same code.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import numpy as np
import torch
from matplotlib.figure import Figure

from ._figures import NotebookFigure, _image_axes, _to_numpy_images
from ._validation import check_images, check_positive_int, check_vector

__all__ = [
    "decode_codes",
    "decode_grid",
    "interpolate_codes",
    "plot_image_rows",
    "plot_latent_grid",
]

CodeFunction = Callable[[torch.Tensor], torch.Tensor]


def _check_range(value: object, *, name: str) -> tuple[float, float]:
    try:
        low, high = (float(v) for v in value)  # type: ignore[union-attr]
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be a pair (low, high), got {value!r}.") from None
    if not (np.isfinite(low) and np.isfinite(high) and low < high):
        raise ValueError(f"{name} must be finite with low < high, got {value!r}.")
    return low, high


@torch.no_grad()
def _decode(decode: CodeFunction, codes: torch.Tensor) -> torch.Tensor:
    module = decode if isinstance(decode, torch.nn.Module) else None
    was_training = module.training if module is not None else False
    if module is not None:
        module.eval()
        params = list(module.parameters())
        if params:
            codes = codes.to(params[0].device)
    images = decode(codes)
    if module is not None:
        module.train(was_training)
    if not isinstance(images, torch.Tensor):
        raise TypeError(f"decode must return a tensor, got {type(images).__name__}.")
    images = check_images(images.cpu(), name="decode(codes)", value_range=None)
    if len(images) != len(codes):
        raise ValueError(
            f"decode returned {len(images)} images for {len(codes)} codes."
        )
    return images


def decode_codes(decode: CodeFunction, codes: object) -> torch.Tensor:
    """Decode a batch of codes ``(N, k)`` to images on the CPU, without gradients.

    ``decode`` may be a decoder module (switched to evaluation mode and fed on
    its own device, so this works after training on a GPU) or any callable.
    """
    z = torch.as_tensor(codes).detach().float().cpu()
    if z.ndim != 2 or len(z) == 0:
        raise ValueError(
            f"codes must have shape (N, k) with N >= 1, got {tuple(z.shape)}; "
            "use codes.unsqueeze(0) for a single code."
        )
    return _decode(decode, z)


def decode_grid(
    decode: CodeFunction,
    *,
    x_range: Sequence[float],
    y_range: Sequence[float],
    steps: int = 15,
) -> torch.Tensor:
    """Decode an evenly spaced ``steps x steps`` grid over a 2-D latent plane.

    Returns images of shape ``(steps * steps, C, H, W)`` in row-major order,
    top row first (largest ``z[1]``), so they tile like the plane they cover.
    """
    steps = check_positive_int(steps, name="steps")
    x_low, x_high = _check_range(x_range, name="x_range")
    y_low, y_high = _check_range(y_range, name="y_range")
    xs = torch.linspace(x_low, x_high, steps)
    ys = torch.linspace(y_high, y_low, steps)
    grid_y, grid_x = torch.meshgrid(ys, xs, indexing="ij")
    codes = torch.stack([grid_x.flatten(), grid_y.flatten()], dim=1)
    return _decode(decode, codes)


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
    images = decode_grid(decode, x_range=x_range, y_range=y_range, steps=steps)
    tiles = _to_numpy_images(images.clamp(0, 1))
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


def interpolate_codes(
    start: torch.Tensor, end: torch.Tensor, *, steps: int = 8
) -> torch.Tensor:
    """Codes on the straight line from ``start`` to ``end``, both included.

    Parameters
    ----------
    start, end
        Codes of shape ``(k,)``.
    steps
        Number of codes, at least 2.

    Returns
    -------
    torch.Tensor
        Shape ``(steps, k)``.
    """
    a = check_vector(start, name="start")
    b = check_vector(end, name="end")
    if a.ndim != 1 or a.shape != b.shape:
        raise ValueError(
            f"start and end must be codes of the same shape (k,), got "
            f"{tuple(a.shape)} and {tuple(b.shape)}."
        )
    steps = check_positive_int(steps, name="steps")
    if steps < 2:
        raise ValueError(f"steps must be at least 2 (the two ends), got {steps}.")
    t = torch.linspace(0, 1, steps).unsqueeze(1)
    return (1 - t) * a + t * b


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
    if not isinstance(rows, Mapping) or not rows:
        raise TypeError("rows must be a non-empty {label: images} mapping.")
    checked = {
        label: check_images(images, name=f"rows[{label!r}]", value_range=None)
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
    axes = _image_axes(fig, len(checked), n)
    for r, (label, images) in enumerate(checked.items()):
        shown = _to_numpy_images(images.clamp(0, 1))
        for c in range(n):
            axes[r, c].imshow(shown[c], cmap="gray", vmin=0.0, vmax=1.0)
            if r == 0 and column_titles is not None:
                axes[r, c].set_title(column_titles[c], fontsize=9)
        axes[r, 0].set_ylabel(label, rotation=0, ha="right", va="center", fontsize=10)
    if title:
        fig.suptitle(title, fontsize=12)
    fig.tight_layout()
    return fig

