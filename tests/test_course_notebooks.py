"""course/notebooks.py: the one reader of ``_toc.yml`` (the chapter list)."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from course import notebooks

ROOT = Path(__file__).resolve().parents[1]


def _toc(tmp_path: Path) -> Path:
    toc = {
        "format": "jb-book",
        "root": "book/intro",
        "parts": [
            {"caption": "Start", "chapters": [{"file": "book/notation"}]},
            {"caption": "One", "numbered": 1, "chapters": [
                {"file": "book/01_a", "sections": [{"file": "book/01_a_more"}]},
                {"file": "book/03_b"},
            ]},
        ],
    }
    (tmp_path / "_toc.yml").write_text(yaml.safe_dump(toc))
    return tmp_path


def test_toc_pages_lists_root_chapters_and_sections_in_book_order(tmp_path):
    pages = notebooks.toc_pages(_toc(tmp_path))
    assert [(p["file"], p["kind"], p["numbered"], p["part"]) for p in pages] == [
        ("book/intro", "root", False, ""),
        ("book/notation", "chapter", False, "Start"),
        ("book/01_a", "chapter", True, "One"),
        ("book/01_a_more", "section", True, "One"),
        ("book/03_b", "chapter", True, "One"),
    ]


def test_toc_files_are_the_root_and_chapters_without_sections(tmp_path):
    assert notebooks.toc_files(_toc(tmp_path)) == [
        ("book/intro", False), ("book/notation", False),
        ("book/01_a", True), ("book/03_b", True),
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
        p.name for p in sources
        if p.name not in ("notebooks.py", "student.py")
        and re.search(r"safe_load\([^)]*_toc\.yml", p.read_text())
    ]
    assert readers == []
