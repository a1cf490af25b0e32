"""Grade a folder of submitted notebooks and write the scores as CSV.

Usage::

    python -m course.grade SUBMISSIONS_DIR --out scores.csv [--timeout 600]

``SUBMISSIONS_DIR`` holds one folder per student with the chapter notebooks
of the student edition they filled in::

    submissions/alice/01_pca.ipynb
    submissions/bob/01_pca (1).ipynb

Which chapter a notebook is comes from its content: the exercise labels it
carries (the markers and the stub messages of the student edition), then
the chapter's summary in its metadata, and only then its file name (a
copy's `` (1)``, ``-Copy1`` or ``Copy of`` removed). So a browser's second
copy or a ``submission.ipynb`` is graded; a notebook that matches no
chapter gets a row that says so.

The autograder tests always come from the instructor's chapter in
``--book`` (the ``remove-cell`` cells after each solution, found by
:mod:`course.notebooks`), never from the submission: they are appended to
it, and the whole notebook runs in a fresh kernel in its own process. The
student's cells share ``--timeout`` seconds (a cell still running then is
interrupted, the rest are skipped); each test then gets up to ``--timeout``
seconds of its own. Before each test the checks are imported afresh, so a
check or ``Feedback`` that the student's cells redefined or monkeypatched
does not grade; the test's result is read from the check's own displayed
return value in the appended cell, and a test that shows no result, or a
malformed one, scores 0. Cells the student tagged like grader cells, a
printed "passed" or an edited copy of a hidden test do not count.

The CSV has one row per student, notebook and exercise (score 0 to 1, the
status, the feedback the student sees and, in ``errors``, every error the
student's cells raised: an exception, ``sys.exit()``, a kernel death or the
time limit) and one ``TOTAL`` row per student. Two notebooks of the same
chapter are both graded; the best-scoring one counts (on a tie, the one
named exactly like the chapter, then the first by name), and ``counted``
says which. The total keeps every expected chapter's maximum: a chapter
with no recognised notebook counts 0 of its maximum.
"""

from __future__ import annotations

import argparse
import ast
import csv
import json
import math
import os
import signal
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

import nbformat

from aeutils.exercises.feedback import FEEDBACK_KEY

from .notebooks import (
    chapter_number,
    exercise_labels,
    find_exercises,
    original_stem,
    read_notebook,
    source,
)

__all__ = [
    "Chapter",
    "Row",
    "grade_folder",
    "grade_notebook",
    "identify",
    "load_chapters",
    "write_csv",
]

FIELDS = [
    "student", "notebook", "chapter", "exercise", "number", "score",
    "max_score", "passed", "status", "counted", "message", "errors",
]  # fmt: skip
#: The metadata key of the cells the grader appends (and strips from the
#: submission, so a student's cell cannot pose as one).
TEST_KEY = "aeutils_test"
#: Where the child process records what stopped the run.
EVENTS_KEY = "aeutils_grader"
#: Seconds for starting the kernel and importing, on top of the limits.
_GRACE = 120.0


@dataclass
class Row:
    """One line of the scores CSV."""

    student: str
    notebook: str
    chapter: str
    exercise: str
    number: str
    score: float
    max_score: float
    passed: bool
    status: str
    message: str
    errors: str = ""
    counted: str = "yes"


@dataclass
class _Test:
    label: str
    number: str
    code: str


@dataclass
class Chapter:
    """An instructor's chapter: what identifies it and its hidden tests."""

    stem: str
    labels: frozenset[str]
    summary: str
    tests: list[_Test] = field(default_factory=list)


def _check_calls(code: str) -> list[str]:
    """The ``exercises.check_...(...)`` calls of a hidden test cell.

    A hidden cell may assert more than the check (the chapter's own claims
    about its numbers); the grade comes from the checks alone, each run
    as the last expression of its cell so that its Feedback is the cell's
    result.
    """
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return []
    return [
        ast.get_source_segment(code, node)
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and isinstance(node.func.value, ast.Name)
        and node.func.value.id == "exercises"
        and node.func.attr.startswith("check_")
    ]


def _tests(notebook: dict, number: int) -> list[_Test]:
    """The autograder tests of an instructor's chapter, as code to run."""
    tests = []
    for exercise in find_exercises(notebook, number):
        if not exercise.is_coding:  # hidden checks of a worked solution
            continue
        for index in exercise.test_cells:
            code = source(notebook["cells"][index]).strip()
            # A cell without a check shows no result, so it scores 0: the
            # book's hidden tests all call one.
            for call in _check_calls(code) or [code]:
                tests.append(_Test(exercise.label, exercise.number, call))
    return tests


