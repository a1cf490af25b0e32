"""Chapter 1 (PCA): checks for the coding exercises."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import torch

from .feedback import Feedback, answer_tensor, run_tensor_answer

__all__ = ["check_components_for_variance", "check_pca_reconstruction"]


def _toy_pca(seed: int = 0, n: int = 200, d: int = 12, k: int = 3):
    generator = torch.Generator().manual_seed(seed)
    scales = torch.linspace(3.0, 0.2, d, dtype=torch.float64)
    x = torch.randn(n, d, generator=generator, dtype=torch.float64) * scales + 5.0
    mean = x.mean(dim=0)
    _, _, vh = torch.linalg.svd(x - mean, full_matrices=False)
    return x, mean, vh[:k]


def check_pca_reconstruction(
    reconstruct: Callable[[torch.Tensor, torch.Tensor, torch.Tensor], torch.Tensor],
) -> Feedback:
    """Check ``reconstruct(x, mean, components)`` for flattened data.

    The expected answer is ``mean + (x - mean) @ components.T @ components``
    for ``x`` of shape ``(N, D)``, ``mean`` of shape ``(D,)`` and orthonormal
    ``components`` of shape ``(k, D)``.
    """
    exercise = "PCA reconstruction"
    x, mean, components = _toy_pca()
    result, failure = run_tensor_answer(exercise, reconstruct, x.clone(), mean.clone(), components.clone())
    if failure is not None:
        return failure
    if result.shape != x.shape:
        return Feedback(
            exercise,
            False,
            [
                f"Your result has shape {tuple(result.shape)}, expected {tuple(x.shape)} "
                "(one reconstruction per row of x).",
                "Codes are (x - mean) @ components.T, shape (N, k); map them back with "
                "@ components.",
            ],
        )
    expected = mean + (x - mean) @ components.T @ components
    if torch.allclose(result, expected, atol=1e-6, rtol=1e-5):
        return Feedback(exercise, True, ["Your reconstruction matches the reference."])
    mistakes = {
        "You forgot to add the mean back after decoding.": (x - mean) @ components.T @ components,
        "You projected x without subtracting the mean first.": x @ components.T @ components,
        "You projected x without centring it, then added the mean.": (
            mean + x @ components.T @ components
        ),
    }
    for message, wrong in mistakes.items():
        if torch.allclose(result, wrong, atol=1e-6, rtol=1e-5):
            return Feedback(exercise, False, [message])
    error = float((result - expected).pow(2).mean())
    return Feedback(
        exercise,
        False,
        [
            f"The shape is right but the values differ from the reference (MSE {error:.3g}).",
            "Steps: centre (x - mean), encode (@ components.T), decode (@ components), "
            "add the mean back.",
        ],
    )


def check_components_for_variance(
    answer: object, explained_variance_ratio: object, *, threshold: float = 0.9
) -> Feedback:
    """Check the smallest ``k`` whose top-``k`` components explain ``threshold``.

    Parameters
    ----------
    answer
        The student's ``k`` (an int, counting components from 1).
    explained_variance_ratio
        Ratio of every component, in decreasing order (e.g. ``pca.explained_variance_ratio_``).
    threshold
        Fraction of the variance to reach.
    """
    exercise = f"components for {threshold:.0%} of the variance"
    ratio = answer_tensor(explained_variance_ratio)
    if ratio is None or ratio.ndim != 1 or len(ratio) == 0:
        raise ValueError("explained_variance_ratio must be a non-empty 1-D tensor or array.")
    cumulative = torch.cumsum(ratio, dim=0)
    if float(cumulative[-1]) < threshold:
        raise ValueError(
            f"The given components explain only {float(cumulative[-1]):.1%}, less than "
            f"{threshold:.0%}; pass the ratios of all components."
        )
    expected = int(torch.searchsorted(cumulative, torch.tensor(threshold, dtype=cumulative.dtype))) + 1
    if isinstance(answer, torch.Tensor) and answer.numel() == 1:
        answer = answer.item()
    if isinstance(answer, bool) or not isinstance(answer, (int, np.integer)):
        return Feedback(exercise, False, [f"Answer with an int, got {type(answer).__name__}."])
    answer = int(answer)
    if answer == expected:
        return Feedback(
            exercise,
            True,
            [f"k = {answer}: the top {answer} of {len(ratio)} components explain "
             f"{float(cumulative[answer - 1]):.1%}."],
        )  # fmt: skip
    if answer == expected - 1:
        return Feedback(
            exercise,
            False,
            [f"Off by one: with k = {answer} the components explain only "
             f"{float(cumulative[answer - 1]):.1%}. Did you return a 0-based index? "
             "k counts components, so add 1."],
        )  # fmt: skip
    if 1 <= answer <= len(ratio):
        side = "more than needed" if answer > expected else "not enough"
        return Feedback(
            exercise,
            False,
            [f"k = {answer} explains {float(cumulative[answer - 1]):.1%}, {side}. "
             f"Use the cumulative sum of the ratios and find the first k reaching {threshold:.0%}."],
        )  # fmt: skip
    return Feedback(exercise, False, [f"k must be between 1 and {len(ratio)}, got {answer}."])
