"""Find the exercises of a chapter notebook from its sphinx-exercise markers.

A chapter marks each exercise with gated sphinx-exercise directives in its
markdown cells::

    ```{exercise-start}
    :label: ex-pca-reconstruct
    ```
    ... text and the stub cell the student fills in ...
    ```{exercise-end}
    ```
    ```{solution-start} ex-pca-reconstruct
    :class: dropdown
    ```
    ... explanation and the solution code cells ...
    ```{solution-end}
    ```

and follows a coding exercise's solution with a ``remove-cell`` code cell
``assert exercises.check_xxx(fn).passed``: the autograder's test.

Everything here is found from those markers and tags, never from lists of
exercises. The chapter list is read once, from ``_toc.yml``
(:func:`chapters`), and a chapter's number is its place in it
(:func:`chapter_number`), as in the book. The student edition
(:mod:`course.student`), the grader (:mod:`course.grade`), the instructor
tables (:mod:`course.instructor`), the results gathering
(:mod:`course.results`), the Colab cells (:mod:`course.colab`), the book's
extension (``_ext/course_pages.py``) and the tests read chapters through
this module.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

__all__ = [
    "CHAPTER_FILE",
    "Exercise",
    "book_root",
    "chapter_number",
    "chapters",
    "exercise_labels",
    "find_exercises",
    "original_stem",
    "read_notebook",
    "solution_mask",
    "toc_files",
    "toc_pages",
    "write_notebook",
]

#: A chapter's file name starts with its number: ``03_deep_autoencoder``.
CHAPTER_FILE = re.compile(r"(?:^|/)(\d+)_[^/]*$")

_OPEN = re.compile(
    r"^(`{3,}|:{3,})\{(exercise|solution)(?:-(start|end))?\}(.*)$"
)
_OPTION = re.compile(r"^:([\w-]+):\s*(.*)$")
_LABEL_IN_TEXT = re.compile(r"```\{exercise-start\}\n:label: ([\w-]+)")
#: The message the student edition gives each stub's ``raise``:
#: ``Exercise 1.1 (ex-pca-reconstruct): write your code here``.
_LABEL_IN_STUB = re.compile(r"Exercise [\d.]+ \(([\w-]+)\)")
#: What browsers, Jupyter and Colab add to the name of a copy:
#: ``01_pca (1)``, ``01_pca-Copy1``, ``01_pca copy``, ``Copy of 01_pca``.
_COPY_PREFIX = re.compile(r"^copy of\s+", re.IGNORECASE)
_COPY_SUFFIX = re.compile(r"(\s*\(\d+\)|[\s_-]+copy\d*)+$", re.IGNORECASE)


@dataclass
class Exercise:
    """One exercise of a chapter, located by cell index.

    Attributes
    ----------
    label
        The sphinx-exercise label, e.g. ``"ex-pca-reconstruct"``.
    number
        The number the book shows, e.g. ``"1.2"`` (chapter.position).
    stub_cells
        Code cells inside the exercise block: what the student edits.
    solution_cells
        Code cells inside the solution block.
    test_cells
        ``remove-cell`` code cells right after the solution block of an
        exercise that has code (a stub or a solution cell): the hidden
        checks of that code, which the student edition removes. A hidden
        cell after a written exercise belongs to the chapter, not to it.
    """

    label: str
    number: str
    stub_cells: list[int] = field(default_factory=list)
    solution_cells: list[int] = field(default_factory=list)
    test_cells: list[int] = field(default_factory=list)

    @property
    def is_coding(self) -> bool:
        """Whether students write code (a stub) that a hidden test checks."""
        return bool(self.stub_cells and self.test_cells)


def read_notebook(path: str | Path) -> dict:
    """Read a notebook as plain JSON (the format the book stores)."""
    return json.loads(Path(path).read_text(encoding="utf-8"))


def write_notebook(notebook: dict, path: str | Path) -> None:
    """Write a notebook in the same JSON layout as Jupyter (indent 1)."""
    text = json.dumps(notebook, indent=1, ensure_ascii=False) + "\n"
    Path(path).write_text(text, encoding="utf-8")


def source(cell: dict) -> str:
    """A cell's source as one string (notebooks may store a list of lines)."""
    text = cell.get("source", "")
    return text if isinstance(text, str) else "".join(text)


def tags(cell: dict) -> list[str]:
    """A cell's tags (an empty list when it has none)."""
    return list(cell.get("metadata", {}).get("tags", []))


