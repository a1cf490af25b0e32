"""Chapter 13's coding exercise check accepts the answer and names mistakes."""

from __future__ import annotations

import torch

from aeutils import exercises


def _right(z0, noise, alpha_bar):
    a = alpha_bar.unsqueeze(1)
    return a.sqrt() * z0 + (1 - a).sqrt() * noise


def test_add_noise_reference_passes():
    assert exercises.check_add_noise(_right).passed


def test_add_noise_mistakes_are_named():
    cases = {
        "square roots": lambda z, e, a: a[:, None] * z + (1 - a[:, None]) * e,
        "swapped": lambda z, e, a: _right(e, z, a),
        "not 1": lambda z, e, a: a[:, None].sqrt() * z + e,
        "column axis": lambda z, e, a: (a.sqrt() * z.T + (1 - a).sqrt() * e.T),
        "Not implemented": lambda z, e, a: (_ for _ in ()).throw(
            NotImplementedError
        ),
    }
    for phrase, answer in cases.items():
        feedback = exercises.check_add_noise(answer)
        assert not feedback.passed, phrase
        assert phrase in " ".join(feedback.messages), (phrase, feedback.messages)
    other = exercises.check_add_noise(lambda z, e, a: torch.zeros_like(z))
    assert not other.passed and "differ" in other.messages[0]
