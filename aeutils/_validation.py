"""Input checks shared by every public function (scikit-learn style).

Each check raises ``ValueError`` (or ``TypeError`` for the wrong kind of
object) with a message that says what was received and how to fix it.
Floating-point input of any precision is converted to ``float32`` (or to the
``dtype`` a caller asks for) here, at the boundary, so that NumPy's float64
arrays work wherever float32 tensors do.

Three kinds of batches are recognised by their number of axes:

* features ``(N, D)``: tabular data, codes, flattened images;
* windows ``(N, C, T)``: sensor or audio windows with ``C`` channels;
* images ``(N, C, H, W)``: pixel values, by convention in ``[0, 1]``.

:func:`check_batch` accepts all three (the training loop uses it);
:func:`check_images` accepts only images.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import torch

__all__ = [
    "as_tensor",
    "check_batch",
    "check_images",
    "check_matrix",
    "check_model_output",
    "check_nonnegative_float",
    "check_positive_float",
    "check_positive_int",
    "check_same_shape",
]

BATCH_FORMS = {
    2: "features (N, D)",
    3: "windows (N, C, T)",
    4: "images (N, C, H, W)",
}


def as_tensor(
    data: object,
    *,
    name: str,
    pixels: bool = True,
    dtype: torch.dtype | None = torch.float32,
) -> torch.Tensor:
    """Convert arrays and tensors to a float tensor; reject everything else.

    Parameters
    ----------
    data
        A ``torch.Tensor`` or ``numpy.ndarray`` of floating-point values.
    name
        The argument name, used in error messages.
    pixels
        Whether the values are pixels: then the messages for integer data
        suggest dividing 8-bit images by 255.
    dtype
        Floating-point type of the result (float16/32/64 input is converted),
        or ``None`` to keep the input's floating-point type.
    """
    if isinstance(data, torch.Tensor):
        tensor = data.detach()
    elif isinstance(data, np.ndarray):
        if data.dtype == object or not np.issubdtype(data.dtype, np.number) and data.dtype != bool:
            raise TypeError(
                f"{name} must hold numbers, got a NumPy array of dtype {data.dtype}. "
                "Convert it with np.asarray(x, dtype=np.float32)."
            )
        tensor = torch.from_numpy(np.ascontiguousarray(data))
    else:
        raise TypeError(
            f"{name} must be a torch.Tensor or numpy.ndarray, got {type(data).__name__}. "
            "Convert it first, e.g. torch.as_tensor(x, dtype=torch.float32)."
        )
    if tensor.dtype == torch.uint8 and pixels:
        raise ValueError(
            f"{name} holds 8-bit integers (0..255); the course works with floats in [0, 1]. "
            "Use x.float() / 255."
        )
    if not tensor.is_floating_point():
        hint = (
            "Use x.float() / 255 for 8-bit images."
            if pixels
            else "Convert it with x.float() (or np.asarray(x, dtype=np.float32))."
        )
        raise TypeError(f"{name} must hold floating-point values, got dtype {tensor.dtype}. {hint}")
    if dtype is not None and tensor.dtype != dtype:
        tensor = tensor.to(dtype)
    return tensor


def _check_finite_nonempty(tensor: torch.Tensor, *, name: str, unit: str = "image") -> None:
    if tensor.numel() == 0:
        raise ValueError(
            f"{name} is empty (shape {tuple(tensor.shape)}); pass at least one {unit} "
            "with at least one value."
        )
    finite = torch.isfinite(tensor)
    if not finite.all():
        n_bad = int((~finite).sum())
        raise ValueError(
            f"{name} contains {n_bad} NaN or infinite value(s). "
            "Check the computation that produced it (a diverged model gives NaN)."
        )


def _flat_image_hint(n_features: int) -> str:
    """Suggest a reshape for a 2-D batch whose rows may be flattened images."""
    side = math.isqrt(n_features)
    if side > 1 and side * side == n_features:
        return (
            f" If the rows are flattened {side}x{side} grayscale images, use "
            f"x.reshape(-1, 1, {side}, {side})."
        )
    side = math.isqrt(n_features // 3)
    if n_features % 3 == 0 and side > 1 and side * side * 3 == n_features:
        return (
            f" If the rows are flattened {side}x{side} RGB images, use "
            f"x.reshape(-1, 3, {side}, {side})."
        )
    return (
        f" Rows of {n_features} values are not square images; reshape them to "
        "(N, C, H, W) with the height and width of your images."
    )


def _check_range(
    tensor: torch.Tensor, value_range: tuple[float, float], *, name: str
) -> None:
    low, high = value_range
    lo, hi = float(tensor.min()), float(tensor.max())
    if lo < low or hi > high:
        raise ValueError(
            f"{name} must have pixel values in [{low:g}, {high:g}], got values in "
            f"[{lo:.4g}, {hi:.4g}]. Divide 8-bit images by 255, or clamp model outputs "
            "with x.clamp(0, 1)."
        )


def check_images(
    images: object,
    *,
    name: str = "images",
    value_range: tuple[float, float] | None = (0.0, 1.0),
    image_shape: Sequence[int] | None = None,
    channels: Sequence[int] | None = None,
    dtype: torch.dtype | None = torch.float32,
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
    channels
        Allowed numbers of channels, e.g. ``(1, 3)`` for functions that draw
        the images, or ``None`` to accept any.
    dtype
        Floating-point type of the result; ``None`` keeps the input's.

    Returns
    -------
    torch.Tensor
        The same data as a floating-point tensor (``float32`` by default).
    """
    tensor = as_tensor(images, name=name, dtype=dtype)
    if tensor.ndim != 4:
        hint = ""
        if tensor.ndim == 3:
            hint = " If these are grayscale images, add the channel axis with x.unsqueeze(1)."
        elif tensor.ndim == 2 and tensor.shape[1] > 0:
            hint = _flat_image_hint(int(tensor.shape[1]))
        elif tensor.ndim == 5:
            hint = " Merge the leading axes, e.g. x.flatten(0, 1)."
        raise ValueError(f"{name} must have shape (N, C, H, W), got {tuple(tensor.shape)}.{hint}")
    if image_shape is not None and tuple(tensor.shape[1:]) != tuple(image_shape):
        raise ValueError(
            f"{name} must have images of shape {tuple(image_shape)}, got {tuple(tensor.shape[1:])}."
        )
    if channels is not None and tensor.shape[1] not in tuple(channels):
        allowed = " or ".join(str(c) for c in channels)
        raise ValueError(
            f"{name} must have {allowed} channel(s) to be drawn (grayscale or RGB), got "
            f"{tensor.shape[1]} channels in shape {tuple(tensor.shape)}. Pick channels with "
            "x[:, :1] or x[:, :3]."
        )
    _check_finite_nonempty(tensor, name=name)
    if value_range is not None:
        _check_range(tensor, value_range, name=name)
    return tensor


