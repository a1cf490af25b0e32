"""aeutils.viz.curves: loss curves, explained variance, per-component bars."""

from __future__ import annotations

import pandas as pd
import pytest
import torch

from aeutils import viz
from aeutils.train import History


def test_plot_loss_curves_draws_train_val_and_baselines():
    history = History(train_loss=[0.3, 0.2, 0.1], val_loss=[0.35, 0.25, 0.15], epoch_seconds=[1.0] * 3)
    fig = viz.plot_loss_curves({"AE": history}, baselines={"PCA": 0.12})
    labels = [line.get_label() for line in fig.axes[0].get_lines()]
    assert labels == ["AE (train)", "AE (validation)", "PCA"]
    with pytest.raises(ValueError, match="histories is empty"):
        viz.plot_loss_curves({})


def test_plot_explained_variance_marks_thresholds():
    ratio = torch.tensor([0.5, 0.3, 0.1, 0.05, 0.05])
    fig = viz.plot_explained_variance(ratio, thresholds=(0.8, 0.95))
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert texts == ["80% at k = 2", "95% at k = 4"]
    with pytest.raises(ValueError, match="sum to at most 1"):
        viz.plot_explained_variance(torch.tensor([0.9, 0.9]))


def test_plot_per_component_side_by_side_bars_and_reference():
    fig = viz.plot_per_component(
        {"a": torch.tensor([1.0, 2.0, 3.0]), "b": torch.tensor([3.0, 2.0, 1.0])},
        ylabel="degrees", reference=("5°", 5.0), ylim=(0, 6),
    )
    ax = fig.axes[0]
    heights = [patch.get_height() for patch in ax.patches]
    assert heights == [1.0, 2.0, 3.0, 3.0, 2.0, 1.0]
    assert ax.patches[0].get_x() < ax.patches[3].get_x() < ax.patches[1].get_x()
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["5°", "a", "b"]
    assert ax.get_ylim() == (0, 6)
    with pytest.raises(ValueError, match="same non-zero length"):
        viz.plot_per_component({"a": torch.ones(3), "b": torch.ones(2)}, ylabel="x")
    with pytest.raises(ValueError, match="series is empty"):
        viz.plot_per_component({}, ylabel="x")


def test_plot_label_efficiency_needs_its_columns():
    table = pd.DataFrame(
        {
            "features": ["a"] * 4,
            "labels per class": [1, 1, 10, 10],
            "accuracy": [0.3, 0.4, 0.6, 0.7],
        }
    )
    fig = viz.plot_label_efficiency(table, chance=0.1)
    lines = fig.axes[0].get_lines()
    assert [line.get_label() for line in lines] == ["a", "chance"]
    assert list(lines[0].get_ydata()) == pytest.approx([0.35, 0.65])
    with pytest.raises(ValueError, match="lacks the column"):
        viz.plot_label_efficiency(table.drop(columns="accuracy"))


def test_plot_rate_distortion_needs_positive_bytes():
    rd = pd.DataFrame(
        {
            "family": ["AE", "AE", "JPEG"],
            "bytes": [8, 16, 400],
            "PSNR": [15.0, 20.0, 22.0],
        }
    )
    fig = viz.plot_rate_distortion(rd)
    assert fig.axes[0].get_xscale() == "log"
    with pytest.raises(ValueError, match="positive"):
        viz.plot_rate_distortion(rd.assign(bytes=0))


# ---------------------------------------------------------------- issue 19
NAN = float("nan")


@pytest.mark.parametrize(
    "draw, name",
    [
        (lambda: viz.plot_loss_curves({"a": History(train_loss=[1.0, NAN])}),
         "train_loss"),
        (lambda: viz.plot_loss_curves(
            {"a": History(train_loss=[1.0, 0.5])}, baselines={"PCA": NAN}),
         "baselines"),
        (lambda: viz.plot_explained_variance([0.5, NAN]),
         "explained_variance_ratio"),
        (lambda: viz.plot_per_component({"a": [1.0, NAN]}, ylabel="y"),
         "series"),
    ],
)  # fmt: skip
def test_curves_refuse_nan(draw, name):
    with pytest.raises(ValueError, match=name):
        draw()


def test_loss_curves_refuse_what_is_not_a_history():
    with pytest.raises(TypeError, match="History"):
        viz.plot_loss_curves({"a": [1.0, 0.5]})
