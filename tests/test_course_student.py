"""The student edition: every solution removed, nothing else, stubs named."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from _assignment_fixtures import chapter
from course import notebooks
from aeutils.exercises.feedback import FEEDBACK_KEY
from course.student import student_notebook, write_student_edition

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = sorted((ROOT / "book").glob("*.ipynb"))


def _as_json(notebook) -> dict:
    return json.loads(nbformat.writes(notebook))


def _markdown(notebook: dict) -> str:
    return "\n".join(
        notebooks.source(c) for c in notebook["cells"] if c["cell_type"] == "markdown"
    )


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_student_edition_removes_every_solution_and_nothing_else(path):
    source = notebooks.read_notebook(path)
    number = notebooks.chapter_number(path)
    exercises = notebooks.find_exercises(source, number)
    student = student_notebook(source, number)

    mask = notebooks.solution_mask(source)
    removed = {
        i for i, (cell, inside) in enumerate(zip(source["cells"], mask))
        if (cell["cell_type"] == "code" and inside is True)
        or (cell["cell_type"] == "markdown" and all(inside))
    }  # fmt: skip
    removed |= {i for e in exercises for i in e.test_cells}
    kept = [c for i, c in enumerate(source["cells"]) if i not in removed]
    assert len(student["cells"]) == len(kept)
    assert [c["cell_type"] for c in student["cells"]] == [c["cell_type"] for c in kept]
    tags = Counter(t for c in student["cells"] for t in notebooks.tags(c))
    assert tags == Counter(t for c in kept for t in notebooks.tags(c))

    text = _markdown(student)
    assert "{solution-start}" not in text and "{solution-end}" not in text
    for exercise in exercises:
        assert f":label: {exercise.label}" in text
    assert text.count("{exercise-end}") == len(exercises)
    code = [notebooks.source(c) for c in student["cells"] if c["cell_type"] == "code"]
    assert not any(c.startswith("# @title Solution") for c in code)
    unchanged = [c for c in kept if c["cell_type"] == "code"]
    stubs = {i for e in exercises for i in e.stub_cells}
    changed = sum(
        notebooks.source(a) != notebooks.source(b)
        for a, b in zip(unchanged, (c for c in student["cells"] if c["cell_type"] == "code"))
    )
    assert changed <= len(stubs), "only stub cells may change"


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_every_coding_exercise_has_a_stub_that_names_it(path):
    source = notebooks.read_notebook(path)
    number = notebooks.chapter_number(path)
    student = student_notebook(source, number)
    code = "\n".join(
        notebooks.source(c) for c in student["cells"] if c["cell_type"] == "code"
    )
    assert not re.search(r"raise NotImplementedError(\(\))?\s*$", code, flags=re.M)
    for exercise in notebooks.find_exercises(source, number):
        if exercise.stub_cells:
            assert exercise.test_cells, f"{exercise.label}: a stub needs a hidden check"
        stub = "\n".join(notebooks.source(source["cells"][i]) for i in exercise.stub_cells)
        if "NotImplementedError" in stub:
            assert f"Exercise {exercise.number} ({exercise.label})" in code


def test_exercises_are_found_from_the_markers():
    found = notebooks.find_exercises(_as_json(chapter()), 1)
    assert [(e.label, e.number) for e in found] == [
        ("ex-reconstruct", "1.1"), ("ex-k90", "1.2"), ("ex-think", "1.3"),
    ]  # fmt: skip
    assert [(e.stub_cells, e.solution_cells, e.test_cells) for e in found] == [
        ([3], [5], [7]), ([9], [11], [13]), ([], [], []),
    ]  # fmt: skip


def test_student_edition_keeps_text_around_solutions():
    student = student_notebook(_as_json(chapter()), 1)
    text = _markdown(student)
    assert "Because." not in text and "crosses 0.9" not in text and "Centre" not in text
    assert "**Think.** Why?" in text and "That is all." in text
    assert "Exercise 1.1 (ex-reconstruct)" in notebooks.source(student["cells"][3])


def test_chapter_number_is_the_toc_position_else_the_file_name(tmp_path):
    numbered = [file for file, is_numbered in notebooks.toc_files(ROOT) if is_numbered]
    chapter = "book/12_variational_autoencoder"
    assert notebooks.chapter_number(ROOT / f"{chapter}.ipynb") == numbered.index(chapter) + 1
    # Outside the book (no _toc.yml above it) the file name's number counts.
    assert notebooks.chapter_number(tmp_path / "12_variational_autoencoder.ipynb") == 12
    with pytest.raises(ValueError, match="chapter number"):
        notebooks.chapter_number("book/intro.ipynb")


def test_write_student_edition_refuses_to_overwrite_the_book(tmp_path):
    with pytest.raises(ValueError, match="overwrite the book"):
        write_student_edition(ROOT, ROOT)


def test_write_student_edition_keeps_folders_it_did_not_write(tmp_path):
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(ValueError, match="not a student edition"):
        write_student_edition(ROOT, tmp_path)
    assert (tmp_path / "notes.txt").is_file()


def test_write_student_edition_is_a_book_without_the_instructor_part(tmp_path):
    written = write_student_edition(ROOT, tmp_path / "student")
    assert [p.name for p in written] == [p.name for p in CHAPTERS]
    toc = (tmp_path / "student" / "_toc.yml").read_text()
    assert "instructor" not in toc.lower()
    assert (tmp_path / "student" / "_config.yml").is_file()
    assert (tmp_path / "student" / "book" / "intro.md").is_file()
    write_student_edition(ROOT, tmp_path / "student")  # a second run replaces it


def test_real_student_edition_of_chapter_1_runs_and_fails_only_at_the_stubs(
    tmp_path, monkeypatch
):
    """Executes chapter 1's student edition: about a minute of CPU."""
    path = CHAPTERS[0]
    source = notebooks.read_notebook(path)
    exercises = notebooks.find_exercises(source, 1)
    student = nbformat.reads(json.dumps(student_notebook(source, 1)), as_version=4)
    client = NotebookClient(
        student, timeout=600, kernel_name="python3",
        resources={"metadata": {"path": str(tmp_path)}},
    )  # fmt: skip
    monkeypatch.setenv("AEUTILS_RESULTS_DIR", str(tmp_path))
    client.execute()  # raises on any error

    results = {}
    for cell in student.cells:
        for output in cell.get("outputs", []):
            if FEEDBACK_KEY in output.get("metadata", {}):
                results[cell.source] = output["metadata"][FEEDBACK_KEY]
    coding = [e for e in exercises if e.stub_cells]
    assert len(results) >= len([e for e in coding if e.is_coding])
    for result in results.values():
        assert not result["passed"] and result["score"] == 0
    messages = " ".join(m for r in results.values() for m in r["messages"])
    for exercise in coding:
        stub = notebooks.source(source["cells"][exercise.stub_cells[0]])
        if "NotImplementedError" in stub:
            assert f"Exercise {exercise.number}" in messages
