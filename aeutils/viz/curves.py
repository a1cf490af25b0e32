"""Curves and bars: loss per epoch, explained variance, values per component,
label efficiency and rate-distortion."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
import torch
from matplotlib.figure import Figure

from ..train import History
from ..validation import validate_instance, validate_mapping
from .figures import finish, single_axes

__all__ = [
    "plot_explained_variance",
    "plot_label_efficiency",
    "plot_loss_curves",
    "plot_per_component",
    "plot_rate_distortion",
]


def _finite(values: object, *, name: str) -> torch.Tensor:
    """Values as float64; NaN or infinity would silently vanish from a plot."""
    tensor = torch.as_tensor(values).detach().cpu().double()
    if not torch.isfinite(tensor).all():
        raise ValueError(
            f"{name} holds {int((~torch.isfinite(tensor)).sum())} NaN or "
            "infinite value(s), which a plot would silently leave out; fix "
            "them first (a diverged run gives NaN)."
        )
    return tensor


def plot_loss_curves(
    histories: Mapping[str, History],
    *,
    baselines: Mapping[str, float] | None = None,
    log_scale: bool = True,
) -> Figure:
    """Training (dashed) and validation (solid) MSE per pixel, per epoch.

    ``histories`` is ``{label: History}`` (what :func:`aeutils.train.fit`
    returns); ``baselines`` ``{label: value}`` are horizontal lines (e.g.
    PCA's MSE); ``log_scale`` makes the loss axis logarithmic.
    """
    histories = validate_mapping(
        histories, name="histories", example="{label: History}"
    )
    for label, history in histories.items():
        name = f"histories[{label!r}]"
        validate_instance(history, History, name=name,
                          example="what train.fit returns")  # fmt: skip
        _finite(history.train_loss, name=f"{name}.train_loss")
        _finite(history.val_loss, name=f"{name}.val_loss")
    baselines = baselines or {}
    for label, value in baselines.items():
        _finite(value, name=f"baselines[{label!r}]")
    fig, ax = single_axes(7.5, 4.0)
    for i, (label, history) in enumerate(histories.items()):
        epochs = np.arange(1, history.epochs + 1)
        ax.plot(epochs, history.train_loss, "--", color=f"C{i % 10}",
                label=f"{label} (train)")
        if history.val_loss:
            ax.plot(epochs, history.val_loss, "-", color=f"C{i % 10}",
                    label=f"{label} (validation)")
    for j, (label, value) in enumerate(baselines.items()):
        ax.axhline(value, color="black", linestyle=[":", "-."][j % 2],
                   linewidth=1.2, label=label)
    ax.set(xlabel="epoch", ylabel="MSE per pixel",
           yscale="log" if log_scale else "linear")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=9)
    return finish(fig)


def plot_explained_variance(
    explained_variance_ratio: object,
    *,
    thresholds: Sequence[float] = (0.5, 0.9, 0.95),
) -> Figure:
    """Cumulative variance explained by the top ``k`` components (log k).

    ``explained_variance_ratio`` is ``(D,)``, decreasing; each of
    ``thresholds`` is marked with the first ``k`` that reaches it.
    """
    ratio = _finite(explained_variance_ratio, name="explained_variance_ratio")
    valid = ratio.ndim == 1 and len(ratio) > 0 and bool((ratio >= 0).all())
    if not valid or float(ratio.sum()) > 1.0 + 1e-6:
        raise ValueError(
            "explained_variance_ratio must be 1-D, non-empty, non-negative "
            f"and sum to at most 1, got shape {tuple(ratio.shape)}."
        )
    cumulative = torch.cumsum(ratio, dim=0).numpy()
    fig, ax = single_axes(7.5, 4.0)
    ax.plot(np.arange(1, len(ratio) + 1), cumulative, color="C0",
            linewidth=2)
    for threshold in thresholds:
        if cumulative[-1] < threshold:
            continue
        k = int(np.searchsorted(cumulative, threshold)) + 1
        ax.plot([k, k], [0, cumulative[k - 1]], ":", color="gray")
        ax.plot(k, cumulative[k - 1], "o", color="C3")
        ax.annotate(f"{threshold:.0%} at k = {k}", (k, cumulative[k - 1]),
                    xytext=(8, -14), textcoords="offset points", fontsize=10)
    ax.set(xscale="log", xlabel="number of components k (log scale)",
           ylabel="fraction of variance explained", ylim=(0, 1.02))
    ax.grid(True, which="both", alpha=0.3)
    return finish(fig)


def plot_per_component(
    series: Mapping[str, object],
    *,
    ylabel: str,
    xlabel: str = "component",
    reference: tuple[str, float] | None = None,
    ylim: tuple[float, float] | None = None,
) -> Figure:
    """Bars of one value per component (angle, alignment, activity...).

    ``series`` is ``{label: values}`` of one length (side by side when
    several); components are numbered from 1; ``reference`` is an optional
    ``(label, value)`` dotted line and ``ylim`` the value axis's limits.
    """
    series = validate_mapping(series, name="series", example="{label: values}")
    values = {
        label: _finite(v, name=f"series[{label!r}]").flatten()
        for label, v in series.items()
    }
    lengths = {len(v) for v in values.values()}
    if len(lengths) != 1 or 0 in lengths:
        raise ValueError(
            "every series must have the same non-zero length, got "
            f"{sorted(lengths)}."
        )
    positions = np.arange(1, lengths.pop() + 1)
    width = 0.8 / len(values)
    fig, ax = single_axes(7.5, 3.5)
    for i, (label, v) in enumerate(values.items()):
        offset = (i - (len(values) - 1) / 2) * width
        ax.bar(positions + offset, v.numpy(), width=width, label=label,
               color=f"C{i % 10}")
    if reference is not None:
        ax.axhline(reference[1], color="black", linestyle=":",
                   label=reference[0])
    if ylim is not None:
        ax.set_ylim(*ylim)
    ax.set(xlabel=xlabel, ylabel=ylabel)
    if len(values) > 1 or reference is not None:
        ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0),
                  ncol=len(values) + 1, frameon=False)
    return finish(fig)


def _check_columns(table: object, columns: Sequence[str]) -> pd.DataFrame:
    validate_instance(table, pd.DataFrame, name="table",
                      example="pd.DataFrame(rows)")  # fmt: skip
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise ValueError(
            f"table lacks the column(s) {missing}; it needs {list(columns)}."
        )
    if table.empty:
        raise ValueError("table is empty.")
    return table


def plot_label_efficiency(
    table: pd.DataFrame, *, chance: float | None = None
) -> Figure:
    """Probe accuracy against labels per class, one line per representation.

    ``table`` is :func:`aeutils.probes.label_efficiency`'s (columns
    ``features``, ``labels per class``, ``accuracy``); points are means over
    draws, bands run from the lowest to the highest draw; ``chance`` is a
    dotted line (0.1 for ten classes).
    """
    table = _check_columns(table, ["features", "labels per class", "accuracy"])
    fig, ax = single_axes(7.5, 4.2)
    for i, (name, part) in enumerate(table.groupby("features", sort=False)):
        accuracy = part.groupby("labels per class")["accuracy"]
        stats = accuracy.agg(["mean", "min", "max"])
        ax.plot(stats.index, stats["mean"], marker="osD^v"[i % 5],
                color=f"C{i % 10}", label=name)
        ax.fill_between(stats.index, stats["min"], stats["max"],
                        color=f"C{i % 10}", alpha=0.2)
    if chance is not None:
        ax.axhline(chance, color="black", linestyle=":", linewidth=1.2,
                   label="chance")
    counts = sorted(table["labels per class"].unique())
    ax.set(xscale="log", xticks=counts, xticklabels=[f"{c:,}" for c in counts],
           xlabel="labels per class (log scale)",
           ylabel="test accuracy of the linear probe")
    ax.minorticks_off()
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=9)
    return finish(fig)


def plot_rate_distortion(
    table: pd.DataFrame, *, title: str | None = None
) -> Figure:
    """PSNR against bytes per image, one curve per codec family.

    ``table`` has one row per setting with columns ``family``, ``bytes``
    (per image) and ``PSNR`` (dB). Families ``"<codec>, ..."`` and
    ``"<codec> + <coder>"`` share the codec's colour; entropy-coded ones
    (``" + "``) are dashed with hollow markers.
    """
    table = _check_columns(table, ["family", "bytes", "PSNR"])
    if (table["bytes"] <= 0).any():
        raise ValueError("bytes must be positive for the log axis.")
    fig, ax = single_axes(7.5, 4.4)
    # "AE, packed" and "AE + lzma" share the codec's colour
    codec = {f: f.split(",")[0].split(" + ")[0] for f in table["family"]}
    codecs = list(dict.fromkeys(codec.values()))
    colours = {c: f"C{i % 10}" for i, c in enumerate(codecs)}
    for i, (family, part) in enumerate(table.groupby("family", sort=False)):
        part = part.sort_values("bytes")
        coded = " + " in family
        ax.plot(part["bytes"], part["PSNR"], "--" if coded else "-",
                marker="osD^vP*X"[i % 8], color=colours[codec[family]],
                markerfacecolor="white" if coded else None, label=family)
    low, high = table["bytes"].min(), table["bytes"].max()
    ticks = [t for t in (5, 10, 20, 50, 100, 200, 500, 1000)
             if low / 1.5 <= t <= high * 1.5]
    ax.set(xscale="log", xticks=ticks, xticklabels=[str(t) for t in ticks],
           xlabel="bytes per image (log scale)",
           ylabel="mean PSNR per image (dB)", title=title or "")
    ax.minorticks_off()
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=9, loc="upper left")
    return finish(fig)
