"""One training loop for every chapter, and the device rule.

DEVICE RULE: :func:`fit` moves the model to ``device`` (CUDA when present)
and leaves it there. Every function of the library that takes a model or a
callable (an encoder, ``model.encode``, ``model.decode``, a
``functools.partial`` of one) finds the callable's module with
:func:`device_of`, sends its inputs to that module's device and returns
CPU results. A plain function or lambda that wraps a model has no module to
ask: it gets CPU inputs, so pass the module or its bound method instead.

The loss is passed in as a function ``loss_fn(model, batch)`` so that the same
:func:`fit` trains a plain, a denoising, a sparse or a variational autoencoder:
only the loss function changes. It may return a scalar tensor, or a mapping
with the key ``"loss"`` (what is minimised) plus other scalar terms to record,
e.g. ``{"loss": total, "reconstruction": rec, "kl": kl}``.
"""

from __future__ import annotations

import contextlib
import functools
import itertools
import math
import random
import time
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

from .losses import LossFn, mse_loss
from .validation import (
    validate_batch,
    validate_callable,
    validate_device,
    validate_loss_terms,
    validate_module,
    validate_nonnegative_float,
    validate_positive_float,
    validate_positive_int,
    validate_seed,
)

__all__ = [
    "History",
    "device_of",
    "evaluate",
    "fit",
    "fit_classifier",
    "predict",
    "seed_everything",
    "select_device",
]

def select_device(device: str | torch.device | None = None) -> torch.device:
    """Return ``device`` if given, else CUDA, then Apple's MPS, then the CPU.

    A device that is named but not available raises ``ValueError`` instead of
    silently training somewhere else.
    """
    if device is not None:
        return validate_device(device)
    if torch.cuda.is_available():
        return torch.device("cuda")
    if getattr(torch.backends, "mps", None) and torch.backends.mps.is_available():
        return torch.device("mps")
    return torch.device("cpu")


def seed_everything(seed: int) -> None:
    """Seed Python's, NumPy's and PyTorch's random generators.

    Call it right before building a model so that its initial weights, and so
    every number that follows, are the same on every run on the same machine.
    """
    seed = validate_seed(seed)
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


@dataclass
class History:
    """What happened during :func:`fit`, one entry per epoch.

    Attributes
    ----------
    train_loss, val_loss
        Mean loss per example over the training and validation data (the
        training loss is averaged over the epoch while the weights change).
    terms
        Other terms returned by the loss function, e.g. ``{"kl": [...]}``; the
        validation values are under ``"val_" + name``.
    epoch_seconds
        Wall-clock time of each epoch.
    device
        Where the model was trained.
    model_name
        Class name of the trained model.
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
        if not self.train_loss:
            return f"{self.model_name} has not been trained yet (0 epochs recorded)."
        text = (
            f"Trained {self.model_name} for {self.epochs} epochs on {self.device} in "
            f"{self.total_seconds:.1f} s: train loss {self.train_loss[-1]:.5f}"
        )
        if self.val_loss:
            text += f", validation loss {self.val_loss[-1]:.5f}"
        return text + "."


def _batches(n: int, batch_size: int, order: torch.Tensor | None = None):
    indices = order if order is not None else torch.arange(n)
    for start in range(0, n, batch_size):
        yield indices[start : start + batch_size]


def _module_of(function: object) -> nn.Module | None:
    """The module behind a model, a bound method or a functools.partial."""
    while isinstance(function, functools.partial):
        function = function.func
    if isinstance(function, nn.Module):
        return function
    owner = getattr(function, "__self__", None)
    return owner if isinstance(owner, nn.Module) else None


def device_of(function: object) -> torch.device:
    """The device a model or callable computes on (the device rule).

    An ``nn.Module`` is on the device of its first parameter (or buffer); a
    bound method such as ``model.encode`` and a ``functools.partial`` of
    either are on their module's device; anything else (a function, a
    lambda, ``pca.decode``) computes on the CPU.
    """
    module = _module_of(validate_callable(function, name="function"))
    if module is None:
        return torch.device("cpu")
    for tensor in itertools.chain(module.parameters(), module.buffers()):
        return tensor.device
    return torch.device("cpu")


@contextlib.contextmanager
def evaluation_mode(function: object):
    """Put the callable's module (if any) in eval mode, then restore it."""
    module = _module_of(function)
    was_training = module.training if module is not None else False
    if module is not None:
        module.eval()
    try:
        yield
    finally:
        if module is not None:
            module.train(was_training)


