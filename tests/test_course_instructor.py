"""The instructor guide's tables, read from the chapters."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest

from _assignment_fixtures import chapter
from course import instructor, notebooks

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = sorted((ROOT / "book").glob("*.ipynb"))


def test_every_chapter_with_exercises_states_its_objectives():
    table = instructor.chapter_objectives(ROOT / "book")
    assert len(table) == len(CHAPTERS)
    numbers = set(instructor.exercise_plan(ROOT / "book")["exercise"].str.split(".").str[0])
    for path, row in zip(CHAPTERS, table.itertuples()):
        assert row.chapter, path.name
        if str(int(path.name[:2])) in numbers:
            assert len(row.objectives) >= 2, f"{path.name}: write 'In this chapter you will'"


def test_exercise_plan_lists_every_exercise_with_its_kind():
    plan = instructor.exercise_plan(ROOT / "book")
    assert set(plan["suggested for"]) <= {"lab", "homework"}
    assert (plan["kind"] == "autograded").any()
    chapters = {number.split(".")[0] for number in plan["exercise"]}
    # Every chapter but the closing page, which gathers results and teaches
    # nothing new (tests/book/test_chapters.py's NO_EXERCISES).
    teaching = [p for p in CHAPTERS if p.stem != "14_course_results"]
    assert chapters == {str(notebooks.chapter_number(p)) for p in teaching}


def test_exercise_plan_of_a_small_chapter(tmp_path):
    nbformat.write(chapter(), tmp_path / "01_small.ipynb")
    plan = instructor.exercise_plan(tmp_path)
    assert list(plan["exercise"]) == ["1.1", "1.2", "1.3"]
    assert list(plan["title"]) == ["Reconstruct", "90 %", "Think"]
    assert list(plan["kind"]) == ["autograded", "autograded", "written"]


def test_run_times_show_unmeasured_chapters_as_missing(tmp_path):
    nbformat.write(chapter(), tmp_path / "01_small.ipynb")
    nbformat.write(chapter(), tmp_path / "02_other.ipynb")
    times = tmp_path / "times.json"
    times.write_text(json.dumps({"laptop": {"01_small.ipynb": 42.0}}))
    table = instructor.run_times(tmp_path, times)
    assert table.loc["01_small.ipynb", "laptop"] == 42.0
    assert table["laptop"].isna().tolist() == [False, True]


def test_an_empty_folder_is_a_clear_error(tmp_path):
    with pytest.raises(ValueError, match="no chapter notebooks"):
        instructor.exercise_plan(tmp_path)
