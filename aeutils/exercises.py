"""Checks for the coding exercises, with feedback that says what is wrong.

Each ``check_*`` function runs the student's answer on small test data,
compares it with a reference and, when it differs, recognises the usual
mistakes (forgetting to centre, an off-by-one, radians instead of degrees...)
to say which one it is. It never raises for a wrong answer: it returns a
:class:`Feedback`, which displays as a green or red box in a notebook.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import torch
from torch import nn

__all__ = [
    "Feedback",
    "check_components_for_variance",
    "check_pca_reconstruction",
    "check_principal_angles",
    "check_tied_autoencoder",
]


@dataclass
class Feedback:
    """Result of an exercise check.

    Attributes
    ----------
    exercise
        What was checked.
    passed
        Whether the answer is correct.
    messages
        What is right or wrong, and a hint how to fix it.
    """

    exercise: str
    passed: bool
    messages: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return self.passed

    def __str__(self) -> str:
        mark = "PASSED" if self.passed else "NOT YET"
        return "\n".join([f"[{mark}] {self.exercise}", *(f"  - {m}" for m in self.messages)])

    def _repr_html_(self) -> str:
        color, border, mark = (
            ("#e8f5e9", "#2e7d32", "&#10004; Correct") if self.passed
            else ("#fff3e0", "#e65100", "&#10008; Not yet")
        )  # fmt: skip
        items = "".join(f"<li>{html.escape(m)}</li>" for m in self.messages)
        return (
            f'<div style="background:{color};border-left:4px solid {border};'
            f'padding:0.5em 1em;margin:0.5em 0">'
            f"<strong>{mark}: {html.escape(self.exercise)}</strong><ul>{items}</ul></div>"
        )

    def _repr_pretty_(self, printer, cycle) -> None:
        printer.text(str(self))


def _call(exercise: str, function: Callable, *args) -> tuple[object, Feedback | None]:
    """Run the student's function; turn an exception into feedback."""
    try:
        return function(*args), None
    except NotImplementedError:
        return None, Feedback(
            exercise,
            False,
            ["Not implemented yet: replace `raise NotImplementedError` with your code."],
        )
    except Exception as exc:  # the student's code may fail in any way
        return None, Feedback(exercise, False, [f"Your code raised {type(exc).__name__}: {exc}"])


def _as_tensor(value: object) -> torch.Tensor | None:
    if isinstance(value, torch.Tensor):
        return value.detach().double()
    if isinstance(value, np.ndarray):
        return torch.from_numpy(value).double()
    return None


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
    answer, failure = _call(exercise, reconstruct, x.clone(), mean.clone(), components.clone())
    if failure is not None:
        return failure
    result = _as_tensor(answer)
    if result is None:
        return Feedback(exercise, False, [f"Return a tensor, not {type(answer).__name__}."])
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
    ratio = _as_tensor(explained_variance_ratio)
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


def check_principal_angles(
    principal_angles: Callable[[torch.Tensor, torch.Tensor], torch.Tensor],
) -> Feedback:
    """Check ``principal_angles(A, B)`` returning degrees, ascending, for (D, k) bases."""
    exercise = "principal angles"
    generator = torch.Generator().manual_seed(1)
    d, k = 10, 3
    basis = torch.linalg.qr(torch.randn(d, d, generator=generator, dtype=torch.float64))[0]
    theta = torch.deg2rad(torch.tensor([0.0, 30.0, 60.0], dtype=torch.float64))
    a = basis[:, :k]
    b = torch.cos(theta) * basis[:, :k] + torch.sin(theta) * basis[:, k : 2 * k]
    # Non-orthonormal spanning sets of the same subspaces: the answer must not change.
    mix = torch.tensor([[2.0, 0.5, 0.0], [0.0, 1.0, 0.3], [0.1, 0.0, 3.0]], dtype=torch.float64)
    answer, failure = _call(exercise, principal_angles, a @ mix, b @ mix.T)
    if failure is not None:
        return failure
    result = _as_tensor(answer)
    if result is None:
        return Feedback(exercise, False, [f"Return a tensor, not {type(answer).__name__}."])
    expected = torch.tensor([0.0, 30.0, 60.0], dtype=torch.float64)
    if result.shape != expected.shape:
        return Feedback(
            exercise,
            False,
            [f"Expected {k} angles for two {k}-dimensional subspaces, got shape "
             f"{tuple(result.shape)}. Take the singular values of Qa.T @ Qb."],
        )  # fmt: skip
    if torch.allclose(result, expected, atol=1e-4):
        return Feedback(exercise, True, ["0, 30 and 60 degrees, as constructed."])
    if torch.allclose(torch.sort(result).values, expected, atol=1e-4):
        return Feedback(exercise, False, ["The angles are right but not in ascending order."])
    if torch.allclose(torch.sort(torch.rad2deg(result)).values, expected, atol=1e-3):
        return Feedback(exercise, False, ["These are radians: convert with torch.rad2deg."])
    return Feedback(
        exercise,
        False,
        [f"Got {[round(v, 2) for v in result.tolist()]}, expected [0, 30, 60] degrees.",
         "The bases passed in are not orthonormal: orthonormalise each with torch.linalg.qr "
         "before taking the singular values of Qa.T @ Qb."],
    )  # fmt: skip


