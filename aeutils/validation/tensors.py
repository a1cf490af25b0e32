"""Checks of arrays and tensors: images, batches, matrices, codes, scores,
class labels and binary anomaly labels.

Float input of any precision becomes ``float32`` (or the ``dtype`` a caller
asks for), so NumPy's float64 arrays work wherever float32 tensors do.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import torch

#: The batches the training loop accepts, by number of axes.
BATCH_FORMS = {
    2: "features (N, D)",
    3: "windows (N, C, T)",
    4: "images (N, C, H, W)",
}

__all__ = [
    "as_tensor",
    "validate_images",
    "validate_batch",
    "validate_matrix",
    "validate_tensor",
    "validate_vector",
    "validate_same_shape",
    "validate_model_output",
    "validate_scores",
    "validate_labels",
    "validate_class_labels",
    "validate_binary_labels",
]


def as_tensor(
    data: object,
    *,
    name: str,
    pixels: bool = True,
    dtype: torch.dtype | None = torch.float32,
) -> torch.Tensor:
    """Convert a float tensor or array to ``dtype`` (``None``: keep its own
    float type); refuse anything else (``pixels``: suggest ``x / 255``)."""
    if isinstance(data, torch.Tensor):
        tensor = data.detach()
    elif isinstance(data, np.ndarray):
        if data.dtype == object or not np.issubdtype(data.dtype, np.number) and data.dtype != bool:
            raise TypeError(
                f"{name} must hold numbers, got a NumPy array of dtype {data.dtype}. "
                "Convert it with np.asarray(x, dtype=np.float32)."
            )
        # ascontiguousarray turns 0-d arrays into 1-d ones; keep the shape.
        tensor = torch.from_numpy(np.ascontiguousarray(data).reshape(data.shape))
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


def _check_finite_nonempty(
    tensor: torch.Tensor, *, name: str, unit: str = "image",
    value_range: tuple[float, float] | None = None,
) -> None:
    """Refuse an empty tensor, NaN or infinity, and values outside
    ``value_range`` (pixels; ``None``: any)."""
    if tensor.numel() == 0:
        raise ValueError(
            f"{name} is empty (shape {tuple(tensor.shape)}); pass at least one {unit} "
            "with at least one value."
        )
    finite = torch.isfinite(tensor)
    if not finite.all():
        n_bad = int((~finite).sum())
        raise ValueError(
            f"{name} contains {n_bad} NaN or infinite value(s) (float64 values beyond "
            "float32's range, about 3.4e38, also become infinite). Check the computation "
            "that produced it (a diverged model gives NaN)."
        )
    if value_range is None:
        return
    low, high = value_range
    lo, hi = float(tensor.min()), float(tensor.max())
    if lo < low or hi > high:
        raise ValueError(
            f"{name} must have pixel values in [{low:g}, {high:g}], got values in "
            f"[{lo:.4g}, {hi:.4g}]. Divide 8-bit images by 255, or clamp model outputs "
            "with x.clamp(0, 1)."
        )


def _flat_image_hint(n_features: int) -> str:
    """Suggest a reshape for a 2-D batch whose rows may be flattened images."""
    for channels, kind in ((1, "grayscale"), (3, "RGB")):
        side = math.isqrt(n_features // channels)
        if side > 1 and channels * side * side == n_features:
            return (
                f" If the rows are flattened {side}x{side} {kind} images, use "
                f"x.reshape(-1, {channels}, {side}, {side})."
            )
    return (
        f" Rows of {n_features} values are not square images; reshape them to "
        "(N, C, H, W) with the height and width of your images."
    )


def validate_images(
    images: object,
    *,
    name: str = "images",
    value_range: tuple[float, float] | None = (0.0, 1.0),
    image_shape: Sequence[int] | None = None,
    channels: Sequence[int] | None = None,
    dtype: torch.dtype | None = torch.float32,
) -> torch.Tensor:
    """Validate images ``(N, C, H, W)`` and return them as a float tensor.

    Parameters
    ----------
    value_range
        Inclusive bounds on the pixel values; ``None`` skips the check.
    image_shape, channels
        Expected ``(C, H, W)``; allowed channel counts (``None``: any).
    dtype
        Float type of the result; ``None`` keeps the input's.
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
    _check_finite_nonempty(tensor, name=name, value_range=value_range)
    return tensor


def validate_batch(
    data: object,
    *,
    name: str,
    value_range: tuple[float, float] | None = (0.0, 1.0),
    dtype: torch.dtype | None = torch.float32,
) -> torch.Tensor:
    """Validate features ``(N, D)``, windows ``(N, C, T)`` or images.

    ``value_range`` applies to images only (standardised features and
    windows are not in ``[0, 1]``); ``dtype`` as in :func:`validate_images`.
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
    _check_finite_nonempty(
        tensor, name=name, unit=f"example ({BATCH_FORMS[tensor.ndim]})",
        value_range=value_range if tensor.ndim == 4 else None,
    )
    return tensor


def validate_matrix(
    matrix: object,
    *,
    name: str,
    n_cols: int | None = None,
    dtype: torch.dtype | None = torch.float32,
) -> torch.Tensor:
    """Validate a finite, non-empty 2-D float matrix (with ``n_cols``
    columns unless ``None``)."""
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


def validate_tensor(value: object, *, name: str) -> torch.Tensor:
    """A finite, non-empty floating-point tensor, returned as is (its
    gradient kept), such as an encoder's ``mean`` and ``log_var``."""
    if not isinstance(value, torch.Tensor) or not value.is_floating_point():
        raise TypeError(
            f"{name} must be a floating-point torch tensor (what the encoder returns), got "
            f"{getattr(value, 'dtype', type(value).__name__)}; convert arrays with "
            "torch.as_tensor(x, dtype=torch.float32)."
        )
    _check_finite_nonempty(value, name=name, unit="row")
    return value


