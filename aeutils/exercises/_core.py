"""What every exercise check shares: the :class:`Feedback` it returns."""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import torch

__all__ = ["Feedback"]


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


