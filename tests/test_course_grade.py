"""The grading command on a folder of submissions it builds itself."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from _assignment_fixtures import (
    K_STUB,
    RECONSTRUCT_MISTAKE,
    RECONSTRUCT_SOLUTION,
    chapter,
    fill,
    write,
)
from aeutils.exercises import Feedback
from course.grade import grade_notebook
from course.student import student_notebook

ROOT = Path(__file__).resolve().parents[1]


def _env_with_course() -> dict:
    """The environment with the repository root importable (``course/``)."""
    paths = [str(ROOT), os.environ.get("PYTHONPATH", "")]
    return {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in paths if p)}


FAKED_CHECKS = """\
k_90 = None
from aeutils import exercises
from aeutils.exercises import feedback as _feedback
exercises.check_pca_reconstruction = lambda *a, **k: None
exercises.check_components_for_variance = lambda *a, **k: None
class AlwaysPassed(_feedback.Feedback):
    def __init__(self, exercise, passed, messages=(), score=None):
        super().__init__(exercise, True, [], 1.0)
_feedback.Feedback = AlwaysPassed
exercises.Feedback = AlwaysPassed
print('[PASSED] all checks')"""


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """Grade five students with the real command; return the CSV rows."""
    root = tmp_path_factory.mktemp("course")
    source = write(chapter(), root / "book" / "01_small.ipynb")
    student = student_notebook(json.loads(source.read_text()), 1)
    submissions = root / "submissions"
    perfect = fill(student, {
        "def pca_reconstruct": RECONSTRUCT_SOLUTION.replace("# @title Solution\n", ""),
        "k_90 = None": K_STUB.replace("None", "3"),
    })  # fmt: skip
    mistakes = fill(student, {
        "def pca_reconstruct": RECONSTRUCT_MISTAKE,
        "k_90 = None": K_STUB.replace("None", "2"),
    })  # fmt: skip
    crash = fill(student, {"k_90 = None": "import os\nos._exit(3)"})
    # Stubs left empty, every check replaced by one that shows nothing, and
    # Feedback replaced by a class that always passes (issue 19).
    faked = fill(student, {"k_90 = None": FAKED_CHECKS})
    students = {"ada": perfect, "ben": mistakes, "cy": crash, "dee": student, "fay": faked}
    for name, notebook in students.items():
        (submissions / name).mkdir(parents=True)
        (submissions / name / "01_small.ipynb").write_text(json.dumps(notebook))
    (submissions / "eve").mkdir()
    (submissions / "eve" / "01_small.ipynb").write_text("print('not a notebook')\n")
    out = root / "scores.csv"
    subprocess.run(
        [sys.executable, "-m", "course.grade", str(submissions), "--out", str(out),
         "--book", str(root / "book"), "--timeout", "300", "--jobs", "2"],
        check=True, cwd=root, env=_env_with_course(),
    )  # fmt: skip
    with open(out, newline="") as handle:
        return list(csv.DictReader(handle))


def _rows(rows, student):
    return {r["exercise"]: r for r in rows if r["student"] == student}


def test_one_row_per_student_and_exercise_plus_a_total(graded):
    assert {r["student"] for r in graded} == {"ada", "ben", "cy", "dee", "eve", "fay"}
    for student in ("ada", "ben", "cy", "dee", "eve", "fay"):
        rows = _rows(graded, student)
        assert set(rows) == {"ex-reconstruct", "ex-k90", "TOTAL"}, student
        assert rows["ex-reconstruct"]["number"] == "1.1"
        assert rows["ex-k90"]["number"] == "1.2"


def test_a_perfect_submission_gets_full_marks(graded):
    rows = _rows(graded, "ada")
    assert rows["ex-reconstruct"]["passed"] == "True"
    assert float(rows["TOTAL"]["score"]) == 2.0 == float(rows["TOTAL"]["max_score"])


def test_typical_mistakes_get_the_checks_feedback(graded):
    rows = _rows(graded, "ben")
    assert rows["ex-reconstruct"]["status"] == "graded"
    assert "forgot to add the mean back" in rows["ex-reconstruct"]["message"]
    assert rows["ex-k90"]["passed"] == "False"
    assert float(rows["TOTAL"]["score"]) == 0.0


def test_a_crashing_notebook_gets_rows_that_say_so(graded):
    rows = _rows(graded, "cy")
    assert rows["ex-reconstruct"]["status"] == "crashed"
    assert float(rows["TOTAL"]["score"]) == 0.0


def test_an_untouched_student_edition_fails_at_the_named_stubs(graded):
    rows = _rows(graded, "dee")
    assert rows["ex-reconstruct"]["status"] == "graded"
    assert "Exercise 1.1 (ex-reconstruct)" in rows["ex-reconstruct"]["message"]
    assert float(rows["TOTAL"]["score"]) == 0.0


def test_a_file_that_is_not_a_notebook_gets_rows_that_say_so(graded):
    rows = _rows(graded, "eve")
    assert rows["ex-reconstruct"]["status"] == "invalid notebook"


def test_a_notebook_that_runs_too_long_is_stopped(tmp_path):
    source = write(chapter(), tmp_path / "book" / "01_small.ipynb")
    student = student_notebook(json.loads(source.read_text()), 1)
    slow = fill(student, {"k_90 = None": "import time\ntime.sleep(600)"})
    path = tmp_path / "zed" / "01_small.ipynb"
    path.parent.mkdir()
    path.write_text(json.dumps(slow))
    rows = grade_notebook(path, student="zed", book=tmp_path / "book", timeout=8)
    assert [r.status for r in rows] == ["timed out", "timed out"]
    assert all(r.score == 0 for r in rows)


def test_an_unknown_notebook_is_reported(tmp_path):
    (tmp_path / "book").mkdir()
    path = tmp_path / "notes.txt"
    path.write_text("hello")
    [row] = grade_notebook(path, student="x", book=tmp_path / "book")
    assert row.status == "unknown notebook"


def test_feedback_keeps_its_positional_form_and_carries_a_score():
    feedback = Feedback("PCA reconstruction", False, ["hint"])
    assert feedback.score == 0.0 and feedback.id == "pca-reconstruction"
    assert Feedback("x", True).score == 1.0
    assert Feedback("x", False, [], 0.5, "ex-x").to_dict() == {
        "id": "ex-x", "exercise": "x", "passed": False, "score": 0.5, "messages": [],
    }  # fmt: skip
    with pytest.raises(ValueError, match="between 0 and 1"):
        Feedback("x", True, [], 2.0)


def test_grade_folder_says_which_folder_is_missing(tmp_path):
    from course.grade import grade_folder

    with pytest.raises(ValueError, match="submissions folder"):
        grade_folder(tmp_path / "nope", book=tmp_path)
    with pytest.raises(ValueError, match="jobs"):
        grade_folder(tmp_path, book=tmp_path, jobs=0)


def test_a_faked_pass_does_not_score(graded):
    """Replaced checks, a replaced Feedback and a printed fake result score 0."""
    rows = _rows(graded, "fay")
    exercises = [r for label, r in rows.items() if label]
    assert exercises and all(float(r["score"]) == 0 for r in exercises), rows
    total = next(r for r in graded if r["student"] == "fay" and r["exercise"] == "TOTAL")
    assert float(total["score"]) == 0


def test_help_shows_the_expected_folder_layout():
    result = subprocess.run(
        [sys.executable, "-m", "course.grade", "--help"],
        capture_output=True, text=True, check=True, env=_env_with_course(),
    )  # fmt: skip
    assert "expected folder layout" in result.stdout
    assert "alice/01_pca.ipynb" in result.stdout
