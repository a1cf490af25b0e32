"""One training loop for every chapter.

The loss is passed in as a function ``loss_fn(model, batch)`` so that the same
:func:`fit` trains a plain, a denoising, a sparse or a variational autoencoder:
only the loss function changes. It may return a scalar tensor, or a mapping
with the key ``"loss"`` (what is minimised) plus other scalar terms to record,
e.g. ``{"loss": total, "reconstruction": rec, "kl": kl}``.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

from ._validation import check_images, check_positive_int

__all__ = [
    "History",
    "LossFn",
    "evaluate",
    "fit",
    "mse_loss",
    "predict",
    "seed_everything",
    "select_device",
]

LossFn = Callable[[nn.Module, torch.Tensor], "torch.Tensor | Mapping[str, torch.Tensor]"]


def select_device(device: str | torch.device | None = None) -> torch.device:
    """Return ``device`` if given, else CUDA, then Apple's MPS, then the CPU."""
    if device is not None:
        return torch.device(device)
    if torch.cuda.is_available():
        return torch.device("cuda")
    if getattr(torch.backends, "mps", None) is not None and torch.backends.mps.is_available():
        return torch.device("mps")
    return torch.device("cpu")


def seed_everything(seed: int) -> None:
    """Seed Python's, NumPy's and PyTorch's random generators.

    Call it right before building a model so that its initial weights, and so
    every number that follows, are the same on every run on the same machine.
    """
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def mse_loss(model: nn.Module, batch: torch.Tensor) -> torch.Tensor:
    """Mean squared reconstruction error of ``model`` on ``batch``."""
    return F.mse_loss(model(batch), batch)


@dataclass
class History:
    """What happened during :func:`fit`, one entry per epoch.

    Attributes
    ----------
    train_loss, val_loss
        Mean loss per example over the training and validation images (the
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
        text = (
            f"Trained {self.model_name} for {self.epochs} epochs on {self.device} in "
            f"{self.total_seconds:.1f} s: train loss {self.train_loss[-1]:.5f}"
        )
        if self.val_loss:
            text += f", validation loss {self.val_loss[-1]:.5f}"
        return text + "."


def _split_loss(output: torch.Tensor | Mapping[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    terms = {"loss": output} if isinstance(output, torch.Tensor) else dict(output)
    if "loss" not in terms:
        raise ValueError(
            f"loss_fn returned a mapping with keys {sorted(terms)}; it needs a 'loss' entry "
            "holding the value to minimise."
        )
    for name, value in terms.items():
        if not isinstance(value, torch.Tensor) or value.numel() != 1:
            raise ValueError(
                f"loss_fn must return scalar tensors, but term {name!r} is "
                f"{getattr(value, 'shape', type(value).__name__)}. Reduce it with .mean()."
            )
    return terms


def _batches(n: int, batch_size: int, order: torch.Tensor | None = None):
    indices = order if order is not None else torch.arange(n)
    for start in range(0, n, batch_size):
        yield indices[start : start + batch_size]


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

    Returns
    -------
    dict
        ``{"loss": ..., other terms...}`` averaged per example.
    """
    x = check_images(images, name="images")
    batch_size = check_positive_int(batch_size, name="batch_size")
    if device is None:
        params = list(model.parameters())
        device = params[0].device if params else torch.device("cpu")
    else:
        device = select_device(device)
    was_training = model.training
    model.eval()
    totals: dict[str, float] = {}
    for index in _batches(len(x), batch_size):
        batch = x[index].to(device)
        for name, value in _split_loss(loss_fn(model, batch)).items():
            totals[name] = totals.get(name, 0.0) + float(value) * len(index)
    model.train(was_training)
    return {name: total / len(x) for name, total in totals.items()}


@torch.no_grad()
def predict(
    function: Callable[[torch.Tensor], torch.Tensor],
    images: object,
    *,
    batch_size: int = 1024,
    device: str | torch.device | None = None,
) -> torch.Tensor:
    """Apply ``function`` (a model, an encoder, ...) to ``images`` in batches.

    Modules are put in eval mode for the call and restored afterwards. The
    result is returned on the CPU.
    """
    x = check_images(images, name="images", value_range=None)
    batch_size = check_positive_int(batch_size, name="batch_size")
    module = function if isinstance(function, nn.Module) else None
    if device is None:
        params = list(module.parameters()) if module is not None else []
        device = params[0].device if params else torch.device("cpu")
    was_training = module.training if module is not None else False
    if module is not None:
        module.eval()
    outputs = [function(x[index].to(device)).cpu() for index in _batches(len(x), batch_size)]
    if module is not None:
        module.train(was_training)
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

    The images are moved to the device once and batched by indexing, which is
    much faster than a per-sample ``DataLoader`` for datasets that fit in memory.

    Parameters
    ----------
    model
        Any ``nn.Module``; it is moved to ``device`` and left there.
    train_images
        Training images, shape ``(N, C, H, W)``, values in ``[0, 1]``.
    loss_fn
        ``loss_fn(model, batch)`` returning a scalar tensor or a mapping with a
        ``"loss"`` entry; default :func:`mse_loss`.
    val_images
        Optional validation images, evaluated after every epoch.
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
        Losses and timings per epoch.
    """
    x_train = check_images(train_images, name="train_images")
    x_val = None if val_images is None else check_images(val_images, name="val_images")
    if x_val is not None and x_val.shape[1:] != x_train.shape[1:]:
        raise ValueError(
            f"val_images have images of shape {tuple(x_val.shape[1:])} but train_images "
            f"have {tuple(x_train.shape[1:])}."
        )
    epochs = check_positive_int(epochs, name="epochs")
    batch_size = check_positive_int(batch_size, name="batch_size")
    if lr <= 0:
        raise ValueError(f"lr must be positive, got {lr}.")
    if lr_schedule not in (None, "cosine"):
        raise ValueError(f"lr_schedule must be None or 'cosine', got {lr_schedule!r}.")

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
    torch.manual_seed(seed)
    shuffle = torch.Generator().manual_seed(seed)
    history = History(device=str(device), model_name=type(model).__name__)
    status = _Progress(progress)

    for epoch in range(1, epochs + 1):
        start = time.perf_counter()
        model.train()
        sums: dict[str, float] = {}
        order = torch.randperm(len(x_train), generator=shuffle).to(device)
        for index in _batches(len(x_train), batch_size, order):
            terms = _split_loss(loss_fn(model, x_train[index]))
            if not torch.isfinite(terms["loss"]):
                raise FloatingPointError(
                    f"The loss became {float(terms['loss'].detach())} in epoch {epoch}; training "
                    "diverged. Lower the learning rate (lr) and try again."
                )
            optim.zero_grad(set_to_none=True)
            terms["loss"].backward()
            optim.step()
            if scheduler is not None:
                scheduler.step()
            for name, value in terms.items():
                sums[name] = sums.get(name, 0.0) + float(value.detach()) * len(index)
        history.train_loss.append(sums.pop("loss") / len(x_train))
        for name, total in sums.items():
            history.terms.setdefault(name, []).append(total / len(x_train))
        if x_val is not None:
            val_terms = evaluate(model, x_val, loss_fn=loss_fn, device=device)
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
