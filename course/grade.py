"""Grade a folder of submitted notebooks and write the scores as CSV.

Usage::

    python -m course.grade SUBMISSIONS_DIR --out scores.csv [--timeout 600]

``SUBMISSIONS_DIR`` holds one folder per student with the chapter notebooks
of the student edition they filled in, under their original names::

    submissions/alice/01_pca.ipynb
    submissions/bob/01_pca.ipynb

Each notebook is matched with the instructor's chapter of the same name in
``--book`` (default ``book/``). Its autograder tests (the ``remove-cell``
cells after each solution, found by :mod:`course.notebooks`) are appended
to the submission, so a student can neither see nor edit them, and the whole
notebook runs in a fresh kernel in its own process, killed after
``--timeout`` seconds. Each test's ``aeutils.exercises`` check displays a
:class:`~aeutils.exercises.Feedback`, which carries its result as JSON in
the output's metadata; the grader collects it. The checks are imported
afresh before each test (a check or ``Feedback`` the student's cells
redefined or monkeypatched does not grade), and a test that shows no result,
or a malformed one, scores 0.

The CSV has one row per student, notebook and exercise (score 0 to 1, the
status and the feedback the student sees) and one ``TOTAL`` row per student.
A notebook that is not valid JSON, crashes its kernel or runs out of time
gets rows that say so; the other notebooks are graded as usual.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path

import nbformat

from .notebooks import (
    chapter_number,
    find_exercises,
    read_notebook,
    source,
)
from aeutils.exercises.feedback import FEEDBACK_KEY

__all__ = ["Row", "grade_folder", "grade_notebook", "write_csv"]

FIELDS = ["student", "notebook", "exercise", "number", "score", "max_score",
          "passed", "status", "message"]  # fmt: skip
_ASSERT_PASSED = re.compile(r"^assert\s+(.+)\.passed\s*$", re.S)


@dataclass
class Row:
    """One line of the scores CSV."""

    student: str
    notebook: str
    exercise: str
    number: str
    score: float
    max_score: float
    passed: bool
    status: str
    message: str


@dataclass
class _Test:
    label: str
    number: str
    code: str


def _tests(chapter: Path) -> list[_Test]:
    """The autograder tests of an instructor's chapter, as code to run."""
    notebook = read_notebook(chapter)
    tests = []
    for exercise in find_exercises(notebook, chapter_number(chapter)):
        if not exercise.is_coding:  # hidden checks of a worked solution
            continue
        for index in exercise.test_cells:
            code = source(notebook["cells"][index]).strip()
            # `assert check(...).passed` -> `check(...)`: the Feedback is
            # displayed, so its messages reach the CSV.
            match = _ASSERT_PASSED.match(code)
            tests.append(
                _Test(exercise.label, exercise.number, match.group(1) if match else code)
            )
    return tests


def _failed(student, notebook, tests, status, message) -> list[Row]:
    return [
        Row(student, notebook, t.label, t.number, 0.0, 1.0, False, status, message)
        for t in tests
    ]


def _run(notebook: dict, timeout: float, workdir: Path) -> tuple[dict | None, str]:
    """Execute a notebook in a child process; return it and an error, if any."""
    source_path, result_path = workdir / "in.ipynb", workdir / "out.ipynb"
    source_path.write_text(json.dumps(notebook))
    # The child runs in the work folder, so the folder holding ``course/``
    # must be importable there too (``python -m`` only adds the cwd).
    repository = str(Path(__file__).resolve().parents[1])
    paths = [repository, os.environ.get("PYTHONPATH", "")]
    env = {
        **os.environ,
        "AEUTILS_RESULTS_DIR": str(workdir / "results"),
        "PYTHONPATH": os.pathsep.join(path for path in paths if path),
    }
    command = [sys.executable, "-m", "course.grade", "--execute",
               str(source_path), str(result_path)]  # fmt: skip
    process = subprocess.Popen(
        command, cwd=workdir, env=env, start_new_session=True,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    try:
        output, _ = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)  # the kernel too
        process.communicate()
        return None, f"timed out after {timeout:g} s"
    if process.returncode != 0 or not result_path.is_file():
        last = output.strip().splitlines()[-1:] or ["no output"]
        return None, f"crashed: {last[0][:300]}"
    return json.loads(result_path.read_text()), ""


