"""Chapter 2 (linear autoencoder): checks for the coding exercises."""

from __future__ import annotations

from collections.abc import Callable

import torch
from torch import nn

from .feedback import Feedback, run_answer, run_tensor_answer

__all__ = ["check_principal_angles", "check_tied_autoencoder"]


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
    result, failure = run_tensor_answer(exercise, principal_angles, a @ mix, b @ mix.T)
    if failure is not None:
        return failure
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
    model, failure = run_answer(exercise, lambda: model_class(input_dim=input_dim, latent_dim=latent_dim))
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
        output, failure = run_answer(exercise, model, x)
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
