"""Anomaly detection on images: checks for the coding exercises."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import torch
from sklearn.metrics import precision_recall_curve, roc_curve

from .feedback import Feedback, answer_tensor, run_answer

__all__ = ["check_anomaly_scores", "check_validation_threshold"]


def check_anomaly_scores(
    anomaly_scores: Callable[[torch.Tensor, torch.Tensor], object],
) -> Feedback:
    """Check ``anomaly_scores(images, reconstructions)`` -> one score per image.

    The expected answer is each image's mean squared error over its pixels:
    ``(images - reconstructions).pow(2).mean(dim=(1, 2, 3))``, shape ``(N,)``.
    """
    exercise = "per-image anomaly scores"
    generator = torch.Generator().manual_seed(6)
    images = torch.rand(6, 1, 4, 4, generator=generator, dtype=torch.float64)
    reconstructions = torch.rand(6, 1, 4, 4, generator=generator, dtype=torch.float64)
    answer, failure = run_answer(exercise, anomaly_scores, images.clone(), reconstructions.clone())
    if failure is not None:
        return failure
    result = answer_tensor(answer)
    if result is None:
        return Feedback(exercise, False, [f"Return a tensor or array, not {type(answer).__name__}."])
    difference = images - reconstructions
    squared = difference.pow(2)
    if result.numel() == 1:
        return Feedback(
            exercise,
            False,
            ["You returned a single number for the whole batch; an anomaly score is needed "
             "for every image. Average over the pixel axes only: .mean(dim=(1, 2, 3))."],
        )  # fmt: skip
    if result.shape != (len(images),):
        message = f"Your scores have shape {tuple(result.shape)}, expected ({len(images)},)."
        per_pixel = squared.mean(dim=0)
        if result.numel() == per_pixel.numel() and torch.allclose(
            result.flatten(), per_pixel.flatten(), atol=1e-9
        ):
            message = (
                "You averaged over the wrong axis: over the images (axis 0), which gives one "
                "value per pixel. Average over the pixel axes instead: .mean(dim=(1, 2, 3)) "
                "or .flatten(1).mean(dim=1)."
            )
        return Feedback(exercise, False, [message])
    expected = squared.flatten(1).mean(dim=1)
    if torch.allclose(result, expected, atol=1e-9, rtol=1e-7):
        return Feedback(exercise, True, ["One mean squared error per image, as expected."])
    mistakes = {
        "You summed the squared errors instead of averaging them. The order is the same, "
        "but the scale then depends on the image size; use .mean over the pixels.": (
            squared.flatten(1).sum(dim=1)
        ),
        "This is the root mean squared error. It ranks images in the same order, but the "
        "chapter's thresholds are on the MSE scale: drop the square root.": expected.sqrt(),
        "You used the absolute error; the chapter's score is the squared error.": (
            difference.abs().flatten(1).mean(dim=1)
        ),
        "You averaged the signed differences, so bright and dark errors cancel out. "
        "Square them first.": difference.flatten(1).mean(dim=1),
    }
    for message, wrong in mistakes.items():
        if torch.allclose(result, wrong, atol=1e-9, rtol=1e-7):
            return Feedback(exercise, False, [message])
    return Feedback(
        exercise,
        False,
        ["The shape is right but the values differ from the mean squared error per image.",
         "Subtract, square, then average over every axis but the first."],
    )  # fmt: skip


def _scores(values: object, name: str) -> np.ndarray:
    array = np.asarray(values.detach().cpu() if isinstance(values, torch.Tensor) else values)
    array = array.astype(np.float64)
    if array.ndim != 1 or array.size == 0 or not np.isfinite(array).all():
        raise ValueError(f"{name} must be a non-empty 1-D array of finite scores.")
    return array


def _best_on_test(test_scores: np.ndarray, test_labels: np.ndarray) -> dict[str, float]:
    """Thresholds that only someone looking at the test labels could pick."""
    fpr, tpr, cuts = roc_curve(test_labels, test_scores)
    youden = float(cuts[np.argmax(tpr - fpr)])
    precision, recall, pr_cuts = precision_recall_curve(test_labels, test_scores)
    f1 = 2 * precision[:-1] * recall[:-1] / np.maximum(precision[:-1] + recall[:-1], 1e-12)
    return {"Youden's J": youden, "F1": float(pr_cuts[int(np.argmax(f1))])}


def check_validation_threshold(
    threshold: object,
    val_scores: object,
    test_scores: object,
    test_labels: object,
    *,
    target_fpr: float = 0.05,
) -> Feedback:
    """Check a threshold chosen on normal validation scores for ``target_fpr``.

    The expected threshold is the ``1 - target_fpr`` quantile of the normal
    validation scores (any standard quantile rule, give or take one order
    statistic). The test scores and labels are used only to recognise a
    threshold that was tuned on the test set.

    Parameters
    ----------
    threshold
        The student's threshold (a number).
    val_scores
        Scores of the normal validation examples.
    test_scores, test_labels
        Scores and labels (1 = anomalous) of the test set.
    target_fpr
        The false-positive rate the threshold should give on normal data.
    """
    exercise = f"threshold for a {target_fpr:.0%} false-positive rate"
    val = _scores(val_scores, "val_scores")
    test = _scores(test_scores, "test_scores")
    labels = np.asarray(test_labels.cpu() if isinstance(test_labels, torch.Tensor) else test_labels)
    if labels.shape != test.shape or set(np.unique(labels).tolist()) != {0, 1}:
        raise ValueError("test_labels must be 0/1 labels with both classes, one per test score.")
    if isinstance(threshold, torch.Tensor) and threshold.numel() == 1:
        threshold = threshold.item()
    if isinstance(threshold, np.ndarray) and threshold.size == 1:
        threshold = threshold.item()
    if isinstance(threshold, bool) or not isinstance(threshold, (int, float, np.floating)):
        return Feedback(exercise, False, [f"Answer with a number, got {type(threshold).__name__}."])
    threshold = float(threshold)
    if not np.isfinite(threshold):
        return Feedback(exercise, False, [f"The threshold must be finite, got {threshold}."])

    ordered = np.sort(val)
    position = (len(val) - 1) * (1.0 - target_fpr)
    low = ordered[max(int(np.floor(position)) - 1, 0)]
    high = ordered[min(int(np.ceil(position)) + 1, len(val) - 1)]
    val_fpr = float((val > threshold).mean())
    if low <= threshold <= high:
        return Feedback(
            exercise,
            True,
            [f"Threshold {threshold:.4g} flags {val_fpr:.1%} of the normal validation data; "
             "chosen without looking at a single test label."],
        )  # fmt: skip

    def near(value: float) -> bool:
        return abs(threshold - value) <= 1e-9 + 1e-6 * abs(value)

    test_normal_cut = float(np.quantile(test[labels == 0], 1.0 - target_fpr))
    if near(test_normal_cut) or (
        np.quantile(test[labels == 0], 1.0 - target_fpr, method="lower")
        <= threshold
        <= np.quantile(test[labels == 0], 1.0 - target_fpr, method="higher")
    ):
        return Feedback(
            exercise,
            False,
            ["This is the quantile of the *test* set's normal scores: picking them out uses "
             "the test labels. Use the normal validation scores (val_scores) instead."],
        )  # fmt: skip
    for criterion, cut in _best_on_test(test, labels).items():
        if near(cut):
            return Feedback(
                exercise,
                False,
                [f"This threshold maximises {criterion} on the test set: it was tuned on the "
                 "test labels, so the numbers it reports are optimistic. Choose it from the "
                 "normal validation scores alone."],
            )  # fmt: skip
    if near(float(np.quantile(test, 1.0 - target_fpr))):
        return Feedback(
            exercise,
            False,
            ["This is a quantile of all test scores, anomalies included: it depends on the "
             "test set and on how many anomalies it holds. Use the normal validation scores."],
        )  # fmt: skip
    if near(float(np.quantile(val, target_fpr))):
        return Feedback(
            exercise,
            False,
            [f"This is the {target_fpr:.0%} quantile, which flags {val_fpr:.0%} of normal data. "
             f"The threshold that flags {target_fpr:.0%} is the {1 - target_fpr:.0%} quantile."],
        )  # fmt: skip
    return Feedback(
        exercise,
        False,
        [f"Threshold {threshold:.4g} flags {val_fpr:.1%} of the normal validation data, not "
         f"{target_fpr:.0%}.",
         "Take the (1 - target_fpr) quantile of val_scores, e.g. np.quantile(val_scores, 0.95) "
         "(np.percentile takes percent: 95, not 0.95)."],
    )  # fmt: skip
