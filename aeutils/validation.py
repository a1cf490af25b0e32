"""Input checks shared by every public function (scikit-learn style).

Every argument check of the learner library lives here, named
``validate_*`` (the exercise checks in :mod:`aeutils.exercises` are named
``check_*`` and return feedback instead of raising).

Each check raises ``ValueError`` (or ``TypeError`` for the wrong kind of
object) with a message that says what was received and how to fix it.
Floating-point input of any precision is converted to ``float32`` (or to the
``dtype`` a caller asks for) here, at the boundary, so that NumPy's float64
arrays work wherever float32 tensors do.

Three kinds of batches are recognised by their number of axes:

* features ``(N, D)``: tabular data, codes, flattened images;
* windows ``(N, C, T)``: sensor or audio windows with ``C`` channels;
* images ``(N, C, H, W)``: pixel values, by convention in ``[0, 1]``.

:func:`validate_batch` accepts all three (the training loop uses it);
:func:`validate_images` accepts only images.
"""

from __future__ import annotations

import math
import numbers
import os
from pathlib import Path
from collections.abc import Callable, Mapping, Sequence

import numpy as np
import torch

__all__ = [
    "as_tensor",
    "validate_batch",
    "validate_binary_labels",
    "validate_bytes_array",
    "validate_callable",
    "validate_choices",
    "validate_device",
    "validate_class_labels",
    "validate_fraction",
    "validate_generator",
    "validate_images",
    "validate_index",
    "validate_labels",
    "validate_loss_terms",
    "validate_module",
    "validate_name",
    "validate_path",
    "validate_mapping",
    "validate_matrix",
    "validate_model_output",
    "validate_nonnegative_float",
    "validate_positive_float",
    "validate_positive_int",
    "validate_range",
    "validate_real",
    "validate_same_shape",
    "validate_scores",
    "validate_seed",
    "validate_vector",
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
            f"{name} contains {n_bad} NaN or infinite value(s) (float64 values beyond "
            "float32's range, about 3.4e38, also become infinite). Check the computation "
            "that produced it (a diverged model gives NaN)."
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


def validate_images(
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


def validate_batch(
    data: object,
    *,
    name: str,
    value_range: tuple[float, float] | None = (0.0, 1.0),
    dtype: torch.dtype | None = torch.float32,
) -> torch.Tensor:
    """Validate a batch of features ``(N, D)``, windows ``(N, C, T)`` or images.

    Functions that work on any example shape (the training loop, ``predict``)
    use this check; functions that need pixels use :func:`validate_images`.

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


def validate_matrix(
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


def validate_positive_int(value: object, *, name: str, maximum: int | None = None) -> int:
    """Validate a positive integer, optionally bounded above."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name} must be an int, got {type(value).__name__} ({value!r}).")
    if value < 1:
        raise ValueError(f"{name} must be at least 1, got {value}.")
    if maximum is not None and value > maximum:
        raise ValueError(f"{name} must be at most {maximum}, got {value}.")
    return int(value)


def validate_real(value: object, *, name: str) -> float:
    """Validate one finite real number and return it as a Python float.

    Accepts every real scalar type: ``int``, ``float``, NumPy scalars and
    0-d arrays, and 0-d (or one-element) tensors. Rejects ``bool``, strings,
    complex numbers, NaN and infinity.
    """
    if isinstance(value, (torch.Tensor, np.ndarray)):
        if value.ndim != 0:
            raise TypeError(
                f"{name} must be one number, got an array of shape {tuple(value.shape)}."
            )
        if not (_integer_dtype(value.dtype) or _float_dtype(value.dtype)):
            raise TypeError(f"{name} must be a real number, got dtype {value.dtype}.")
        value = value.item()
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(
            f"{name} must be a real number, got {type(value).__name__} ({value!r})."
            + (" Write it without quotes, e.g. 1e-3." if isinstance(value, str) else "")
        )
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"{name} must be a finite number, got {value}.")
    return value


def _float_dtype(dtype: object) -> bool:
    if isinstance(dtype, torch.dtype):
        return dtype.is_floating_point
    return bool(np.issubdtype(dtype, np.floating))


def _integer_dtype(dtype: object) -> bool:
    if isinstance(dtype, torch.dtype):
        return not dtype.is_floating_point and not dtype.is_complex and dtype != torch.bool
    return bool(np.issubdtype(dtype, np.integer))


def validate_positive_float(value: object, *, name: str) -> float:
    """Validate a finite number greater than zero."""
    value = validate_real(value, name=name)
    if value <= 0:
        raise ValueError(f"{name} must be positive, got {value:g}.")
    return value


def validate_nonnegative_float(value: object, *, name: str) -> float:
    """Validate a finite number greater than or equal to zero."""
    value = validate_real(value, name=name)
    if value < 0:
        raise ValueError(f"{name} must be zero or positive, got {value:g}.")
    return value


