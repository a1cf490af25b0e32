"""One execution per notebook: nbval runs it, the test book renders that run.

The fixture book (tests/fixtures/executed_book) has a chapter that prints a
random number (only the execution that printed it knows it) and appends a
line to a marker file each time it runs, and a MyST Markdown notebook.
These tests run the real chain on it: nbval with the recording plugin
(course/executed.py), then the mirror build with execution off
(course/prebuilt.py).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from course import executed, prebuilt

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests" / "fixtures" / "executed_book"


def _book(tmp_path: Path) -> Path:
    book = tmp_path / "book-root"
    shutil.copytree(FIXTURE, book)
    (book / "_ext").symlink_to(ROOT / "_ext")  # the chapter map's extension
    return book


def _nbval(book: Path, marker: Path, *extra: str) -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items() if key != "AEUTILS_RESULTS_DIR"}
    env = {**env, "EXECUTION_MARKER": str(marker),
           "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    return subprocess.run(
        [sys.executable, "-m", "pytest", "book", "--nbval-lax", "--nbval-current-env",
         "-p", "no:cacheprovider", "-p", "course.executed",
         "--executed-dir", "executed", "--rootdir", str(book), "-q", *extra],
        cwd=book, env=env, capture_output=True, text=True, check=False,
    )


def _printed_value(notebook: nbformat.NotebookNode) -> str:
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            match = re.search(r"value = (\d+)", output.get("text", ""))
            if match:
                return match.group(1)
    raise AssertionError("no 'value = N' output in the executed notebook")


def test_the_book_renders_what_nbval_executed_and_executes_nothing(tmp_path):
    book, marker = _book(tmp_path), tmp_path / "marker.txt"
    run = _nbval(book, marker)
    assert run.returncode == 0, run.stdout + run.stderr
    assert marker.read_text().count("executed") == 1
    chapter = nbformat.read(book / "executed" / "book" / "01_tiny.ipynb", as_version=4)
    value = _printed_value(chapter)
    # The display updated in place (train.fit's progress line) keeps its
    # final text, as in a build that executes.
    text = json.dumps([c.get("outputs") for c in chapter.cells])
    assert "Trained: final loss 0.125" in text and "Training..." not in text
    record = chapter.metadata[executed.METADATA_KEY]
    assert record["seconds"] > 0 and len(record["cell_seconds"]) == 3
    assert "01_tiny.ipynb" in run.stdout  # the per-notebook seconds table
    # The results page sorts first but gathers, so it ran after the chapter
    # and read what the chapter recorded in this run (aeutils.results finds
    # _build/course-results from the kernel's folder, book/).
    results = nbformat.read(book / "executed" / "book" / "00_results.ipynb", as_version=4)
    assert f"recorded = {value}" in json.dumps(results.cells[1].outputs)
    assert (book / "_build" / "course-results" / "01_tiny.json").is_file()
    guide = nbformat.read(book / "executed" / "book" / "guide.ipynb", as_version=4)
    assert "guide says 42" in json.dumps(guide.cells[-1].outputs)

    source = prebuilt.write_source_tree(book / "executed", book / "_build" / "test", root=book)
    assert json.loads((source / "book" / "01_tiny.ipynb").read_text())["cells"][2]["outputs"]
    assert not (source / "book" / "guide.md").exists()
    prebuilt.build(source, book / "_build" / "test")

    assert marker.read_text().count("executed") == 1, "the book build executed a notebook"
    log = (book / "_build" / "test" / "build.log").read_text()
    assert prebuilt.EXECUTION_LOG not in log
    html = book / "_build" / "test" / "_build" / "html" / "book"
    assert f"value = {value}" in (html / "01_tiny.html").read_text()
    assert "guide says 42" in (html / "guide.html").read_text()
    assert f"recorded = {value}" in (html / "00_results.html").read_text()
    # The intro's chapter map, generated from _toc.yml and the recorded times.
    intro = (html / "intro.html").read_text()
    assert re.search(r'href="01_tiny.html"[^>]*>.*Tiny chapter', intro, re.DOTALL)
    assert "12\u00a0s" in intro and "Times measured on: fixture machine." in intro


def test_a_build_that_executes_is_refused(tmp_path, monkeypatch, capsys):
    script = tmp_path / "jupyter-book"
    script.write_text("#!/bin/sh\necho 'Executing notebook using local CWD [mystnb]'\n")
    script.chmod(0o755)
    with pytest.raises(SystemExit, match="executed notebooks"):
        prebuilt.build(tmp_path, tmp_path / "out", jupyter_book=str(script))


def test_a_raising_cell_fails_naming_the_notebook_and_the_cell(tmp_path):
    book, marker = _book(tmp_path), tmp_path / "marker.txt"
    path = book / "book" / "01_tiny.ipynb"
    notebook = nbformat.read(path, as_version=4)
    notebook.cells[2].source += "\nraise ValueError('broken on purpose')"
    nbformat.write(notebook, path)
    stale = book / "executed" / "book" / "01_tiny.ipynb"
    stale.parent.mkdir(parents=True)
    stale.write_text("{}")
    run = _nbval(book, marker)
    assert run.returncode != 0
    report = re.sub(r"\x1b\[[0-9;]*m", "", run.stdout)
    assert "FAILED book/01_tiny.ipynb::Cell 1" in report
    assert "ValueError: broken on purpose" in report
    # No executed copy: neither this failed run's nor an older one.
    assert not stale.exists()
    with pytest.raises(prebuilt.StaleExecution, match="no executed copy"):
        prebuilt.write_source_tree(book / "executed", book / "_build" / "test", root=book)


def test_a_change_in_how_nbval_reads_messages_fails_loudly(tmp_path):
    """If nbval stops reading through get_kernel_message, cells fail."""
    book, marker = _book(tmp_path), tmp_path / "marker.txt"
    (book / "conftest.py").write_text(
        "import pytest\n\n\n"
        "@pytest.hookimpl(trylast=True)\n"
        "def pytest_runtest_setup(item):\n"
        "    # What a new nbval might do: read the kernel directly.\n"
        "    notebook = item.parent\n"
        "    notebook.get_kernel_message = lambda timeout=None, stream='iopub': (\n"
        "        notebook.kernel.get_message(stream, timeout=timeout))\n"
    )
    run = _nbval(book, marker, "-k", "01_tiny")
    assert run.returncode != 0
    assert "nbval's internals changed" in run.stdout
    assert not (book / "executed" / "book" / "01_tiny.ipynb").exists()


def _fake_executed(book: Path, source: Path, *, run_all: bool = True) -> Path:
    notebook = executed.read_notebook(source)
    for number, cell in enumerate(c for c in notebook.cells if c.cell_type == "code"):
        cell.execution_count = number + 1 if run_all or number == 0 else None
    notebook.metadata[executed.METADATA_KEY] = {
        "source_sha256": executed.source_sha256(source)
    }
    target = executed.executed_path(book / "executed", source, book)
    target.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(notebook, target)
    return target


def test_the_mirror_refuses_stale_or_incomplete_executions(tmp_path):
    book = _book(tmp_path)
    out = book / "_build" / "test"
    chapter, guide = book / "book" / "01_tiny.ipynb", book / "book" / "guide.md"
    _fake_executed(book, guide)
    _fake_executed(book, book / "book" / "00_results.ipynb")
    _fake_executed(book, chapter, run_all=False)
    with pytest.raises(prebuilt.StaleExecution, match=r"code cell\(s\) \[1, 2\]"):
        prebuilt.write_source_tree(book / "executed", out, root=book)
    _fake_executed(book, chapter)
    source = prebuilt.write_source_tree(book / "executed", out, root=book)
    assert (source / "book" / "intro.md").is_file()
    config = (source / "_config.yml").read_text()
    assert "execute_notebooks: 'off'" in config or "execute_notebooks: off" in config
    chapter.write_text(chapter.read_text().replace("one number", "a number"))
    with pytest.raises(prebuilt.StaleExecution, match="another version"):
        prebuilt.write_source_tree(book / "executed", out, root=book)


def test_the_test_build_config_serves_mathjax_locally_and_executes_nothing():
    config = prebuilt.build_config(ROOT)
    assert config["execute"]["execute_notebooks"] == "off"
    assert config["sphinx"]["config"]["mathjax_path"].startswith("_mathjax/")
    for path in config["sphinx"]["local_extensions"].values():
        assert Path(path).is_absolute() and Path(path).is_dir()


def test_nbval_is_pinned_to_the_version_the_plugin_was_written_for():
    import nbval

    pins = re.findall(r"^nbval==([\w.]+)$", (ROOT / "requirements.txt").read_text(), re.MULTILINE)
    assert pins == [nbval.__version__]


def test_ci_parts_cover_every_notebook_once_and_gather_pages_last():
    book = ROOT / "book"
    times = {"01_pca.ipynb": 30.0, "03_deep_autoencoder.ipynb": 130.0}
    parts = [executed.split(book, f"{i}/2", times) for i in (1, 2)]
    gather = executed.split(book, "gather", times)
    names = [p.name for part in (*parts, gather) for p in part]
    assert sorted(names) == sorted(p.name for p in executed.notebooks(book))
    assert len(names) == len(set(names)) and all(parts)
    assert "14_course_results.ipynb" in {p.name for p in gather}
    assert "instructor_guide.md" in names
    with pytest.raises(ValueError, match="'i/n'"):
        executed.split(book, "3/2", times)