def check_batch(
    data: object,
    *,
    name: str,
    value_range: tuple[float, float] | None = (0.0, 1.0),
    dtype: torch.dtype | None = torch.float32,
) -> torch.Tensor:
    """Validate a batch of features ``(N, D)``, windows ``(N, C, T)`` or images.

    Functions that work on any example shape (the training loop, ``predict``)
    use this check; functions that need pixels use :func:`check_images`.

    Parameters
    ----------
    data
        Tensor or array with 2, 3 or 4 axes, the first indexing examples.
    name
        The argument name, used in error messages.
    value_range
        Inclusive bounds on the values, applied to images ``(N, C, H, W)``
        only: standardised features and sensor windows are not in ``[0, 1]``.
        ``None`` skips the check for images too.
    dtype
        Floating-point type of the result; ``None`` keeps the input's.

    Returns
    -------
    torch.Tensor
        The same data as a floating-point tensor (``float32`` by default).
    """
    tensor = as_tensor(data, name=name, pixels=False, dtype=dtype)
    if tensor.ndim not in BATCH_FORMS:
        *first, last = BATCH_FORMS.values()
        forms = ", ".join(first) + f" or {last}"
        hint = (
            " For a single example add the batch axis with x.unsqueeze(0)."
            if tensor.ndim <= 1
            else " Merge the extra axes with x.flatten(...) or reshape the data."
        )
        raise ValueError(
            f"{name} must be a batch of {forms}; got shape {tuple(tensor.shape)} "
            f"with {tensor.ndim} axes.{hint}"
        )
    form = BATCH_FORMS[tensor.ndim]
    _check_finite_nonempty(tensor, name=name, unit=f"example ({form})")
    if tensor.ndim == 4 and value_range is not None:
        _check_range(tensor, value_range, name=name)
    return tensor


