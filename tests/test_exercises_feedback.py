"""aeutils.exercises.feedback: how a check's verdict is shown."""

from __future__ import annotations

from aeutils import exercises


def test_feedback_renders():
    feedback = exercises.Feedback("demo", False, ["a <b> hint"])
    assert "Not yet" in feedback._repr_html_() and "&lt;b&gt;" in feedback._repr_html_()
    assert str(feedback).startswith("[NOT YET] demo")
