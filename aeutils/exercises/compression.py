"""The bottleneck as a codec: checks for the coding exercises."""

from __future__ import annotations

from collections.abc import Callable

import torch

from .feedback import Feedback, run_answer

__all__ = ["check_component_quantiser"]


def _reference(codes, low, high, bits, *, levels=None, clip=True,
               rounding=torch.round):
    levels = 2**bits - 1 if levels is None else levels
    step = (high - low) / levels
    symbols = rounding((codes - low) / step)
    if clip:
        symbols = symbols.clamp(0, 2**bits - 1)
    return low + symbols * step


def check_component_quantiser(
    quantise: Callable[[torch.Tensor, torch.Tensor, torch.Tensor, int],
                       torch.Tensor],
) -> Feedback:
    """Check ``quantise(codes, low, high, bits)`` -> quantised codes.

    Component ``j`` of every code is clipped to ``[low[j], high[j]]`` and
    rounded to the nearest of ``2**bits`` evenly spaced levels from
    ``low[j]`` to ``high[j]`` (both ends included); the function returns the
    codes at those levels (what the decoder receives), shape ``(N, k)``.
    """
    exercise = "per-component quantiser"
    generator = torch.Generator().manual_seed(5)
    scale = torch.tensor([4.0, 1.0, 0.25, 0.05])
    codes = torch.randn(200, 4, generator=generator) * scale
    low, high = -2.0 * scale, 2.0 * scale
    for bits in (3, 1):
        answer, failure = run_answer(exercise, quantise, codes.clone(),
                                low.clone(), high.clone(), bits)
        if failure is not None:
            return failure
        if not isinstance(answer, torch.Tensor) or answer.shape != codes.shape:
            return Feedback(exercise, False, [
                f"Return a tensor of the codes' shape {tuple(codes.shape)}, "
                f"got {getattr(answer, 'shape', type(answer).__name__)}."])
        answer = answer.detach().float()
        expected = _reference(codes, low, high, bits)
        if torch.allclose(answer, expected, atol=1e-5):
            continue
        symbols = torch.round((codes - low) / ((high - low) / (2**bits - 1)))
        if torch.allclose(answer, symbols.clamp(0, 2**bits - 1), atol=1e-5):
            return Feedback(exercise, False, [
                "You returned the integer symbols q. Map them back to code "
                "values: low + q * step, which is what the decoder gets."])
        global_low, global_high = low.min(), high.max()
        if torch.allclose(answer, _reference(codes, global_low, global_high,
                                             bits), atol=1e-5):
            return Feedback(exercise, False, [
                "All components share one range: the small components then "
                "fall into one or two levels. Use low[j] and high[j] of each "
                "component (broadcast the (k,) vectors over the rows)."])
        if torch.allclose(answer, _reference(codes, low, high, bits,
                                             levels=2**bits), atol=1e-5):
            return Feedback(exercise, False, [
                f"{bits} bits give 2**bits = {2**bits} levels, so "
                f"2**bits - 1 = {2**bits - 1} steps between low and high; "
                "you divided the range into 2**bits steps."])
        if torch.allclose(answer, _reference(codes, low, high, bits,
                                             clip=False), atol=1e-5):
            return Feedback(exercise, False, [
                "Codes outside [low, high] must be clipped to the first or "
                "last level: a file has no symbol for them."])
        if torch.allclose(answer, _reference(codes, low, high, bits,
                                             rounding=torch.floor),
                          atol=1e-5):
            return Feedback(exercise, False, [
                "Round to the nearest level (torch.round), not down: "
                "flooring doubles the worst error."])
        worst = float((answer - expected).abs().max())
        return Feedback(exercise, False, [
            f"With {bits} bits the quantised codes differ from the expected "
            f"ones by up to {worst:.3g}."])
    return Feedback(exercise, True, [
        "Each component on its own grid of 2**bits levels, clipped and "
        "rounded to the nearest level."])
