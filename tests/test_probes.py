"""Probes: scikit-learn classifiers on codes, with inputs validated."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from aeutils import probes


def _blobs(n: int = 200, k: int = 4, seed: int = 0):
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 3, size=n)
    codes = rng.normal(size=(n, k)) + 4.0 * labels[:, None]
    return codes.astype(np.float32), labels


def test_linear_probe_reads_separable_classes():
    codes, labels = _blobs()
    result = probes.linear_probe(codes[:150], labels[:150], codes[150:], labels[150:])
    assert result.accuracy > 0.95
    assert result.converged and result.seconds >= 0


def test_non_convergence_is_reported_not_printed(recwarn):
    codes, labels = _blobs(k=20)
    result = probes.linear_probe(
        codes[:150], labels[:150], codes[150:], labels[150:], max_iter=1
    )
    assert result.converged is False
    assert not [w for w in recwarn if "converge" in str(w.message)]


def test_knn_probe_accepts_tensors():
    codes, labels = _blobs()
    result = probes.knn_probe(
        torch.from_numpy(codes[:150]), torch.from_numpy(labels[:150]),
        torch.from_numpy(codes[150:]), torch.from_numpy(labels[150:]),
    )  # fmt: skip
    assert result.accuracy > 0.95


@pytest.mark.parametrize(
    ("train", "test", "message"),
    [
        (np.zeros((10, 3)), np.zeros((5, 4)), "same number of columns"),
        (np.zeros((10,)), np.zeros((5,)), "must be a 2-D matrix"),
        (np.full((10, 3), np.nan), np.zeros((5, 3)), "NaN"),
    ],
)
def test_bad_codes_are_rejected_with_a_clear_message(train, test, message):
    labels = np.arange(10) % 2
    with pytest.raises(ValueError, match=message):
        probes.linear_probe(train, labels, test, np.arange(5) % 2)
