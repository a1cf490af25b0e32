"""Chapter 13 (latent diffusion): checks for the coding exercises."""

from __future__ import annotations

from collections.abc import Callable

import torch

from .feedback import Feedback, run_tensor_answer

__all__ = ["check_add_noise"]


def check_add_noise(
    add_noise: Callable[[torch.Tensor, torch.Tensor, torch.Tensor], torch.Tensor],
) -> Feedback:
    """Check ``add_noise(z0, noise, alpha_bar)``: the forward process in one step.

    ``z0`` and ``noise`` have shape ``(N, D)`` and ``alpha_bar`` shape
    ``(N,)``; the answer is ``sqrt(alpha_bar) z0 + sqrt(1 - alpha_bar)
    noise`` with ``alpha_bar`` broadcast over each row.
    """
    exercise = "forward diffusion in one step"
    generator = torch.Generator().manual_seed(0)
    n, d = 5, 7
    z0 = torch.randn(n, d, generator=generator, dtype=torch.float64)
    noise = torch.randn(n, d, generator=generator, dtype=torch.float64)
    alpha_bar = torch.tensor([0.99, 0.7, 0.5, 0.2, 0.01], dtype=torch.float64)
    result, failure = run_tensor_answer(
        exercise, add_noise, z0.clone(), noise.clone(), alpha_bar.clone()
    )
    if failure is not None:
        return failure
    a = alpha_bar.unsqueeze(1)
    expected = a.sqrt() * z0 + (1 - a).sqrt() * noise
    if result.shape != expected.shape:
        return Feedback(
            exercise, False,
            [f"Expected shape {tuple(expected.shape)}, one noisy latent per "
             f"row, got {tuple(result.shape)}. Give alpha_bar a column axis "
             "(alpha_bar.unsqueeze(1)) so that it broadcasts over each row."],
        )  # fmt: skip
    if torch.allclose(result, expected, atol=1e-8):
        return Feedback(exercise, True, ["Your z_t matches the closed form."])
    mistakes = {
        "The weights are square roots: sqrt(alpha_bar) and "
        "sqrt(1 - alpha_bar) scale standard deviations, so that the "
        "variances alpha_bar and 1 - alpha_bar add up to 1.":
            [a * z0 + (1 - a) * noise, a * z0 + (1 - a).sqrt() * noise,
             a.sqrt() * z0 + (1 - a) * noise],
        "z0 and noise are swapped: the signal is weighted by "
        "sqrt(alpha_bar), the noise by sqrt(1 - alpha_bar).":
            [a.sqrt() * noise + (1 - a).sqrt() * z0],
        "The noise weight is sqrt(1 - alpha_bar), not 1: without it the "
        "variance grows instead of staying about 1.":
            [a.sqrt() * z0 + noise],
    }  # fmt: skip
    for message, wrongs in mistakes.items():
        if any(torch.allclose(result, w, atol=1e-8) for w in wrongs):
            return Feedback(exercise, False, [message])
    return Feedback(
        exercise, False,
        ["Your values differ from sqrt(alpha_bar) * z0 + "
         "sqrt(1 - alpha_bar) * noise, row by row."],
    )  # fmt: skip
