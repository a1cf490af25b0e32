"""The device rule: where a model or a callable computes; :func:`predict`.

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
import inspect
import itertools
from collections.abc import Callable

import torch
from torch import nn

from ..validation import (
    validate_batch,
    validate_callable,
    validate_device,
    validate_model_output,
    validate_positive_int,
    validate_tensor,
)
from ..validation.tensors import BATCH_FORMS

__all__ = [
    "check_model_fits",
    "device_of",
    "evaluation_mode",
    "module_of",
    "predict",
    "select_device",
]


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


def _cannot_process(function: object, x: torch.Tensor, error: Exception):
    """A ValueError saying which shape the model got and what to pass."""
    name = type(module_of(function) or function).__name__
    return ValueError(
        f"{name} cannot process {BATCH_FORMS[x.ndim]} of shape "
        f"{tuple(x.shape)}: {error} "
        f"Build the model for examples of shape {tuple(x.shape[1:])} (the "
        "autoencoders of aeutils.models default to image_shape=(1, 28, 28); "
        f"pass image_shape={tuple(x.shape[1:])}), or reshape the data. One "
        "window (C, T) or one image needs its batch axis: x.unsqueeze(0)."
    )


@torch.no_grad()
def predict(
    function: Callable[[torch.Tensor], torch.Tensor],
    images: object,
    *,
    batch_size: int = 1024,
    device: str | torch.device | None = None,
) -> torch.Tensor:
    """Apply ``function`` (a model, an encoder, ...) to ``images`` in batches.

    Parameters
    ----------
    function
        A model, ``model.encode`` or a partial of either: inputs go to its
        module's device (:func:`device_of`) unless ``device`` is given, and
        its module is in eval mode for the call.
    images
        Images ``(N, C, H, W)``, windows ``(N, C, T)`` or features
        ``(N, D)``. A 2-D input is always ``N`` rows: pass one window
        ``(C, T)`` as ``x.unsqueeze(0)``.

    Returns
    -------
    torch.Tensor
        The outputs on the CPU, concatenated along the first axis.

    Raises
    ------
    ValueError
        If the function cannot process examples of this shape, or returns
        NaN or infinite values.
    """
    validate_callable(function, name="function")
    x = validate_batch(images, name="images", value_range=None)
    batch_size = validate_positive_int(batch_size, name="batch_size")
    device = device_of(function) if device is None else select_device(device)
    outputs = []
    with evaluation_mode(function):
        for batch in x.split(batch_size):
            try:
                output = function(batch.to(device))
            except RuntimeError as error:
                raise _cannot_process(function, x, error) from None
            if not isinstance(output, torch.Tensor):
                raise TypeError(
                    "function must return a tensor, got "
                    f"{type(output).__name__}; wrap it, e.g. "
                    "predict(lambda x: model(x)[0], images)."
                )
            outputs.append(output.cpu())
    result = torch.cat(outputs)
    if result.is_floating_point():  # a diverged model's NaN must not pass on
        validate_tensor(result, name="the output of function")
    return result


def check_model_fits(model: nn.Module, batch: torch.Tensor) -> None:
    """Once before training, whatever the loss: the model must accept the
    data, and a reconstruction that would broadcast against the batch
    ((N, 8, 8) for (N, 1, 8, 8)) is refused."""
    try:
        inspect.signature(model.forward).bind(batch)
    except TypeError:
        return  # forward takes more than a batch (a denoiser): loss_fn's job
    try:
        with torch.no_grad(), evaluation_mode(model):
            output = model(batch)
    except RuntimeError as error:
        raise _cannot_process(model, batch, error) from None
    if not isinstance(output, torch.Tensor) or output.shape == batch.shape:
        return
    try:
        torch.broadcast_shapes(output.shape, batch.shape)
    except RuntimeError:
        return  # not a reconstruction (codes, logits): a broadcast would fail
    if output.numel() == batch.numel() or output.shape[0] != batch.shape[0]:
        validate_model_output(output, batch)
