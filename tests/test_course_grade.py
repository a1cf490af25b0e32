"""The grading command on a folder of submissions it builds itself."""

from __future__ import annotations

import ast
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
from course.grade import grade_folder, grade_notebook, load_chapters
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


RECONSTRUCT = RECONSTRUCT_SOLUTION.replace("# @title Solution\n", "")
K_RIGHT, K_WRONG = K_STUB.replace("None", "3"), K_STUB.replace("None", "2")

#: A check's result forged by hand: what the real checks display.
FORGED = """\
class Forged:
    def _repr_mimebundle_(self, include=None, exclude=None):
        key = 'application/vnd.aeutils.feedback+json'
        result = {'id': 'pca-reconstruction', 'passed': True, 'score': 1.0,
                  'exercise': 'PCA reconstruction', 'messages': []}
        return {'text/plain': '[PASSED] PCA reconstruction'}, {key: result}
"""

#: The student's own checks return a passing Feedback, in every module
#: that holds them, and a hook shows a forged result after every cell.
REDEFINED_CHECKS = (
    FORGED
    + """\
import sys
from aeutils import exercises
from aeutils.exercises.feedback import Feedback
def passing(*args, **kwargs):
    return Feedback('PCA reconstruction', True)
for name, module in list(sys.modules.items()):
    if name.startswith('aeutils.exercises'):
        module.check_pca_reconstruction = passing
get_ipython().events.register(
    'post_run_cell', lambda result: get_ipython().displayhook(Forged()))
exercises.check_pca_reconstruction(pca_reconstruct)"""
)


def _with_cell(notebook, after, code, metadata=None):
    """``notebook`` with a code cell inserted after the cell starting with
    ``after``."""
    notebook = json.loads(json.dumps(notebook))
    cells = notebook["cells"]
    index = next(
        i
        for i, c in enumerate(cells)
        if "".join(c["source"]).startswith(after)
    )
    cell = {"cell_type": "code", "execution_count": None, "outputs": [],
            "metadata": metadata or {}, "source": code}  # fmt: skip
    cells.insert(index + 1, cell)
    return notebook


def _submissions(student, root):
    """Every student's files: {student: {file name: notebook or text}}."""
    perfect = fill(student, {"def pca_reconstruct": RECONSTRUCT,
                             "k_90 = None": K_RIGHT})  # fmt: skip
    mistakes = fill(student, {"def pca_reconstruct": RECONSTRUCT_MISTAKE,
                              "k_90 = None": K_WRONG})  # fmt: skip
    unrelated = {**student, "cells": [
        {"cell_type": "markdown", "metadata": {}, "source": "# My notes"}
    ]}  # fmt: skip
    only_k = fill(student, {"k_90 = None": K_RIGHT})
    first_raises = _with_cell(perfect, "# 1.", "raise RuntimeError('boom')")
    syntax_error = fill(student, {"def pca_reconstruct": "def broken(:",
                                  "k_90 = None": K_RIGHT})  # fmt: skip
    return {
        "ada": {"01_small.ipynb": perfect},
        "ben": {"01_small.ipynb": mistakes},
        "cy": {
            "01_small.ipynb": fill(
                perfect, {"k_90 = 3": "import os\nos._exit(3)"}
            )
        },
        "dee": {"01_small.ipynb": student},
        "eve": {"01_small.ipynb": "print('not a notebook')\n"},
        # Stubs left empty, every check replaced by one that shows nothing,
        # Feedback replaced by a class that always passes (issue 19).
        "fay": {
            "01_small.ipynb": fill(student, {"k_90 = None": FAKED_CHECKS})
        },
        # Renamed copies (issue 19): a browser's second download, a copy.
        "gil": {"01_small (1).ipynb": perfect},
        "hal": {"01_small.ipynb": mistakes, "01_small-copy.ipynb": perfect},
        "ivy": {"submission.ipynb": perfect, "notes.ipynb": unrelated},
        "jon": {"essay.ipynb": unrelated},
        # Errors the instructor must see; the scores are what passed.
        "kim": {"01_small.ipynb": first_raises},
        "lea": {"01_small.ipynb": syntax_error},
        # sys.exit() where the answer should be: the grader goes on.
        "max": {
            "01_small.ipynb": fill(
                perfect, {"k_90 = 3": "import sys\nsys.exit(0)"}
            )
        },
        # A printed "passed" and a displayed forged result, in a cell that
        # claims to be the grader's test cell.
        "ned": {
            "01_small.ipynb": _with_cell(
                only_k,
                "def pca_reconstruct",
                FORGED + "print('[PASSED] PCA reconstruction')\nForged()",
                metadata={"aeutils_test": "ex-reconstruct"},
            )
        },
        # The hidden test, copied from the instructor's edition and edited
        # to check a right answer instead of the student's stub.
        "ola": {
            "01_small.ipynb": _with_cell(
                only_k,
                "def pca_reconstruct",
                "assert exercises.check_pca_reconstruction(\n"
                "    lambda x, mean, c: mean + (x - mean) @ c.T @ c\n).passed",
                metadata={"tags": ["remove-cell"]},
            )
        },
        "pat": {
            "01_small.ipynb": fill(
                only_k,
                {
                    "def pca_reconstruct": RECONSTRUCT_MISTAKE
                    + "\n\n\n"
                    + REDEFINED_CHECKS
                },
            )
        },
    }


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """Grade the students with the real command; return the CSV rows."""
    root = tmp_path_factory.mktemp("course")
    source = write(chapter(), root / "book" / "01_small.ipynb")
    student = student_notebook(json.loads(source.read_text()), 1)
    submissions = root / "submissions"
    for name, files in _submissions(student, root).items():
        (submissions / name).mkdir(parents=True)
        for file, content in files.items():
            text = content if isinstance(content, str) else json.dumps(content)
            (submissions / name / file).write_text(text)
    out = root / "scores.csv"
    subprocess.run(
        [sys.executable, "-m", "course.grade", str(submissions),
         "--out", str(out), "--book", str(root / "book"),
         "--timeout", "300", "--jobs", "2"],
        check=True, cwd=root, env=_env_with_course(),
    )  # fmt: skip
    with open(out, newline="") as handle:
        return list(csv.DictReader(handle))


