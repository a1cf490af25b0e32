"""The training loop every chapter uses: fit, evaluate, fit_classifier, and
the :class:`History` of a run.

The loss is a function ``loss_fn(model, batch)``, so the same :func:`fit`
trains a plain, a denoising, a sparse or a variational autoencoder. It
returns a scalar tensor, or a mapping with the key ``"loss"`` (what is
minimised) plus other scalar terms to record, e.g.
``{"loss": total, "reconstruction": rec, "kl": kl}``.
"""

from __future__ import annotations

import math
import random
import time
import warnings
from dataclasses import dataclass, field

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

from ..losses import LossFn, mse_loss
from ..validation import (
    validate_batch,
    validate_callable,
    validate_labels,
    validate_loss_terms,
    validate_module,
    validate_option,
    validate_positive_float,
    validate_positive_int,
    validate_same_shape,
    validate_seed,
)
from .devices import (
    check_model_fits,
    device_of,
    evaluation_mode,
    select_device,
)

__all__ = ["History", "evaluate", "fit", "fit_classifier", "seed_everything"]


@dataclass
class History:
    """What happened during :func:`fit`, one entry per epoch.

    Attributes
    ----------
    train_loss, val_loss
        Mean loss per example on the training and validation data.
    terms
        Other terms of the loss function, e.g. ``{"kl": [...]}``; their
        validation values are under ``"val_" + name``.
    epoch_seconds
        Wall-clock time of each epoch.
    device, model_name
        Where the model was trained; its class name.
    """

    train_loss: list[float] = field(default_factory=list)
    val_loss: list[float] = field(default_factory=list)
    terms: dict[str, list[float]] = field(default_factory=dict)
    epoch_seconds: list[float] = field(default_factory=list)
    device: str = "cpu"
    model_name: str = "model"

    @property
    def epochs(self) -> int:
        """Number of completed epochs."""
        return len(self.train_loss)

    @property
    def total_seconds(self) -> float:
        """Total training time."""
        return float(sum(self.epoch_seconds))

    def summary(self) -> str:
        """One line: what was trained, how long, and the final losses."""
        text = (
            f"Trained {self.model_name} for {self.epochs} epochs on "
            f"{self.device} in {self.total_seconds:.1f} s: train loss "
            f"{self.train_loss[-1]:.5f}"
        )
        if self.val_loss:
            text += f", validation loss {self.val_loss[-1]:.5f}"
        return text + "."


def seed_everything(seed: int) -> None:
    """Seed Python's, NumPy's and PyTorch's random generators.

    Call it right before building a model so that its initial weights, and
    every number that follows, are the same on every run on this machine.
    """
    seed = validate_seed(seed)
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def _call_loss(loss_fn, model: nn.Module, *batch: torch.Tensor, first: bool):
    """The terms of ``loss_fn(model, *batch)``; on the first batch,
    PyTorch's broadcasting warning (``F.mse_loss`` on different shapes)
    becomes an error."""
    if not first:
        return validate_loss_terms(loss_fn(model, *batch))
    with warnings.catch_warnings():
        warnings.filterwarnings(
            "error", message="Using a target size", category=UserWarning
        )
        try:
            return validate_loss_terms(loss_fn(model, *batch))
        except UserWarning as warning:
            raise ValueError(
                "loss_fn compared tensors of different shapes for a batch of "
                f"shape {tuple(batch[0].shape)}: {warning} A reconstruction "
                "must have exactly the input's shape."
            ) from None


def _accumulate(sums: dict, terms: dict, n: int) -> None:
    """Add ``n`` times each term to ``sums`` on the device (no host sync)."""
    for name, value in terms.items():
        weighted = value.detach().reshape(()).double() * n
        sums[name] = sums[name] + weighted if name in sums else weighted


