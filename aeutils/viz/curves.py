"""Curve and bar figures: loss per epoch, explained variance, one value per component.

Like every figure of :mod:`aeutils.viz` (which re-exports these functions),
each returns a :class:`~aeutils.viz.NotebookFigure` built without ``pyplot``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
import torch
from matplotlib.figure import Figure

from .figures import CLASS_COLORS, NotebookFigure
from ..validation import validate_mapping
from ..train import History

def _finite(values: object, *, name: str) -> torch.Tensor:
    """Values as a float64 tensor; NaN or infinity would vanish from a plot."""
    tensor = torch.as_tensor(values).detach().cpu().double()
    if not torch.isfinite(tensor).all():
        raise ValueError(
            f"{name} holds {int((~torch.isfinite(tensor)).sum())} NaN or "
            "infinite value(s), which a plot would silently leave out; fix "
            "them first (a diverged run gives NaN losses)."
        )
    return tensor


__all__ = [
    "plot_explained_variance",
    "plot_label_efficiency",
    "plot_loss_curves",
    "plot_per_component",
    "plot_rate_distortion",
]


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
    histories = validate_mapping(
        histories, name="histories", example="{label: History}"
    )
    for label, history in histories.items():
        if not isinstance(history, History):
            raise TypeError(
                f"histories[{label!r}] must be a History (what train.fit "
                f"returns), got {type(history).__name__}."
            )
        _finite(history.train_loss, name=f"histories[{label!r}].train_loss")
        _finite(history.val_loss, name=f"histories[{label!r}].val_loss")
    for label, value in (baselines or {}).items():
        _finite(value, name=f"baselines[{label!r}]")
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
    ratio = _finite(explained_variance_ratio, name="explained_variance_ratio")
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
    values = {
        label: _finite(v, name=f"series[{label!r}]").flatten()
        for label, v in series.items()
    }
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


def _check_columns(table: object, columns: Sequence[str], *, name: str) -> pd.DataFrame:
    if not isinstance(table, pd.DataFrame):
        raise TypeError(f"{name} must be a pandas DataFrame, got {type(table).__name__}.")
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise ValueError(
            f"{name} lacks the column(s) {missing}; it needs {list(columns)}."
        )
    if table.empty:
        raise ValueError(f"{name} is empty.")
    return table


def plot_label_efficiency(
    table: pd.DataFrame,
    *,
    chance: float | None = None,
) -> Figure:
    """Probe accuracy against labels per class, one line per representation.

    Each point is the mean over the random label draws; the shaded band runs
    from the lowest to the highest draw, so the spread is visible.

    Parameters
    ----------
    table
        Rows with columns ``features``, ``labels per class`` and ``accuracy``
        (one row per draw), as :func:`aeutils.probes.label_efficiency`
        returns them.
    chance
        Accuracy of guessing, drawn as a dotted line (0.1 for ten classes).
    """
    table = _check_columns(
        table, ["features", "labels per class", "accuracy"], name="table"
    )
    fig = NotebookFigure(figsize=(7.5, 4.2))
    ax = fig.subplots()
    markers = "osD^v"
    for i, (name, part) in enumerate(table.groupby("features", sort=False)):
        stats = part.groupby("labels per class")["accuracy"].agg(["mean", "min", "max"])
        color = CLASS_COLORS[i % len(CLASS_COLORS)]
        ax.plot(stats.index, stats["mean"], marker=markers[i % 5], color=color, label=name)
        ax.fill_between(stats.index, stats["min"], stats["max"], color=color, alpha=0.2)
    if chance is not None:
        ax.axhline(chance, color="black", linestyle=":", linewidth=1.2, label="chance")
    counts = sorted(table["labels per class"].unique())
    ax.set_xscale("log")
    ax.set_xticks(counts, [f"{c:,}" for c in counts])
    ax.minorticks_off()
    ax.set_xlabel("labels per class (log scale)")
    ax.set_ylabel("test accuracy of the linear probe")
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=9)
    fig.tight_layout()
    return fig


def plot_rate_distortion(table: pd.DataFrame, *, title: str | None = None) -> Figure:
    """PSNR against bytes per image, one curve per codec family.

    Parameters
    ----------
    table
        One row per setting with columns ``family`` (the curve it belongs
        to), ``bytes`` (per image) and ``PSNR`` (mean per-image PSNR, dB).
        Families named ``"<codec>, ..."`` and ``"<codec> + <coder>"`` share
        the codec's colour; the entropy-coded ones (with ``" + "``) are
        dashed with hollow markers.
    title
        Optional title.
    """
    table = _check_columns(table, ["family", "bytes", "PSNR"], name="table")
    if (table["bytes"] <= 0).any():
        raise ValueError("bytes must be positive for the log axis.")
    fig = NotebookFigure(figsize=(7.5, 4.4))
    ax = fig.subplots()
    markers = "osD^vP*X"
    bases: list[str] = []  # "AE, packed" and "AE + lzma" share a colour
    for i, (family, part) in enumerate(table.groupby("family", sort=False)):
        part = part.sort_values("bytes")
        base = family.split(",")[0].split(" + ")[0]
        if base not in bases:
            bases.append(base)
        coded = " + " in family
        ax.plot(part["bytes"], part["PSNR"], "--" if coded else "-",
                marker=markers[i % 8], markerfacecolor="white" if coded else None,
                color=CLASS_COLORS[bases.index(base) % len(CLASS_COLORS)],
                label=family)  # fmt: skip
    ax.set_xscale("log")
    ticks = [5, 10, 20, 50, 100, 200, 500, 1000]
    low, high = table["bytes"].min(), table["bytes"].max()
    ax.set_xticks([t for t in ticks if low / 1.5 <= t <= high * 1.5])
    ax.set_xticklabels([str(t) for t in ticks if low / 1.5 <= t <= high * 1.5])
    ax.minorticks_off()
    ax.set_xlabel("bytes per image (log scale)")
    ax.set_ylabel("mean PSNR per image (dB)")
    if title:
        ax.set_title(title)
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=9, loc="upper left")
    fig.tight_layout()
    return fig
