"""Chapter 5's exercise check accepts the KL penalty and names the usual mistakes."""

from __future__ import annotations

import numpy as np
import torch

from aeutils import exercises


def _messages(feedback):
    return " ".join(feedback.messages)


def _kl(p, q):
    return p * torch.log(p / q) + (1 - p) * torch.log((1 - p) / (1 - q))


def reference(codes, rho):
    return _kl(torch.tensor(rho, dtype=codes.dtype), codes.mean(dim=0)).sum()


def test_reference_passes():
    feedback = exercises.check_kl_sparsity_penalty(reference)
    assert feedback.passed, feedback.messages


def test_the_usual_mistakes_are_named():
    rho_t = lambda codes, rho: torch.tensor(rho, dtype=codes.dtype)  # noqa: E731
    cases = {
        "swapped": lambda c, r: _kl(c.mean(dim=0), rho_t(c, r)).sum(),
        "every single activation": lambda c, r: _kl(rho_t(c, r), c).sum(dim=1).mean(),
        "grows with the batch size": lambda c, r: _kl(rho_t(c, r), c).sum(),
        "averaged the KL divergence over the units": lambda c, r: _kl(
            rho_t(c, r), c.mean(dim=0)
        ).mean(),
        "Only the first term": lambda c, r: (r * torch.log(r / c.mean(dim=0))).sum(),
        "natural logarithm": lambda c, r: reference(c, r) / np.log(2),
        "mean over the batch": lambda c, r: _kl(rho_t(c, r), c.sum(dim=0)).sum(),
        "scalar tensor": lambda c, r: _kl(rho_t(c, r), c.mean(dim=0)),
        "detached": lambda c, r: reference(c, r).detach(),
        "Return a torch tensor": lambda c, r: reference(c, r).detach().item(),
        "Not implemented yet": lambda c, r: (_ for _ in ()).throw(NotImplementedError()),
        "the reference": lambda c, r: 2 * reference(c, r) + 1,
    }
    for expected, answer in cases.items():
        feedback = exercises.check_kl_sparsity_penalty(answer)
        assert not feedback.passed, expected
        assert expected in _messages(feedback), (expected, feedback.messages)


def test_a_batch_sized_mistake_is_caught_on_the_second_batch():
    # Right on a 64-image batch only: the check must use more than one batch.
    def only_right_for_64(codes, rho):
        value = reference(codes, rho)
        return value if len(codes) == 64 else value * 1.5

    assert not exercises.check_kl_sparsity_penalty(only_right_for_64).passed
