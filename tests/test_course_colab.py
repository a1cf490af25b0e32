"""The Colab path, checked as far as a machine without Colab or a GPU allows."""

from __future__ import annotations

import re
import sys
import types
from pathlib import Path

import pytest
import yaml
from IPython.core.interactiveshell import InteractiveShell

from course import colab as prepare
from course import notebooks

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = notebooks.chapters(ROOT)
CONFIG = yaml.safe_load((ROOT / "_config.yml").read_text())
TOC = yaml.safe_load((ROOT / "_toc.yml").read_text())




@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_every_solution_cell_opens_folded_in_colab_and_jupyterlab(path):
    notebook = notebooks.read_notebook(path)
    mask = notebooks.solution_mask(notebook)
    solutions = [
        cell for cell, inside in zip(notebook["cells"], mask)
        if cell["cell_type"] == "code" and inside is True
    ]  # fmt: skip
    exercises = notebooks.find_exercises(notebook, notebooks.chapter_number(path))
    assert len(solutions) >= sum(e.is_coding for e in exercises)
    for cell in solutions:
        assert notebooks.source(cell).startswith("# @title Solution\n"), (
            f"{path.name}: run python -m course.colab"
        )
        assert cell["metadata"].get("cellView") == "form"
        assert cell["metadata"].get("jupyter", {}).get("source_hidden") is True


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_colab_cell_is_the_one_written_from_the_config(path):
    first = notebooks.read_notebook(path)["cells"][0]
    assert notebooks.source(first) == prepare.colab_cell_source(CONFIG), (
        f"{path.name}: run python -m course.colab"
    )
    assert "remove-cell" in notebooks.tags(first)


def _run_in_fake_colab(code: str, monkeypatch) -> list:
    """Run code in IPython with google.colab faked and %pip recorded."""
    calls: list = []
    output = types.ModuleType("google.colab.output")
    output.enable_custom_widget_manager = lambda: calls.append("widget manager")
    colab = types.ModuleType("google.colab")
    colab.output = output
    if "google" not in sys.modules:
        monkeypatch.setitem(sys.modules, "google", types.ModuleType("google"))
    monkeypatch.setitem(sys.modules, "google.colab", colab)
    monkeypatch.setitem(sys.modules, "google.colab.output", output)
    shell = InteractiveShell.instance()
    monkeypatch.setitem(
        shell.magics_manager.magics["line"], "pip", lambda line: calls.append(line)
    )
    shell.run_cell(code).raise_error()
    return calls


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_colab_cell_installs_the_configured_repository_in_fake_colab(path, monkeypatch):
    code = notebooks.source(notebooks.read_notebook(path)["cells"][0])
    repository = CONFIG["repository"]
    expected = (
        f'install --quiet "aeutils @ git+{repository["url"]}@{repository["branch"]}"'
    )
    assert _run_in_fake_colab(code, monkeypatch) == [expected, "widget manager"]


def test_colab_cell_does_nothing_outside_colab(monkeypatch):
    code = prepare.colab_cell_source(CONFIG)
    assert "google.colab" not in sys.modules
    calls = []
    shell = InteractiveShell.instance()
    monkeypatch.setitem(
        shell.magics_manager.magics["line"], "pip", lambda line: calls.append(line)
    )
    shell.run_cell(code).raise_error()
    assert calls == []


def test_the_script_is_idempotent_and_follows_a_fork(tmp_path):
    notebook = notebooks.read_notebook(CHAPTERS[0])
    fork = {"repository": {"url": "https://github.com/someone/my-fork", "branch": "main"}}
    code = prepare.colab_cell_source(fork)
    path = tmp_path / CHAPTERS[0].name
    notebooks.write_notebook(notebook, path)
    assert prepare.prepare_notebook(path, colab_code=code, check=False) == [0]
    assert prepare.prepare_notebook(path, colab_code=code, check=False) == []
    first = notebooks.source(notebooks.read_notebook(path)["cells"][0])
    assert '"someone/my-fork@main"' in first


def _receiver(text: str) -> str:
    """The expression that ends ``text``: ``f(a[1]).cpu()`` in ``y = f(a[1]).cpu()``."""
    depth = 0
    for position in range(len(text) - 1, -1, -1):
        char = text[position]
        if char in ")]":
            depth += 1
        elif char in "([" and depth:
            depth -= 1
        elif depth == 0 and (char.isspace() or char in ",=({[+-*/@"):
            return text[position + 1 :]
    return text


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_outputs_move_to_the_cpu_before_numpy(path):
    """On a GPU `.numpy()` of a CUDA tensor raises: chain `.cpu()` before it.

    A static check: every `.numpy()` in the chapter's code must follow a
    `.cpu()` in the same expression. (`aeutils.train.predict` and the
    aeutils plots already move their inputs to the CPU.)
    """
    notebook = notebooks.read_notebook(path)
    for cell in notebook["cells"]:
        if cell["cell_type"] != "code":
            continue
        for line in notebooks.source(cell).splitlines():
            for match in re.finditer(r"\.numpy\(\)", line):
                chain = _receiver(line[: match.start()])
                assert ".cpu()" in chain, f"{path.name}: {line.strip()!r} needs .cpu()"


def test_chapter_parts_are_numbered_so_exercises_read_chapter_dot_n():
    for part in TOC["parts"]:
        files = [c["file"] for c in part["chapters"]]
        if any(re.match(r"book/\d+_", f) for f in files):
            assert part.get("numbered"), f"part {part['caption']!r} must be numbered"


def test_chapter_titles_agree_with_their_file_names_and_the_toc_order():
    numbered = [
        c["file"] for part in TOC["parts"] if part.get("numbered") for c in part["chapters"]
    ]
    numbers = [int(notebooks.CHAPTER_FILE.search(file).group(1)) for file in numbered]
    # The course tooling numbers chapters as the book does: by toc position.
    assert [notebooks.chapter_number(ROOT / f"{f}.ipynb") for f in numbered] == list(
        range(1, len(numbered) + 1)
    )
    # The book numbers chapters 1, 2, 3... in toc order (_ext/course_pages.py);
    # file numbers follow the same order, so the two agree once every planned
    # chapter exists.
    assert numbers == sorted(set(numbers)), numbered
    for file, number in zip(numbered, numbers):
        cells = notebooks.read_notebook(ROOT / f"{file}.ipynb")["cells"]
        title = notebooks.source(next(c for c in cells if c["cell_type"] == "markdown"))
        # Colab shows the hand-written number; it must be the file's.
        assert title.startswith(f"# {number}. ") or not re.match(r"# \d", title), file


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_written_exercise_references_use_the_book_numbers(path):
    number = notebooks.chapter_number(path)
    notebook = notebooks.read_notebook(path)
    count = len(notebooks.find_exercises(notebook, number))
    text = "\n".join(
        notebooks.source(c) for c in notebook["cells"] if c["cell_type"] == "markdown"
    )
    assert not re.search(r"\bExercise \d+\b(?!\.\d)", text), "write 'Exercise N.M'"
    for chapter, index in re.findall(r"\bExercise (\d+)\.(\d+)", text):
        if int(chapter) == number:
            assert 1 <= int(index) <= count, f"Exercise {chapter}.{index}"
