"""Chapter 4 (denoising autoencoders): checks for the coding exercises."""

from __future__ import annotations

import math
from collections.abc import Callable

import torch

from .feedback import Feedback, run_answer, run_tensor_answer

__all__ = ["check_masking_noise", "check_psnr"]


def _toy_images(seed: int, n: int = 64) -> torch.Tensor:
    # No pixel is 0 to begin with, so every 0 in the output was masked.
    generator = torch.Generator().manual_seed(seed)
    return 0.2 + 0.8 * torch.rand(n, 1, 28, 28, generator=generator)


def check_masking_noise(
    mask_pixels: Callable[[torch.Tensor, float, torch.Generator], torch.Tensor],
) -> Feedback:
    """Check ``mask_pixels(images, p, generator)`` (masking noise).

    The expected answer returns a new tensor in which each pixel of each
    image is set to 0 independently with probability ``p`` and every other
    pixel keeps its value, drawing its random numbers from ``generator``.
    """
    exercise = "masking noise"
    p = 0.3
    images = _toy_images(seed=4)
    original = images.clone()
    answer, failure = run_answer(
        exercise, mask_pixels, images, p, torch.Generator().manual_seed(0)
    )
    if failure is not None:
        return failure
    if not isinstance(answer, torch.Tensor):
        return Feedback(
            exercise, False, [f"Return a tensor, not {type(answer).__name__}."]
        )
    if answer.shape != images.shape:
        return Feedback(
            exercise,
            False,
            [f"The result has shape {tuple(answer.shape)}, expected "
             f"{tuple(images.shape)}: one corrupted copy of every image."],
        )  # fmt: skip
    if not torch.equal(images, original):
        return Feedback(
            exercise,
            False,
            ["Your function changed the images passed in (an in-place "
             "operation such as images[mask] = 0). Work on a copy, e.g. "
             "images * keep, so the clean targets stay clean."],
        )  # fmt: skip
    result = answer.detach().double()
    zeroed = result == 0
    masks = zeroed.flatten(1)
    if bool((masks == masks[:1]).all()):
        return Feedback(
            exercise,
            False,
            ["Every image got the same mask. Draw random numbers of the "
             "images' full shape, torch.rand(images.shape, ...), so each "
             "image is corrupted differently."],
        )  # fmt: skip
    fraction = float(zeroed.double().mean())
    # 50 176 independent draws: the fraction is within 0.01 of p.
    if abs(fraction - (1 - p)) < 0.01:
        return Feedback(
            exercise,
            False,
            [f"{fraction:.0%} of the pixels are zeroed, but p = {p}: you "
             "zeroed with probability 1 - p. Zero a pixel where "
             "torch.rand(...) < p."],
        )  # fmt: skip
    if abs(fraction - p) > 0.01:
        return Feedback(
            exercise,
            False,
            [f"{fraction:.1%} of the pixels are zeroed; expected about "
             f"{p:.0%} for p = {p}."],
        )  # fmt: skip
    kept = ~zeroed
    expected_kept = original.double()[kept]
    if not torch.allclose(result[kept], expected_kept, atol=1e-6):
        if torch.allclose(result[kept], expected_kept / (1 - p), atol=1e-5):
            message = (
                "The surviving pixels are divided by 1 - p, as dropout "
                "(F.dropout) does. Masking noise keeps them unchanged: the "
                "clean image is the target, and no rescaling is wanted."
            )
        else:
            message = "Pixels that are not zeroed must keep their value."
        return Feedback(exercise, False, [message])
    again, failure = run_answer(
        exercise, mask_pixels, images, p, torch.Generator().manual_seed(0)
    )
    if failure is not None:
        return failure
    other, failure = run_answer(
        exercise, mask_pixels, images, p, torch.Generator().manual_seed(1)
    )
    if failure is not None:
        return failure
    same_seed = isinstance(again, torch.Tensor) and torch.equal(again, answer)
    other_seed = isinstance(other, torch.Tensor) and torch.equal(other, answer)
    if not same_seed or other_seed:
        return Feedback(
            exercise,
            False,
            ["The mask does not follow the generator: the same seed must "
             "give the same mask and another seed another one. Pass it on, "
             "torch.rand(images.shape, generator=generator)."],
        )  # fmt: skip
    return Feedback(
        exercise,
        True,
        [f"{fraction:.1%} of the pixels zeroed for p = {p}, a fresh mask "
         "for every image, the other pixels unchanged."],
    )  # fmt: skip


