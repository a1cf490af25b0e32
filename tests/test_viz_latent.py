"""Latent-space figures of aeutils.viz.latent."""

from __future__ import annotations

import pytest
import torch

from aeutils import viz

LABELS = torch.tensor([0, 1, 2] * 4)


def test_plot_embeddings_draws_one_panel_per_embedding():
    points = torch.randn(12, 2)
    names = ["x", "y", "z"]
    fig = viz.plot_embeddings({"a": points, "b": points * 2}, LABELS, names)
    assert [ax.get_title() for ax in fig.axes] == ["a", "b"]
    with pytest.raises(ValueError, match="same number of points"):
        viz.plot_embeddings({"a": points, "b": points[:5]}, LABELS, names)


def test_plot_embeddings_rejects_points_that_are_not_2d():
    with pytest.raises(ValueError, match="2 columns"):
        viz.plot_embeddings({"a": torch.randn(12, 3)}, LABELS, ["x", "y", "z"])
    with pytest.raises(ValueError, match="empty"):
        viz.plot_embeddings({}, LABELS, ["x", "y", "z"])
