"""aeutils.validation.tensors: images and batches, refused with a clear error."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from aeutils import metrics, viz
from aeutils.validation import (
    validate_batch,
    validate_binary_labels,
    validate_class_labels,
    validate_images,
    validate_labels,
)
from aeutils.models import PCA
from aeutils.train import fit

GOOD = torch.rand(4, 1, 28, 28)


@pytest.mark.parametrize(
    ("images", "error", "pattern"),
    [
        (torch.rand(4, 28, 28), ValueError, r"shape \(N, C, H, W\).*unsqueeze\(1\)"),
        (torch.rand(4, 784), ValueError, r"reshape\(-1, 1, 28, 28\)"),
        (torch.rand(0, 1, 28, 28), ValueError, "is empty"),
        (torch.full((2, 1, 28, 28), float("nan")), ValueError, "NaN"),
        (torch.rand(2, 1, 28, 28) * 255, ValueError, r"values in \[0, 1\].*255"),
        (torch.rand(2, 1, 28, 28) - 0.5, ValueError, r"values in \[0, 1\]"),
        ((torch.rand(2, 1, 28, 28) * 255).to(torch.uint8), ValueError, "8-bit"),
        (torch.zeros(2, 1, 28, 28, dtype=torch.int64), TypeError, "floating-point"),
        ([[0.5]], TypeError, "torch.Tensor or numpy.ndarray"),
    ],
)
def test_check_images_rejects(images, error, pattern):
    with pytest.raises(error, match=pattern):
        validate_images(images)


def test_check_images_accepts_numpy_and_optional_range():
    assert validate_images(np.zeros((1, 1, 2, 2), dtype=np.float32)).shape == (1, 1, 2, 2)
    assert validate_images(torch.full((1, 1, 2, 2), 3.0), value_range=None).max() == 3.0
    with pytest.raises(ValueError, match=r"images of shape \(1, 28, 28\)"):
        validate_images(torch.rand(1, 3, 28, 28), image_shape=(1, 28, 28))


def test_batches_of_two_three_or_four_axes():
    assert validate_batch(np.zeros((2, 3)), name="x").dtype == torch.float32
    assert validate_batch(torch.full((2, 3, 5), 4.0), name="x").shape == (2, 3, 5)
    with pytest.raises(ValueError, match=r"x must be a batch.*unsqueeze\(0\)"):
        validate_batch(torch.zeros(5), name="x")


def test_boundaries_use_the_checks():
    """Each public entry point refuses the same bad input with a message naming it."""
    bad = torch.rand(4, 1, 28, 28) * 2
    with pytest.raises(ValueError, match="train_images must have pixel values"):
        fit(torch.nn.Identity(), bad, epochs=1, progress=False)
    with pytest.raises(ValueError, match="images must have pixel values"):
        PCA(n_components=2).fit(bad)
    with pytest.raises(ValueError, match="images must have pixel values"):
        metrics.per_image_mse(bad, GOOD)
    with pytest.raises(ValueError, match="images must have pixel values"):
        viz.plot_image_grid(bad)
    with pytest.raises(ValueError, match="same shape"):
        metrics.per_image_mse(GOOD, GOOD[:2])


# ------------------------------ labels

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