def _rows(rows, student):
    return {r["exercise"]: r for r in rows if r["student"] == student}


STUDENTS = {"ada", "ben", "cy", "dee", "eve", "fay", "gil", "hal", "ivy",
            "jon", "kim", "lea", "max", "ned", "ola", "pat"}  # fmt: skip


def _total(rows, student):
    [total] = [
        r for r in rows if r["student"] == student and r["exercise"] == "TOTAL"
    ]
    return float(total["score"]), float(total["max_score"])


def _scores(rows, student):
    """{exercise: score} of the rows that count."""
    return {
        r["exercise"]: float(r["score"]) for r in rows
        if r["student"] == student and r["exercise"] != "TOTAL"
        and r["counted"].startswith("yes") and r["exercise"]
    }  # fmt: skip


def test_one_row_per_student_and_exercise_plus_a_total(graded):
    assert {r["student"] for r in graded} == STUDENTS
    for student in STUDENTS - {"hal", "ivy", "jon"}:
        rows = _rows(graded, student)
        assert set(rows) == {"ex-reconstruct", "ex-k90", "TOTAL"}, student
        assert rows["ex-reconstruct"]["number"] == "1.1"
        assert rows["ex-k90"]["number"] == "1.2"
        assert rows["ex-k90"]["chapter"] == "01_small"


def test_a_perfect_submission_gets_full_marks(graded):
    rows = _rows(graded, "ada")
    assert rows["ex-reconstruct"]["passed"] == "True"
    assert rows["ex-k90"]["passed"] == "True"
    assert rows["ex-k90"]["errors"] == ""
    assert _total(graded, "ada") == (2.0, 2.0)


def test_typical_mistakes_get_the_checks_feedback(graded):
    rows = _rows(graded, "ben")
    assert rows["ex-reconstruct"]["status"] == "graded"
    assert "forgot to add the mean back" in rows["ex-reconstruct"]["message"]
    assert rows["ex-k90"]["passed"] == "False"
    assert _total(graded, "ben") == (0.0, 2.0)


def test_a_crashing_notebook_gets_rows_that_say_so(graded):
    rows = _rows(graded, "cy")
    assert rows["ex-reconstruct"]["status"] == "crashed"
    assert "the kernel died" in rows["ex-reconstruct"]["errors"]
    assert _total(graded, "cy") == (0.0, 2.0)