def load_chapters(book: Path) -> dict[str, Chapter]:
    """The chapters of ``book`` (``NN_name.ipynb`` files) by file stem."""
    found = {}
    for path in sorted(Path(book).glob("*.ipynb")):
        try:
            number = chapter_number(path)
        except ValueError:  # not a chapter (no number)
            continue
        notebook = read_notebook(path)
        meta = notebook.get("metadata", {}).get("course", {})
        summary = meta.get("summary", "") if isinstance(meta, dict) else ""
        found[path.stem] = Chapter(
            path.stem, frozenset(exercise_labels(notebook)), summary,
            _tests(notebook, number),
        )  # fmt: skip
    return found


def identify(
    notebook: dict | None, name: str, chapters: dict[str, Chapter]
) -> tuple[Chapter | None, str]:
    """Which chapter a submission is, and how that was decided.

    By content first: the chapter sharing the most exercise labels with the
    notebook, then the chapter whose summary its metadata repeats; only a
    notebook without either is matched by its file name (copy suffixes
    removed). Returns ``(None, reason)`` when nothing matches.
    """
    if notebook is not None:
        labels = exercise_labels(notebook)
        shared = {s: len(labels & c.labels) for s, c in chapters.items()}
        most = max(shared.values(), default=0)
        best = [stem for stem, count in shared.items() if count == most]
        if most and len(best) == 1:
            return chapters[best[0]], "recognised by its exercise labels"
        meta = notebook.get("metadata", {}).get("course", {})
        summary = meta.get("summary") if isinstance(meta, dict) else None
        same = [
            c for c in chapters.values() if summary and c.summary == summary
        ]  # fmt: skip
        if len(same) == 1:
            return same[0], "recognised by its notebook metadata"
    stem = original_stem(name)
    if stem in chapters:
        return chapters[stem], "recognised by its file name"
    return None, (
        "matches no chapter: none of its exercise labels, its metadata or "
        "its file name belongs to a chapter of the book"
    )


def _row(student, name, chapter, test, score, passed, status, message):
    return Row(student, name, chapter.stem, test.label, test.number,
               float(score), 1.0, passed, status, message)  # fmt: skip


def _failed(student, name, chapter, status, message, errors="") -> list[Row]:
    rows = [
        _row(student, name, chapter, t, 0.0, False, status, message)
        for t in chapter.tests
    ]
    return [replace(row, errors=errors) for row in rows]


def _run(
    notebook: dict, timeout: float, workdir: Path, tests: int
) -> tuple[dict | None, str]:
    """Execute a notebook in a child process; return it and an error."""
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
               str(source_path), str(result_path), str(timeout),
               str(tests)]  # fmt: skip
    process = subprocess.Popen(
        command, cwd=workdir, env=env, start_new_session=True,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    limit = timeout * (1 + tests) + _GRACE
    try:
        output, _ = process.communicate(timeout=limit)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)  # the kernel too
        process.communicate()
        return None, f"timed out: stopped after {limit:g} s"
    if process.returncode != 0 or not result_path.is_file():
        last = output.strip().splitlines()[-1:] or ["no output"]
        return None, f"crashed: {last[0][:300]}"
    return json.loads(result_path.read_text()), ""


