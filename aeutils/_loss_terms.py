"""How :func:`aeutils.train.fit` reads what a loss function returns.

A loss function returns a scalar tensor or a mapping with a ``"loss"`` entry
and other scalar terms. These helpers check that form, sum the terms on the
device (one host sync per epoch instead of one per batch), and turn NaN or
infinite values into a ``FloatingPointError`` that names the term and epoch.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Mapping

import torch
from torch import nn

LossFn = Callable[[nn.Module, torch.Tensor], "torch.Tensor | Mapping[str, torch.Tensor]"]


def _split_loss(output: object) -> dict[str, torch.Tensor]:
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


def _call_loss(loss_fn: LossFn, model: nn.Module, batch: torch.Tensor, *, first: bool):
    """Call ``loss_fn``; on the first batch, turn PyTorch's broadcasting warning into an error.

    ``F.mse_loss`` only warns when output and target shapes differ and then
    trains on a broadcast target; a custom ``loss_fn`` gets the same check.
    """
    if not first:
        return loss_fn(model, batch)
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message="Using a target size", category=UserWarning)
        try:
            return loss_fn(model, batch)
        except UserWarning as warning:
            raise ValueError(
                f"loss_fn compared tensors of different shapes for a batch of shape "
                f"{tuple(batch.shape)}: {warning} A reconstruction must have exactly the "
                "input's shape."
            ) from None


def _accumulate(sums: dict[str, torch.Tensor], terms: Mapping[str, torch.Tensor], n: int) -> None:
    """Add ``n`` times each term to ``sums`` on the device, without a host sync."""
    for name, value in terms.items():
        weighted = value.detach().reshape(()).double() * n
        sums[name] = sums[name] + weighted if name in sums else weighted


def _check_first_batch(terms: Mapping[str, torch.Tensor]) -> None:
    """Before any update, a non-finite term comes from the loss function itself."""
    values = torch.stack([value.detach().reshape(()).double() for value in terms.values()])
    if bool(torch.isfinite(values).all()):
        return
    bad = {name: float(value) for name, value in zip(terms, values) if not math.isfinite(value)}
    raise FloatingPointError(
        f"The loss function itself returned {bad} on the very first batch, before any "
        "update, so this is not a learning-rate problem: check loss_fn and the model's "
        "forward pass for log(0), division by zero or sqrt of a negative number."
    )


def _check_epoch(
    model: nn.Module, means: Mapping[str, float], *, epoch: int, lr: float, split: str
) -> None:
    """Raise ``FloatingPointError`` naming the first non-finite term or the parameters."""
    bad_params = any(not bool(torch.isfinite(p).all()) for p in model.parameters())
    for name, value in means.items():
        if not math.isfinite(value):
            label = "validation loss" if (split, name) == ("validation", "loss") else (
                f"{split} term {name!r}"
            )
            raise FloatingPointError(
                f"The {label} became {value} in epoch {epoch}; training diverged"
                + (" and the model's parameters are no longer finite" if bad_params else "")
                + f". Lower the learning rate (lr={lr:g}) and try again, or check loss_fn "
                "for log(0), division by zero or sqrt of a negative number."
            )
    if bad_params:
        raise FloatingPointError(
            f"The model's parameters became NaN or infinite in epoch {epoch} although every "
            "recorded loss term stayed finite: the gradients were not finite. Check loss_fn "
            "for operations whose gradient is infinite (sqrt or log at 0, norm of a zero "
            f"vector), or lower the learning rate (lr={lr:g})."
        )