def test_an_untouched_student_edition_fails_at_the_named_stubs(graded):
    rows = _rows(graded, "dee")
    assert rows["ex-reconstruct"]["status"] == "graded"
    assert "Exercise 1.1 (ex-reconstruct)" in rows["ex-reconstruct"]["message"]
    assert _total(graded, "dee") == (0.0, 2.0)


def test_a_file_that_is_not_a_notebook_gets_rows_that_say_so(graded):
    rows = _rows(graded, "eve")
    assert rows["ex-reconstruct"]["status"] == "invalid notebook"
    assert rows["ex-reconstruct"]["errors"]
    assert _total(graded, "eve") == (0.0, 2.0)


# ------------------------------------------------ renamed files (issue 19)
def test_a_browsers_second_copy_is_graded_as_its_chapter(graded):
    rows = _rows(graded, "gil")
    assert rows["ex-k90"]["notebook"] == "01_small (1).ipynb"
    assert rows["ex-k90"]["chapter"] == "01_small"
    assert _scores(graded, "gil") == {"ex-reconstruct": 1.0, "ex-k90": 1.0}
    assert _total(graded, "gil") == (2.0, 2.0)


def test_two_notebooks_of_a_chapter_are_graded_and_the_best_counts(graded):
    rows = [r for r in graded if r["student"] == "hal" and r["chapter"]]
    by_file = {}
    for row in rows:
        by_file.setdefault(row["notebook"], []).append(row)
    assert set(by_file) == {"01_small.ipynb", "01_small-copy.ipynb"}
    assert all(len(found) == 2 for found in by_file.values())
    assert all(r["counted"].startswith("yes")
               for r in by_file["01_small-copy.ipynb"])  # fmt: skip
    assert all(r["counted"].startswith("no: 01_small-copy.ipynb")
               for r in by_file["01_small.ipynb"])  # fmt: skip
    assert _total(graded, "hal") == (2.0, 2.0)


def test_a_notebook_is_recognised_by_its_content_not_its_name(graded):
    rows = [r for r in graded if r["student"] == "ivy"]
    graded_rows = [r for r in rows if r["notebook"] == "submission.ipynb"]
    assert {r["chapter"] for r in graded_rows} == {"01_small"}
    assert all(r["passed"] == "True" for r in graded_rows)
    [notes] = [r for r in rows if r["notebook"] == "notes.ipynb"]
    assert notes["status"] == "unknown notebook"
    assert "matches no chapter" in notes["message"]
    assert _total(graded, "ivy") == (2.0, 2.0)


def test_an_unrecognised_notebook_keeps_the_chapters_maximum(graded):
    rows = [r for r in graded if r["student"] == "jon"]
    assert {r["status"] for r in rows} == {
        "unknown notebook",
        "missing",
        "total",
    }
    assert _total(graded, "jon") == (0.0, 2.0)  # never "0 of 0"


# --------------------------------------------- errors column (issue 19)
def test_a_first_cell_that_raises_is_in_the_errors_column(graded):
    rows = _rows(graded, "kim")
    assert "cell 2: RuntimeError: boom" in rows["ex-k90"]["errors"]
    assert "01_small.ipynb" in rows["TOTAL"]["errors"]
    assert _total(graded, "kim") == (2.0, 2.0)  # the answers do pass


def test_a_syntax_error_scores_only_its_exercise(graded):
    rows = _rows(graded, "lea")
    assert "SyntaxError" in rows["ex-reconstruct"]["errors"]
    assert _scores(graded, "lea") == {"ex-reconstruct": 0.0, "ex-k90": 1.0}


# ------------------------------------------- classic tricks (issue 19)
def test_sys_exit_in_a_cell_does_not_stop_the_grading(graded):
    rows = _rows(graded, "max")
    assert "SystemExit" in rows["ex-k90"]["errors"]
    assert _scores(graded, "max") == {"ex-reconstruct": 1.0, "ex-k90": 0.0}


def test_a_printed_or_displayed_fake_result_does_not_score(graded):
    """A cell printing "[PASSED]" and showing a forged result, tagged as
    the grader's own test cell."""
    assert _scores(graded, "ned") == {"ex-reconstruct": 0.0, "ex-k90": 1.0}