def _execute(
    source_path: Path, result_path: Path, timeout: float, tests: int
) -> None:
    """Run every cell, errors included (the child process of :func:`_run`).

    The student's cells share ``timeout`` seconds: a cell still running
    then is interrupted and the later ones are skipped; each of the last
    ``tests`` cells (the grader's) gets ``timeout`` seconds of its own. A
    kernel that dies stops the run. What happened is written to the
    notebook's metadata under :data:`EVENTS_KEY`.
    """
    from nbclient import NotebookClient
    from nbclient.exceptions import DeadKernelError

    notebook = nbformat.read(source_path, as_version=4)
    client = NotebookClient(
        notebook, timeout=None, allow_errors=True, kernel_name="python3",
        interrupt_on_timeout=True,
        resources={"metadata": {"path": str(source_path.parent)}},
    )  # fmt: skip
    events, skipped, first_test = [], [], len(notebook.cells) - tests
    with client.setup_kernel():
        deadline = time.monotonic() + timeout
        for index, cell in enumerate(notebook.cells):
            if index == first_test:
                deadline = math.inf
                if skipped:
                    events.append(
                        f"cells {skipped[0]}-{skipped[-1]}: not run "
                        "(time limit)"
                    )
            if cell.cell_type != "code":
                continue
            left = deadline - time.monotonic()
            if left <= 0:
                skipped.append(index + 1)
                continue
            limit = timeout if index >= first_test else left
            client.timeout = max(1, math.ceil(limit))
            where = (
                f"the hidden test of {cell.metadata.get(TEST_KEY)}"
                if index >= first_test
                else f"cell {index + 1}"
            )
            started = time.monotonic()
            try:
                client.execute_cell(cell, index)
            except DeadKernelError:
                events.append(f"{where}: the kernel died")
                notebook.metadata[EVENTS_KEY] = {
                    "events": events, "stopped": index,
                }  # fmt: skip
                break
            if time.monotonic() - started >= client.timeout:
                events.append(
                    f"{where}: stopped at the time limit ({client.timeout} s)"
                )
        else:
            notebook.metadata[EVENTS_KEY] = {"events": events}
    nbformat.write(notebook, result_path)


def _feedback_row(student, name, chapter, test, feedback) -> Row:
    """The row of a check's result; a malformed result is a failure."""
    try:
        score, passed = float(feedback["score"]), feedback["passed"]
        messages = " ".join(str(m) for m in feedback["messages"])
        valid = (
            0.0 <= score <= 1.0 and isinstance(passed, bool)
            and (score == 1.0 or not passed)
        )  # fmt: skip
    except (TypeError, KeyError, ValueError):
        valid = False
    if not valid:
        return _row(student, name, chapter, test, 0.0, False, "graded",
                    "the check's result is malformed")  # fmt: skip
    return _row(student, name, chapter, test, score, passed, "graded",
                messages)  # fmt: skip


#: Run before each hidden test: hooks the student registered are removed
#: (they could show results of their own after the check's), and the
#: checks are imported afresh, so a check redefined or monkeypatched by the
#: student's cells (or a replaced Feedback) is not the one that grades.
_FRESH_CHECKS = """\
import importlib as _grader_importlib, sys as _grader_sys
for _grader_event in ("pre_execute", "pre_run_cell", "post_execute",
                      "post_run_cell"):
    get_ipython().events.callbacks[_grader_event].clear()
for _grader_name in [m for m in _grader_sys.modules
                     if m.startswith("aeutils.exercises")]:
    del _grader_sys.modules[_grader_name]
exercises = _grader_importlib.import_module("aeutils.exercises")
"""


def _test_cell(test: _Test) -> nbformat.NotebookNode:
    cell = nbformat.v4.new_code_cell(_FRESH_CHECKS + test.code)
    cell.metadata[TEST_KEY] = test.label
    return cell


def _result(student, name, chapter, test, cell) -> Row:
    """Read a test's result: only the check's return value (the cell's
    ``execute_result``, the last one) counts, not what the student's code
    displayed while the check ran it."""
    results = [
        output for output in cell.get("outputs", [])
        if output.get("output_type") == "execute_result"
        and FEEDBACK_KEY in output.get("metadata", {})
    ]  # fmt: skip
    if results:
        feedback = results[-1]["metadata"][FEEDBACK_KEY]
        return _feedback_row(student, name, chapter, test, feedback)
    for output in cell.get("outputs", []):
        if output.get("output_type") == "error":
            message = f"{output['ename']}: {output['evalue']}".strip()
            return _row(student, name, chapter, test, 0.0, False, "graded",
                        message)  # fmt: skip
    # A pass comes only from a check's own result: a cell that shows none
    # (a check replaced by a stub, a run stopped early) scores nothing.
    return _row(
        student,
        name,
        chapter,
        test,
        0.0,
        False,
        "graded",
        "the check showed no result (was it replaced or redefined?)",
    )


def _errors(cells: list[dict]) -> list[str]:
    """Every error the student's cells raised, one line each."""
    found = []
    for index, cell in enumerate(cells):
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                text = f"{output.get('ename')}: {output.get('evalue')}"
                found.append(f"cell {index + 1}: {text.strip()[:200]}")
    return found


def _read(path: Path) -> tuple[nbformat.NotebookNode | None, str]:
    try:
        text = path.read_text(encoding="utf-8")
        notebook = nbformat.reads(text, as_version=4)
        nbformat.validate(notebook)
    except Exception as exc:  # noqa: BLE001 (any unreadable file is the
        # student's error, reported in the CSV)
        return None, f"{type(exc).__name__}: {exc}"[:300]
    return notebook, ""