def _execute(source_path: Path, result_path: Path) -> None:
    """Run every cell, errors included (the child process of :func:`_run`)."""
    from nbclient import NotebookClient

    notebook = nbformat.read(source_path, as_version=4)
    client = NotebookClient(
        notebook, timeout=None, allow_errors=True, kernel_name="python3",
        resources={"metadata": {"path": str(source_path.parent)}},
    )  # fmt: skip
    client.execute()
    nbformat.write(notebook, result_path)


def _feedback_row(student: str, name: str, test: _Test, feedback: object) -> Row:
    """The row of a check's result; a malformed result is a failure."""
    try:
        score, passed = float(feedback["score"]), feedback["passed"]
        messages = " ".join(str(m) for m in feedback["messages"])
        valid = 0.0 <= score <= 1.0 and isinstance(passed, bool) and (score == 1.0 or not passed)
    except (TypeError, KeyError, ValueError):
        valid = False
    if not valid:
        return Row(student, name, test.label, test.number, 0.0, 1.0, False, "graded",
                   "the check's result is malformed")  # fmt: skip
    return Row(student, name, test.label, test.number, score, 1.0, passed, "graded", messages)


#: Run before each hidden test: a fresh import of the checks, so a check
#: redefined or monkeypatched by the student's cells (or a replaced
#: Feedback) is not the one that grades.
_FRESH_CHECKS = (
    "import importlib as _grader_importlib, sys as _grader_sys\n"
    "for _grader_name in [m for m in _grader_sys.modules if m.startswith('aeutils.exercises')]:\n"
    "    del _grader_sys.modules[_grader_name]\n"
    "exercises = _grader_importlib.import_module('aeutils.exercises')\n"
)


def _result(student: str, name: str, test: _Test, cell: dict) -> Row:
    for output in cell.get("outputs", []):
        feedback = output.get("metadata", {}).get(FEEDBACK_KEY)
        if feedback is not None:
            return _feedback_row(student, name, test, feedback)
    for output in cell.get("outputs", []):
        if output.get("output_type") == "error":
            message = f"{output['ename']}: {output['evalue']}".strip()
            return Row(student, name, test.label, test.number, 0.0, 1.0, False,
                       "graded", message)  # fmt: skip
    # A pass comes only from a check's own result: a cell that shows none
    # (a check replaced by a stub, a run stopped early) scores nothing.
    return Row(student, name, test.label, test.number, 0.0, 1.0, False, "graded",
               "the check showed no result (was it replaced or redefined?)")  # fmt: skip


def grade_notebook(
    path: Path, *, student: str, book: Path, timeout: float = 600.0
) -> list[Row]:
    """Grade one submitted notebook against the chapter of the same name.

    Returns one :class:`Row` per autograder test of the chapter (or one row
    saying why the file could not be graded). Never raises for a bad
    submission.
    """
    name = path.name
    chapter = book / name
    if path.suffix != ".ipynb" or not chapter.is_file():
        return [Row(student, name, "", "", 0.0, 0.0, False, "unknown notebook",
                    f"no chapter named {name} in {book}")]  # fmt: skip
    tests = _tests(chapter)
    try:
        submission = nbformat.reads(path.read_text(encoding="utf-8"), as_version=4)
        nbformat.validate(submission)
    except Exception as exc:  # any unreadable file is the student's error
        message = f"{type(exc).__name__}: {exc}"[:300]
        return _failed(student, name, tests, "invalid notebook", message)
    for test in tests:
        cell = nbformat.v4.new_code_cell(_FRESH_CHECKS + test.code)
        cell.metadata["aeutils_test"] = test.label
        submission.cells.append(cell)
    with tempfile.TemporaryDirectory() as workdir:
        executed, error = _run(dict(submission), timeout, Path(workdir))
    if executed is None:
        status = "timed out" if error.startswith("timed out") else "crashed"
        return _failed(student, name, tests, status, error)
    graded = [c for c in executed["cells"] if "aeutils_test" in c.get("metadata", {})]
    return [_result(student, name, t, c) for t, c in zip(tests, graded)]