def test_an_edited_copy_of_the_hidden_test_does_not_grade(graded):
    """The instructor's test runs, not the student's copy of it."""
    rows = _rows(graded, "ola")
    assert "Exercise 1.1" in rows["ex-reconstruct"]["message"]
    assert _scores(graded, "ola") == {"ex-reconstruct": 0.0, "ex-k90": 1.0}


def test_redefined_checks_and_display_hooks_do_not_grade(graded):
    rows = _rows(graded, "pat")
    assert "forgot to add the mean back" in rows["ex-reconstruct"]["message"]
    assert _scores(graded, "pat") == {"ex-reconstruct": 0.0, "ex-k90": 1.0}


def test_a_notebook_that_runs_too_long_is_stopped_and_graded(tmp_path):
    """The cell past the time limit is interrupted; what passed before it
    still scores, and the errors column says why the rest did not."""
    source = write(chapter(), tmp_path / "book" / "01_small.ipynb")
    student = student_notebook(json.loads(source.read_text()), 1)
    slow = fill(
        student,
        {
            "def pca_reconstruct": RECONSTRUCT,
            "k_90 = None": "import time\ntime.sleep(600)",
        },
    )
    path = tmp_path / "zed" / "01_small.ipynb"
    path.parent.mkdir()
    path.write_text(json.dumps(slow))
    rows = grade_notebook(path, student="zed", book=tmp_path / "book",
                          timeout=15)  # fmt: skip
    assert [r.score for r in rows] == [1.0, 0.0]
    assert all("time limit" in r.errors for r in rows)


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
        "id": "ex-x", "exercise": "x", "passed": False, "score": 0.5,
        "messages": [],
    }  # fmt: skip
    with pytest.raises(ValueError, match="between 0 and 1"):
        Feedback("x", True, [], 2.0)


def test_grade_folder_says_which_folder_is_missing(tmp_path):
    with pytest.raises(ValueError, match="submissions folder"):
        grade_folder(tmp_path / "nope", book=tmp_path)
    with pytest.raises(ValueError, match="jobs"):
        grade_folder(tmp_path, book=tmp_path, jobs=0)


def test_a_faked_pass_does_not_score(graded):
    """Replaced checks, a replaced Feedback and a printed fake result
    score 0."""
    rows = _rows(graded, "fay")
    exercises = [r for label, r in rows.items() if label]
    assert exercises and all(float(r["score"]) == 0 for r in exercises), rows
    assert _total(graded, "fay") == (0.0, 2.0)


def test_help_shows_the_expected_folder_layout():
    result = subprocess.run(
        [sys.executable, "-m", "course.grade", "--help"],
        capture_output=True, text=True, check=True, env=_env_with_course(),
    )  # fmt: skip
    assert "expected folder layout" in result.stdout
    assert "alice/01_pca.ipynb" in result.stdout


def test_every_hidden_test_of_the_book_grades_by_its_check():
    """A hidden cell that asserts more than the check (chapters 3, 5, 6, 7
    and 11 do) is graded by its check call alone, so a right answer
    scores: the whole cell shows no result and used to score 0."""
    chapters = load_chapters(ROOT / "book")
    tests = [t for c in chapters.values() for t in c.tests]
    assert len(tests) >= len(chapters) - 1
    for test in tests:  # one expression: exercises.check_...(...)
        call = ast.parse(test.code, mode="eval").body
        assert isinstance(call, ast.Call), test.code
        assert ast.unparse(call.func).startswith("exercises.check_")


def test_named_chapters_count_even_without_a_notebook(tmp_path):
    """With --chapters, a student who handed in nothing recognisable gets
    0 of the chapter's maximum, and an unknown chapter is refused."""
    write(chapter(), tmp_path / "book" / "01_small.ipynb")
    (tmp_path / "subs" / "una").mkdir(parents=True)
    (tmp_path / "subs" / "una" / "essay.txt").write_text("hello")
    rows = grade_folder(tmp_path / "subs", book=tmp_path / "book",
                        chapters=["01_small"])  # fmt: skip
    assert [r.status for r in rows] == [
        "unknown notebook",
        "missing",
        "missing",
        "total",
    ]
    assert (rows[-1].score, rows[-1].max_score) == (0.0, 2.0)
    assert rows[-1].message == "0 of 2"
    with pytest.raises(ValueError, match="nope"):
        grade_folder(tmp_path / "subs", book=tmp_path / "book",
                     chapters=["nope"])  # fmt: skip
