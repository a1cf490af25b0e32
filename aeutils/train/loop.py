"""The training loop every chapter uses: fit, evaluate, fit_classifier.

The loss is a function ``loss_fn(model, batch)``, so the same :func:`fit`
trains a plain, a denoising, a sparse or a variational autoencoder. It
returns a scalar tensor, or a mapping with the key ``"loss"`` (what is
minimised) plus other scalar terms to record, e.g.
``{"loss": total, "reconstruction": rec, "kl": kl}``.
"""

from __future__ import annotations

import functools
import math
import random
import time
import warnings
from collections.abc import Mapping

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

from ..losses import LossFn, mse_loss
from ..validation import (
    validate_batch,
    validate_callable,
    validate_class_labels,
    validate_loss_terms,
    validate_module,
    validate_nonnegative_float,
    validate_option,
    validate_positive_float,
    validate_positive_int,
    validate_seed,
)
from .devices import device_of, evaluation_mode, select_device
from .history import History
from .predict import check_model_fits

__all__ = [
    "evaluate",
    "fit",
    "fit_classifier",
    "seed_everything",
]

_NAN_HINT = "log(0), division by zero or sqrt of a negative number"


def seed_everything(seed: int) -> None:
    """Seed Python's, NumPy's and PyTorch's random generators.

    Call it right before building a model so that its initial weights, and
    every number that follows, are the same on every run on this machine.
    """
    seed = validate_seed(seed)
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def _batches(n: int, batch_size: int, order: torch.Tensor | None = None):
    indices = order if order is not None else torch.arange(n)
    for start in range(0, n, batch_size):
        yield indices[start : start + batch_size]


def _mean_terms(
    model: nn.Module, x: torch.Tensor, *, loss_fn: LossFn, batch_size: int,
    device: torch.device,
) -> dict[str, float]:
    sums: dict[str, torch.Tensor] = {}
    with evaluation_mode(model):
        for number, index in enumerate(_batches(len(x), batch_size)):
            batch = x[index].to(device)
            output = _call_loss(loss_fn, model, batch, first=number == 0)
            _accumulate(sums, validate_loss_terms(output), len(index))
    return {name: float(total) / len(x) for name, total in sums.items()}


@torch.no_grad()
def evaluate(
    model: nn.Module,
    images: object,
    *,
    loss_fn: LossFn = mse_loss,
    batch_size: int = 1024,
    device: str | torch.device | None = None,
) -> dict[str, float]:
    """Mean of each loss term over ``images``, with the model in eval mode.

    Parameters
    ----------
    model
        The model passed to ``loss_fn``.
    images
        Images ``(N, C, H, W)`` in ``[0, 1]``, windows ``(N, C, T)`` or
        feature rows ``(N, D)``.
    loss_fn, batch_size, device
        As in :func:`fit`; ``device=None`` uses the model's device.

    Returns
    -------
    dict
        ``{"loss": ..., other terms...}`` averaged per example.

    Raises
    ------
    FloatingPointError
        If a term is NaN or infinite on these data.
    """
    x = validate_batch(images, name="images")
    batch_size = validate_positive_int(batch_size, name="batch_size")
    device = device_of(model) if device is None else select_device(device)
    means = _mean_terms(
        model, x, loss_fn=loss_fn, batch_size=batch_size, device=device
    )
    for name, value in means.items():
        if not math.isfinite(value):
            raise FloatingPointError(
                f"The loss term {name!r} is {value} on these data although "
                "they are finite: the model's weights or the loss function "
                f"produce NaN/inf (check for {_NAN_HINT}, or a model that "
                "diverged in training)."
            )
    return means


class _Progress:
    """Epoch-by-epoch status in one display that is updated in place.

    In a notebook the same output is overwritten, so an executed notebook
    (and the rendered book) keeps only the final summary line.
    """

    def __init__(self, enabled: bool) -> None:
        self.handle = None
        self.enabled = enabled
        if enabled:
            try:
                from IPython import get_ipython
                from IPython.display import Pretty, display
            except ImportError:
                return
            shell = get_ipython()
            if getattr(shell, "kernel", None) is not None:
                self._pretty = Pretty
                self.handle = display(Pretty("Training..."), display_id=True)

    def update(self, text: str, *, final: bool = False) -> None:
        if not self.enabled:
            return
        if self.handle is not None:
            self.handle.update(self._pretty(text))
        elif final:
            print(text)


