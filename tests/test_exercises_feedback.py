"""aeutils.exercises.feedback: how a check's verdict is shown."""

from __future__ import annotations

from aeutils import exercises


def test_feedback_renders():
    feedback = exercises.Feedback("demo", False, ["a <b> hint"])
    assert "Not yet" in feedback._repr_html_() and "&lt;b&gt;" in feedback._repr_html_()
    assert str(feedback).startswith("[NOT YET] demo")


def test_run_tensor_answer_converts_or_explains():
    import numpy as np
    import torch

    from aeutils.exercises.feedback import run_tensor_answer

    result, failure = run_tensor_answer("x", lambda a: a * 2, np.ones(3))
    assert failure is None and result.dtype == torch.float64
    assert result.tolist() == [2.0, 2.0, 2.0]
    result, failure = run_tensor_answer("x", lambda: [1.0])
    assert result is None and "Return a tensor, not list" in str(failure)
    result, failure = run_tensor_answer("x", lambda: 1 / 0)
    assert result is None and "ZeroDivisionError" in str(failure)