def _grade(
    path: Path, student: str, chapters: dict[str, Chapter], timeout: float
) -> list[Row]:
    name = path.name
    submission, problem = _read(path)
    chapter, how = identify(submission, name, chapters)
    if chapter is None:
        return [Row(student, name, "", "", "", 0.0, 0.0, False,
                    "unknown notebook", how, problem, "no")]  # fmt: skip
    if not chapter.tests:
        return [Row(student, name, chapter.stem, "", "", 0.0, 0.0, False,
                    "no autograded exercises", how, problem)]  # fmt: skip
    if submission is None:
        return _failed(student, name, chapter, "invalid notebook", problem,
                       problem)  # fmt: skip
    for cell in submission.cells:  # a student's cell posing as a test
        cell.metadata.pop(TEST_KEY, None)
    first_test = len(submission.cells)
    submission.cells += [_test_cell(test) for test in chapter.tests]
    with tempfile.TemporaryDirectory() as workdir:
        executed, error = _run(dict(submission), timeout, Path(workdir),
                               len(chapter.tests))  # fmt: skip
    if executed is None:
        status = error.split(":")[0]
        return _failed(student, name, chapter, status, error, error)
    record = executed.get("metadata", {}).get(EVENTS_KEY, {})
    errors = "; ".join(
        _errors(executed["cells"][:first_test]) + record.get("events", [])
    )  # fmt: skip
    stopped = record.get("stopped", math.inf)
    rows = []
    for offset, test in enumerate(chapter.tests):
        if first_test + offset >= stopped:
            row = _row(student, name, chapter, test, 0.0, False, "crashed",
                       "the kernel died before this test ended")  # fmt: skip
        else:
            cell = executed["cells"][first_test + offset]
            row = _result(student, name, chapter, test, cell)
        rows.append(replace(row, errors=errors))
    return rows


def grade_notebook(
    path: Path, *, student: str, book: Path, timeout: float = 600.0
) -> list[Row]:
    """Grade one submitted notebook against its chapter in ``book``.

    The chapter is recognised from the notebook's content (see
    :func:`identify`). Returns one :class:`Row` per autograder test of the
    chapter (or one row saying why the file could not be graded). Never
    raises for a bad submission.
    """
    return _grade(Path(path), student, load_chapters(Path(book)), timeout)


def _choose(results: list[tuple[Path, list[Row]]]) -> list[Row]:
    """Mark which notebook of a chapter counts when there are several."""
    if len(results) == 1:
        return results[0][1]

    def rank(item: tuple[Path, list[Row]]) -> tuple:
        path, rows = item
        exact = original_stem(path.name) == path.stem == rows[0].chapter
        return (-sum(r.score for r in rows), not exact, path.name)

    best_path, _ = min(results, key=rank)
    rows = []
    for path, result in results:
        counted = (
            f"yes: the best of {len(results)} notebooks of this chapter"
            if path == best_path
            else f"no: {best_path.name} scored higher or the same "
            "(the best-scoring notebook counts)"
        )  # fmt: skip
        rows += [replace(row, counted=counted) for row in result]
    return rows


def _student_rows(
    student: str,
    graded: list[tuple[Path, list[Row]]],
    expected: list[Chapter],
) -> list[Row]:
    by_chapter: dict[str, list[tuple[Path, list[Row]]]] = {}
    rows = []
    for path, result in graded:
        chapter = result[0].chapter if result else ""
        if chapter and result[0].exercise:
            by_chapter.setdefault(chapter, []).append((path, result))
        else:
            rows += result
    for results in by_chapter.values():
        rows += _choose(results)
    for chapter in expected:
        if chapter.stem not in by_chapter:
            rows += [
                Row(student, "", chapter.stem, t.label, t.number, 0.0, 1.0,
                    False, "missing", "no notebook of this chapter")
                for t in chapter.tests
            ]  # fmt: skip
    counted = [r for r in rows if r.counted.startswith("yes")]
    score = sum(r.score for r in counted)
    most = sum(r.max_score for r in counted)
    with_errors = sorted({r.notebook for r in rows if r.errors})
    errors = "errors in " + ", ".join(with_errors) if with_errors else ""
    rows.append(Row(student, "", "", "TOTAL", "", score, most,
                    score == most and most > 0, "total",
                    f"{score:g} of {most:g}", errors))  # fmt: skip
    return rows


