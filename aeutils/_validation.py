"""Input checks shared by every public function (scikit-learn style).

Each check raises ``ValueError`` (or ``TypeError`` for the wrong kind of
object) with a message that says what was received and how to fix it.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import torch

__all__ = ["as_tensor", "check_images", "check_matrix", "check_positive_int", "check_same_shape"]


def as_tensor(data: object, *, name: str) -> torch.Tensor:
    """Convert arrays and tensors to a float tensor; reject everything else.

    Parameters
    ----------
    data
        A ``torch.Tensor`` or ``numpy.ndarray``.
    name
        The argument name, used in error messages.
    """
    if isinstance(data, torch.Tensor):
        tensor = data
    elif isinstance(data, np.ndarray):
        tensor = torch.from_numpy(np.ascontiguousarray(data))
    else:
        raise TypeError(
            f"{name} must be a torch.Tensor or numpy.ndarray, got {type(data).__name__}. "
            "Convert it first, e.g. torch.as_tensor(x)."
        )
    if not (tensor.is_floating_point() or tensor.dtype == torch.uint8):
        raise TypeError(
            f"{name} must hold floating-point pixels, got dtype {tensor.dtype}. "
            "Use x.float() / 255 for 8-bit images."
        )
    if tensor.dtype == torch.uint8:
        raise ValueError(
            f"{name} holds 8-bit integers (0..255); the course works with floats in [0, 1]. "
            "Use x.float() / 255."
        )
    return tensor


def _check_finite_nonempty(tensor: torch.Tensor, *, name: str) -> None:
    if tensor.numel() == 0:
        raise ValueError(f"{name} is empty (shape {tuple(tensor.shape)}); pass at least one image.")
    if not torch.isfinite(tensor).all():
        n_bad = int((~torch.isfinite(tensor)).sum())
        raise ValueError(
            f"{name} contains {n_bad} NaN or infinite value(s). "
            "Check the computation that produced it (a diverged model gives NaN)."
        )


def check_images(
    images: object,
    *,
    name: str = "images",
    value_range: tuple[float, float] | None = (0.0, 1.0),
    image_shape: Sequence[int] | None = None,
) -> torch.Tensor:
    """Validate a batch of images of shape ``(N, C, H, W)``.

    Parameters
    ----------
    images
        Tensor or array of shape ``(N, C, H, W)``.
    name
        The argument name, used in error messages.
    value_range
        Inclusive ``(low, high)`` bounds on the pixel values, or ``None`` to
        skip the check (e.g. for decoder outputs that are not clamped).
    image_shape
        Expected ``(C, H, W)``, or ``None`` to accept any.

    Returns
    -------
    torch.Tensor
        The same data as a floating-point tensor.
    """
    tensor = as_tensor(images, name=name)
    if tensor.ndim != 4:
        hint = ""
        if tensor.ndim == 3:
            hint = " Add the channel axis with x.unsqueeze(1)."
        elif tensor.ndim == 2:
            hint = " If these are flattened 28x28 images, use x.view(-1, 1, 28, 28)."
        raise ValueError(
            f"{name} must have shape (N, C, H, W), got {tuple(tensor.shape)}.{hint}"
        )
    if image_shape is not None and tuple(tensor.shape[1:]) != tuple(image_shape):
        raise ValueError(
            f"{name} must have images of shape {tuple(image_shape)}, got {tuple(tensor.shape[1:])}."
        )
    _check_finite_nonempty(tensor, name=name)
    if value_range is not None:
        low, high = value_range
        lo, hi = float(tensor.min()), float(tensor.max())
        if lo < low or hi > high:
            raise ValueError(
                f"{name} must have pixel values in [{low:g}, {high:g}], got values in "
                f"[{lo:.4g}, {hi:.4g}]. Divide 8-bit images by 255, or clamp model outputs "
                "with x.clamp(0, 1)."
            )
    return tensor


def check_matrix(
    matrix: object,
    *,
    name: str,
    n_cols: int | None = None,
) -> torch.Tensor:
    """Validate a finite, non-empty 2-D float matrix.

    Parameters
    ----------
    matrix
        Tensor or array of shape ``(rows, cols)``.
    name
        The argument name, used in error messages.
    n_cols
        Expected number of columns, or ``None`` to accept any.
    """
    tensor = as_tensor(matrix, name=name)
    if tensor.ndim != 2:
        raise ValueError(f"{name} must be a 2-D matrix, got shape {tuple(tensor.shape)}.")
    if n_cols is not None and tensor.shape[1] != n_cols:
        raise ValueError(f"{name} must have {n_cols} columns, got shape {tuple(tensor.shape)}.")
    _check_finite_nonempty(tensor, name=name)
    return tensor


def check_same_shape(a: torch.Tensor, b: torch.Tensor, *, names: tuple[str, str]) -> None:
    """Raise if two tensors differ in shape."""
    if a.shape != b.shape:
        raise ValueError(
            f"{names[0]} and {names[1]} must have the same shape, got "
            f"{tuple(a.shape)} and {tuple(b.shape)}."
        )


def check_positive_int(value: object, *, name: str, maximum: int | None = None) -> int:
    """Validate a positive integer, optionally bounded above."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name} must be an int, got {type(value).__name__} ({value!r}).")
    if value < 1:
        raise ValueError(f"{name} must be at least 1, got {value}.")
    if maximum is not None and value > maximum:
        raise ValueError(f"{name} must be at most {maximum}, got {value}.")
    return int(value)