def _call_loss(loss_fn: LossFn, model: nn.Module, batch: torch.Tensor, *,
               first: bool):
    """Call ``loss_fn``; on the first batch, PyTorch's broadcasting warning
    (``F.mse_loss`` on different shapes) becomes an error."""
    if not first:
        return loss_fn(model, batch)
    with warnings.catch_warnings():
        warnings.filterwarnings(
            "error", message="Using a target size", category=UserWarning
        )
        try:
            return loss_fn(model, batch)
        except UserWarning as warning:
            raise ValueError(
                "loss_fn compared tensors of different shapes for a batch of "
                f"shape {tuple(batch.shape)}: {warning} A reconstruction "
                "must have exactly the input's shape."
            ) from None


def _accumulate(
    sums: dict[str, torch.Tensor], terms: Mapping[str, torch.Tensor], n: int
) -> None:
    """Add ``n`` times each term to ``sums`` on the device (no host sync)."""
    for name, value in terms.items():
        weighted = value.detach().reshape(()).double() * n
        sums[name] = sums[name] + weighted if name in sums else weighted


def _check_first_batch(terms: Mapping[str, torch.Tensor]) -> None:
    """Before any update, a detached or non-finite loss is the loss
    function's own doing."""
    if not terms["loss"].requires_grad:
        raise ValueError(
            "loss_fn returned a loss without a gradient (requires_grad is "
            "False), so nothing can be trained: compute it from the model's "
            "output with torch operations, without .detach(), .item(), "
            "float() or torch.no_grad()."
        )
    values = {n: float(v.detach().reshape(())) for n, v in terms.items()}
    bad = {n: v for n, v in values.items() if not math.isfinite(v)}
    if bad:
        raise FloatingPointError(
            f"The loss function itself returned {bad} on the very first "
            "batch, before any update, so this is not a learning-rate "
            "problem: check loss_fn and the model's forward pass for "
            f"{_NAN_HINT}."
        )


def _check_epoch(model: nn.Module, means: Mapping[str, float], *,
                 epoch: int, lr: float, split: str) -> None:
    """Raise ``FloatingPointError`` naming the first non-finite term or the
    parameters."""
    bad_params = not all(bool(p.isfinite().all()) for p in model.parameters())
    for name, value in means.items():
        if not math.isfinite(value):
            label = f"{split} term {name!r}"
            if (split, name) == ("validation", "loss"):
                label = "validation loss"
            broken = " and the model's parameters are no longer finite"
            raise FloatingPointError(
                f"The {label} became {value} in epoch {epoch}; training "
                f"diverged{broken if bad_params else ''}. Lower the learning "
                f"rate (lr={lr:g}) and try again, or check loss_fn for "
                f"{_NAN_HINT}."
            )
    if bad_params:
        raise FloatingPointError(
            f"The model's parameters became NaN or infinite in epoch {epoch} "
            "although every recorded loss term stayed finite: the gradients "
            "were not finite. Check loss_fn for operations whose gradient is "
            "infinite (sqrt or log at 0, norm of a zero vector), or lower "
            f"the learning rate (lr={lr:g})."
        )


OPTIMIZERS = {
    "adam": torch.optim.Adam,
    "adamw": torch.optim.AdamW,
    "sgd": functools.partial(torch.optim.SGD, momentum=0.9),
}