def book_root(start: str | Path | None = None) -> Path:
    """The repository root: the first folder upwards with a ``_toc.yml``."""
    here = Path(start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "_toc.yml").is_file():
            return folder
    raise FileNotFoundError(
        f"No _toc.yml in {here} or its parents; run this inside the course's "
        "repository (or pass root=)."
    )


def toc_pages(root: str | Path | None = None) -> list[dict]:
    """Every page of ``_toc.yml`` in book order: the one reader of the toc.

    Each page is ``{"file", "part", "numbered", "kind"}``: ``file`` is a path
    without extension (``"book/01_pca"``), ``part`` the part's caption,
    ``kind`` is ``"root"``, ``"chapter"`` or ``"section"`` (a page nested
    under a chapter). The root page and the pages of unnumbered parts (the
    instructors' part) are not numbered.
    """
    toc = yaml.safe_load((book_root(root) / "_toc.yml").read_text())
    pages = []
    if "root" in toc:
        pages.append(
            {
                "file": toc["root"],
                "part": "",
                "numbered": False,
                "kind": "root",
            }
        )

    def visit(
        entries: list[dict], part: str, numbered: bool, kind: str
    ) -> None:
        for entry in entries:
            if "file" in entry:
                pages.append(
                    {
                        "file": entry["file"],
                        "part": part,
                        "numbered": numbered,
                        "kind": kind,
                    }
                )
            visit(entry.get("sections", []), part, numbered, "section")

    for part in toc.get("parts", []):
        visit(
            part.get("chapters", []),
            part.get("caption", ""),
            bool(part.get("numbered")),
            "chapter",
        )
    visit(toc.get("chapters", []), "", False, "chapter")
    return pages


def toc_files(root: str | Path | None = None) -> list[tuple[str, bool]]:
    """The root page and the chapters of ``_toc.yml`` (no sections), in book
    order, with whether each is numbered."""
    return [
        (p["file"], p["numbered"])
        for p in toc_pages(root)
        if p["kind"] != "section"
    ]


def chapters(root: str | Path | None = None) -> list[Path]:
    """The chapter notebooks, in table-of-contents order (THE chapter list).

    Read from ``_toc.yml`` once per call; a notebook in ``book/`` that the
    table of contents does not list is not a chapter of the book.
    """
    base = book_root(root)
    paths = [base / f"{file}.ipynb" for file, _ in toc_files(base)]
    return [path for path in paths if path.is_file()]


def chapter_number(path: str | Path, root: str | Path | None = None) -> int:
    """The number the book gives a chapter: its place in the contents.

    The book numbers chapters 1, 2, 3... in table-of-contents order across its
    numbered parts (``_ext/course_pages.py``). A notebook that the table of
    contents does not number (a submission, a copy) falls back to the number
    its file name starts with (``03_deep_autoencoder`` is 3).

    Raises
    ------
    ValueError
        If the notebook is not numbered by the toc and its file name does not
        start with digits and an underscore.
    """
    path = Path(path)
    try:
        pages = toc_files(root if root is not None else path.parent)
    except FileNotFoundError:
        pages = []
    numbered = [Path(file).name for file, is_numbered in pages if is_numbered]
    if path.stem in numbered:
        return numbered.index(path.stem) + 1
    match = CHAPTER_FILE.search(path.name)
    if match is None:
        raise ValueError(
            f"{path.name!r} does not start with a chapter number; "
            "name chapters like '03_deep_autoencoder.ipynb'."
        )
    return int(match.group(1))


@dataclass
class _Directive:
    kind: str  # "exercise" or "solution"
    edge: str | None  # "start", "end" or None for an ungated directive
    argument: str
    options: dict[str, str]
    first_line: int
    last_line: int  # the closing fence of the directive's own block


def _directives(lines: list[str]) -> list[_Directive]:
    """Every exercise/solution directive in markdown lines, in order."""
    found, index = [], 0
    while index < len(lines):
        match = _OPEN.match(lines[index].rstrip())
        if match is None:
            index += 1
            continue
        fence, kind, edge, argument = match.groups()
        options, end = {}, index + 1
        while end < len(lines) and _OPTION.match(lines[end].rstrip()):
            key, value = _OPTION.match(lines[end].rstrip()).groups()
            options[key] = value.strip()
            end += 1
        depth = 0
        while end < len(lines):
            line = lines[end].rstrip()
            if line.startswith(fence[0] * 3) and line.strip(fence[0]):
                depth += 1  # a nested fenced block opens
            elif line and set(line) == {fence[0]} and len(line) >= 3:
                if depth == 0:
                    break
                depth -= 1
            end += 1
        found.append(
            _Directive(kind, edge, argument.strip(), options, index, end)
        )
        index = end + 1
    return found


