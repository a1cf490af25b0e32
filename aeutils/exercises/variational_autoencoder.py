"""Chapter 7 (variational autoencoder): checks for the coding exercises."""

from __future__ import annotations

from collections.abc import Callable

import torch

from .feedback import Feedback, run_answer, run_tensor_answer

__all__ = ["check_kl_divergence", "check_reparameterize"]


def _toy_posterior(seed: int = 0, n: int = 6, k: int = 4):
    generator = torch.Generator().manual_seed(seed)
    mean = torch.randn(n, k, generator=generator, dtype=torch.float64)
    log_var = torch.randn(n, k, generator=generator, dtype=torch.float64) - 0.5
    return mean, log_var


def check_kl_divergence(
    kl_divergence: Callable[[torch.Tensor, torch.Tensor], torch.Tensor],
) -> Feedback:
    """Check ``kl_divergence(mean, log_var)``: KL(q(z|x) || N(0, I)) per image.

    ``mean`` and ``log_var`` have shape ``(N, k)``; the answer has shape
    ``(N,)``: the closed-form KL summed over the ``k`` latent dimensions.
    """
    exercise = "KL divergence to the prior"
    mean, log_var = _toy_posterior()
    result, failure = run_tensor_answer(exercise, kl_divergence, mean.clone(), log_var.clone())
    if failure is not None:
        return failure
    var = log_var.exp()
    per_dim = 0.5 * (mean.pow(2) + var - 1 - log_var)
    expected = per_dim.sum(dim=1)
    if result.shape != expected.shape:
        hint = (
            "Sum over the latent dimensions (dim=1) but not over the batch: "
            "the check wants one KL per image."
        )
        return Feedback(
            exercise, False,
            [f"Expected shape {tuple(expected.shape)} (one number per image), "
             f"got {tuple(result.shape)}.", hint],
        )  # fmt: skip
    if torch.allclose(result, expected, atol=1e-6, rtol=1e-5):
        return Feedback(exercise, True, ["Your KL matches the closed form."])
    std = log_var  # a frequent confusion: the input read as a standard deviation
    mistakes = {
        "The factor 0.5 is missing: KL = 0.5 * sum(mean^2 + var - 1 - log var).":
            2 * expected,
        "The sign is flipped: a KL divergence is never negative.": -expected,
        "You averaged over the latent dimensions; the ELBO sums them.":
            per_dim.mean(dim=1),
        "log_var is the log-variance, not the standard deviation: the "
        "variance is log_var.exp(), not log_var ** 2.":
            0.5 * (mean.pow(2) + std.pow(2) - 1 - std.pow(2).log()).sum(dim=1),
        "log_var.exp() is already the variance; squaring it (as if it were "
        "the standard deviation) gives exp(2 * log_var).":
            0.5 * (mean.pow(2) + var.pow(2) - 1 - 2 * log_var).sum(dim=1),
        "The log-variance term is missing: KL = 0.5 * sum(mean^2 + var - 1 "
        "- log_var).": 0.5 * (mean.pow(2) + var - 1).sum(dim=1),
    }  # fmt: skip
    for message, wrong in mistakes.items():
        if torch.allclose(result, wrong, atol=1e-6, rtol=1e-5):
            return Feedback(exercise, False, [message])
    return Feedback(
        exercise, False,
        ["Your values differ from the closed form "
         "0.5 * sum over dimensions of (mean^2 + exp(log_var) - 1 - log_var)."],
    )  # fmt: skip


def check_reparameterize(
    reparameterize: Callable[[torch.Tensor, torch.Tensor], torch.Tensor],
) -> Feedback:
    """Check ``reparameterize(mean, log_var)``: a sample of N(mean, exp(log_var)).

    The sample must have the right mean and standard deviation and let
    gradients flow back to ``mean`` and ``log_var``.
    """
    exercise = "reparameterised sample"
    n = 20000
    mean = torch.full((n, 2), 1.5, dtype=torch.float64, requires_grad=True)
    log_var = torch.tensor([[0.0, 2.0]], dtype=torch.float64).repeat(n, 1)
    log_var.requires_grad_(True)
    torch.manual_seed(0)
    answer, failure = run_answer(exercise, reparameterize, mean, log_var)
    if failure is not None:
        return failure
    if not isinstance(answer, torch.Tensor):
        return Feedback(exercise, False, [f"Return a tensor, not {type(answer).__name__}."])
    if answer.shape != mean.shape:
        return Feedback(
            exercise, False,
            [f"Expected one sample per entry, shape {tuple(mean.shape)}, got "
             f"{tuple(answer.shape)}. Draw eps with torch.randn_like(mean)."],
        )  # fmt: skip
    if not answer.requires_grad:
        return Feedback(
            exercise, False,
            ["No gradient reaches mean and log_var: the sample was drawn "
             "outside the graph (torch.normal or .sample()). Write it as "
             "mean + std * eps with eps = torch.randn_like(std)."],
        )  # fmt: skip
    sample = answer.detach()
    got_std = sample.std(dim=0)
    want_std = torch.tensor([1.0, torch.e])
    if not torch.allclose(sample.mean(dim=0), torch.tensor([1.5, 1.5], dtype=torch.float64),
                          atol=0.1):  # fmt: skip
        return Feedback(exercise, False, ["The samples are not centred on mean."])
    if torch.allclose(got_std, want_std.double() ** 2, rtol=0.05):
        return Feedback(
            exercise, False,
            ["The spread is exp(log_var), the variance: the standard "
             "deviation is exp(0.5 * log_var)."],
        )  # fmt: skip
    as_std = torch.tensor([0.0, 2.0], dtype=torch.float64)
    if torch.allclose(got_std, as_std, rtol=0.05, atol=0.05):
        return Feedback(
            exercise, False,
            ["log_var was used as the standard deviation; the standard "
             "deviation is exp(0.5 * log_var)."],
        )  # fmt: skip
    if not torch.allclose(got_std, want_std.double(), rtol=0.05):
        return Feedback(
            exercise, False,
            [f"The samples' standard deviations are {got_std.tolist()}, "
             "expected exp(0.5 * log_var) = [1.0, 2.72]."],
        )  # fmt: skip
    answer.sum().backward()
    if log_var.grad is None or log_var.grad.abs().sum() == 0:
        return Feedback(exercise, False, ["No gradient reaches log_var."])
    return Feedback(exercise, True, ["Right spread, and gradients reach both inputs."])