def validate_mapping(value: object, *, name: str, example: str) -> dict:
    """Validate a non-empty ``{label: ...}`` mapping, e.g. rows of a figure."""
    if not isinstance(value, Mapping):
        raise TypeError(
            f"{name} must be a mapping {example}, got {type(value).__name__}. Wrap it, "
            f"e.g. {{'my model': value}}."
        )
    if not value:
        raise ValueError(f"{name} is empty; pass at least one {example} entry.")
    return dict(value)


def validate_labels(labels: object, *, n: int, n_classes: int, name: str = "labels") -> torch.Tensor:
    """Validate integer class labels of shape ``(n,)`` with values below ``n_classes``."""
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
    if n and (int(labels.min()) < 0 or int(labels.max()) >= n_classes):
        raise ValueError(
            f"{name} take values in [{int(labels.min())}, {int(labels.max())}], but there "
            f"are {n_classes} class name(s) for the values 0..{n_classes - 1}. Pass one "
            "name per label value."
        )
    return labels


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
    if tensor.numel() == 0:
        raise ValueError(f"{name} is empty; a code needs at least one value.")
    _check_finite_nonempty(tensor, name=name)
    return tensor.cpu()


def validate_fraction(
    value: object, *, name: str, low_open: bool = False, hint: str = ""
) -> float:
    """Validate a number in ``[0, 1)`` (or ``(0, 1)`` with ``low_open``)."""
    value = validate_real(value, name=name)
    if not (0 < value < 1 if low_open else 0 <= value < 1):
        interval = "(0, 1)" if low_open else "[0, 1)"
        raise ValueError(f"{name} must be in {interval}, got {value:g}.{hint}")
    return value


def validate_range(value: object, *, name: str) -> tuple[float, float]:
    """Validate a finite pair ``(low, high)`` with ``low < high``."""
    if isinstance(value, (str, bytes)) or not isinstance(value, (Sequence, np.ndarray, torch.Tensor)) or len(value) != 2:
        raise TypeError(f"{name} must be a pair (low, high), got {value!r}.")
    low, high = (validate_real(v, name=name) for v in value)
    if not low < high:
        raise ValueError(f"{name} must have low < high, got {value!r}.")
    return low, high


def validate_callable(function: object, *, name: str, example: str = "a model") -> Callable:
    """Validate a model or another callable (an encoder, ``model.decode``...)."""
    if not callable(function):
        raise TypeError(
            f"{name} must be {example} or another callable, got {type(function).__name__}."
        )
    return function


def validate_generator(generator: object) -> torch.Generator | None:
    """Validate an optional ``torch.Generator``."""
    if generator is not None and not isinstance(generator, torch.Generator):
        raise TypeError(
            "generator must be a torch.Generator or None, got "
            f"{type(generator).__name__}. Create one with "
            "torch.Generator().manual_seed(0)."
        )
    return generator


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
    if not np.isfinite(array).all():
        n_bad = int((~np.isfinite(array)).sum())
        raise ValueError(
            f"{name} contains {n_bad} NaN or infinite value(s); a diverged model or an "
            "input outside the model's range gives NaN. Fix those scores first."
        )
    return array


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


def validate_seed(seed: object) -> int:
    """Validate a random seed: an integer from 0 to 2**32 - 1 (NumPy's range)."""
    if isinstance(seed, (bool, np.bool_)) or not isinstance(seed, (int, np.integer)):
        raise TypeError(f"seed must be an int, got {type(seed).__name__} ({seed!r}).")
    if not 0 <= seed < 2**32:
        raise ValueError(f"seed must be between 0 and 2**32 - 1, got {seed}.")
    return int(seed)


def validate_index(value: object, *, name: str, size: int) -> int:
    """Validate an integer index in ``0..size - 1`` (a class label, a unit...)."""
    if isinstance(value, (torch.Tensor, np.ndarray)) and value.ndim == 0:
        value = value.item()
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name} must be an int index, got {type(value).__name__} ({value!r}).")
    if not 0 <= value < size:
        raise ValueError(f"{name} must be in 0..{size - 1}, got {value}.")
    return int(value)


def validate_class_labels(labels: object, *, name: str, n: int) -> np.ndarray:
    """Validate ``n`` integer class labels (any values) as a NumPy array."""
    if isinstance(labels, torch.Tensor):
        labels = labels.detach().cpu().numpy()
    labels = np.asarray(labels)
    if labels.shape != (n,):
        raise ValueError(f"{name} must have shape ({n},), got {labels.shape}.")
    if not np.issubdtype(labels.dtype, np.integer):
        raise TypeError(f"{name} must hold integer class labels, got {labels.dtype}.")
    return labels


_DEVICE_TYPES = ("cpu", "cuda", "mps")


