"""Chapter 5 (sparse and contractive autoencoders): checks for the coding exercises."""

from __future__ import annotations

import math
from collections.abc import Callable

import torch

from .feedback import Feedback, answer_tensor, run_answer

__all__ = ["check_kl_sparsity_penalty"]


def _bernoulli_kl(p: torch.Tensor, q: torch.Tensor) -> torch.Tensor:
    """KL(Bernoulli(p) || Bernoulli(q)), elementwise."""
    return p * torch.log(p / q) + (1 - p) * torch.log((1 - p) / (1 - q))


def _toy_codes(seed: int, n: int, k: int) -> torch.Tensor:
    generator = torch.Generator().manual_seed(seed)
    # Sigmoid-like activations, some units busy and some quiet, all in (0, 1).
    busy = torch.linspace(0.03, 0.6, k, dtype=torch.float64)
    noise = torch.rand(n, k, generator=generator, dtype=torch.float64)
    return (busy * (0.5 + noise)).clamp(0.01, 0.99)


def _reference(codes: torch.Tensor, rho: float) -> torch.Tensor:
    rho_hat = codes.mean(dim=0)
    return _bernoulli_kl(torch.tensor(rho, dtype=codes.dtype), rho_hat).sum()


def _mistakes(codes: torch.Tensor, rho: float) -> dict[str, torch.Tensor]:
    target = torch.tensor(rho, dtype=codes.dtype)
    rho_hat = codes.mean(dim=0)
    per_activation = _bernoulli_kl(target, codes).sum(dim=1)
    reference = _reference(codes, rho)
    return {
        "The arguments of the KL divergence are swapped: the penalty is "
        "KL(rho || rho_hat_j) = rho log(rho / rho_hat_j) + (1 - rho) log((1 - rho) / "
        "(1 - rho_hat_j)), with the target rho first.": _bernoulli_kl(rho_hat, target).sum(),
        "You applied the KL divergence to every single activation. The penalty compares "
        "the target with each unit's AVERAGE activation over the batch, "
        "rho_hat_j = codes.mean(dim=0), so individual images may still fire strongly.": (
            per_activation.mean()
        ),
        "Your penalty grows with the batch size: you summed over the images. Average the "
        "activations over the batch (rho_hat_j = codes.mean(dim=0)) before the KL "
        "divergence.": per_activation.sum(),
        "You averaged the KL divergence over the units; UFLDL's penalty sums it over the "
        "units (the weight beta then does not depend on the code size).": reference
        / codes.shape[1],
        "Only the first term is there: a Bernoulli KL divergence also has the term "
        "(1 - rho) log((1 - rho) / (1 - rho_hat_j)).": (
            target * torch.log(target / rho_hat)
        ).sum(),
        "The values are a factor ln 2 off: use the natural logarithm (torch.log), not "
        "log2.": reference / math.log(2),
    }


def check_kl_sparsity_penalty(
    penalty: Callable[[torch.Tensor, float], torch.Tensor],
) -> Feedback:
    """Check ``penalty(codes, rho)``, the KL sparsity penalty of UFLDL.

    The expected answer, for sigmoid codes of shape ``(N, k)``, is
    ``sum_j KL(rho || rho_hat_j)`` with ``rho_hat_j = codes[:, j].mean()``:
    a scalar tensor that autograd can differentiate.
    """
    exercise = "KL sparsity penalty"
    cases = [(_toy_codes(0, 64, 12), 0.1), (_toy_codes(1, 32, 7), 0.05)]
    for codes, rho in cases:
        inputs = codes.clone().requires_grad_(True)
        answer, failure = run_answer(exercise, penalty, inputs, rho)
        if failure is not None:
            return failure
        result = answer_tensor(answer)
        if result is None:
            return Feedback(
                exercise,
                False,
                [f"Return a torch tensor, not {type(answer).__name__}, so that training "
                 "can backpropagate through the penalty."],
            )  # fmt: skip
        if result.numel() != 1:
            return Feedback(
                exercise,
                False,
                [f"Return one number (a scalar tensor), got shape {tuple(result.shape)}. "
                 "Sum the per-unit divergences over the units."],
            )  # fmt: skip
        value = result.reshape(())
        if not torch.isfinite(value):
            return Feedback(
                exercise,
                False,
                [f"Your penalty is {float(value)}. rho_hat_j must be a mean over the batch "
                 "(in (0, 1)); a sum over the batch exceeds 1 and log(1 - rho_hat_j) is "
                 "undefined."],
            )  # fmt: skip
        expected = _reference(codes, rho)
        if torch.allclose(value, expected, rtol=1e-4, atol=1e-7):
            if not answer.requires_grad:
                return Feedback(
                    exercise,
                    False,
                    ["The value is right but it is detached from the codes (computed "
                     "with NumPy, .item() or .detach()?). Use torch operations so "
                     "autograd can train with it."],
                )  # fmt: skip
            continue
        for message, wrong in _mistakes(codes, rho).items():
            if torch.allclose(value, wrong, rtol=1e-4, atol=1e-7):
                return Feedback(exercise, False, [message])
        return Feedback(
            exercise,
            False,
            [f"For rho = {rho} your penalty is {float(value):.5g}, the reference "
             f"{float(expected):.5g}.",
             "Steps: rho_hat = codes.mean(dim=0); then sum over the units of "
             "rho log(rho / rho_hat) + (1 - rho) log((1 - rho) / (1 - rho_hat))."],
        )  # fmt: skip
    return Feedback(
        exercise,
        True,
        ["Your penalty matches the reference on two batches and is differentiable."],
    )
