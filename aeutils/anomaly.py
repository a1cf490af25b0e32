"""Anomaly detection with reconstruction error: what scikit-learn lacks.

scikit-learn computes the curves and the numbers (``roc_auc_score``,
``roc_curve``, ``precision_recall_curve``, ``confusion_matrix``). This module
adds the pieces around them that every reconstruction-based detector needs:

- :func:`one_class_split`: the standard one-class protocol's data (one class
  is normal; its training images split into a fitting and a *normal-only*
  validation part; the whole test set scored, the other classes anomalous);
- :func:`reconstruction_scores`: one anomaly score per input, its mean
  squared reconstruction error, for any model or reconstruct function;
- :func:`threshold_from_normal`: a threshold set on normal validation scores
  for a target false-positive rate, never on test labels;
- :func:`threshold_summary`: precision, recall, false-positive rate and the
  confusion matrix that a threshold gives;
- figures: :func:`plot_score_histograms`, :func:`plot_roc_pr`,
  :func:`plot_threshold` and :func:`plot_error_maps`.

Conventions: label 1 means *anomalous* (the positive class), 0 *normal*, and
a higher score means more anomalous.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import torch
from sklearn.metrics import (
    ConfusionMatrixDisplay,
    average_precision_score,
    confusion_matrix,
    precision_recall_curve,
    roc_auc_score,
    roc_curve,
)
from matplotlib.figure import Figure

from ._validation import as_tensor, check_images, check_positive_int, check_same_shape
from .data import ImageDataset
from .train import predict
from .viz import NotebookFigure, _image_axes, _to_numpy_images

__all__ = [
    "OneClassSplit",
    "ThresholdSummary",
    "one_class_split",
    "plot_error_maps",
    "plot_roc_pr",
    "plot_score_histograms",
    "plot_threshold",
    "reconstruction_scores",
    "squared_errors",
    "threshold_from_normal",
    "threshold_summary",
]

_NORMAL_COLOR, _ANOMALY_COLOR = "#1f77b4", "#d62728"


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


# --------------------------------------------------------------------------- data


@dataclass(frozen=True)
class OneClassSplit:
    """The data of one round of the one-class protocol.

    Attributes
    ----------
    normal_class
        Label of the class treated as normal.
    train
        Normal training images to fit the model on, ``(N, C, H, W)``.
    val
        Held-out normal training images, for choosing a threshold.
    test
        Every test image, ``(M, C, H, W)``.
    test_labels
        ``1`` where the test image is anomalous (another class), else ``0``;
        int64 array of shape ``(M,)``.
    """

    normal_class: int
    train: torch.Tensor
    val: torch.Tensor
    test: torch.Tensor
    test_labels: np.ndarray


def one_class_split(
    train: ImageDataset,
    test: ImageDataset,
    normal_class: int,
    *,
    val_size: int = 600,
    seed: int = 0,
) -> OneClassSplit:
    """Data for the one-class protocol with ``normal_class`` as normal.

    The training images of ``normal_class`` are split at random (seeded) into
    a fitting part and ``val_size`` normal validation images; the whole test
    set is scored, every other class counting as anomalous.

    Parameters
    ----------
    train, test
        Labelled datasets, e.g. ``data.load_fashion_mnist("train")``.
    normal_class
        The label treated as normal.
    val_size
        Normal training images held out for validation.
    seed
        Seed of the split, so every model sees the same images.
    """
    n_classes = len(train.class_names)
    if isinstance(normal_class, bool) or not isinstance(normal_class, (int, np.integer)):
        raise TypeError(f"normal_class must be an int label, got {normal_class!r}.")
    if not 0 <= normal_class < n_classes:
        raise ValueError(f"normal_class must be in 0..{n_classes - 1}, got {normal_class}.")
    normal = train.images[train.labels == normal_class]
    val_size = check_positive_int(val_size, name="val_size", maximum=len(normal) - 1)
    order = torch.randperm(len(normal), generator=torch.Generator().manual_seed(seed))
    labels = (test.labels != normal_class).numpy().astype(np.int64)
    return OneClassSplit(
        normal_class=int(normal_class),
        train=normal[order[val_size:]],
        val=normal[order[:val_size]],
        test=test.images,
        test_labels=labels,
    )


# --------------------------------------------------------------------------- scores


def squared_errors(inputs: object, reconstructions: object) -> np.ndarray:
    """Mean squared error of each example, over every axis but the first.

    Works for images ``(N, C, H, W)``, feature rows ``(N, D)`` and windows
    ``(N, C, T)`` alike.

    Returns
    -------
    numpy.ndarray
        Shape ``(N,)``, float64: one anomaly score per example.
    """
    x = as_tensor(inputs, name="inputs", pixels=False, dtype=None)
    x_hat = as_tensor(reconstructions, name="reconstructions", pixels=False, dtype=None)
    check_same_shape(x, x_hat, names=("inputs", "reconstructions"))
    if x.ndim < 2 or x.shape[0] == 0:
        raise ValueError(
            f"inputs must have shape (N, ...) with N >= 1 examples, got {tuple(x.shape)}."
        )
    error = (x.detach().cpu().double() - x_hat.detach().cpu().double()).pow(2)
    return _check_scores(error.flatten(1).mean(dim=1).numpy(), name="squared errors")


def reconstruction_scores(
    reconstruct: Callable[[torch.Tensor], torch.Tensor],
    inputs: object,
    *,
    batch_size: int = 1024,
) -> np.ndarray:
    """Anomaly score of each input: its mean squared reconstruction error.

    Parameters
    ----------
    reconstruct
        A trained autoencoder, ``pca.reconstruct``, or any function mapping a
        batch to reconstructions of the same shape (e.g. a VAE's mean output).
    inputs
        The examples to score (whatever shape ``reconstruct`` takes).
    batch_size
        Examples per forward pass.

    Returns
    -------
    numpy.ndarray
        Shape ``(N,)``, float64; higher means more anomalous.
    """
    if not callable(reconstruct):
        raise TypeError(f"reconstruct must be a model or function, got {type(reconstruct).__name__}.")
    x = as_tensor(inputs, name="inputs", pixels=False)
    return squared_errors(x, predict(reconstruct, x, batch_size=batch_size))


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


# --------------------------------------------------------------------------- figures


def _histogram(ax, y: np.ndarray, s: np.ndarray, *, names, bins: int, log_scores: bool) -> None:
    values = np.log10(np.maximum(s, 1e-12)) if log_scores else s
    edges = np.histogram_bin_edges(values, bins=bins)
    for label, name, color in ((0, names[0], _NORMAL_COLOR), (1, names[1], _ANOMALY_COLOR)):
        ax.hist(values[y == label], bins=edges, density=True, alpha=0.55, color=color,
                label=f"{name} ({int((y == label).sum())})")  # fmt: skip
    ax.set_xlabel("log10(score)" if log_scores else "score")
    ax.set_ylabel("density")


def plot_score_histograms(
    labels: object,
    scores: object,
    *,
    threshold: float | None = None,
    names: tuple[str, str] = ("normal", "anomalous"),
    bins: int = 60,
    log_scores: bool = True,
    title: str | None = None,
) -> Figure:
    """Overlaid, normalised histograms of normal and anomalous scores.

    Parameters
    ----------
    labels, scores
        As in :func:`threshold_summary`.
    threshold
        Optional cut-off drawn as a vertical line.
    names
        Legend names of the normal and the anomalous group.
    bins
        Number of bins, shared by both groups.
    log_scores
        Bin ``log10(score)``: reconstruction errors are skewed, and on a log
        axis both groups are visible.
    title
        Optional title.
    """
    y, s = _check_labels_scores(labels, scores)
    bins = check_positive_int(bins, name="bins")
    fig = NotebookFigure(figsize=(7.5, 3.2))
    ax = fig.subplots()
    _histogram(ax, y, s, names=names, bins=bins, log_scores=log_scores)
    if threshold is not None:
        cut = np.log10(max(threshold, 1e-12)) if log_scores else threshold
        ax.axvline(cut, color="black", linestyle="--", label="threshold")
    ax.legend(frameon=False)
    if title:
        ax.set_title(title)
    fig.tight_layout()
    return fig


def plot_roc_pr(labels: object, scores: Mapping[str, object], *, title: str | None = None) -> Figure:
    """ROC and precision-recall curves of several detectors on the same labels.

    Parameters
    ----------
    labels
        ``1`` for anomalous, ``0`` for normal.
    scores
        ``{detector name: scores}``; AUROC and average precision (from
        scikit-learn) are shown in the legends.
    title
        Optional title of the figure.
    """
    if not isinstance(scores, Mapping) or not scores:
        raise ValueError("scores must be a non-empty {name: scores} mapping.")
    checked = {name: _check_labels_scores(labels, s) for name, s in scores.items()}
    fig = NotebookFigure(figsize=(7.5, 3.6))
    roc_ax, pr_ax = fig.subplots(1, 2)
    for i, (name, (y, s)) in enumerate(checked.items()):
        color = f"C{i % 10}"
        fpr, tpr, _ = roc_curve(y, s)
        roc_ax.plot(fpr, tpr, color=color, label=f"{name} ({roc_auc_score(y, s):.3f})")
        precision, recall, _ = precision_recall_curve(y, s)
        pr_ax.plot(recall, precision, color=color,
                   label=f"{name} ({average_precision_score(y, s):.3f})")  # fmt: skip
    base_rate = float(next(iter(checked.values()))[0].mean())
    roc_ax.plot([0, 1], [0, 1], color="grey", linestyle=":", label="chance (0.5)")
    pr_ax.axhline(base_rate, color="grey", linestyle=":", label=f"chance ({base_rate:.2f})")
    roc_ax.set(xlabel="false-positive rate", ylabel="true-positive rate (recall)",
               title="ROC (legend: AUROC)")  # fmt: skip
    pr_ax.set(xlabel="recall", ylabel="precision", title="Precision-recall (legend: AP)")
    for ax in (roc_ax, pr_ax):
        ax.set_xlim(0, 1)
        ax.set_ylim(0, 1.02)
        ax.legend(fontsize=8, frameon=False, loc="lower right" if ax is roc_ax else "lower left")
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def plot_threshold(
    labels: object,
    scores: object,
    threshold: float,
    *,
    names: tuple[str, str] = ("normal", "anomalous"),
    bins: int = 60,
) -> Figure:
    """Histogram with the cut line next to the confusion matrix it gives.

    The title states precision, recall and false-positive rate, so one figure
    shows everything a threshold decides (the chapter's slider redraws it).

    Parameters
    ----------
    labels, scores, threshold
        As in :func:`threshold_summary`.
    names
        Names of the normal and the anomalous group.
    bins
        Number of histogram bins.
    """
    summary = threshold_summary(labels, scores, threshold)
    y, s = _check_labels_scores(labels, scores)
    fig = NotebookFigure(figsize=(7.5, 3.2))
    hist_ax, matrix_ax = fig.subplots(1, 2, width_ratios=(1.8, 1))
    _histogram(hist_ax, y, s, names=names, bins=bins, log_scores=True)
    hist_ax.axvline(np.log10(max(threshold, 1e-12)), color="black", linestyle="--",
                    label="threshold")  # fmt: skip
    hist_ax.legend(fontsize=8, frameon=False)
    display = ConfusionMatrixDisplay(summary.confusion, display_labels=list(names))
    display.plot(ax=matrix_ax, colorbar=False, cmap="Blues", values_format="d")
    matrix_ax.set(xlabel="flagged as", ylabel="true")
    fig.suptitle(
        f"threshold {threshold:.4g}: precision {summary.precision:.2f}, "
        f"recall {summary.recall:.2f}, FPR {summary.false_positive_rate:.3f}",
        fontsize=11,
    )
    fig.tight_layout()
    return fig


def plot_error_maps(
    images: object,
    reconstructions: object,
    *,
    titles: Sequence[str] | None = None,
    cell_size: float = 1.1,
) -> Figure:
    """Originals, reconstructions and per-pixel squared errors, one column each.

    The rows are labelled "image", "rebuilt" and "sq. error" (short, so that
    they fit beside small images).

    The error row shows *where* an image differs from what the model expects;
    all error maps share one colour scale so they can be compared.

    Parameters
    ----------
    images
        Originals, ``(N, C, H, W)`` in ``[0, 1]``.
    reconstructions
        Same shape.
    titles
        Optional caption per column (e.g. class and score).
    cell_size
        Size of one image in inches; reduced so the figure fits the book's
        7.5 inches.
    """
    x = check_images(images, name="images")
    x_hat = check_images(reconstructions, name="reconstructions", value_range=None)
    check_same_shape(x, x_hat, names=("images", "reconstructions"))
    if titles is not None and len(titles) != len(x):
        raise ValueError(f"titles has {len(titles)} entries for {len(x)} images.")
    errors = (x.double() - x_hat.double()).pow(2).mean(dim=1).numpy()
    n = len(x)
    cell_size = min(cell_size, 6.6 / n)
    fig = NotebookFigure(figsize=(n * cell_size + 0.9, 3 * cell_size + 0.5))
    axes = _image_axes(fig, 3, n)
    vmax = float(errors.max()) or 1.0
    rows = (_to_numpy_images(x), _to_numpy_images(x_hat.clamp(0, 1)))
    for j in range(n):
        for i, tiles in enumerate(rows):
            axes[i, j].imshow(tiles[j], cmap="gray", vmin=0.0, vmax=1.0)
        heat = axes[2, j].imshow(errors[j], cmap="inferno", vmin=0.0, vmax=vmax)
        if titles is not None:
            axes[0, j].set_title(titles[j], fontsize=8)
    for i, name in enumerate(("image", "rebuilt", "sq. error")):
        axes[i, 0].set_ylabel(name, fontsize=8)
    fig.tight_layout()
    fig.colorbar(heat, ax=list(axes[2]), fraction=0.03, pad=0.01)
    return fig