def _setup(model, x, *, lr, seed, device, batch_size, epochs, **options):
    """Move model and data to the device; optimizer, scheduler, shuffling."""
    model.to(device)
    x = x.to(device)
    if options.get("check", False):
        check_model_fits(model, x[:batch_size])
    optim = OPTIMIZERS[options.get("optimizer", "adam")](
        model.parameters(), lr=lr,
        weight_decay=options.get("weight_decay", 0.0),
    )
    scheduler = None
    if options.get("lr_schedule") == "cosine":
        steps = epochs * -(-len(x) // batch_size)
        scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optim, steps)
    torch.manual_seed(seed)
    shuffle = torch.Generator().manual_seed(seed)
    history = History(device=str(device), model_name=type(model).__name__)
    return x, optim, scheduler, shuffle, history


def _step(optim, loss: torch.Tensor, scheduler=None) -> None:
    optim.zero_grad(set_to_none=True)
    loss.backward()
    optim.step()
    if scheduler is not None:
        scheduler.step()


def fit(
    model: nn.Module,
    train_images: object,
    *,
    loss_fn: LossFn = mse_loss,
    val_images: object | None = None,
    epochs: int = 10,
    batch_size: int = 256,
    lr: float = 1e-3,
    weight_decay: float = 0.0,
    optimizer: str = "adam",
    lr_schedule: str | None = None,
    seed: int = 0,
    device: str | torch.device | None = None,
    progress: bool = True,
) -> History:
    """Train ``model`` to minimise ``loss_fn`` and return the loss history.

    The data are moved to the device once and batched by indexing (much
    faster than a per-sample ``DataLoader`` for data that fit in memory).
    Before training, one batch checks that the model accepts the data and
    that a reconstruction has the batch's shape, whatever ``loss_fn`` is.

    Parameters
    ----------
    model
        An ``nn.Module`` with trainable parameters; moved to ``device``.
    train_images
        Images ``(N, C, H, W)`` in ``[0, 1]``, windows ``(N, C, T)`` or
        feature rows ``(N, D)`` (any finite values).
    loss_fn
        ``loss_fn(model, batch)``: a scalar tensor or a mapping with a
        ``"loss"`` entry; default :func:`aeutils.losses.mse_loss`.
    val_images
        Optional data of the same form, evaluated after every epoch.
    epochs, batch_size, lr, weight_decay
        The usual; ``weight_decay`` is the optimizer's (coupled L2 for Adam).
    optimizer
        ``"adam"``, ``"adamw"`` or ``"sgd"`` (with momentum 0.9).
    lr_schedule
        ``None`` (constant) or ``"cosine"`` (annealed to zero).
    seed
        Seeds the shuffling and PyTorch's global generator (used by random
        corruption or sampling inside ``loss_fn``).
    device
        ``"cpu"``, ``"cuda"``, ... or ``None`` for the fastest available.
    progress
        Show a status line that is updated every epoch.

    Returns
    -------
    History
        Losses and timings per epoch. The model stays on ``device``;
        :func:`predict` and every function taking ``model`` or
        ``model.encode`` follow it there.

    Raises
    ------
    FloatingPointError
        After the epoch in which a recorded term or a parameter became NaN
        or infinite, naming the term and the epoch.
    """
    validate_module(model)
    validate_callable(
        loss_fn, name="loss_fn", example="a function loss_fn(model, batch)"
    )
    x_train = validate_batch(train_images, name="train_images")
    x_val = None
    if val_images is not None:
        x_val = validate_batch(val_images, name="val_images")
        if x_val.shape[1:] != x_train.shape[1:]:
            raise ValueError(
                f"val_images have examples of shape {tuple(x_val.shape[1:])} "
                f"but train_images have {tuple(x_train.shape[1:])}; both "
                "must hold the same kind of data."
            )
    options = dict(
        epochs=validate_positive_int(epochs, name="epochs"),
        batch_size=validate_positive_int(batch_size, name="batch_size"),
        lr=validate_positive_float(lr, name="lr"),
        weight_decay=validate_nonnegative_float(
            weight_decay, name="weight_decay"
        ),
        seed=validate_seed(seed),
        optimizer=validate_option(
            optimizer, name="optimizer", options=tuple(OPTIMIZERS)
        ),
        lr_schedule=validate_option(
            lr_schedule, name="lr_schedule", options=(None, "cosine")
        ),
    )
    if not any(p.requires_grad for p in model.parameters()):
        raise ValueError(
            f"{type(model).__name__} has no trainable parameters, so there "
            "is nothing to fit; use evaluate() to measure its loss."
        )
    device = select_device(device)
    x_train, optim, scheduler, shuffle, history = _setup(
        model, x_train, device=device, check=True, **options
    )
    status = _Progress(progress)
    batch_size = options["batch_size"]
    for epoch in range(1, epochs + 1):
        start = time.perf_counter()
        model.train()
        sums: dict[str, torch.Tensor] = {}  # summed on the device
        order = torch.randperm(len(x_train), generator=shuffle).to(device)
        for index in _batches(len(x_train), batch_size, order):
            first = epoch == 1 and not sums
            terms = validate_loss_terms(
                _call_loss(loss_fn, model, x_train[index], first=first)
            )
            if first:
                _check_first_batch(terms)
            _step(optim, terms["loss"], scheduler)
            _accumulate(sums, terms, len(index))
        means = {k: float(total) / len(x_train) for k, total in sums.items()}
        _check_epoch(model, means, epoch=epoch, lr=lr, split="training")
        _record(history, means, prefix="")
        if x_val is not None:
            with torch.no_grad():
                val_terms = _mean_terms(
                    model, x_val, loss_fn=loss_fn, batch_size=1024,
                    device=device,
                )
            _check_epoch(
                model, val_terms, epoch=epoch, lr=lr, split="validation"
            )
            _record(history, val_terms, prefix="val_")
        history.epoch_seconds.append(time.perf_counter() - start)
        last = history.train_loss[-1]
        line = f"epoch {epoch}/{epochs}: train loss {last:.5f}"
        if history.val_loss:
            line += f", validation loss {history.val_loss[-1]:.5f}"
        status.update(line)
    status.update(history.summary(), final=True)
    return history


