"""Anomaly detection in tables and sensor streams: checks for the exercises."""

from __future__ import annotations

from collections.abc import Callable

import torch

from .feedback import Feedback, answer_tensor, run_answer

__all__ = ["check_fault_channel", "fault_channel_example"]


def fault_channel_example() -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Windows, reconstructions and the faulty channel of each window.

    Eight windows of 4 channels by 12 steps. Each window's faulty channel
    carries an error of alternating sign on every step (its mean squared
    error is the largest, its signed mean about zero); another channel has
    one large spike (the largest *single* error), a third has large readings
    rebuilt with small errors, and the fourth is rebuilt exactly. So each
    usual mistake gives a different answer from the right one.
    """
    generator = torch.Generator().manual_seed(10)
    n, channels, steps = 8, 4, 12
    windows = torch.randn(n, channels, steps, generator=generator, dtype=torch.float64)
    noise = torch.randn(n, channels, steps, generator=generator, dtype=torch.float64)
    reconstructions = windows + 0.05 * noise
    faulty = torch.arange(n) % channels
    spiky = (faulty + 1) % channels
    loud, quiet = (faulty + 2) % channels, (faulty + 3) % channels
    alternating = torch.tensor([1.0, -1.0], dtype=torch.float64).repeat(steps // 2)
    rows = torch.arange(n)
    reconstructions[rows, faulty] = windows[rows, faulty] + 0.8 * alternating
    reconstructions[rows, spiky, 3] = windows[rows, spiky, 3] + 2.0
    reconstructions[rows, loud] += 5.0 * windows[rows, loud]
    windows[rows, loud] *= 6.0
    reconstructions[rows, quiet] = windows[rows, quiet]
    return windows, reconstructions, faulty


def check_fault_channel(
    fault_channel: Callable[[torch.Tensor, torch.Tensor], object],
) -> Feedback:
    """Check ``fault_channel(windows, reconstructions)`` -> channel per window.

    The expected answer is, for each window ``(C, T)``, the channel with the
    largest mean squared reconstruction error over time:
    ``(windows - reconstructions).pow(2).mean(dim=2).argmax(dim=1)``.
    """
    exercise = "the faulty channel of each window"
    windows, reconstructions, expected = fault_channel_example()
    answer, failure = run_answer(exercise, fault_channel, windows.clone(), reconstructions.clone())
    if failure is not None:
        return failure
    result = answer_tensor(answer)
    if result is None:
        return Feedback(exercise, False, [f"Return a tensor or array, not {type(answer).__name__}."])
    n, channels, _ = windows.shape
    if result.shape == (n, channels):
        return Feedback(
            exercise,
            False,
            ["You returned one error per channel; the answer is the index of the largest "
             "one in each window: add .argmax(dim=1)."],
        )  # fmt: skip
    if result.shape != (n,):
        return Feedback(
            exercise, False, [f"Your answer has shape {tuple(result.shape)}, expected ({n},)."]
        )
    if not torch.equal(result, result.round()):
        return Feedback(exercise, False, ["Return channel indices (integers), not errors."])
    result = result.long()
    if torch.equal(result, expected):
        return Feedback(exercise, True, ["The faulty channel of every window, as expected."])
    difference = windows - reconstructions
    squared = difference.pow(2)
    mistakes = {
        "You returned a time step: the argmax over time of the error averaged over the "
        "channels. Average over time (dim=2), then take the argmax over channels (dim=1).": (
            squared.mean(dim=1).argmax(dim=1)
        ),
        "You averaged the signed differences, so errors of opposite sign cancel out. "
        "Square them first.": difference.mean(dim=2).argmax(dim=1),
        "You took each channel's largest single error; a one-step spike then outweighs a "
        "fault that spoils every step. Use the mean over time.": (
            squared.amax(dim=2).argmax(dim=1)
        ),
        "You picked the channel with the largest readings, not the largest error: "
        "subtract the reconstructions first.": windows.pow(2).mean(dim=2).argmax(dim=1),
        "You picked the channel with the smallest error: use argmax, not argmin.": (
            squared.mean(dim=2).argmin(dim=1)
        ),
    }
    for message, wrong in mistakes.items():
        if torch.equal(result, wrong):
            return Feedback(exercise, False, [message])
    return Feedback(
        exercise,
        False,
        ["The shape is right but some channels differ from the expected ones.",
         "Square the errors, average over time (dim=2), argmax over channels (dim=1)."],
    )  # fmt: skip
