"""Curve figures of aeutils.viz.curves."""

from __future__ import annotations

import pandas as pd
import pytest

from aeutils import viz


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
