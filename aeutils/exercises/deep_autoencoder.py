"""Chapter 3 (deep autoencoders): checks for the coding exercises."""

from __future__ import annotations

from collections.abc import Callable

import torch
from torch import nn

from .feedback import Feedback, run_answer

__all__ = ["check_mlp_halves"]

_IMAGE_SHAPE = (1, 28, 28)


def _halves(build: Callable, latent_dim: int):
    exercise = "encoder and decoder"
    pair, failure = run_answer(exercise, build, latent_dim)
    if failure is not None:
        return None, failure
    if not (isinstance(pair, tuple) and len(pair) == 2
            and all(isinstance(m, nn.Module) for m in pair)):
        return None, Feedback(
            exercise,
            False,
            ["Return a pair (encoder, decoder) of nn.Module objects, e.g. "
             "two nn.Sequential."],
        )  # fmt: skip
    return pair, None


def check_mlp_halves(build: Callable[[int], tuple[nn.Module, nn.Module]]) -> Feedback:
    """Check ``build(latent_dim) -> (encoder, decoder)`` for 28 x 28 images.

    The encoder must map images ``(N, 1, 28, 28)`` to codes
    ``(N, latent_dim)`` through at least one non-linearity; the decoder must
    map codes back to images of the same shape with pixels in ``(0, 1)``.
    """
    exercise = "encoder and decoder"
    generator = torch.Generator().manual_seed(3)
    images = torch.rand(6, *_IMAGE_SHAPE, generator=generator)
    for latent_dim in (3, 5):
        pair, failure = _halves(build, latent_dim)
        if failure is not None:
            return failure
        encoder, decoder = pair
        try:
            with torch.no_grad():
                codes = encoder(images)
        except Exception as exc:  # the student's code may fail in any way
            return Feedback(exercise, False, [
                f"The encoder failed on images of shape (6, 1, 28, 28): "
                f"{type(exc).__name__}: {exc}. Start it with nn.Flatten()."])
        if codes.shape != (6, latent_dim):
            return Feedback(exercise, False, [
                f"With latent_dim={latent_dim} the encoder returned codes of "
                f"shape {tuple(codes.shape)}, expected (6, {latent_dim}). "
                "Its last layer must have latent_dim outputs: the encoder "
                "ignores the bottleneck size."])
        try:
            with torch.no_grad():
                output = decoder(codes)
                extreme = decoder(100.0 * torch.randn(
                    6, latent_dim, generator=generator))
        except Exception as exc:  # the student's code may fail in any way
            return Feedback(exercise, False, [
                f"The decoder failed on codes of shape (6, {latent_dim}): "
                f"{type(exc).__name__}: {exc}. Its first layer must take "
                "latent_dim inputs."])
        if output.shape != images.shape:
            return Feedback(exercise, False, [
                f"The decoder returned shape {tuple(output.shape)}, expected "
                f"{tuple(images.shape)}. End it with nn.Unflatten(1, "
                "(1, 28, 28))."])
        if extreme.min() < 0 or extreme.max() > 1:
            return Feedback(exercise, False, [
                "The decoder's output leaves [0, 1] for large codes: end it "
                "with nn.Sigmoid() so that it produces pixel values."])
        with torch.no_grad():
            mix = 0.5 * (encoder(images[:3]) + encoder(images[3:]))
            mixed = encoder(0.5 * (images[:3] + images[3:]))
        if torch.allclose(mix, mixed, atol=1e-5):
            return Feedback(exercise, False, [
                "The encoder is affine: the code of the average of two images "
                "is the average of their codes. Put an nn.ReLU() between its "
                "linear layers; without it the network can do no better than "
                "PCA."])
    return Feedback(exercise, True, [
        "Codes of the requested size, a non-linear encoder, and pixels in "
        "[0, 1] from the decoder."])
