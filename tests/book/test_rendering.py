"""What the rendered book shows: numbered exercises, no Colab-only lines.

Builds a two-page book (the small chapter of ``_assignment_fixtures``,
executed, so its checks display their feedback) with the course's
``_config.yml`` and ``_ext``: about 15 s.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
import yaml

from _assignment_fixtures import chapter

ROOT = Path(__file__).resolve().parents[2]


def _env_with_course() -> dict:
    """The environment with the repository root importable (``course/``)."""
    paths = [str(ROOT), os.environ.get("PYTHONPATH", "")]
    return {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in paths if p)}


@pytest.fixture(scope="module")
def built_book(tmp_path_factory) -> Path:
    """Two numbered parts: ``01_small`` in the first, ``04_small`` in the second."""
    book = tmp_path_factory.mktemp("book")
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    (book / "_config.yml").write_text(yaml.safe_dump(config))
    shutil.copytree(ROOT / "_ext", book / "_ext")
    (book / "book").mkdir()
    (book / "book" / "intro.md").write_text("# Intro\n")
    nbformat.write(chapter(), book / "book" / "01_small.ipynb")
    third = chapter()
    title = third.cells[0] if third.cells[0].cell_type == "markdown" else third.cells[1]
    title.source = title.source.replace("# 1. ", "# 4. ", 1)
    for cell in third.cells:  # exercise labels are unique in a book
        cell.source = cell.source.replace("ex-", "ex4-")
    nbformat.write(third, book / "book" / "04_small.ipynb")
    toc = {
        "format": "jb-book",
        "root": "book/intro",
        "parts": [
            {"caption": "Part", "numbered": 1, "chapters": [{"file": "book/01_small"}]},
            {"caption": "Two", "numbered": 1, "chapters": [{"file": "book/04_small"}]},
        ],
    }
    (book / "_toc.yml").write_text(yaml.safe_dump(toc))
    jupyter_book = Path(sys.executable).with_name("jupyter-book")
    subprocess.run(
        [str(jupyter_book), "build", str(book), "--warningiserror", "--keep-going"],
        check=True, capture_output=True, env=_env_with_course(),
    )  # fmt: skip
    return book / "_build" / "html" / "book"


@pytest.fixture(scope="module")
def html(built_book) -> str:
    return (built_book / "01_small.html").read_text()


def _headings(page: str) -> list[str]:
    return [
        re.sub(r"<[^>]+>", "", h).strip()
        for h in re.findall(r"<h1>(.*?)</h1>", page, flags=re.S)
    ]  # fmt: skip


def test_exercises_are_numbered_per_chapter(html):
    assert "Exercise 1.1" in html and "Exercise 1.3" in html
    assert not re.search(r"Exercise 1\b(?!\.)", html)


def test_colab_title_lines_are_hidden_but_the_solution_code_shows(html):
    assert "@title" not in html
    assert "pca_reconstruct" in html and "k_90" in html


def test_feedback_renders_as_html_with_warnings_as_errors(html):
    assert "Correct: PCA reconstruction" in html
    assert "vnd.aeutils.feedback" not in html


def test_the_chapter_number_is_shown_once(html):
    headings = _headings(html)
    assert any(h.startswith("1. A small chapter") for h in headings), headings
    assert not any(h.startswith("1. 1.") for h in headings), headings


def test_a_later_part_continues_the_numbering_in_toc_order(built_book):
    # Sphinx starts every numbered part at 1; _ext numbers chapters in the
    # order of the table of contents, so 04_small (second in the toc) is 2,
    # and its hand-written "4." (its file's number, for Colab) is dropped.
    page = (built_book / "04_small.html").read_text()
    headings = _headings(page)
    assert any(h.startswith("2. A small chapter") for h in headings), headings
    assert not any(h.startswith("2. 4.") for h in headings), headings
    assert "Exercise 2.1" in page and "Exercise 2.3" in page
    assert not re.search(r"Exercise [14]\.\d", page)
    sidebar = re.sub(r"<[^>]+>", "", page)
    assert re.search(r"2\.\s*A small chapter", sidebar)
