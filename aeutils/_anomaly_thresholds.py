"""Checks of anomaly scores and labels, and thresholds set on them.

The validation shared by :mod:`aeutils.anomaly` and :mod:`aeutils.anomaly_plots`
(:func:`_check_scores`, :func:`_check_labels_scores`), and the thresholds:
:func:`threshold_from_normal` (set on normal validation scores) and
:func:`threshold_summary` (what a threshold does on labelled data). The public
names are re-exported by :mod:`aeutils.anomaly`; import them from there.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from sklearn.metrics import confusion_matrix

# --------------------------------------------------------------------------- checks


def _check_scores(scores: object, *, name: str = "scores") -> np.ndarray:
    """A finite, non-empty 1-D float64 array."""
    if isinstance(scores, torch.Tensor):
        scores = scores.detach().cpu().numpy()
    array = np.asarray(scores)
    if array.dtype == object or not np.issubdtype(array.dtype, np.number):
        raise TypeError(f"{name} must be numbers (an array or tensor), got dtype {array.dtype}.")
    array = array.astype(np.float64)
    if array.ndim != 1:
        raise ValueError(
            f"{name} must be 1-D (one score per example), got shape {array.shape}. "
            "Average the squared error over every axis but the first."
        )
    if array.size == 0:
        raise ValueError(f"{name} is empty; pass at least one score.")
    if not np.isfinite(array).all():
        n_bad = int((~np.isfinite(array)).sum())
        raise ValueError(
            f"{name} contains {n_bad} NaN or infinite value(s); a diverged model or an "
            "input outside the model's range gives NaN. Fix those scores first."
        )
    return array


def _check_labels_scores(labels: object, scores: object) -> tuple[np.ndarray, np.ndarray]:
    """Binary labels (1 = anomalous) with both classes, and matching finite scores."""
    if isinstance(labels, torch.Tensor):
        labels = labels.detach().cpu().numpy()
    y = np.asarray(labels)
    if y.ndim != 1:
        raise ValueError(f"labels must be 1-D, got shape {y.shape}.")
    s = _check_scores(scores)
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


# --------------------------------------------------------------------------- thresholds


def threshold_from_normal(val_scores: object, *, target_fpr: float = 0.05) -> float:
    """Threshold that flags a fraction ``target_fpr`` of normal validation data.

    It is the ``1 - target_fpr`` quantile of the scores of *normal* validation
    examples, so on new normal data about that fraction are false alarms.
    It uses no anomalies and no test labels: a threshold tuned on the test set
    reports numbers that the deployed detector will not reach.

    Parameters
    ----------
    val_scores
        Scores of held-out normal examples, 1-D.
    target_fpr
        Desired false-positive rate, in ``(0, 1)``, e.g. ``0.05`` or ``0.01``.

    Returns
    -------
    float
        Flag an example as anomalous when its score is ``> threshold``.
    """
    scores = _check_scores(val_scores, name="val_scores")
    if isinstance(target_fpr, bool) or not isinstance(target_fpr, (int, float)):
        raise TypeError(f"target_fpr must be a number, got {target_fpr!r}.")
    if not 0.0 < target_fpr < 1.0:
        raise ValueError(
            f"target_fpr must be between 0 and 1 (a rate, e.g. 0.05 for 5 %), got {target_fpr}."
        )
    if len(scores) * target_fpr < 1.0:
        raise ValueError(
            f"{len(scores)} validation scores cannot resolve a false-positive rate of "
            f"{target_fpr:g}; use at least {int(np.ceil(1 / target_fpr))} normal "
            "validation examples or a larger target_fpr."
        )
    return float(np.quantile(scores, 1.0 - target_fpr))


@dataclass(frozen=True)
class ThresholdSummary:
    """What flagging ``score > threshold`` does on labelled data.

    Attributes
    ----------
    threshold
        The cut-off used.
    precision
        Fraction of flagged examples that are anomalous (1.0 if none flagged).
    recall
        Fraction of anomalies flagged (the true-positive rate).
    false_positive_rate
        Fraction of normal examples flagged.
    confusion
        2 x 2 confusion matrix from scikit-learn, rows = true (normal,
        anomalous), columns = predicted (normal, anomalous).
    """

    threshold: float
    precision: float
    recall: float
    false_positive_rate: float
    confusion: np.ndarray

    def as_dict(self) -> dict[str, float]:
        """The four numbers, e.g. for a row of a DataFrame."""
        return {
            "threshold": self.threshold,
            "precision": self.precision,
            "recall": self.recall,
            "false positive rate": self.false_positive_rate,
        }


def threshold_summary(labels: object, scores: object, threshold: float) -> ThresholdSummary:
    """Precision, recall, false-positive rate and confusion matrix of a threshold.

    Parameters
    ----------
    labels
        ``1`` for anomalous, ``0`` for normal; both must occur.
    scores
        One score per example, same length; higher is more anomalous.
    threshold
        Examples with ``score > threshold`` are flagged as anomalous.
    """
    y, s = _check_labels_scores(labels, scores)
    if not np.isfinite(threshold):
        raise ValueError(f"threshold must be a finite number, got {threshold}.")
    flagged = (s > threshold).astype(np.int64)
    matrix = confusion_matrix(y, flagged, labels=[0, 1])
    (tn, fp), (fn, tp) = matrix
    return ThresholdSummary(
        threshold=float(threshold),
        precision=float(tp / (tp + fp)) if tp + fp else 1.0,
        recall=float(tp / (tp + fn)),
        false_positive_rate=float(fp / (fp + tn)),
        confusion=matrix,
    )