def _mean_terms(
    model: nn.Module, x: torch.Tensor, *, loss_fn: LossFn, batch_size: int, device: torch.device
) -> dict[str, float]:
    was_training = model.training
    model.eval()
    sums: dict[str, torch.Tensor] = {}
    try:
        for number, index in enumerate(_batches(len(x), batch_size)):
            batch = x[index].to(device)
            terms = validate_loss_terms(_call_loss(loss_fn, model, batch, first=number == 0))
            _accumulate(sums, terms, len(index))
    finally:
        model.train(was_training)
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
        Images ``(N, C, H, W)`` in ``[0, 1]``, sensor windows ``(N, C, T)`` or
        feature rows ``(N, D)`` (any finite values).
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
    means = _mean_terms(model, x, loss_fn=loss_fn, batch_size=batch_size, device=device)
    for name, value in means.items():
        if not math.isfinite(value):
            raise FloatingPointError(
                f"The loss term {name!r} is {value} on these data although they are finite: "
                "the model's weights or the loss function produce NaN/inf (check for "
                "log(0), division by zero, or a model that diverged in training)."
            )
    return means


@torch.no_grad()
def predict(
    function: Callable[[torch.Tensor], torch.Tensor],
    images: object,
    *,
    batch_size: int = 1024,
    device: str | torch.device | None = None,
) -> torch.Tensor:
    """Apply ``function`` (a model, an encoder, ...) to ``images`` in batches.

    ``images`` may be images ``(N, C, H, W)``, windows ``(N, C, T)`` or
    features ``(N, D)``; they are converted to float32 and sent to the
    device of ``function`` (see :func:`device_of`: a model, ``model.encode``
    or a partial of either), unless ``device`` is given. The function's
    module is put in eval mode for the call and restored afterwards. The
    result is returned on the CPU.
    """
    validate_callable(function, name="function")
    x = validate_batch(images, name="images", value_range=None)
    batch_size = validate_positive_int(batch_size, name="batch_size")
    device = device_of(function) if device is None else select_device(device)
    outputs = []
    with evaluation_mode(function):
        for index in _batches(len(x), batch_size):
            output = function(x[index].to(device))
            if not isinstance(output, torch.Tensor):
                raise TypeError(
                    f"function must return a tensor, got {type(output).__name__}; wrap it, "
                    "e.g. predict(lambda x: model(x)[0], images)."
                )
            outputs.append(output.cpu())
    return torch.cat(outputs)