def _check_finite(means: dict[str, float], label: str, when: str) -> None:
    """Raise ``FloatingPointError`` naming the first NaN or infinite term."""
    for name, value in means.items():
        if not math.isfinite(value):
            term = "loss" if name == "loss" else f"term {name!r}"
            raise FloatingPointError(
                f"The {label} {term} became {value} {when} (look for log(0), "
                "division by zero or sqrt of a negative number)."
            )


@torch.no_grad()
def _mean_terms(model, x, loss_fn, device) -> dict[str, float]:
    """Mean of each loss term over ``x``, with the model in eval mode."""
    sums: dict[str, torch.Tensor] = {}
    with evaluation_mode(model):
        for number, batch in enumerate(x.split(1024)):
            terms = _call_loss(loss_fn, model, batch.to(device),
                               first=number == 0)
            _accumulate(sums, terms, len(batch))
    return {name: float(total) / len(x) for name, total in sums.items()}


def evaluate(
    model: nn.Module,
    images: object,
    *,
    loss_fn: LossFn = mse_loss,
) -> dict[str, float]:
    """Mean of each loss term over ``images``, with the model in eval mode.

    Parameters
    ----------
    images
        Images ``(N, C, H, W)`` in ``[0, 1]``, windows ``(N, C, T)`` or
        feature rows ``(N, D)``, sent to the model's device.
    loss_fn
        As in :func:`fit`.

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
    means = _mean_terms(model, x, loss_fn, device_of(model))
    _check_finite(
        means,
        "evaluated",
        "on these finite data: the model's weights or loss_fn produce "
        "NaN/inf, e.g. a model that diverged in training",
    )
    return means


def _status(progress: bool):
    """``update(text, final=False)``: in a notebook, one output overwritten
    every epoch (an executed notebook keeps the final summary); elsewhere
    only the final summary is printed."""
    if not progress:
        return lambda text, final=False: None
    from IPython import get_ipython
    from IPython.display import Pretty, display

    if getattr(get_ipython(), "kernel", None) is None:
        return lambda text, final=False: print(text) if final else None
    handle = display(Pretty("Training..."), display_id=True)
    return lambda text, final=False: handle.update(Pretty(text))


def _train(model, data, loss_fn, *, epochs, batch_size, lr, seed, device,
           lr_schedule=None, x_val=None, progress=False) -> History:
    """Adam on ``loss_fn(model, *batch)`` over shuffled batches of the
    tensors ``data`` (already on ``device``); the loop of both fits."""
    optim = torch.optim.Adam(model.parameters(), lr=lr)
    n = len(data[0])
    scheduler = None
    if lr_schedule == "cosine":
        steps = epochs * -(-n // batch_size)
        scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optim, steps)
    torch.manual_seed(seed)
    shuffle = torch.Generator().manual_seed(seed)
    history = History(device=str(device), model_name=type(model).__name__)
    status = _status(progress)
    advice = (
        f"; training diverged. Lower the learning rate (lr={lr:g}) and try "
        "again, or check loss_fn"
    )
    for epoch in range(1, epochs + 1):
        start = time.perf_counter()
        model.train()
        sums: dict[str, torch.Tensor] = {}  # summed on the device
        order = torch.randperm(n, generator=shuffle).to(device)
        for index in order.split(batch_size):
            first = epoch == 1 and not sums
            batch = [tensor[index] for tensor in data]
            terms = _call_loss(loss_fn, model, *batch, first=first)
            if first and not terms["loss"].requires_grad:
                raise ValueError(
                    "loss_fn returned a loss without a gradient (requires_grad"
                    " is False), so nothing can be trained: compute it from "
                    "the model's output with torch operations, without "
                    ".detach(), .item(), float() or torch.no_grad()."
                )
            if first:  # before any update, NaN is the loss function's doing
                _check_finite(
                    {k: float(v.detach()) for k, v in terms.items()},
                    "first batch's",
                    "before any update: the loss function itself returned "
                    "it, so this is not a learning-rate problem; check "
                    "loss_fn and the model's forward pass",
                )
            optim.zero_grad(set_to_none=True)
            terms["loss"].backward()
            optim.step()
            if scheduler is not None:
                scheduler.step()
            _accumulate(sums, terms, len(index))
        means = {name: float(total) / n for name, total in sums.items()}
        _check_finite(means, "training", f"in epoch {epoch}{advice}")
        if not all(bool(p.isfinite().all()) for p in model.parameters()):
            raise FloatingPointError(
                f"The model's parameters became NaN or infinite in epoch "
                f"{epoch} although every recorded loss term stayed finite: "
                "the gradients were not finite. Check loss_fn for operations "
                "whose gradient is infinite (sqrt or log at 0, norm of a zero "
                f"vector), or lower the learning rate (lr={lr:g})."
            )
        _record(history, means, prefix="")
        if x_val is not None:
            val_terms = _mean_terms(model, x_val, loss_fn, device)
            _check_finite(val_terms, "validation", f"in epoch {epoch}{advice}")
            _record(history, val_terms, prefix="val_")
        history.epoch_seconds.append(time.perf_counter() - start)
        status(history.summary())
    status(history.summary(), final=True)
    return history


def _record(history: History, means: dict[str, float], *, prefix: str):
    losses = history.val_loss if prefix else history.train_loss
    losses.append(means.pop("loss"))
    for name, value in means.items():
        history.terms.setdefault(prefix + name, []).append(value)


def fit(
    model: nn.Module,
    train_images: object,
    *,
    loss_fn: LossFn = mse_loss,
    val_images: object | None = None,
    epochs: int = 10,
    batch_size: int = 256,
    lr: float = 1e-3,
    lr_schedule: str | None = None,
    seed: int = 0,
    device: str | torch.device | None = None,
    progress: bool = True,
) -> History:
    """Train ``model`` with Adam to minimise ``loss_fn``; return the history.

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
    lr_schedule
        ``None`` (constant learning rate) or ``"cosine"`` (annealed to 0).
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
        validate_same_shape(
            x_val[0],
            x_train[0],
            names=("examples of val_images", "examples of train_images"),
        )
    options = dict(
        epochs=validate_positive_int(epochs, name="epochs"),
        batch_size=validate_positive_int(batch_size, name="batch_size"),
        lr=validate_positive_float(lr, name="lr"),
        seed=validate_seed(seed),
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
    x_train = x_train.to(device)
    check_model_fits(model.to(device), x_train[: options["batch_size"]])
    return _train(
        model, [x_train], loss_fn, device=device, x_val=x_val,
        progress=progress, **options,
    )  # fmt: skip


def fit_classifier(
    model: nn.Module,
    images: object,
    labels: object,
    *,
    epochs: int = 3,
    lr: float = 1e-3,
    seed: int = 0,
) -> History:
    """Train ``model`` to predict ``labels`` with cross-entropy and Adam.

    The small classifiers that score generated images train with this;
    :func:`fit` trains everything that reconstructs, with the same loop.

    Parameters
    ----------
    model
        Returns one logit per class, shape ``(N, n_classes)``.
    images
        Inputs ``(N, C, H, W)`` in ``[0, 1]`` (or features ``(N, D)``).
    labels
        Integer class labels, shape ``(N,)``.
    epochs, lr, seed
        As in :func:`fit` (batches of 256, constant learning rate, the
        fastest device).

    Returns
    -------
    History
        The mean training cross-entropy and the time of each epoch; the
        model is left in eval mode.
    """
    model = validate_module(model)
    x = validate_batch(images, name="images")
    y = validate_labels(labels, n=len(x))
    device = select_device()
    history = _train(
        model.to(device),
        [x.to(device), y.to(device)],
        lambda net, inputs, targets: F.cross_entropy(net(inputs), targets),
        epochs=validate_positive_int(epochs, name="epochs"),
        batch_size=256,
        lr=validate_positive_float(lr, name="lr"),
        seed=validate_seed(seed),
        device=device,
    )
    model.eval()
    return history
