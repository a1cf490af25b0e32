"""What a training run recorded: :class:`History`."""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["History"]


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
        if not self.train_loss:
            return (
                f"{self.model_name} has not been trained yet "
                "(0 epochs recorded)."
            )
        text = (
            f"Trained {self.model_name} for {self.epochs} epochs on "
            f"{self.device} in {self.total_seconds:.1f} s: train loss "
            f"{self.train_loss[-1]:.5f}"
        )
        if self.val_loss:
            text += f", validation loss {self.val_loss[-1]:.5f}"
        return text + "."