def check_psnr(
    psnr: Callable[[torch.Tensor, torch.Tensor], torch.Tensor],
) -> Feedback:
    """Check ``psnr(images, reconstructions)``: one PSNR in dB per image.

    Pixels are in ``[0, 1]``, so the peak value is 1 and the expected answer
    is ``10 * log10(1 / mse)`` with ``mse`` averaged over each image's pixels.
    """
    exercise = "PSNR"
    images = _toy_images(seed=5, n=6)
    generator = torch.Generator().manual_seed(6)
    scales = torch.tensor([0.01, 0.02, 0.05, 0.1, 0.2, 0.3]).view(-1, 1, 1, 1)
    noise = torch.randn(images.shape, generator=generator)
    reconstructions = images + scales * noise
    result, failure = run_tensor_answer(
        exercise, psnr, images.clone(), reconstructions.clone()
    )
    if failure is not None:
        return failure
    x, x_hat = images.double(), reconstructions.double()
    mse = (x - x_hat).pow(2).flatten(1).mean(1)
    expected = 10 * torch.log10(1 / mse)
    if result.numel() == 1:
        whole = 10 * math.log10(1 / float(mse.mean()))
        hint = (
            " (the PSNR of the batch's mean squared error)"
            if abs(float(result) - whole) < 1e-3
            else ""
        )
        return Feedback(
            exercise,
            False,
            [f"You returned one number{hint}; return one PSNR per image, "
             f"shape ({len(images)},): average the squared error over each "
             "image's pixels only, e.g. .flatten(1).mean(dim=1)."],
        )  # fmt: skip
    if result.shape != expected.shape:
        return Feedback(
            exercise,
            False,
            [f"The result has shape {tuple(result.shape)}, expected "
             f"({len(images)},): one PSNR per image."],
        )  # fmt: skip
    if torch.allclose(result, expected, atol=1e-3):
        return Feedback(
            exercise,
            True,
            ["One PSNR per image, 10 log10(1 / MSE): "
             f"{float(result[0]):.1f} dB for the mildest noise down to "
             f"{float(result[-1]):.1f} dB for the strongest."],
        )  # fmt: skip
    n_pixels = x[0].numel()
    mistakes = {
        "Factor 20 with the MSE: 20 log10 goes with the root of the MSE "
        "(an amplitude); with the MSE itself use 10 log10(1 / MSE).": (
            2 * expected
        ),
        "Peak 255: these pixels are in [0, 1], so the peak value is 1, "
        "10 log10(1 / MSE).": expected + 10 * math.log10(255**2),
        "You summed the squared error over the pixels; PSNR uses the mean "
        "over each image's pixels.": expected - 10 * math.log10(n_pixels),
        "Factor 10 with the root mean squared error: use 10 log10(1 / MSE) "
        "or 20 log10(1 / RMSE).": expected / 2,
    }
    for message, wrong in mistakes.items():
        if torch.allclose(result, wrong, atol=1e-3):
            return Feedback(exercise, False, [message])
    natural = torch.log(1 / mse)
    for factor in (10, 20):
        if torch.allclose(result, factor * natural, atol=1e-3):
            return Feedback(
                exercise,
                False,
                ["Natural logarithm: decibels use log10 (torch.log10)."],
            )
    return Feedback(
        exercise,
        False,
        [f"Got {[round(v, 2) for v in result.tolist()]} dB, expected "
         f"{[round(v, 2) for v in expected.tolist()]}.",
         "PSNR = 10 log10(peak^2 / MSE) with peak 1 and the MSE averaged "
         "over each image's pixels."],
    )  # fmt: skip
