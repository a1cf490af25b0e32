"""Activation statistics of codes (aeutils.sparse)."""

from __future__ import annotations

import pytest
import torch

from aeutils import sparse


def test_active_mask_is_relative_to_each_units_maximum():
    codes = torch.tensor([[1.0, 100.0, 0.0], [0.05, 5.0, 0.0], [0.5, 20.0, 0.0]])
    mask = sparse.active_mask(codes, relative_threshold=0.1)
    expected = torch.tensor([[True, True, False], [False, False, False], [True, True, False]])
    assert torch.equal(mask, expected)


def test_activation_stats_counts_fractions_and_dead_units():
    codes = torch.tensor([[1.0, 0.0, 0.0, 2.0], [0.0, 1.0, 0.0, 2.0]])
    stats = sparse.activation_stats(codes)
    assert stats.active_fraction == pytest.approx(0.5)
    assert torch.allclose(stats.active_per_image, torch.tensor([0.5, 0.5]))
    assert torch.allclose(stats.unit_frequency, torch.tensor([0.5, 0.5, 0.0, 1.0]))
    assert stats.dead_units == 1


def test_activation_stats_is_scale_invariant():
    torch.manual_seed(0)
    codes = torch.relu(torch.randn(200, 16))
    a = sparse.activation_stats(codes).active_fraction
    b = sparse.activation_stats(codes * 37.0).active_fraction
    assert a == pytest.approx(b)


def test_top_activating_returns_strongest_images_first():
    codes = torch.tensor([[0.1, 3.0], [0.9, 1.0], [0.5, 2.0], [0.0, 0.0]])
    top = sparse.top_activating(codes, units=[0, 1], k=2)
    assert top.tolist() == [[1, 2], [0, 2]]


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"relative_threshold": 1.0}, ValueError, r"\[0, 1\)"),
        ({"relative_threshold": "0.1"}, TypeError, "must be a number"),
    ],
)
def test_bad_threshold_is_explained(kwargs, error, match):
    with pytest.raises(error, match=match):
        sparse.active_mask(torch.ones(3, 2), **kwargs)


def test_bad_inputs_are_explained():
    with pytest.raises(ValueError, match="2-D matrix"):
        sparse.activation_stats(torch.ones(3, 2, 2))
    with pytest.raises(ValueError, match="between 0 and 1"):
        sparse.top_activating(torch.ones(5, 2), units=[2], k=1)
    with pytest.raises(ValueError, match="at most 5"):
        sparse.top_activating(torch.ones(5, 2), units=[0], k=6)