def solution_mask(notebook: dict) -> list[list[bool] | bool]:
    """Which parts of each cell belong to a solution.

    Returns
    -------
    list
        One entry per cell: for a code cell, ``True`` if it lies inside a
        solution block; for a markdown cell, one boolean per line (the lines
        of the solution directives, their text, and ungated ``{solution}``
        blocks are ``True``).
    """
    mask: list[list[bool] | bool] = []
    inside = False
    for cell in notebook["cells"]:
        if cell["cell_type"] != "markdown":
            mask.append(inside)
            continue
        lines = source(cell).split("\n")
        flags = [inside] * len(lines)
        position = 0
        for directive in _directives(lines):
            for line in range(position, directive.first_line):
                flags[line] = inside
            block = range(directive.first_line, directive.last_line + 1)
            if directive.kind == "solution" and directive.edge == "start":
                inside = True
            is_solution = directive.kind == "solution" or inside
            for line in block:
                if line < len(flags):
                    flags[line] = is_solution
            if directive.kind == "solution" and directive.edge == "end":
                inside = False
            position = directive.last_line + 1
        for line in range(position, len(lines)):
            flags[line] = inside
        mask.append(flags)
    return mask


def find_exercises(notebook: dict, chapter: int) -> list[Exercise]:
    """The exercises of a notebook, numbered ``chapter.1``, ``chapter.2``...

    Parameters
    ----------
    notebook
        The notebook as JSON (see :func:`read_notebook`).
    chapter
        The chapter number (see :func:`chapter_number`).
    """
    exercises: list[Exercise] = []
    by_label: dict[str, Exercise] = {}
    state, current, after = None, None, None
    for index, cell in enumerate(notebook["cells"]):
        if cell["cell_type"] == "code":
            if state == "exercise" and current is not None:
                current.stub_cells.append(index)
            elif state == "solution" and current is not None:
                current.solution_cells.append(index)
            elif (
                after is not None
                and (after.stub_cells or after.solution_cells)
                and "remove-cell" in tags(cell)
            ):
                after.test_cells.append(index)
            continue
        if cell["cell_type"] != "markdown":
            continue
        after = None
        for directive in _directives(source(cell).split("\n")):
            if directive.kind == "exercise" and directive.edge != "end":
                label = directive.options.get("label", "")
                number = f"{chapter}.{len(exercises) + 1}"
                current = Exercise(label or f"exercise-{number}", number)
                exercises.append(current)
                by_label[current.label] = current
                state = "exercise" if directive.edge == "start" else None
            elif directive.kind == "exercise":
                state = None
            elif directive.edge == "start":
                current = by_label.get(directive.argument, current)
                state = "solution"
            elif directive.edge == "end":
                state, after = None, current
    return exercises


def exercise_labels(notebook: dict) -> set[str]:
    """The exercise labels a notebook carries (a student's copy included).

    Read from the ``:label:`` of the exercise markers in markdown cells and
    from the stub messages the student edition writes
    (``Exercise 1.1 (ex-pca-reconstruct): ...``), so a renamed submission
    is still recognised by what it holds.
    """
    labels: set[str] = set()
    for cell in notebook.get("cells", []):
        text = source(cell)
        if cell.get("cell_type") == "markdown":
            for directive in _directives(text.split("\n")):
                label = directive.options.get("label", "")
                if directive.kind == "exercise" and label:
                    labels.add(label)
        elif cell.get("cell_type") == "code":
            labels.update(_LABEL_IN_STUB.findall(text))
    return labels


def original_stem(name: str) -> str:
    """A file name without the extension and what a copy adds to it.

    ``"01_pca (1).ipynb"``, ``"01_pca-Copy1.ipynb"`` and
    ``"Copy of 01_pca.ipynb"`` all give ``"01_pca"``.
    """
    stem = Path(name).name
    if stem.lower().endswith(".ipynb"):
        stem = stem[: -len(".ipynb")]
    stem = _COPY_PREFIX.sub("", stem.strip())
    return _COPY_SUFFIX.sub("", stem).strip()
