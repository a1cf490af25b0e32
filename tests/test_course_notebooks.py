"""course/notebooks.py: the one reader of ``_toc.yml`` (the chapter list)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import _assignment_fixtures
import pytest
import yaml

from course import notebooks

ROOT = Path(__file__).resolve().parents[1]


def _toc(tmp_path: Path) -> Path:
    toc = {
        "format": "jb-book",
        "root": "book/intro",
        "parts": [
            {"caption": "Start", "chapters": [{"file": "book/notation"}]},
            {
                "caption": "One",
                "numbered": 1,
                "chapters": [
                    {
                        "file": "book/01_a",
                        "sections": [{"file": "book/01_a_more"}],
                    },
                    {"file": "book/03_b"},
                ],
            },
        ],
    }
    (tmp_path / "_toc.yml").write_text(yaml.safe_dump(toc))
    return tmp_path


def test_toc_pages_lists_root_chapters_and_sections_in_book_order(tmp_path):
    pages = notebooks.toc_pages(_toc(tmp_path))
    assert [
        (p["file"], p["kind"], p["numbered"], p["part"]) for p in pages
    ] == [
        ("book/intro", "root", False, ""),
        ("book/notation", "chapter", False, "Start"),
        ("book/01_a", "chapter", True, "One"),
        ("book/01_a_more", "section", True, "One"),
        ("book/03_b", "chapter", True, "One"),
    ]


def test_toc_files_are_the_root_and_chapters_without_sections(tmp_path):
    assert notebooks.toc_files(_toc(tmp_path)) == [
        ("book/intro", False),
        ("book/notation", False),
        ("book/01_a", True),
        ("book/03_b", True),
    ]


def test_toc_pages_reads_the_toc_from_a_folder_below_the_root(tmp_path):
    root = _toc(tmp_path)
    (root / "book").mkdir()
    assert notebooks.toc_pages(root / "book") == notebooks.toc_pages(root)


def test_no_other_module_parses_the_toc_itself():
    """The extensions and the tooling ask course.notebooks for the pages
    (student.py loads it only to write the student edition's copy)."""
    sources = [*(ROOT / "course").glob("*.py"), *(ROOT / "_ext").glob("*.py")]
    readers = [
        p.name
        for p in sources
        if p.name not in ("notebooks.py", "student.py")
        and re.search(r"safe_load\([^)]*_toc\.yml", p.read_text())
    ]
    assert readers == []


@pytest.mark.parametrize(
    "name",
    [
        "01_pca.ipynb",
        "01_pca (1).ipynb",
        "01_pca (2) (1).ipynb",
        "01_pca-copy.ipynb",
        "01_pca-Copy1.ipynb",
        "01_pca copy.ipynb",
        "01_pca_copy.ipynb",
        "Copy of 01_pca.ipynb",
        "01_pca",
    ],
)
def test_original_stem_removes_what_copies_add(name):
    assert notebooks.original_stem(name) == "01_pca"


@pytest.mark.parametrize("name", ["submission.ipynb", "01_pcb.ipynb"])
def test_original_stem_keeps_other_names(name):
    assert notebooks.original_stem(name) == name.removesuffix(".ipynb")


def test_exercise_labels_are_read_from_the_student_edition():
    """A student's copy holds the exercise markers and the stub messages;
    either is enough to know the chapter."""
    from course.student import student_notebook

    chapter = json.loads(json.dumps(_assignment_fixtures.chapter()))
    expected = {"ex-reconstruct", "ex-k90", "ex-think"}
    assert notebooks.exercise_labels(chapter) == expected
    student = student_notebook(chapter, 1)
    assert notebooks.exercise_labels(student) == expected
    code_only = {**student, "cells": [
        c for c in student["cells"] if c["cell_type"] == "code"
    ]}  # fmt: skip
    assert notebooks.exercise_labels(code_only) == {"ex-reconstruct"}


def test_every_chapter_is_recognised_by_its_content_alone():
    """No two chapters of the book share their exercise labels, so the
    grader recognises a renamed submission of any of them."""
    from course.grade import identify, load_chapters
    from course.student import student_notebook

    known = load_chapters(ROOT / "book")
    for stem in known:
        path = ROOT / "book" / f"{stem}.ipynb"
        student = student_notebook(
            notebooks.read_notebook(path), notebooks.chapter_number(path)
        )
        chapter, how = identify(student, "submission.ipynb", known)
        assert chapter is not None and chapter.stem == stem, (stem, how)
