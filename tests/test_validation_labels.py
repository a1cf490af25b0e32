"""aeutils.validation.labels: class labels and binary anomaly labels."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from aeutils.validation import (
    validate_binary_labels,
    validate_class_labels,
    validate_labels,
)


def test_labels_are_long_tensors_within_the_class_names():
    assert validate_labels([0, 2, 1], n=3, n_classes=3).dtype == torch.int64
    with pytest.raises(ValueError, match="3 class name"):
        validate_labels(np.array([0, 3]), n=2, n_classes=3)
    with pytest.raises(TypeError, match="integers"):
        validate_labels(torch.zeros(2), n=2, n_classes=3)


def test_class_labels_need_integers_of_the_right_length():
    assert validate_class_labels(torch.tensor([5, 7]), name="y", n=2).shape == (2,)
    with pytest.raises(ValueError, match=r"y must have shape \(3,\)"):
        validate_class_labels([1, 2], name="y", n=3)


def test_binary_labels_need_both_classes_and_one_score_each():
    y, s = validate_binary_labels(torch.tensor([0, 1]), [0.1, 0.9])
    assert y.tolist() == [0, 1] and s.dtype == np.float64
    with pytest.raises(ValueError, match="only one class"):
        validate_binary_labels([0, 0], [0.1, 0.2])
    with pytest.raises(ValueError, match="different lengths"):
        validate_binary_labels([0, 1], [0.1])
    with pytest.raises(ValueError, match="NaN"):
        validate_binary_labels([0, 1], [0.1, float("nan")])
