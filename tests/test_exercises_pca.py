"""aeutils.exercises.pca: the checks accept right answers and name the usual mistakes."""

from __future__ import annotations

import torch

from aeutils import exercises


def _messages(feedback):
    return " ".join(feedback.messages)


def test_pca_reconstruction_correct():
    feedback = exercises.check_pca_reconstruction(lambda x, m, c: m + (x - m) @ c.T @ c)
    assert feedback.passed and bool(feedback)


def test_pca_reconstruction_mistakes_are_named():
    cases = {
        "forgot to add the mean back": lambda x, m, c: (x - m) @ c.T @ c,
        "without subtracting the mean": lambda x, m, c: x @ c.T @ c,
        "Not implemented yet": lambda x, m, c: (_ for _ in ()).throw(NotImplementedError()),
        "shape (200, 3)": lambda x, m, c: (x - m) @ c.T,
        "Your code raised RuntimeError": lambda x, m, c: x @ c,
        "values differ from the reference": lambda x, m, c: m + 0.5 * (x - m) @ c.T @ c,
        "Return a tensor": lambda x, m, c: [1, 2],
    }
    for expected, answer in cases.items():
        feedback = exercises.check_pca_reconstruction(answer)
        assert not feedback.passed, expected
        assert expected in _messages(feedback), (expected, feedback.messages)


def test_components_for_variance():
    ratio = torch.tensor([0.5, 0.3, 0.15, 0.05])
    assert exercises.check_components_for_variance(3, ratio, threshold=0.9).passed
    assert exercises.check_components_for_variance(torch.tensor(3), ratio, threshold=0.9).passed
    off_by_one = exercises.check_components_for_variance(2, ratio, threshold=0.9)
    assert not off_by_one.passed and "Off by one" in _messages(off_by_one)
    too_many = exercises.check_components_for_variance(4, ratio, threshold=0.9)
    assert not too_many.passed and "more than needed" in _messages(too_many)
    not_int = exercises.check_components_for_variance(None, ratio, threshold=0.9)
    assert "Answer with an int" in _messages(not_int)
    assert "between 1 and 4" in _messages(exercises.check_components_for_variance(9, ratio))


def test_components_threshold_reached_exactly_counts():
    ratio = torch.tensor([0.5, 0.4, 0.1], dtype=torch.float64)
    assert exercises.check_components_for_variance(2, ratio, threshold=0.9).passed