def _record(history: History, means: dict[str, float], *, prefix: str):
    losses = history.val_loss if prefix else history.train_loss
    losses.append(means.pop("loss"))
    for name, value in means.items():
        history.terms.setdefault(prefix + name, []).append(value)


def fit_classifier(
    model: nn.Module,
    images: object,
    labels: object,
    *,
    epochs: int = 3,
    batch_size: int = 256,
    lr: float = 1e-3,
    seed: int = 0,
    device: str | torch.device | None = None,
) -> History:
    """Train ``model`` to predict ``labels`` with cross-entropy and Adam.

    The small classifiers that score generated images train with this;
    :func:`fit` trains everything that reconstructs.

    Parameters
    ----------
    model
        Returns one logit per class, shape ``(N, n_classes)``.
    images
        Inputs ``(N, C, H, W)`` in ``[0, 1]`` (or features ``(N, D)``).
    labels
        Integer class labels, shape ``(N,)``.
    epochs, batch_size, lr, seed, device
        As in :func:`fit` (constant learning rate).

    Returns
    -------
    History
        The mean training cross-entropy and the time of each epoch.
    """
    model = validate_module(model)
    x = validate_batch(images, name="images")
    y = validate_class_labels(labels, name="labels", n=len(x))
    epochs = validate_positive_int(epochs, name="epochs")
    batch_size = validate_positive_int(batch_size, name="batch_size")
    device = select_device(device)
    x, optim, _, shuffle, history = _setup(
        model, x, lr=validate_positive_float(lr, name="lr"),
        seed=validate_seed(seed), device=device, batch_size=batch_size,
        epochs=epochs,
    )
    y = torch.from_numpy(y).long().to(device)
    model.train()
    for _ in range(epochs):
        start = time.perf_counter()
        total = torch.zeros((), device=device)
        order = torch.randperm(len(x), generator=shuffle).to(device)
        for index in _batches(len(x), batch_size, order):
            loss = F.cross_entropy(model(x[index]), y[index])
            _step(optim, loss)
            total += loss.detach() * len(index)
        history.train_loss.append(float(total) / len(x))
        history.epoch_seconds.append(time.perf_counter() - start)
    model.eval()
    return history
