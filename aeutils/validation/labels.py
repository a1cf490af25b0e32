"""Checks of class labels and of binary anomaly labels with their scores."""

from __future__ import annotations

import numpy as np
import torch

from .tensors import validate_scores

__all__ = [
    "validate_labels",
    "validate_class_labels",
    "validate_binary_labels",
]


def validate_labels(
    labels: object, *, n: int, n_classes: int | None = None,
    name: str = "labels",
) -> torch.Tensor:
    """Validate ``n`` integer class labels as a long tensor ``(n,)``, with
    values below ``n_classes`` (``None``: any values)."""
    if isinstance(labels, (list, tuple)):
        labels = np.asarray(labels)
    if isinstance(labels, np.ndarray) and np.issubdtype(labels.dtype, np.number):
        labels = torch.from_numpy(np.ascontiguousarray(labels))
    if not isinstance(labels, torch.Tensor):
        raise TypeError(
            f"{name} must be a tensor, array or list of integers, got {type(labels).__name__}."
        )
    if labels.is_floating_point() or labels.is_complex() or labels.dtype == torch.bool:
        raise TypeError(
            f"{name} must hold integers, got dtype {labels.dtype}. Convert with x.long()."
        )
    if tuple(labels.shape) != (n,):
        raise ValueError(f"{name} must have shape ({n},), got {tuple(labels.shape)}.")
    labels = labels.detach().cpu().long()
    if n_classes is not None and n and (
        int(labels.min()) < 0 or int(labels.max()) >= n_classes
    ):
        raise ValueError(
            f"{name} take values in [{int(labels.min())}, {int(labels.max())}], but there "
            f"are {n_classes} class name(s) for the values 0..{n_classes - 1}. Pass one "
            "name per label value."
        )
    return labels


def validate_class_labels(labels: object, *, name: str, n: int) -> np.ndarray:
    """Validate ``n`` integer class labels (any values) as a NumPy array."""
    return validate_labels(labels, n=n, name=name).numpy()


def validate_binary_labels(labels: object, scores: object) -> tuple[np.ndarray, np.ndarray]:
    """Binary labels (1 = anomalous) with both classes, and matching finite scores."""
    if isinstance(labels, torch.Tensor):
        labels = labels.detach().cpu().numpy()
    y = np.asarray(labels)
    if y.ndim != 1:
        raise ValueError(f"labels must be 1-D, got shape {y.shape}.")
    s = validate_scores(scores)
    if len(y) != len(s):
        raise ValueError(
            f"labels and scores have different lengths ({len(y)} and {len(s)}); "
            "score every labelled example exactly once."
        )
    values = set(np.unique(y).tolist())
    if not values <= {0, 1}:
        raise ValueError(
            f"labels must be 0 (normal) and 1 (anomalous), got values {sorted(values)[:5]}. "
            "For the one-class protocol use labels = (test_labels != normal_class)."
        )
    if len(values) < 2:
        only = "normal" if values == {0} else "anomalous"
        raise ValueError(
            f"labels hold only one class ({only}); ROC, precision and recall need both "
            "normal (0) and anomalous (1) examples."
        )
    return y.astype(np.int64), s