def check_matrix(
    matrix: object,
    *,
    name: str,
    n_cols: int | None = None,
    dtype: torch.dtype | None = torch.float32,
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
    dtype
        Floating-point type of the result; ``None`` keeps the input's.
    """
    tensor = as_tensor(matrix, name=name, pixels=False, dtype=dtype)
    if tensor.ndim != 2:
        hint = " Add an axis with x.unsqueeze(0) for a single row." if tensor.ndim == 1 else ""
        raise ValueError(f"{name} must be a 2-D matrix, got shape {tuple(tensor.shape)}.{hint}")
    if n_cols is not None and tensor.shape[1] != n_cols:
        raise ValueError(f"{name} must have {n_cols} columns, got shape {tuple(tensor.shape)}.")
    if tensor.numel() == 0:
        raise ValueError(
            f"{name} is empty (shape {tuple(tensor.shape)}); it needs at least one row "
            "and one column."
        )
    _check_finite_nonempty(tensor, name=name)
    return tensor


def check_same_shape(a: torch.Tensor, b: torch.Tensor, *, names: tuple[str, str]) -> None:
    """Raise if two tensors differ in shape."""
    if a.shape != b.shape:
        raise ValueError(
            f"{names[0]} and {names[1]} must have the same shape, got "
            f"{tuple(a.shape)} and {tuple(b.shape)}."
        )


def check_model_output(output: object, batch: torch.Tensor, *, name: str = "model") -> torch.Tensor:
    """Check that a reconstruction has exactly the shape of its input batch.

    A mismatch such as ``(N, 8, 8)`` for ``(N, 1, 8, 8)`` would otherwise be
    broadcast by the loss and train on a wrong target without an error.
    """
    if not isinstance(output, torch.Tensor):
        raise TypeError(
            f"{name}(batch) must return a tensor, got {type(output).__name__}. A model that "
            "returns several values needs its own loss_fn."
        )
    if output.shape != batch.shape:
        raise ValueError(
            f"{name}(batch) returned shape {tuple(output.shape)} for a batch of shape "
            f"{tuple(batch.shape)}; a reconstruction must have exactly the input's shape "
            "(reshape the decoder's output, e.g. with .view_as(x))."
        )
    return output


def check_positive_int(value: object, *, name: str, maximum: int | None = None) -> int:
    """Validate a positive integer, optionally bounded above."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name} must be an int, got {type(value).__name__} ({value!r}).")
    if value < 1:
        raise ValueError(f"{name} must be at least 1, got {value}.")
    if maximum is not None and value > maximum:
        raise ValueError(f"{name} must be at most {maximum}, got {value}.")
    return int(value)


def _check_real(value: object, *, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(
            f"{name} must be a number, got {type(value).__name__} ({value!r})."
            + (" Write it without quotes, e.g. 1e-3." if isinstance(value, str) else "")
        )
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value}.")
    return value


def check_positive_float(value: object, *, name: str) -> float:
    """Validate a finite number greater than zero."""
    value = _check_real(value, name=name)
    if value <= 0:
        raise ValueError(f"{name} must be positive, got {value:g}.")
    return value


def check_nonnegative_float(value: object, *, name: str) -> float:
    """Validate a finite number greater than or equal to zero."""
    value = _check_real(value, name=name)
    if value < 0:
        raise ValueError(f"{name} must be zero or positive, got {value:g}.")
    return value
