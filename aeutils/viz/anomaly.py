"""Anomaly figures: ROC/PR curves, a threshold's effect, error maps.

As in :mod:`aeutils.anomaly`: label 1 means *anomalous*, 0 *normal*, and a
higher score means more anomalous.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from matplotlib.figure import Figure
from sklearn import metrics

from ..anomaly import threshold_summary
from ..validation import (
    validate_binary_labels,
    validate_images,
    validate_mapping,
    validate_same_shape,
)
from .figures import (
    GREY,
    NotebookFigure,
    check_count,
    finish,
    image_axes,
    to_numpy_images,
)

__all__ = ["plot_error_maps", "plot_roc_pr", "plot_threshold"]


def plot_roc_pr(
    labels: object, scores: Mapping[str, object], *, title: str | None = None
) -> Figure:
    """ROC and precision-recall curves of detectors on the same labels.

    ``scores`` is ``{detector name: scores}``; the legends show AUROC and
    average precision (scikit-learn).
    """
    scores = validate_mapping(scores, name="scores", example="{name: scores}")
    checked = {n: validate_binary_labels(labels, s) for n, s in scores.items()}
    fig = NotebookFigure(figsize=(7.5, 3.6))
    roc_ax, pr_ax = fig.subplots(1, 2)
    for i, (name, (y, s)) in enumerate(checked.items()):
        fpr, tpr, _ = metrics.roc_curve(y, s)
        roc_ax.plot(fpr, tpr, color=f"C{i % 10}",
                    label=f"{name} ({metrics.roc_auc_score(y, s):.3f})")
        precision, recall, _ = metrics.precision_recall_curve(y, s)
        average_precision = metrics.average_precision_score(y, s)
        pr_ax.plot(recall, precision, color=f"C{i % 10}",
                   label=f"{name} ({average_precision:.3f})")
    base_rate = float(next(iter(checked.values()))[0].mean())
    roc_ax.plot([0, 1], [0, 1], color="grey", linestyle=":",
                label="chance (0.5)")
    pr_ax.axhline(base_rate, color="grey", linestyle=":",
                  label=f"chance ({base_rate:.2f})")
    roc_ax.set(xlabel="false-positive rate",
               ylabel="true-positive rate (recall)",
               title="ROC (legend: AUROC)")
    pr_ax.set(xlabel="recall", ylabel="precision",
              title="Precision-recall (legend: AP)")
    for ax, corner in ((roc_ax, "lower right"), (pr_ax, "lower left")):
        ax.set(xlim=(0, 1), ylim=(0, 1.02))
        ax.legend(fontsize=8, frameon=False, loc=corner)
    return finish(fig, title)


def plot_threshold(
    labels: object,
    scores: object,
    threshold: float,
    *,
    names: tuple[str, str] = ("normal", "anomalous"),
) -> Figure:
    """Histogram with the cut line beside the confusion matrix it gives.

    Arguments as in :func:`aeutils.anomaly.threshold_summary`; ``names`` of
    the two groups. The histograms bin ``log10(score)`` (positive scores
    only); the title states precision, recall and false-positive rate.
    """
    summary = threshold_summary(labels, scores, threshold)
    y, s = validate_binary_labels(labels, scores)
    pair = isinstance(names, (tuple, list)) and len(names) == 2
    if not pair or not all(isinstance(n, str) for n in names):
        raise TypeError(
            "names must be a pair of strings (normal, anomalous), e.g. "
            f"('normal', 'anomalous'), got {names!r}."
        )
    if s.min() <= 0 or summary.threshold <= 0:
        raise ValueError(
            "the histogram bins log10(score): scores and threshold must be "
            f"positive, got min score {s.min():.3g} and threshold "
            f"{summary.threshold}."
        )
    fig = NotebookFigure(figsize=(7.5, 3.2))
    hist_ax, matrix_ax = fig.subplots(1, 2, width_ratios=(1.8, 1))
    values = np.log10(s)
    edges = np.histogram_bin_edges(values, bins=60)
    for label, color in ((0, "C0"), (1, "C3")):
        hist_ax.hist(values[y == label], bins=edges, density=True, alpha=0.55,
                     color=color,
                     label=f"{names[label]} ({int((y == label).sum())})")
    hist_ax.set(xlabel="log10(score)", ylabel="density")
    hist_ax.axvline(np.log10(summary.threshold), color="black",
                    linestyle="--", label="threshold")
    hist_ax.legend(fontsize=8, frameon=False)
    metrics.ConfusionMatrixDisplay(
        summary.confusion, display_labels=list(names)
    ).plot(ax=matrix_ax, colorbar=False, cmap="Blues", values_format="d")
    matrix_ax.set(xlabel="flagged as", ylabel="true")
    fig.suptitle(
        f"threshold {summary.threshold:.4g}: precision "
        f"{summary.precision:.2f}, recall {summary.recall:.2f}, "
        f"FPR {summary.false_positive_rate:.3f}",
        fontsize=11,
    )
    return finish(fig)


def plot_error_maps(
    images: object,
    reconstructions: object,
    *,
    titles: Sequence[str] | None = None,
) -> Figure:
    """Rows "image", "rebuilt" and "sq. error" (one shared colour scale).

    ``images`` ``(N, C, H, W)`` in ``[0, 1]`` and ``reconstructions`` of the
    same shape; ``titles`` captions each column. Images are 1.1 inches,
    less when needed for the figure to fit the book's 7.5 inches.
    """
    if getattr(images, "ndim", 4) == 3:
        raise ValueError(
            "images has shape (N, C, T): plot_error_maps draws images "
            "(N, C, H, W) in [0, 1], not sensor windows; plot a window's "
            "squared error per channel over time instead (a line plot)."
        )
    x = validate_images(images, name="images")
    x_hat = validate_images(
        reconstructions, name="reconstructions", value_range=None
    )
    validate_same_shape(x, x_hat, names=("images", "reconstructions"))
    n = len(x)
    check_count(titles, n, name="titles")
    errors = (x.double() - x_hat.double()).pow(2).mean(dim=1).numpy()
    cell_size = min(1.1, 6.6 / n)
    fig = NotebookFigure(figsize=(n * cell_size + 0.9, 3 * cell_size + 0.5))
    axes = image_axes(fig, 3, n)
    vmax = float(errors.max()) or 1.0
    rows = (to_numpy_images(x), to_numpy_images(x_hat.clamp(0, 1)))
    for j in range(n):
        for i, tiles in enumerate(rows):
            axes[i, j].imshow(tiles[j], **GREY)
        heat = axes[2, j].imshow(errors[j], cmap="inferno", vmin=0.0,
                                 vmax=vmax)  # fmt: skip
        if titles is not None:
            axes[0, j].set_title(titles[j], fontsize=8)
    for i, name in enumerate(("image", "rebuilt", "sq. error")):
        axes[i, 0].set_ylabel(name, fontsize=8)
    fig.tight_layout()
    fig.colorbar(heat, ax=list(axes[2]), fraction=0.03, pad=0.01)
    return fig