def _mps_available() -> bool:
    return getattr(torch.backends, "mps", None) is not None and torch.backends.mps.is_available()


def validate_device(device: object) -> torch.device:
    """Validate a named device (``"cpu"``, ``"cuda:0"``, ``"mps"``...) that exists here."""
    if not isinstance(device, (str, torch.device)):
        raise TypeError(
            f"device must be a string such as 'cpu' or 'cuda', a torch.device or None, "
            f"got {type(device).__name__}."
        )
    try:
        chosen = torch.device(device)
    except RuntimeError:
        chosen = None
    if chosen is None or chosen.type not in _DEVICE_TYPES:
        raise ValueError(
            f"device must be 'cpu', 'cuda' (or 'cuda:0', ...), 'mps' or None to pick the "
            f"fastest available, got {device!r}."
        )
    if chosen.type == "cuda" and not torch.cuda.is_available():
        raise ValueError(
            f"device={device!r} was requested but CUDA is not available here; use "
            "device='cpu', or None to pick the fastest available device."
        )
    if chosen.type == "cuda" and (chosen.index or 0) >= torch.cuda.device_count():
        raise ValueError(
            f"device={device!r} does not exist; this machine has "
            f"{torch.cuda.device_count()} CUDA device(s)."
        )
    if chosen.type == "mps" and not _mps_available():
        raise ValueError(
            f"device={device!r} was requested but Apple's MPS is not available here; use "
            "device='cpu', or None to pick the fastest available device."
        )
    return chosen


def validate_module(model: object, *, name: str = "model") -> torch.nn.Module:
    """Validate a ``torch.nn.Module``."""
    if not isinstance(model, torch.nn.Module):
        raise TypeError(f"{name} must be a torch.nn.Module, got {type(model).__name__}.")
    return model


def validate_path(path: object, *, name: str = "path") -> Path:
    """Validate a file path given as a string or ``os.PathLike``."""
    if not isinstance(path, (str, os.PathLike)) or not str(path):
        raise TypeError(f"{name} must be a file path (str or pathlib.Path), got {path!r}.")
    return Path(path)


def validate_name(value: object, *, name: str, example: str) -> str:
    """Validate a non-empty string such as a label or an identifier."""
    if not isinstance(value, str) or not value:
        raise ValueError(f"{name} must be a non-empty name, e.g. {example!r}; got {value!r}.")
    return value


def validate_choices(values: object, *, name: str) -> list:
    """Validate the non-empty, distinct values a slider offers."""
    if isinstance(values, (str, bytes)) or not isinstance(values, (Sequence, np.ndarray, range)):
        raise TypeError(f"the values of slider {name!r} must be a list, got {values!r}.")
    values = list(values)
    if not values:
        raise ValueError(f"values is empty; give the slider {name!r} at least one value.")
    if len(set(map(repr, values))) != len(values):
        raise ValueError(f"values must be distinct, got {values}.")
    return values


def validate_loss_terms(output: object) -> dict[str, torch.Tensor]:
    """The terms of what a loss function returned, as ``{"loss": ..., ...}``.

    A loss function returns a scalar tensor or a mapping with a ``"loss"``
    entry (what is minimised) and other scalar terms to record; anything else
    raises a ``TypeError``/``ValueError`` that says how to fix it.
    """
    if isinstance(output, torch.Tensor):
        terms = {"loss": output}
    elif isinstance(output, Mapping):
        terms = dict(output)
    else:
        raise TypeError(
            f"loss_fn must return a scalar tensor or a mapping with a 'loss' entry, got "
            f"{type(output).__name__}. Compute the loss with torch operations (a Python "
            "number carries no gradient) and do not call .item() on it."
        )
    if "loss" not in terms:
        raise ValueError(
            f"loss_fn returned a mapping with keys {sorted(map(str, terms))}; it needs a "
            "'loss' entry holding the value to minimise."
        )
    for name, value in terms.items():
        if not isinstance(value, torch.Tensor):
            raise TypeError(
                f"loss_fn must return scalar tensors, but term {name!r} is a "
                f"{type(value).__name__}. Keep it a tensor (no .item() or float())."
            )
        if value.numel() != 1:
            raise ValueError(
                f"loss_fn must return scalar tensors, but term {name!r} has shape "
                f"{tuple(value.shape)}. Reduce it with .mean()."
            )
    return terms


def validate_bytes_array(array: object, *, name: str = "array") -> np.ndarray:
    """Validate a NumPy array of unsigned bytes (``uint8``), as IDX files hold."""
    if not isinstance(array, np.ndarray) or array.dtype != np.uint8:
        raise TypeError(
            f"{name} must be a NumPy array of dtype uint8, got "
            f"{getattr(array, 'dtype', type(array).__name__)}."
        )
    return array
