"""What every exercise check shares: the :class:`Feedback` it returns.

Also the two helpers every check uses: :func:`run_answer` (call the
student's function, turning an exception into feedback) and
:func:`answer_tensor` (read an answer as a float64 tensor, or ``None``).
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import torch

__all__ = [
    "FEEDBACK_KEY", "Feedback", "answer_tensor", "run_answer",
    "run_tensor_answer",
]

#: The key under which a displayed :class:`Feedback` carries its result as
#: JSON in the output's metadata, for the grader (:mod:`course.grade`). In
#: the metadata, not as a MIME type of its own: the book would warn about an
#: output type it cannot render.
FEEDBACK_KEY = "application/vnd.aeutils.feedback+json"


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
    score
        The fraction of the marks earned, from 0 to 1; by default 1 if
        ``passed`` and 0 otherwise.
    id
        A stable identifier for scripts; by default derived from
        ``exercise`` (``"PCA reconstruction"`` -> ``"pca-reconstruction"``).
    """

    exercise: str
    passed: bool
    messages: list[str] = field(default_factory=list)
    score: float | None = None
    id: str = ""

    def __post_init__(self) -> None:
        if self.score is None:
            self.score = 1.0 if self.passed else 0.0
        if not 0.0 <= float(self.score) <= 1.0:
            raise ValueError(f"score must be between 0 and 1, got {self.score}.")
        self.score = float(self.score)
        if not self.id:
            self.id = re.sub(r"[^a-z0-9]+", "-", self.exercise.lower()).strip("-")

    def to_dict(self) -> dict:
        """The result as plain JSON types: id, exercise, passed, score, messages."""
        return {
            "id": self.id,
            "exercise": self.exercise,
            "passed": bool(self.passed),
            "score": self.score,
            "messages": [str(m) for m in self.messages],
        }

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

    def _repr_mimebundle_(self, include=None, exclude=None) -> tuple[dict, dict]:
        # IPython adds the text/html and text/plain forms from the methods
        # around this one; this adds the machine-readable result.
        return {}, {FEEDBACK_KEY: self.to_dict()}

    def _repr_pretty_(self, printer, cycle) -> None:
        printer.text(str(self))


def run_answer(exercise: str, function: Callable, *args) -> tuple[object, Feedback | None]:
    """Run the student's function; turn an exception into feedback."""
    try:
        return function(*args), None
    except NotImplementedError as exc:
        where = f" ({exc})" if str(exc) else ""
        return None, Feedback(
            exercise,
            False,
            [f"Not implemented yet{where}: replace `raise NotImplementedError` with your code."],
        )
    except Exception as exc:  # the student's code may fail in any way
        return None, Feedback(exercise, False, [f"Your code raised {type(exc).__name__}: {exc}"])


def run_tensor_answer(
    exercise: str, function: Callable, *args
) -> tuple[torch.Tensor | None, Feedback | None]:
    """Run the student's function; its answer as a float64 tensor, or feedback.

    Feedback comes back when the code raises or returns something that is not
    an array or tensor.
    """
    answer, failure = run_answer(exercise, function, *args)
    if failure is not None:
        return None, failure
    result = answer_tensor(answer)
    if result is None:
        return None, Feedback(
            exercise, False, [f"Return a tensor, not {type(answer).__name__}."]
        )
    return result, None


def answer_tensor(value: object) -> torch.Tensor | None:
    """An array or tensor answer as a float64 tensor; anything else is ``None``."""
    if isinstance(value, torch.Tensor):
        return value.detach().double()
    if isinstance(value, np.ndarray):
        return torch.from_numpy(value).double()
    return None


