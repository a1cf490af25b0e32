"""Checks of other arguments: callables, modules, devices, paths, names,
mappings, slider values and what a loss function returns."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

import numpy as np
import torch

__all__ = [
    "validate_callable",
    "validate_generator",
    "validate_instance",
    "validate_device",
    "validate_module",
    "validate_path",
    "validate_name",
    "validate_choices",
    "validate_option",
    "validate_mapping",
    "validate_loss_terms",
]


def validate_callable(function: object, *, name: str, example: str = "a model") -> Callable:
    """Validate a model or another callable (an encoder, ``model.decode``...)."""
    if not callable(function):
        raise TypeError(
            f"{name} must be {example} or another callable, got {type(function).__name__}."
        )
    return function


def validate_generator(generator: object) -> torch.Generator | None:
    """Validate an optional ``torch.Generator``."""
    if generator is None:
        return None
    return validate_instance(generator, torch.Generator, name="generator",
                             example="torch.Generator().manual_seed(0)")


def validate_device(device: object) -> torch.device:
    """Validate a named device (``"cpu"``, ``"cuda:0"``, ``"mps"``...) that
    exists here."""
    if not isinstance(device, (str, torch.device)):
        raise TypeError(
            "device must be a string such as 'cpu' or 'cuda', a torch.device "
            f"or None, got {type(device).__name__}."
        )
    try:
        chosen = torch.device(device)
    except RuntimeError:
        chosen = None
    if chosen is None or chosen.type not in ("cpu", "cuda", "mps"):
        raise ValueError(
            "device must be 'cpu', 'cuda' (or 'cuda:0', ...), 'mps' or None "
            f"to pick the fastest available, got {device!r}."
        )
    n_cuda = torch.cuda.device_count()
    if (chosen.type == "cuda" and (chosen.index or 0) >= n_cuda) or (
        chosen.type == "mps" and not torch.backends.mps.is_available()
    ):
        raise ValueError(
            f"device={device!r} is not available here (this machine has "
            f"{n_cuda} CUDA device(s)); use device='cpu', or None to pick the "
            "fastest available device."
        )
    return chosen


def validate_instance(value: object, kind: type, *, name: str,
                      example: str) -> object:
    """Validate an object of class ``kind``, e.g. an ``ImageDataset``."""
    if not isinstance(value, kind):
        raise TypeError(
            f"{name} must be a {kind.__name__}, e.g. {example}; got "
            f"{type(value).__name__}."
        )
    return value


def validate_module(model: object, *, name: str = "model") -> torch.nn.Module:
    """Validate a ``torch.nn.Module``."""
    return validate_instance(model, torch.nn.Module, name=name,
                             example="a model of aeutils.models")


def validate_path(path: object, *, name: str = "path") -> Path:
    """Validate a file path given as a string or ``os.PathLike``."""
    if not isinstance(path, (str, os.PathLike)) or not str(path):
        raise TypeError(f"{name} must be a path (str or pathlib.Path), got {path!r}.")
    return Path(path)


def validate_name(value: object, *, name: str, example: str) -> str:
    """Validate a non-empty string such as a label or an identifier."""
    if not isinstance(value, str) or not value:
        raise ValueError(f"{name} must be a non-empty name, e.g. {example!r}; got {value!r}.")
    return value


def validate_option(value: object, *, name: str, options: tuple) -> object:
    """Validate one of a few allowed values, e.g. an optimizer's name."""
    if not any(value is o or value == o for o in options):
        *first, last = map(repr, options)
        allowed = f"{', '.join(first)} or {last}" if first else last
        raise ValueError(f"{name} must be {allowed}, got {value!r}.")
    return value


def validate_choices(values: object, *, name: str) -> list:
    """Validate the non-empty, distinct values a slider offers."""
    if isinstance(values, (str, bytes)) or not isinstance(values, (Sequence, np.ndarray)):
        raise TypeError(f"the values of slider {name!r} must be a list, got {values!r}.")
    values = list(values)
    if not values:
        raise ValueError(f"values is empty; give the slider {name!r} at least one value.")
    if len(set(map(repr, values))) != len(values):
        raise ValueError(f"values must be distinct, got {values}.")
    return values


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


def validate_loss_terms(output: object) -> dict[str, torch.Tensor]:
    """A loss function's scalar tensor or mapping of scalar terms with a
    ``"loss"`` entry, as ``{"loss": ..., other terms...}``."""
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