def check_tied_autoencoder(model_class: Callable[..., nn.Module]) -> Feedback:
    """Check a linear autoencoder whose decoder reuses the encoder's weights.

    ``model_class(input_dim=..., latent_dim=...)`` must build a module that maps
    images ``(N, 1, H, W)`` to images of the same shape with
    ``x_hat = W.T (W x + b_enc) + b_dec``, holding one weight matrix ``W``.
    """
    exercise = "tied linear autoencoder"
    input_dim, latent_dim = 16, 3
    model, failure = _call(exercise, lambda: model_class(input_dim=input_dim, latent_dim=latent_dim))
    if failure is not None:
        return failure
    if not isinstance(model, nn.Module):
        return Feedback(exercise, False, [f"model_class must build an nn.Module, got {type(model).__name__}."])
    params = {name: p for name, p in model.named_parameters()}
    matrices = {n: p for n, p in params.items() if p.ndim == 2}
    if len(matrices) != 1:
        shapes = {n: tuple(p.shape) for n, p in matrices.items()}
        return Feedback(
            exercise,
            False,
            [f"A tied autoencoder has exactly one weight matrix, yours has {len(matrices)}: {shapes}.",
             "Use the encoder's weight transposed in the decoder (e.g. F.linear(z, W.T, b)) "
             "instead of a second nn.Linear."],
        )  # fmt: skip
    (name, weight), = matrices.items()
    if set(weight.shape) != {input_dim, latent_dim}:
        return Feedback(
            exercise,
            False,
            [f"The weight {name} has shape {tuple(weight.shape)}, expected "
             f"({latent_dim}, {input_dim}) for input_dim={input_dim}, latent_dim={latent_dim}."],
        )  # fmt: skip
    generator = torch.Generator().manual_seed(2)
    x = torch.rand(5, 1, 4, 4, generator=generator)
    w = torch.randn(latent_dim, input_dim, generator=generator)
    with torch.no_grad():
        weight.copy_(w if weight.shape == (latent_dim, input_dim) else w.T)
        for p in params.values():
            if p.ndim == 1:
                p.zero_()
        output, failure = _call(exercise, model, x)
    if failure is not None:
        return failure
    if not isinstance(output, torch.Tensor) or output.shape != x.shape:
        shape = tuple(output.shape) if isinstance(output, torch.Tensor) else type(output).__name__
        return Feedback(
            exercise,
            False,
            [f"The model returned {shape} for input of shape {tuple(x.shape)}; return images "
             "of the input's shape (flatten, encode, decode, then .view_as(x))."],
        )  # fmt: skip
    flat = x.flatten(1)
    expected = (flat @ w.T @ w).view_as(x)
    if torch.allclose(output, expected, atol=1e-5):
        return Feedback(
            exercise,
            True,
            ["Encoder and decoder share one matrix: W x to encode, W.T z to decode.",
             f"It has {sum(p.numel() for p in params.values())} parameters for "
             f"input_dim={input_dim}, latent_dim={latent_dim}."],
        )  # fmt: skip
    return Feedback(
        exercise,
        False,
        ["With zero biases the output should be W.T @ (W @ x), but it is not.",
         "Check that the decoder multiplies by the transpose of the encoder's weight and "
         "that there is no non-linearity in between."],
    )  # fmt: skip