def grade_folder(
    submissions: Path,
    *,
    book: Path,
    timeout: float = 600.0,
    jobs: int = 1,
    chapters: list[str] | None = None,
) -> list[Row]:
    """Grade every student's notebooks; add a ``TOTAL`` row per student.

    Parameters
    ----------
    submissions
        A folder with one folder per student, holding their notebooks.
    book
        The instructor's chapters (with solutions and hidden tests).
    timeout
        Seconds the student's cells of one notebook may run (and each
        hidden test, on top).
    jobs
        How many notebooks run at the same time.
    chapters
        The chapter stems every student should hand in (``"01_pca"``); a
        chapter without a notebook counts 0 of its maximum. By default the
        chapters with autograded exercises that some student's notebook
        was recognised as (all of them if none was).

    Raises
    ------
    ValueError
        If a folder does not exist, ``jobs`` is not a positive int or a
        chapter is not in ``book``.
    """
    for folder, what in ((submissions, "submissions"), (book, "book")):
        if not Path(folder).is_dir():
            raise ValueError(f"the {what} folder {folder} does not exist.")
    if isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 1:
        raise ValueError(f"jobs must be a positive int, got {jobs!r}.")
    known = load_chapters(Path(book))
    unknown = [stem for stem in chapters or [] if stem not in known]
    if unknown:
        raise ValueError(
            f"chapters {unknown} are not in {book}; "
            f"choose from {sorted(known)}."
        )
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
        return _grade(path, student, known, timeout)

    with ThreadPoolExecutor(max_workers=jobs) as pool:
        graded = list(pool.map(grade, work))
    if chapters is None:
        seen = {r.chapter for result in graded for r in result}
        chapters = [s for s in known if s in seen and known[s].tests]
        chapters = chapters or [s for s in known if known[s].tests]
    expected = [known[stem] for stem in chapters]
    rows = []
    for folder in students:
        mine = [
            (path, result)
            for (student, path), result in zip(work, graded)
            if student == folder.name
        ]
        rows += _student_rows(folder.name, mine, expected)
    return rows


def write_csv(rows: list[Row], out: Path) -> None:
    """Write the rows with a header line."""
    with open(out, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=FIELDS)
        writer.writeheader()
        writer.writerows(asdict(row) for row in rows)


_LAYOUT = """\
expected folder layout (one folder per student, the chapter notebooks of
the student edition inside):

  SUBMISSIONS/
    alice/01_pca.ipynb
    alice/02_linear_autoencoder.ipynb
    bob/01_pca (1).ipynb

A notebook's chapter is recognised by its content (its exercise labels or
metadata), then by its file name, so renamed copies are graded; each is
graded against the instructor's chapter in --book. The scores go to --out
as CSV: one row per student, notebook and exercise, with the errors the
student's cells raised, and one TOTAL row per student. Of two notebooks of
one chapter the best-scoring one counts (column "counted").
"""


def main(argv: list[str] | None = None) -> None:
    if argv is None:
        argv = sys.argv[1:]
    if argv[:1] == ["--execute"]:
        _execute(Path(argv[1]), Path(argv[2]), float(argv[3]), int(argv[4]))
        return
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0],
        epilog=_LAYOUT,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("submissions", type=Path,
                        help="one folder per student")  # fmt: skip
    parser.add_argument("--out", type=Path, default=Path("scores.csv"))
    parser.add_argument(
        "--book",
        type=Path,
        default=Path("book"),
        help="the instructor's chapters (with solutions)",
    )
    parser.add_argument("--timeout", type=float, default=600.0,
                        help="seconds for the student's cells of one "
                        "notebook, and for each hidden test")  # fmt: skip
    parser.add_argument("--jobs", type=int, default=1,
                        help="notebooks graded at the same time "
                        "(one per CPU core)")  # fmt: skip
    parser.add_argument("--chapters", nargs="+", metavar="STEM",
                        help="chapters every student hands in, e.g. 01_pca "
                        "(default: those anyone handed in)")  # fmt: skip
    args = parser.parse_args(argv)
    try:
        rows = grade_folder(args.submissions, book=args.book.resolve(),
                            timeout=args.timeout, jobs=args.jobs,
                            chapters=args.chapters)  # fmt: skip
    except ValueError as error:
        parser.error(str(error))
    write_csv(rows, args.out)
    print(f"wrote {len(rows)} rows to {args.out}")


if __name__ == "__main__":
    main()
