"""aeutils.viz.anomaly: ROC/PR curves, thresholds, error maps."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pytest
import torch

from aeutils import anomaly, viz

RNG = np.random.default_rng(0)
LABELS = np.r_[np.zeros(400, dtype=int), np.ones(100, dtype=int)]
SCORES = np.exp(RNG.normal(LABELS * 1.5, 1.0))
IMAGES = torch.rand(8, 1, 28, 28, generator=torch.Generator().manual_seed(0))


def test_figures_are_drawn_without_pyplot():
    before = plt.get_fignums()
    threshold = anomaly.threshold_from_normal(SCORES[LABELS == 0])
    figures = [
        viz.plot_roc_pr(LABELS, {"a": SCORES, "b": -SCORES}),
        viz.plot_threshold(LABELS, SCORES, threshold),
        viz.plot_error_maps(IMAGES[:4], IMAGES[:4] * 0.5, titles=list("abcd")),
    ]
    assert plt.get_fignums() == before
    for fig in figures:
        assert fig._repr_png_()[:8] == b"\x89PNG\r\n\x1a\n"


def test_roc_pr_legends_carry_auroc_and_average_precision():
    fig = viz.plot_roc_pr(LABELS, {"good": SCORES, "reversed": -SCORES})
    roc_ax, pr_ax = fig.axes
    roc_labels = [line.get_label() for line in roc_ax.get_lines()]
    assert roc_labels[0].startswith("good (0.") and roc_labels[-1] == "chance (0.5)"
    assert float(roc_labels[1].split("(")[1][:-1]) < 0.5
    assert pr_ax.get_lines()[-1].get_label() == "chance (0.20)"


def test_plot_threshold_title_reports_the_summary():
    summary = anomaly.threshold_summary(LABELS, SCORES, 2.0)
    fig = viz.plot_threshold(LABELS, SCORES, 2.0)
    title = fig._suptitle.get_text()
    assert f"precision {summary.precision:.2f}" in title and f"recall {summary.recall:.2f}" in title


def test_error_maps_errors():
    with pytest.raises(ValueError, match="titles has 1 entries for 4 images"):
        viz.plot_error_maps(IMAGES[:4], IMAGES[:4], titles=["a"])
    with pytest.raises(ValueError, match="same shape"):
        viz.plot_error_maps(IMAGES[:4], IMAGES[:3])


# ---------------------------------------------------------------- issue 19
@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"threshold": float("nan")}, ValueError, "threshold"),
        ({"threshold": -1.0}, ValueError, "positive"),
        ({"names": ("only",)}, TypeError, "names"),
    ],
)
def test_plot_threshold_checks_its_arguments(kwargs, error, match):
    arguments = {"threshold": 1.0, **kwargs}
    with pytest.raises(error, match=match):
        viz.plot_threshold(LABELS, SCORES, **arguments)


@pytest.mark.parametrize("scores", [-SCORES, SCORES * 0, SCORES - 1])
def test_non_positive_scores_on_the_log_axis_are_refused(scores):
    with pytest.raises(ValueError, match="positive"):
        viz.plot_threshold(LABELS, scores, 1.0)


def test_error_maps_explain_sensor_windows():
    windows = torch.rand(3, 2, 16)
    with pytest.raises(ValueError, match="sensor windows") as error:
        viz.plot_error_maps(windows, windows)
    assert "unsqueeze" not in str(error.value)
