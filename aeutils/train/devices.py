"""The device rule: where a model or a callable computes.

:func:`aeutils.train.fit` moves the model to its device (CUDA when present)
and leaves it there. Every function that takes a model or a callable (an
encoder, ``model.encode``, ``model.decode``, a ``functools.partial`` of one)
finds the callable's module with :func:`module_of`, sends its inputs to that
module's device (:func:`device_of`) and returns CPU results. A plain
function or lambda that wraps a model has no module to ask: it gets CPU
inputs, so pass the module or its bound method instead.
"""

from __future__ import annotations

import contextlib
import functools
import itertools

import torch
from torch import nn

from ..validation import validate_callable, validate_device

__all__ = ["device_of", "evaluation_mode", "module_of", "select_device"]


def select_device(device: str | torch.device | None = None) -> torch.device:
    """Return ``device`` if given, else CUDA, then Apple's MPS, then the CPU.

    A device that is named but not available raises ``ValueError`` instead
    of silently training somewhere else.
    """
    if device is not None:
        return validate_device(device)
    if torch.cuda.is_available():
        return torch.device("cuda")
    if torch.backends.mps.is_available():
        return torch.device("mps")
    return torch.device("cpu")


def module_of(function: object) -> nn.Module | None:
    """The module behind a model, a bound method or a functools.partial."""
    validate_callable(function, name="function")
    while isinstance(function, functools.partial):
        function = function.func
    if isinstance(function, nn.Module):
        return function
    owner = getattr(function, "__self__", None)
    return owner if isinstance(owner, nn.Module) else None


def device_of(function: object) -> torch.device:
    """The device a model or callable computes on (the device rule).

    An ``nn.Module`` is on the device of its first parameter (or buffer);
    a bound method such as ``model.encode`` and a ``functools.partial`` of
    either are on their module's device; anything else (a function, a
    lambda, ``pca.decode``) computes on the CPU.
    """
    module = module_of(function) or nn.Module()
    tensors = itertools.chain(module.parameters(), module.buffers())
    return next((t.device for t in tensors), torch.device("cpu"))


@contextlib.contextmanager
def evaluation_mode(function: object):
    """Put the callable's module (if any) in eval mode, then restore it."""
    module = module_of(function) or nn.Module()
    was_training = module.training
    module.eval()
    try:
        yield
    finally:
        module.train(was_training)
