"""Chapter 7's exercise checks accept the reference and name the usual mistakes."""

from __future__ import annotations

import torch

from aeutils import exercises


def _messages(feedback):
    return " ".join(feedback.messages)


def test_kl_divergence_reference_passes():
    def kl(mean, log_var):
        return 0.5 * (mean**2 + log_var.exp() - 1 - log_var).sum(dim=1)

    assert exercises.check_kl_divergence(kl).passed


def test_kl_divergence_mistakes_are_named():
    cases = {
        "factor 0.5 is missing": lambda m, lv: (m**2 + lv.exp() - 1 - lv).sum(1),
        "not the standard deviation": lambda m, lv: 0.5 * (
            m**2 + lv**2 - 1 - torch.log(lv**2)
        ).sum(1),
        "squaring it": lambda m, lv: 0.5 * (
            m**2 + lv.exp() ** 2 - 1 - 2 * lv
        ).sum(1),
        "sign is flipped": lambda m, lv: -0.5 * (m**2 + lv.exp() - 1 - lv).sum(1),
        "averaged over the latent": lambda m, lv: 0.5 * (
            m**2 + lv.exp() - 1 - lv
        ).mean(1),
        "one number per image": lambda m, lv: 0.5 * (m**2 + lv.exp() - 1 - lv).sum(),
        "Not implemented yet": lambda m, lv: (_ for _ in ()).throw(NotImplementedError()),
        "differ from the closed form": lambda m, lv: 0.3 * m.sum(1),
    }
    for expected, answer in cases.items():
        feedback = exercises.check_kl_divergence(answer)
        assert not feedback.passed, expected
        assert expected in _messages(feedback), (expected, feedback.messages)


def test_reparameterize_reference_passes():
    def sample(mean, log_var):
        std = torch.exp(0.5 * log_var)
        return mean + std * torch.randn_like(std)

    assert exercises.check_reparameterize(sample).passed


def test_reparameterize_mistakes_are_named():
    cases = {
        "the variance": lambda m, lv: m + lv.exp() * torch.randn_like(m),
        "used as the standard deviation": lambda m, lv: m + lv * torch.randn_like(m),
        "No gradient": lambda m, lv: torch.normal(
            m.detach(), torch.exp(0.5 * lv.detach())
        ),
        "not centred": lambda m, lv: torch.exp(0.5 * lv) * torch.randn_like(m),
    }
    for expected, answer in cases.items():
        feedback = exercises.check_reparameterize(answer)
        assert not feedback.passed, expected
        assert expected in _messages(feedback), (expected, feedback.messages)
