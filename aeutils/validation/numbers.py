"""Checks of single numbers: one scalar check behind every number argument.

``int``, ``float``, NumPy scalars, 0-d arrays and 0-d tensors are accepted;
``bool``, strings, complex numbers, NaN and infinity are refused.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence

import numpy as np
import torch

__all__ = [
    "validate_fraction",
    "validate_index",
    "validate_integer",
    "validate_nonnegative_float",
    "validate_positive_float",
    "validate_positive_int",
    "validate_range",
    "validate_real",
    "validate_seed",
]


def _scalar(value: object, *, name: str, kind: type, noun: str) -> object:
    """Unwrap a 0-d array or tensor; refuse bools and non-``kind`` values."""
    if isinstance(value, (torch.Tensor, np.ndarray)):
        if value.ndim != 0:
            raise TypeError(
                f"{name} must be one number, got an array of shape "
                f"{tuple(value.shape)}."
            )
        value = value.item()
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, kind):
        hint = " Write it without quotes." if isinstance(value, str) else ""
        raise TypeError(
            f"{name} must be {noun}, got {type(value).__name__} "
            f"({value!r}).{hint}"
        )
    return value


def validate_real(value: object, *, name: str) -> float:
    """Validate one finite real number and return it as a Python float."""
    value = float(_scalar(value, name=name, kind=numbers.Real,
                          noun="a real number"))
    if not math.isfinite(value):
        raise ValueError(f"{name} must be a finite number, got {value}.")
    return value


def validate_integer(value: object, *, name: str, low: int | None = None,
                     high: int | None = None) -> int:
    """Validate an integer in ``[low, high]`` (``None``: unbounded)."""
    value = int(_scalar(value, name=name, kind=numbers.Integral,
                        noun="an int"))
    if (low is not None and value < low) or (
        high is not None and value > high
    ):
        bounds = (f"between {low} and {high}" if high is not None
                  else f"at least {low}")
        raise ValueError(f"{name} must be {bounds}, got {value}.")
    return value


def validate_positive_int(value: object, *, name: str,
                          maximum: int | None = None) -> int:
    """Validate a positive integer, optionally bounded above."""
    return validate_integer(value, name=name, low=1, high=maximum)


def validate_seed(seed: object) -> int:
    """Validate a random seed in ``0..2**32 - 1`` (NumPy's range)."""
    return validate_integer(seed, name="seed", low=0, high=2**32 - 1)


def validate_index(value: object, *, name: str, size: int) -> int:
    """Validate an integer index in ``0..size - 1`` (a class, a unit...)."""
    value = validate_integer(value, name=name)
    if not 0 <= value < size:
        raise ValueError(f"{name} must be in 0..{size - 1}, got {value}.")
    return value


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


def validate_fraction(value: object, *, name: str, low_open: bool = False,
                      hint: str = "") -> float:
    """Validate a number in ``[0, 1)`` (or ``(0, 1)`` with ``low_open``)."""
    value = validate_real(value, name=name)
    if not (0 < value < 1 if low_open else 0 <= value < 1):
        interval = "(0, 1)" if low_open else "[0, 1)"
        raise ValueError(f"{name} must be in {interval}, got {value:g}.{hint}")
    return value


def validate_range(value: object, *, name: str) -> tuple[float, float]:
    """Validate a finite pair ``(low, high)`` with ``low < high``."""
    pair = (Sequence, np.ndarray, torch.Tensor)
    if (isinstance(value, (str, bytes)) or not isinstance(value, pair)
            or len(value) != 2):
        raise TypeError(f"{name} must be a pair (low, high), got {value!r}.")
    low, high = (validate_real(v, name=name) for v in value)
    if not low < high:
        raise ValueError(f"{name} must have low < high, got {value!r}.")
    return low, high
