"""The intro's chapter map (_ext/chapter_map.py): every chapter, its time, never stale.

The rendered table is checked in tests/test_executed.py (a fixture book
built with the extension); here the rows it is made of.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import nbformat
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "_ext"))

import chapter_map


def _notebook(path: Path, markdown: str, metadata: dict | None = None) -> None:
    notebook = nbformat.v4.new_notebook()
    notebook.metadata.update(metadata or {})
    notebook.cells = [nbformat.v4.new_markdown_cell(markdown), nbformat.v4.new_code_cell("1")]
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(notebook, path)


@pytest.fixture
def book(tmp_path) -> Path:
    toc = {
        "format": "jb-book",
        "root": "book/intro",
        "parts": [
            {"caption": "One", "numbered": 1,
             "chapters": [{"file": "book/01_first"}, {"file": "book/04_second"}]},
            {"caption": "Two", "numbered": 1, "chapters": [{"file": "book/07_third"}]},
            {"caption": "Teachers", "chapters": [{"file": "book/guide"}]},
        ],
    }
    (tmp_path / "_toc.yml").write_text(yaml.safe_dump(toc))
    _notebook(tmp_path / "book/01_first.ipynb",
              "# 1. First things\n\nIt opens the course. Then more | text.")
    _notebook(tmp_path / "book/04_second.ipynb", "# 4. Second\n\nUnused paragraph.",
              {"course": {"summary": "Written in the metadata."}})
    _notebook(tmp_path / "book/07_third.ipynb", "# 9. Third\n\n" + "word " * 60)
    (tmp_path / "book/guide.md").write_text(
        "---\nkernelspec:\n  name: python3\n---\n\n# Guide\n\nFor teachers. Really.\n"
    )
    return tmp_path


def test_rows_follow_the_toc_numbering_chapters_across_numbered_parts(book):
    times = {"laptop": {"01_first.ipynb": 61.4}}
    rows = chapter_map.chapter_rows(book, times)
    assert [r["file"] for r in rows] == [
        "book/01_first", "book/04_second", "book/07_third", "book/guide"
    ]
    assert [r["number"] for r in rows] == [1, 2, 3, None]
    # The file's own number is dropped; a number that differs is kept.
    assert [r["title"] for r in rows] == ["First things", "Second", "9. Third", "Guide"]
    assert rows[0]["summary"] == "It opens the course."
    assert rows[1]["summary"] == "Written in the metadata."
    assert len(rows[2]["summary"]) <= chapter_map.SUMMARY_CHARS + 2
    assert rows[2]["summary"].endswith("…")
    assert rows[3]["summary"] == "For teachers."
    assert rows[0]["seconds"] == {"laptop": 61.4} and rows[1]["seconds"] == {"laptop": None}


def test_the_table_links_each_chapter_and_says_what_is_not_measured(book):
    rows = chapter_map.chapter_rows(book, {"laptop": {"01_first.ipynb": 61.4}})
    lines = chapter_map.markdown_table(rows, ["laptop"])
    assert lines[0] == "|  | chapter | what it is about | time |"
    assert lines[2] == "| 1 | {doc}`First things </book/01_first>` | It opens the course. | 61\u00a0s |"
    assert lines[3].endswith("| not measured yet |")
    assert lines[5].startswith("|  | {doc}`Guide </book/guide>`") and lines[5].endswith("| – |")
    unmeasured = chapter_map.markdown_table(chapter_map.chapter_rows(book, {}), [])
    assert unmeasured[0].endswith("| time |") and "not measured yet" in unmeasured[2]
    two = {"laptop": {"01_first.ipynb": 61.4}, "colab": {"01_first.ipynb": 20.0}}
    lines = chapter_map.markdown_table(chapter_map.chapter_rows(book, two), list(two))
    assert lines[0].endswith("| laptop | colab |") and lines[2].endswith("| 61\u00a0s | 20\u00a0s |")


def test_an_executed_copy_of_a_markdown_page_is_not_timed(book):
    # In the test build, guide.md is rendered from guide.ipynb (executed).
    (book / "book/guide.md").unlink()
    _notebook(book / "book/guide.ipynb", "# Guide\n\nFor teachers.",
              {"course_execution": {"source": "guide.md"}})
    rows = chapter_map.chapter_rows(book, {"laptop": {}})
    assert rows[3]["title"] == "Guide" and not rows[3]["timed"]
    assert chapter_map.markdown_table(rows, ["laptop"])[5].endswith("| – |")


def test_a_pipe_or_angle_bracket_in_a_title_does_not_break_the_table(book):
    _notebook(book / "book/01_first.ipynb", "# 1. In | out <x>\n\nA | B.")
    line = chapter_map.markdown_table(chapter_map.chapter_rows(book, {}), [])[2]
    assert "In \\| out \\<x\\> </book/01_first>" in line and "A \\| B." in line


def test_the_real_book_lists_every_toc_page_with_the_recorded_times():
    times = json.loads((ROOT / chapter_map.TIMES_FILE).read_text())
    rows = chapter_map.chapter_rows(ROOT, times)
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    listed = [c["file"] for part in toc["parts"] for c in part["chapters"]]
    assert [r["file"] for r in rows] == listed
    numbers = [r["number"] for r in rows if r["number"] is not None]
    assert numbers == list(range(1, len(numbers) + 1))
    assert all(r["title"] and r["summary"] for r in rows)
    label = next(iter(times))
    chapter = next(r for r in rows if r["number"] == 1)
    assert chapter["timed"] and chapter["seconds"][label] == times[label][chapter["path"].name]
    assert all(not r["timed"] for r in rows if r["path"].suffix == ".md")


def test_the_intro_shows_the_generated_map_and_promises_no_fixed_time():
    intro = (ROOT / "book" / "intro.md").read_text()
    assert "```{chapter-map}" in intro
    assert "about a minute" not in intro
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    assert config["sphinx"]["local_extensions"]["chapter_map"] == "_ext/"