class _Progress:
    """Epoch-by-epoch status in one display that is updated in place.

    In a notebook the same output is overwritten, so an executed notebook (and
    the rendered book) keeps only the final summary line.
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
            if shell is not None and getattr(shell, "kernel", None) is not None:
                self._pretty = Pretty
                self.handle = display(Pretty("Training..."), display_id=True)

    def update(self, text: str, *, final: bool = False) -> None:
        if not self.enabled:
            return
        if self.handle is not None:
            self.handle.update(self._pretty(text))
        elif final:
            print(text)


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


def _make_optimizer(
    name: str, params, *, lr: float, weight_decay: float
) -> torch.optim.Optimizer:
    if name == "adam":
        return torch.optim.Adam(params, lr=lr, weight_decay=weight_decay)
    if name == "adamw":
        return torch.optim.AdamW(params, lr=lr, weight_decay=weight_decay)
    if name == "sgd":
        return torch.optim.SGD(params, lr=lr, momentum=0.9, weight_decay=weight_decay)
    raise ValueError(f"optimizer must be 'adam', 'adamw' or 'sgd', got {name!r}.")


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

    The data are moved to the device once and batched by indexing, which is
    much faster than a per-sample ``DataLoader`` for datasets that fit in memory.

    Parameters
    ----------
    model
        Any ``nn.Module`` with trainable parameters; it is moved to ``device``
        and left there.
    train_images
        Training data: images ``(N, C, H, W)`` with values in ``[0, 1]``,
        sensor windows ``(N, C, T)`` or feature rows ``(N, D)`` (any finite
        values, e.g. standardised features). Converted to float32.
    loss_fn
        ``loss_fn(model, batch)`` returning a scalar tensor or a mapping with a
        ``"loss"`` entry; default :func:`mse_loss`.
    val_images
        Optional validation data of the same form, evaluated after every epoch.
    epochs, batch_size, lr, weight_decay
        The usual; ``weight_decay`` is the optimizer's (coupled L2 for Adam).
    optimizer
        ``"adam"``, ``"adamw"`` or ``"sgd"`` (with momentum 0.9).
    lr_schedule
        ``None`` for a constant rate or ``"cosine"`` to anneal it to zero.
    seed
        Seeds the shuffling and PyTorch's global generator (used by random
        corruption or sampling inside ``loss_fn``), so runs are reproducible.
    device
        ``"cpu"``, ``"cuda"``, ... or ``None`` to pick the fastest available.
    progress
        Show a status line that is updated every epoch.

    Returns
    -------
    History
        Losses and timings per epoch. The model stays on ``device`` (CUDA
        when present); :func:`predict` and every other function that takes
        the model or ``model.encode`` follow it there.

    Raises
    ------
    FloatingPointError
        After the epoch in which a recorded term (training or validation) or
        a parameter became NaN or infinite, naming the term and the epoch.
    """
    validate_module(model)
    if not callable(loss_fn):
        raise TypeError(f"loss_fn must be a function loss_fn(model, batch), got {loss_fn!r}.")
    x_train = validate_batch(train_images, name="train_images")
    x_val = None if val_images is None else validate_batch(val_images, name="val_images")
    if x_val is not None and x_val.shape[1:] != x_train.shape[1:]:
        raise ValueError(
            f"val_images have examples of shape {tuple(x_val.shape[1:])} but train_images "
            f"have {tuple(x_train.shape[1:])}; both must hold the same kind of data."
        )
    epochs = validate_positive_int(epochs, name="epochs")
    batch_size = validate_positive_int(batch_size, name="batch_size")
    lr = validate_positive_float(lr, name="lr")
    weight_decay = validate_nonnegative_float(weight_decay, name="weight_decay")
    seed = validate_seed(seed)
    if lr_schedule not in (None, "cosine"):
        raise ValueError(f"lr_schedule must be None or 'cosine', got {lr_schedule!r}.")
    if not any(p.requires_grad for p in model.parameters()):
        raise ValueError(
            f"{type(model).__name__} has no trainable parameters, so there is nothing to fit; "
            "use evaluate() to measure its loss."
        )

    device = select_device(device)
    model.to(device)
    x_train = x_train.to(device)
    optim = _make_optimizer(optimizer, model.parameters(), lr=lr, weight_decay=weight_decay)
    steps = epochs * -(-len(x_train) // batch_size)
    scheduler = (
        torch.optim.lr_scheduler.CosineAnnealingLR(optim, T_max=steps)
        if lr_schedule == "cosine"
        else None
    )
    torch.manual_seed(int(seed))
    shuffle = torch.Generator().manual_seed(int(seed))
    history = History(device=str(device), model_name=type(model).__name__)
    status = _Progress(progress)

    for epoch in range(1, epochs + 1):
        start = time.perf_counter()
        model.train()
        # Terms are summed on the device and read once per epoch: no host sync per batch.
        sums: dict[str, torch.Tensor] = {}
        order = torch.randperm(len(x_train), generator=shuffle).to(device)
        for index in _batches(len(x_train), batch_size, order):
            first = epoch == 1 and not sums
            terms = validate_loss_terms(_call_loss(loss_fn, model, x_train[index], first=first))
            if first:
                _check_first_batch(terms)
            optim.zero_grad(set_to_none=True)
            terms["loss"].backward()
            optim.step()
            if scheduler is not None:
                scheduler.step()
            _accumulate(sums, terms, len(index))
        means = {name: float(total) / len(x_train) for name, total in sums.items()}
        _check_epoch(model, means, epoch=epoch, lr=lr, split="training")
        history.train_loss.append(means.pop("loss"))
        for name, value in means.items():
            history.terms.setdefault(name, []).append(value)
        if x_val is not None:
            with torch.no_grad():
                val_terms = _mean_terms(
                    model, x_val, loss_fn=loss_fn, batch_size=1024, device=device
                )
            _check_epoch(model, val_terms, epoch=epoch, lr=lr, split="validation")
            history.val_loss.append(val_terms.pop("loss"))
            for name, value in val_terms.items():
                history.terms.setdefault(f"val_{name}", []).append(value)
        history.epoch_seconds.append(time.perf_counter() - start)
        line = f"epoch {epoch}/{epochs}: train loss {history.train_loss[-1]:.5f}"
        if history.val_loss:
            line += f", validation loss {history.val_loss[-1]:.5f}"
        status.update(line)
    status.update(history.summary(), final=True)
    return history


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

    The small classifiers that score generated images (chapters 12 and 13)
    train with this; :func:`fit` trains everything that reconstructs.

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
    if not isinstance(labels, torch.Tensor):
        labels = torch.as_tensor(np.asarray(labels))
    if labels.shape != (len(x),) or labels.is_floating_point():
        raise ValueError(
            f"labels must be integers of shape ({len(x)},), one per image, got "
            f"dtype {labels.dtype} and shape {tuple(labels.shape)}."
        )
    epochs = validate_positive_int(epochs, name="epochs")
    batch_size = validate_positive_int(batch_size, name="batch_size")
    lr = validate_positive_float(lr, name="lr")
    device = select_device(device)
    model.to(device)
    x, y = x.to(device), labels.long().to(device)
    optim = torch.optim.Adam(model.parameters(), lr=lr)
    seed = validate_seed(seed)
    torch.manual_seed(seed)
    shuffle = torch.Generator().manual_seed(seed)
    history = History(device=str(device), model_name=type(model).__name__)
    model.train()
    for _ in range(epochs):
        start = time.perf_counter()
        total = torch.zeros((), device=device)
        order = torch.randperm(len(x), generator=shuffle).to(device)
        for index in _batches(len(x), batch_size, order):
            loss = F.cross_entropy(model(x[index]), y[index])
            optim.zero_grad(set_to_none=True)
            loss.backward()
            optim.step()
            total += loss.detach() * len(index)
        history.train_loss.append(float(total) / len(x))
        history.epoch_seconds.append(time.perf_counter() - start)
    model.eval()
    return history
