"""The class-entropy check accepts right answers and names the usual mistakes."""

from __future__ import annotations

import math

import torch
from torch.nn import functional as F

from aeutils import exercises


def _shares(top_labels, n_classes):
    counts = F.one_hot(top_labels, n_classes).sum(dim=1).float()
    return counts / counts.sum(dim=1, keepdim=True)


def reference(top_labels, n_classes):
    return -torch.special.xlogy(_shares(top_labels, n_classes), _shares(top_labels, n_classes)).sum(
        dim=1
    ) / math.log(2)


def with_bincount(top_labels, n_classes):
    rows = []
    for labels in top_labels:
        p = torch.bincount(labels, minlength=n_classes).double() / len(labels)
        p = p[p > 0]
        rows.append(-(p * p.log2()).sum())
    return torch.stack(rows)


def test_right_answers_pass():
    for answer in (reference, with_bincount):
        feedback = exercises.check_class_entropy(answer)
        assert feedback.passed, feedback.messages


def test_the_usual_mistakes_are_named():
    def naive(top_labels, n_classes):  # 0 * log2(0) = NaN
        p = _shares(top_labels, n_classes)
        return -(p * p.log2()).sum(dim=1)

    cases = {
        "ln 2": lambda t, c: reference(t, c) * math.log(2),
        "signs are flipped": lambda t, c: -reference(t, c),
        "counts instead of the shares": lambda t, c: -torch.special.xlogy(
            F.one_hot(t, c).sum(dim=1).double(), F.one_hot(t, c).sum(dim=1).double()
        ).sum(dim=1)
        / math.log(2),
        "pooled": lambda t, c: with_bincount(t.reshape(1, -1), c).expand(len(t)),
        "purity": lambda t, c: _shares(t, c).max(dim=1).values,
        "NaN": naive,
        "shape": lambda t, c: reference(t, c).sum(),
        "Return a torch tensor": lambda t, c: reference(t, c).tolist(),
        "Not implemented yet": lambda t, c: (_ for _ in ()).throw(NotImplementedError()),
        "raised ZeroDivisionError": lambda t, c: 1 / 0,
        "the reference": lambda t, c: reference(t, c) + 0.1,
    }
    for expected, answer in cases.items():
        feedback = exercises.check_class_entropy(answer)
        assert not feedback.passed, expected
        assert expected in " ".join(feedback.messages), (expected, feedback.messages)


def test_an_answer_that_assumes_ten_classes_fails_on_the_second_case():
    def ten_classes_only(top_labels, n_classes):
        return reference(top_labels, 10)

    # Same entropies: the counts of absent classes are zero. The check must
    # still accept it, because it is right.
    assert exercises.check_class_entropy(ten_classes_only).passed

    def right_only_for_fifty_images(top_labels, n_classes):
        value = reference(top_labels, n_classes)
        return value if top_labels.shape[1] == 50 else value * 1.5

    assert not exercises.check_class_entropy(right_only_for_fifty_images).passed
