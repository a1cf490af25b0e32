"""The faulty-channel check accepts the reference and names the usual mistakes."""

from __future__ import annotations

import numpy as np
import torch

from aeutils import exercises
from aeutils.exercises.anomaly_tables_sensors import fault_channel_example


def _messages(feedback):
    return " ".join(feedback.messages)


def _reference(w, r):
    return (w - r).pow(2).mean(dim=2).argmax(dim=1)


def _one_wrong(w, r):
    answer = _reference(w, r)
    answer[0] = (answer[0] + 1) % 4
    return answer


def test_reference_answers_pass():
    for answer in (
        _reference,
        lambda w, r: ((w - r) ** 2).sum(dim=-1).argmax(dim=-1).numpy(),
        lambda w, r: np.argmax(((w - r) ** 2).numpy().mean(axis=2), axis=1),
    ):
        assert exercises.check_fault_channel(answer).passed


def test_example_separates_every_mistake_from_the_answer():
    windows, reconstructions, faulty = fault_channel_example()
    assert torch.equal(_reference(windows, reconstructions), faulty)
    squared = (windows - reconstructions).pow(2)
    for wrong in (
        (windows - reconstructions).mean(dim=2).argmax(dim=1),
        squared.amax(dim=2).argmax(dim=1),
        windows.pow(2).mean(dim=2).argmax(dim=1),
        squared.mean(dim=2).argmin(dim=1),
        squared.mean(dim=1).argmax(dim=1),
    ):
        assert not torch.equal(wrong, faulty)


def test_mistakes_are_named():
    cases = {
        "returned a time step": lambda w, r: (w - r).pow(2).mean(dim=1).argmax(dim=1),
        "signed differences": lambda w, r: (w - r).mean(dim=2).argmax(dim=1),
        "largest single error": lambda w, r: (w - r).pow(2).amax(dim=2).argmax(dim=1),
        "largest readings": lambda w, r: w.pow(2).mean(dim=2).argmax(dim=1),
        "use argmax, not argmin": lambda w, r: (w - r).pow(2).mean(dim=2).argmin(dim=1),
        "one error per channel": lambda w, r: (w - r).pow(2).mean(dim=2),
        "Not implemented yet": lambda w, r: (_ for _ in ()).throw(NotImplementedError()),
        "Return a tensor or array": lambda w, r: [0, 1],
        "expected (8,)": lambda w, r: _reference(w, r)[:3],
        "integers": lambda w, r: _reference(w, r).double() + 0.5,
        "some channels differ": _one_wrong,
    }
    for expected, answer in cases.items():
        feedback = exercises.check_fault_channel(answer)
        assert not feedback.passed, expected
        assert expected in _messages(feedback), (expected, feedback.messages)