def validate_vector(vector: object, *, name: str) -> torch.Tensor:
    """Validate a finite, non-empty 1-D vector such as one code ``(k,)``."""
    if isinstance(vector, (list, tuple)):
        try:
            vector = np.asarray(vector, dtype=np.float64)
        except (TypeError, ValueError):
            raise TypeError(f"{name} must be a sequence of numbers, got {vector!r}.") from None
    tensor = as_tensor(vector, name=name, pixels=False)
    if tensor.ndim != 1:
        raise ValueError(f"{name} must be a code of shape (k,), got {tuple(tensor.shape)}.")
    _check_finite_nonempty(tensor, name=name, unit="code")
    return tensor.cpu()


def validate_same_shape(a: torch.Tensor, b: torch.Tensor, *, names: tuple[str, str]) -> None:
    """Raise if two tensors differ in shape."""
    if a.shape != b.shape:
        raise ValueError(
            f"{names[0]} and {names[1]} must have the same shape, got "
            f"{tuple(a.shape)} and {tuple(b.shape)}."
        )


def validate_model_output(output: object, batch: torch.Tensor, *, name: str = "model") -> torch.Tensor:
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


def validate_scores(scores: object, *, name: str = "scores") -> np.ndarray:
    """A finite, non-empty 1-D float64 array of scores (one per example)."""
    if isinstance(scores, torch.Tensor):
        scores = scores.detach().cpu().numpy()
    array = np.asarray(scores)
    if array.dtype == object or not np.issubdtype(array.dtype, np.number):
        raise TypeError(f"{name} must be numbers (an array or tensor), got dtype {array.dtype}.")
    array = array.astype(np.float64)
    if array.ndim != 1:
        raise ValueError(
            f"{name} must be 1-D (one score per example), got shape {array.shape}. "
            "Average the squared error over every axis but the first."
        )
    if array.size == 0:
        raise ValueError(f"{name} is empty; pass at least one score.")
    n_bad = int((~np.isfinite(array)).sum())
    if n_bad:
        raise ValueError(
            f"{name} contains {n_bad} NaN or infinite value(s); a diverged model or an "
            "input outside the model's range gives NaN. Fix those scores first."
        )
    return array


def validate_labels(
    labels: object, *, n: int, n_classes: int | None = None,
    name: str = "labels",
) -> torch.Tensor:
    """Validate ``n`` integer class labels as a long tensor ``(n,)``, with
    values below ``n_classes`` (``None``: any values)."""
    if isinstance(labels, (list, tuple)):
        labels = np.asarray(labels)
    if isinstance(labels, np.ndarray) and np.issubdtype(labels.dtype, np.number):
        labels = torch.from_numpy(np.ascontiguousarray(labels))
    if not isinstance(labels, torch.Tensor):
        raise TypeError(
            f"{name} must be a tensor, array or list of integers, got {type(labels).__name__}."
        )
    if labels.is_floating_point() or labels.is_complex() or labels.dtype == torch.bool:
        raise TypeError(
            f"{name} must hold integers, got dtype {labels.dtype}. Convert with x.long()."
        )
    if tuple(labels.shape) != (n,):
        raise ValueError(f"{name} must have shape ({n},), got {tuple(labels.shape)}.")
    labels = labels.detach().cpu().long()
    if n_classes is not None and n and (
        int(labels.min()) < 0 or int(labels.max()) >= n_classes
    ):
        raise ValueError(
            f"{name} take values in [{int(labels.min())}, {int(labels.max())}], but there "
            f"are {n_classes} class name(s) for the values 0..{n_classes - 1}. Pass one "
            "name per label value."
        )
    return labels


def validate_class_labels(labels: object, *, name: str, n: int) -> np.ndarray:
    """Validate ``n`` integer class labels (any values) as a NumPy array."""
    return validate_labels(labels, n=n, name=name).numpy()


def validate_binary_labels(labels: object, scores: object) -> tuple[np.ndarray, np.ndarray]:
    """Binary labels (1 = anomalous) with both classes, and matching finite scores."""
    if isinstance(labels, torch.Tensor):
        labels = labels.detach().cpu().numpy()
    y = np.asarray(labels)
    if y.ndim != 1:
        raise ValueError(f"labels must be 1-D, got shape {y.shape}.")
    s = validate_scores(scores)
    if len(y) != len(s):
        raise ValueError(
            f"labels and scores have different lengths ({len(y)} and {len(s)}); "
            "score every labelled example exactly once."
        )
    values = set(np.unique(y).tolist())
    if not values <= {0, 1}:
        raise ValueError(
            f"labels must be 0 (normal) and 1 (anomalous), got values {sorted(values)[:5]}. "
            "For the one-class protocol use labels = (test_labels != normal_class)."
        )
    if len(values) < 2:
        only = "normal" if values == {0} else "anomalous"
        raise ValueError(
            f"labels hold only one class ({only}); ROC, precision and recall need both "
            "normal (0) and anomalous (1) examples."
        )
    return y.astype(np.int64), s
