"""Convolutional autoencoders: checks for the coding exercises."""

from __future__ import annotations

import numbers
from collections.abc import Callable

import torch
from torch import nn

from .feedback import Feedback, run_answer

__all__ = ["check_conv_output_size"]

#: (size, kernel, stride, padding) tried by the check: the chapter's layers,
#: then settings where rounding down, padding on both sides or the "+ 1"
#: change the answer.
_SETTINGS = (
    (28, 3, 2, 1),
    (14, 3, 2, 1),
    (28, 3, 1, 0),
    (27, 3, 2, 1),
    (32, 5, 3, 2),
    (10, 4, 2, 0),
    (7, 7, 1, 3),
)


def _true_size(size: int, kernel: int, stride: int, padding: int) -> int:
    layer = nn.Conv2d(1, 1, kernel, stride=stride, padding=padding)
    with torch.no_grad():
        return int(layer(torch.zeros(1, 1, size, size)).shape[-1])


#: Formulas with the usual mistakes, each with the hint that names it.
_MISTAKES = (
    (
        lambda n, k, s, p: (n + 2 * p - k) // s,
        "Off by one: the first position counts too, so add 1 after dividing.",
    ),
    (
        lambda n, k, s, p: (n + p - k) // s + 1,
        "Padding adds pixels on both sides: use 2 * padding.",
    ),
    (
        lambda n, k, s, p: -(-(n + 2 * p - k) // s) + 1,
        (
            "Rounded up: a filter that would stick out past the padded edge is "
            "not applied, so round the division down (//)."
        ),
    ),
    (
        lambda n, k, s, p: (n - k) // s + 1,
        "The padding is missing: it adds `padding` pixels on each side.",
    ),
    (
        lambda n, k, s, p: (n + 2 * p - k) / s + 1,
        (
            "The size has a fraction: the kernel fits a whole number of times, "
            "so use integer division (//), which rounds down."
        ),
    ),
)


def _diagnose(answers: list) -> str:
    """Name the usual mistake that gives all of ``answers``, if there is one."""
    for formula, hint in _MISTAKES:
        if all(
            answer == formula(*setting) for answer, setting in zip(answers, _SETTINGS)
        ):
            return hint
    return (
        "Count the positions where the kernel fits inside the padded input, "
        "every `stride` pixels."
    )


def check_conv_output_size(output_size: Callable[..., int]) -> Feedback:
    """Check ``output_size(size, kernel, stride, padding)`` against ``nn.Conv2d``.

    The answer must be the side length of the output of a convolution with
    the given kernel size, stride and padding on a square input of side
    ``size``, for the chapter's layers and settings it does not show.
    """
    exercise = "convolution output size"
    answers = []
    for size, kernel, stride, padding in _SETTINGS:
        answer, failure = run_answer(exercise, output_size, size, kernel, stride, padding)
        if failure is not None:
            return failure
        setting = f"size={size}, kernel={kernel}, stride={stride}, padding={padding}"
        if isinstance(answer, bool) or not isinstance(answer, numbers.Real):
            message = f"Return a whole number, got {answer!r} for {setting}."
            return Feedback(exercise, False, [message])
        answers.append(answer)
    for answer, (size, kernel, stride, padding) in zip(answers, _SETTINGS):
        setting = f"size={size}, kernel={kernel}, stride={stride}, padding={padding}"
        expected = _true_size(size, kernel, stride, padding)
        if answer != expected or not isinstance(answer, numbers.Integral):
            message = (
                f"For {setting} nn.Conv2d gives {expected}, your function {answer!r}."
            )
            return Feedback(exercise, False, [message, _diagnose(answers)])
    message = (
        "The formula matches nn.Conv2d on the chapter's layers and on "
        "settings it does not show."
    )
    return Feedback(exercise, True, [message])
