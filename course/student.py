"""Write the student edition of the course: every solution removed.

Usage::

    python -m course.student --out _student [--book book]

For every chapter notebook in ``book/`` this writes the same notebook with

- each solution block (the ``{solution-start}`` ... ``{solution-end}``
  markdown and the code cells between them) removed;
- each autograder test (the ``remove-cell`` cells right after a solution)
  removed: :mod:`course.grade` adds them back from the instructor's copy;
- each stub's bare ``raise NotImplementedError`` given a message that names
  the exercise, e.g. ``"Exercise 1.1 (ex-pca-reconstruct): ..."``;

and everything else unchanged. Exercises and solutions are found from the
sphinx-exercise markers by :mod:`course.notebooks`, so new chapters need
no changes here. The output folder is a book of its own (``_config.yml``,
``_toc.yml`` without the instructors' part), so
``jupyter-book build _student`` publishes the assignment version.
"""

from __future__ import annotations

import argparse
import re
import shutil
from pathlib import Path

import yaml

from .notebooks import (
    chapter_number,
    find_exercises,
    read_notebook,
    solution_mask,
    source,
    write_notebook,
)

__all__ = ["INSTRUCTOR_PART", "student_notebook", "write_student_edition"]

#: The table-of-contents part that the student edition leaves out.
INSTRUCTOR_PART = "For instructors"
#: A file that marks a folder as a student edition, which may be replaced.
MARKER = ".student-edition"

_BARE_RAISE = re.compile(r"^([ \t]*)raise NotImplementedError(?:\(\))?[ \t]*$", re.M)


def _stub_raise(indent: str, number: str, label: str) -> str:
    message = f"Exercise {number} ({label}): write your code here"
    return f'{indent}raise NotImplementedError(\n{indent}    "{message}"\n{indent})'


def _without_solution_lines(cell: dict, flags: list[bool]) -> str:
    lines = source(cell).split("\n")
    kept = "\n".join(line for line, hidden in zip(lines, flags) if not hidden)
    return re.sub(r"\n{3,}", "\n\n", kept).strip("\n")


def student_notebook(notebook: dict, chapter: int) -> dict:
    """The student edition of one chapter notebook (a new dict).

    Parameters
    ----------
    notebook
        The chapter as JSON (see :func:`course.notebooks.read_notebook`).
    chapter
        Its chapter number, used to number the exercises in stub messages.
    """
    exercises = find_exercises(notebook, chapter)
    tests = {i for exercise in exercises for i in exercise.test_cells}
    stubs = {i: e for e in exercises for i in e.stub_cells}
    cells = []
    for index, (cell, mask) in enumerate(
        zip(notebook["cells"], solution_mask(notebook))
    ):
        cell = {**cell, "metadata": dict(cell.get("metadata", {}))}
        if cell["cell_type"] == "markdown":
            if any(mask):
                text = _without_solution_lines(cell, mask)
                if not text.strip():
                    continue
                cell["source"] = text.splitlines(keepends=True)
        elif mask is True or index in tests:
            continue
        elif index in stubs:
            exercise = stubs[index]
            text = _BARE_RAISE.sub(
                lambda m: _stub_raise(m.group(1), exercise.number, exercise.label),
                source(cell),
            )
            cell["source"] = text.splitlines(keepends=True)
        cells.append(cell)
    return {**notebook, "cells": cells}


def _student_toc(toc: dict) -> dict:
    parts = [
        part for part in toc.get("parts", [])
        if part.get("caption") != INSTRUCTOR_PART
    ]  # fmt: skip
    return {**toc, "parts": parts}


def write_student_edition(
    root: Path, out: Path, *, repository: str | None = None
) -> list[Path]:
    """Write the student edition of the book at ``root`` into ``out``.

    Returns the chapter notebooks written. ``out`` is replaced if it exists.
    With ``repository`` (a GitHub URL), the edition's launch buttons open
    the notebooks from that repository, where the instructor publishes the
    edition, instead of the course's (whose notebooks hold the solutions);
    the Colab cell still installs ``aeutils`` from the course's repository.

    Raises
    ------
    ValueError
        If ``out`` is the book itself or contains it, or is a folder with
        other content than an earlier student edition.
    """
    root, out = Path(root).resolve(), Path(out).resolve()
    if out == root or out in root.parents:
        raise ValueError(f"--out {out} would overwrite the book; choose a new folder.")
    if out.exists() and any(out.iterdir()) and not (out / MARKER).is_file():
        raise ValueError(
            f"--out {out} is not empty and not a student edition; "
            "choose a new folder so that nothing in it is deleted."
        )
    if not (root / "_toc.yml").is_file():
        raise ValueError(f"{root} has no _toc.yml; pass the repository root.")
    shutil.rmtree(out, ignore_errors=True)
    (out / "book").mkdir(parents=True)
    (out / MARKER).write_text("Written by python -m course.student; replaced on each run.\n")
    toc = _student_toc(yaml.safe_load((root / "_toc.yml").read_text()))
    (out / "_toc.yml").write_text(yaml.safe_dump(toc, sort_keys=False))
    config = (root / "_config.yml").read_text()
    if repository is not None:
        if not re.fullmatch(r"https://github\.com/[\w.-]+/[\w.-]+", repository):
            raise ValueError(
                f"repository must look like https://github.com/OWNER/NAME, got {repository!r}."
            )
        settings = yaml.safe_load(config)
        settings["repository"]["url"] = repository
        config = yaml.safe_dump(settings, sort_keys=False, allow_unicode=True)
    (out / "_config.yml").write_text(config)
    if (root / "_ext").is_dir():
        shutil.copytree(root / "_ext", out / "_ext")
    listed = {entry["file"] for part in toc["parts"] for entry in part["chapters"]}
    listed.add(toc["root"])
    written = []
    for path in sorted((root / "book").iterdir()):
        if f"book/{path.stem}" not in listed:
            continue
        target = out / "book" / path.name
        if path.suffix == ".ipynb":
            notebook = read_notebook(path)
            write_notebook(student_notebook(notebook, chapter_number(path)), target)
            written.append(target)
        else:
            shutil.copy(path, target)
    return written


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("_student"))
    parser.add_argument(
        "--root", type=Path, default=Path("."), help="repository root (with _toc.yml)"
    )
    parser.add_argument(
        "--repository", help="GitHub URL where this edition is published (launch buttons)"
    )
    args = parser.parse_args(argv)
    for path in write_student_edition(args.root, args.out, repository=args.repository):
        print(f"wrote {path}")


if __name__ == "__main__":
    main()
