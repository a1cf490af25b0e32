"""Chapter 6's exercise checks accept the reference and name the usual mistakes."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from aeutils import exercises


def _messages(feedback):
    return " ".join(feedback.messages)


# ---------------------------------------------------------------- per-image scores


def test_anomaly_scores_reference_passes():
    for answer in (
        lambda x, r: (x - r).pow(2).mean(dim=(1, 2, 3)),
        lambda x, r: ((x - r) ** 2).flatten(1).mean(dim=1).numpy(),
    ):
        assert exercises.check_anomaly_scores(answer).passed


def test_anomaly_scores_mistakes_are_named():
    cases = {
        "wrong axis: over the images (axis 0)": lambda x, r: (x - r).pow(2).mean(dim=0),
        "single number for the whole batch": lambda x, r: (x - r).pow(2).mean(),
        "summed the squared errors": lambda x, r: (x - r).pow(2).sum(dim=(1, 2, 3)),
        "root mean squared error": lambda x, r: (x - r).pow(2).mean(dim=(1, 2, 3)).sqrt(),
        "absolute error": lambda x, r: (x - r).abs().mean(dim=(1, 2, 3)),
        "signed differences": lambda x, r: (x - r).mean(dim=(1, 2, 3)),
        "Not implemented yet": lambda x, r: (_ for _ in ()).throw(NotImplementedError()),
        "Return a tensor or array": lambda x, r: "scores",
        "values differ": lambda x, r: (x - r).pow(2).mean(dim=(1, 2, 3)) + 1,
    }
    for expected, answer in cases.items():
        feedback = exercises.check_anomaly_scores(answer)
        assert not feedback.passed, expected
        assert expected in _messages(feedback), (expected, feedback.messages)


# ---------------------------------------------------------------- threshold


def _scores():
    rng = np.random.default_rng(0)
    val = rng.normal(0.0, 1.0, 1000)
    test_normal = rng.normal(0.0, 1.0, 900)
    test_anomalous = rng.normal(2.0, 1.0, 100)
    test = np.concatenate([test_normal, test_anomalous])
    labels = np.r_[np.zeros(900, dtype=int), np.ones(100, dtype=int)]
    return val, test, labels


@pytest.mark.parametrize("method", ["linear", "lower", "higher", "nearest", "midpoint"])
def test_threshold_reference_passes_with_any_quantile_rule(method):
    val, test, labels = _scores()
    threshold = np.quantile(val, 0.95, method=method)
    assert exercises.check_validation_threshold(threshold, val, test, labels).passed


def test_threshold_accepts_tensors_and_percentiles():
    val, test, labels = _scores()
    check = exercises.check_validation_threshold
    assert check(torch.quantile(torch.tensor(val), 0.95), val, test, labels).passed
    assert check(float(np.percentile(val, 99)), val, test, labels, target_fpr=0.01).passed
    assert check(np.sort(val)[int(0.95 * len(val))], val, test, labels).passed


def test_threshold_tuned_on_test_labels_is_rejected():
    val, test, labels = _scores()
    check = exercises.check_validation_threshold
    test_normal_cut = np.quantile(test[labels == 0], 0.95)
    feedback = check(test_normal_cut, val, test, labels)
    assert not feedback.passed and "uses the test labels" in _messages(feedback)
    candidates = np.unique(test)
    f1 = [
        2 * ((test >= c) & (labels == 1)).sum() / ((test >= c).sum() + labels.sum())
        for c in candidates
    ]
    best_f1 = candidates[int(np.argmax(f1))]
    feedback = check(best_f1, val, test, labels)
    assert not feedback.passed and "tuned on the test labels" in _messages(feedback)


def test_threshold_other_mistakes_are_named():
    val, test, labels = _scores()
    check = exercises.check_validation_threshold
    cases = {
        "all test scores, anomalies included": np.quantile(test, 0.95),
        "The threshold that flags 5% is the 95% quantile": np.quantile(val, 0.05),
        "np.percentile takes percent": np.percentile(val, 0.95),
        "Answer with a number": "0.5",
        "must be finite": float("nan"),
    }
    for expected, answer in cases.items():
        feedback = check(answer, val, test, labels)
        assert not feedback.passed, expected
        assert expected in _messages(feedback), (expected, feedback.messages)


def test_threshold_check_rejects_bad_data():
    val, test, labels = _scores()
    with pytest.raises(ValueError, match="test_labels must be 0/1"):
        exercises.check_validation_threshold(0.0, val, test, labels[:-1])
    with pytest.raises(ValueError, match="val_scores must be"):
        exercises.check_validation_threshold(0.0, val[:, None], test, labels)
