"""Curve and bar figures: loss per epoch, explained variance, one value per component.

Like every figure of :mod:`aeutils.viz` (which re-exports these functions),
each returns a :class:`~aeutils.viz.NotebookFigure` built without ``pyplot``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import torch
from matplotlib.figure import Figure

from .figures import CLASS_COLORS, NotebookFigure
from ..validation import validate_mapping
from ..train import History

__all__ = ["plot_explained_variance", "plot_loss_curves", "plot_per_component"]


def plot_loss_curves(
    histories: History | Mapping[str, History],
    *,
    baselines: Mapping[str, float] | None = None,
    ylabel: str = "MSE per pixel",
    log_scale: bool = True,
) -> Figure:
    """Training (dashed) and validation (solid) loss per epoch.

    Parameters
    ----------
    histories
        One :class:`~aeutils.train.History` or ``{label: History}``.
    baselines
        ``{label: value}`` drawn as horizontal reference lines, e.g. PCA's MSE.
    ylabel
        Label of the loss axis.
    log_scale
        Use a logarithmic loss axis.
    """
    if isinstance(histories, History):
        histories = {histories.model_name: histories}
    if not histories:
        raise ValueError("histories is empty; pass a History or {label: History}.")
    fig = NotebookFigure(figsize=(7.5, 4.0))
    ax = fig.subplots()
    for i, (label, history) in enumerate(histories.items()):
        color = CLASS_COLORS[i % len(CLASS_COLORS)]
        epochs = np.arange(1, history.epochs + 1)
        ax.plot(epochs, history.train_loss, "--", color=color, label=f"{label} (train)")
        if history.val_loss:
            ax.plot(epochs, history.val_loss, "-", color=color, label=f"{label} (validation)")
    for j, (label, value) in enumerate((baselines or {}).items()):
        ax.axhline(value, color="black", linestyle=[":", "-."][j % 2], linewidth=1.2, label=label)
    if log_scale:
        ax.set_yscale("log")
    ax.set_xlabel("epoch")
    ax.set_ylabel(ylabel)
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=9)
    fig.tight_layout()
    return fig


def plot_explained_variance(
    explained_variance_ratio: object,
    *,
    thresholds: Sequence[float] = (0.5, 0.9, 0.95),
) -> Figure:
    """Cumulative fraction of variance explained by the top ``k`` components.

    Parameters
    ----------
    explained_variance_ratio
        Ratio of each component, in decreasing order, shape ``(D,)``.
    thresholds
        Fractions to mark with the ``k`` that first reaches them.
    """
    ratio = torch.as_tensor(explained_variance_ratio).double().cpu()
    if ratio.ndim != 1 or len(ratio) == 0:
        raise ValueError(f"explained_variance_ratio must be 1-D and non-empty, got {tuple(ratio.shape)}.")
    if (ratio < 0).any() or float(ratio.sum()) > 1.0 + 1e-6:
        raise ValueError("explained_variance_ratio must be non-negative and sum to at most 1.")
    cumulative = torch.cumsum(ratio, dim=0).numpy()
    ks = np.arange(1, len(ratio) + 1)
    fig = NotebookFigure(figsize=(7.5, 4.0))
    ax = fig.subplots()
    ax.plot(ks, cumulative, color=CLASS_COLORS[0], linewidth=2)
    for threshold in thresholds:
        if cumulative[-1] < threshold:
            continue
        k = int(np.searchsorted(cumulative, threshold)) + 1
        ax.plot([k, k], [0, cumulative[k - 1]], ":", color="gray")
        ax.plot(k, cumulative[k - 1], "o", color=CLASS_COLORS[3])
        ax.annotate(f"{threshold:.0%} at k = {k}", (k, cumulative[k - 1]),
                    xytext=(8, -14), textcoords="offset points", fontsize=10)  # fmt: skip
    ax.set_xscale("log")
    ax.set_xlabel("number of components k (log scale)")
    ax.set_ylabel("fraction of variance explained")
    ax.set_ylim(0, 1.02)
    ax.grid(True, which="both", alpha=0.3)
    fig.tight_layout()
    return fig


def plot_per_component(
    series: Mapping[str, object],
    *,
    ylabel: str,
    xlabel: str = "component",
    reference: tuple[str, float] | None = None,
    ylim: tuple[float, float] | None = None,
) -> Figure:
    """Bar chart of one value per component (angle, alignment, activity...).

    Parameters
    ----------
    series
        ``{label: values}``, each a 1-D tensor or array of the same length; with
        several entries the bars are drawn side by side and labelled.
    ylabel, xlabel
        Axis labels; components are numbered from 1.
    reference
        Optional ``(label, value)`` drawn as a dotted horizontal line.
    ylim
        Optional limits of the value axis.
    """
    series = validate_mapping(series, name="series", example="{label: values}")
    values = {label: torch.as_tensor(v).detach().cpu().double().flatten() for label, v in series.items()}
    lengths = {len(v) for v in values.values()}
    if len(lengths) != 1 or 0 in lengths:
        raise ValueError(f"every series must have the same non-zero length, got {sorted(lengths)}.")
    positions = np.arange(1, lengths.pop() + 1)
    width = 0.8 / len(values)
    fig = NotebookFigure(figsize=(7.5, 3.5))
    ax = fig.subplots()
    for i, (label, v) in enumerate(values.items()):
        offset = (i - (len(values) - 1) / 2) * width
        ax.bar(positions + offset, v.numpy(), width=width, label=label, color=CLASS_COLORS[i % 10])
    if reference is not None:
        ax.axhline(reference[1], color="black", linestyle=":", label=reference[0])
    if ylim is not None:
        ax.set_ylim(*ylim)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if len(values) > 1 or reference is not None:
        ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=len(values) + 1, frameon=False)
    fig.tight_layout()
    return fig