def grade_folder(
    submissions: Path, *, book: Path, timeout: float = 600.0, jobs: int = 1
) -> list[Row]:
    """Grade every student's notebooks; add a ``TOTAL`` row per student.

    Parameters
    ----------
    submissions
        A folder with one folder per student, holding their notebooks.
    book
        The instructor's chapters (with solutions and hidden tests).
    timeout
        Seconds each notebook may run.
    jobs
        How many notebooks run at the same time.

    Raises
    ------
    ValueError
        If a folder does not exist or ``jobs`` is not a positive int.
    """
    for folder, what in ((submissions, "submissions"), (book, "book")):
        if not Path(folder).is_dir():
            raise ValueError(f"the {what} folder {folder} does not exist.")
    if not isinstance(jobs, int) or jobs < 1:
        raise ValueError(f"jobs must be a positive int, got {jobs!r}.")
    students = sorted(p for p in Path(submissions).iterdir() if p.is_dir())
    work = [
        (folder.name, path)
        for folder in students
        for path in sorted(folder.iterdir())
        if path.is_file() and not path.name.startswith(".")
    ]

    def grade(item: tuple[str, Path]) -> list[Row]:
        student, path = item
        print(f"grading {student}/{path.name}", file=sys.stderr, flush=True)
        return grade_notebook(path, student=student, book=Path(book), timeout=timeout)

    with ThreadPoolExecutor(max_workers=jobs) as pool:
        graded = list(pool.map(grade, work))
    rows = []
    for folder in students:
        student_rows = [
            row for (student, _), result in zip(work, graded) if student == folder.name
            for row in result
        ]  # fmt: skip
        score = sum(r.score for r in student_rows)
        most = sum(r.max_score for r in student_rows)
        rows += student_rows
        rows.append(Row(folder.name, "", "TOTAL", "", score, most, score == most and most > 0,
                        "total", f"{score:g} of {most:g}"))  # fmt: skip
    return rows


def write_csv(rows: list[Row], out: Path) -> None:
    """Write the rows with a header line."""
    with open(out, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=FIELDS)
        writer.writeheader()
        writer.writerows(asdict(row) for row in rows)


_LAYOUT = """\
expected folder layout (one folder per student, the chapter notebooks of the
student edition inside, under their original names):

  SUBMISSIONS/
    alice/01_pca.ipynb
    alice/02_linear_autoencoder.ipynb
    bob/01_pca.ipynb

Each notebook is graded against the instructor's chapter of the same name in
--book; the scores go to --out as CSV (one row per student, notebook and
exercise, and one TOTAL row per student).
"""


def main(argv: list[str] | None = None) -> None:
    if argv is None:
        argv = sys.argv[1:]
    if argv[:1] == ["--execute"]:
        _execute(Path(argv[1]), Path(argv[2]))
        return
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0],
        epilog=_LAYOUT,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("submissions", type=Path, help="one folder per student")
    parser.add_argument("--out", type=Path, default=Path("scores.csv"))
    parser.add_argument("--book", type=Path, default=Path("book"),
                        help="the instructor's chapters (with solutions)")  # fmt: skip
    parser.add_argument("--timeout", type=float, default=600.0,
                        help="seconds per notebook")  # fmt: skip
    parser.add_argument("--jobs", type=int, default=1,
                        help="notebooks graded at the same time (one per CPU core)")  # fmt: skip
    args = parser.parse_args(argv)
    try:
        rows = grade_folder(args.submissions, book=args.book.resolve(),
                            timeout=args.timeout, jobs=args.jobs)  # fmt: skip
    except ValueError as error:
        parser.error(str(error))
    write_csv(rows, args.out)
    print(f"wrote {len(rows)} rows to {args.out}")


if __name__ == "__main__":
    main()
