"""Tables for the instructor guide, built from the chapters themselves.

Every table here is read from the chapter notebooks (their titles, their
"In this chapter you will" lists, their sphinx-exercise blocks) and from
``benchmarks/chapter_times.json``, so a new chapter appears in the guide as
soon as it is in ``book/``.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd

from .notebooks import chapters, chapter_number, find_exercises, read_notebook, source

__all__ = ["chapter_objectives", "exercise_plan", "run_times"]

#: Words in an exercise that mean it needs a training run or an open
#: experiment: more than a lab session usually allows.
_HOMEWORK = re.compile(
    r"\bretrain|\btrain (a|an|the|it|again|another|your)\b|\bexperiment|\btry it\b", re.I
)
#: The bullet list after "In this chapter you will" (or "You will").
_OBJECTIVES = re.compile(r"[Yy]ou will:?[ \t]*\n\n((?:[-*] .*(?:\n  .*)*\n?)+)")


def _chapters(book: Path) -> list[Path]:
    book = Path(book).resolve()
    try:
        paths = [path for path in chapters(book) if path.parent == book]
    except FileNotFoundError:  # a folder of notebooks outside a book: by file name
        paths = sorted(book.glob("*.ipynb"))
    if not paths:
        raise ValueError(f"no chapter notebooks in {book}; pass the book/ folder.")
    return paths


def _markdown(notebook: dict) -> str:
    return "\n".join(source(c) for c in notebook["cells"] if c["cell_type"] == "markdown")


def _title(markdown: str) -> str:
    match = re.search(r"^# (.+)$", markdown, flags=re.M)
    return match.group(1).strip() if match else ""


def chapter_objectives(book: str | Path) -> pd.DataFrame:
    """One row per chapter: its title and its learning objectives (a list).

    The objectives are the bullet list after "In this chapter you will" (or
    "You will") in the chapter's introduction.
    """
    rows = []
    for path in _chapters(Path(book)):
        markdown = _markdown(read_notebook(path))
        match = _OBJECTIVES.search(markdown)
        items = re.split(r"\n[-*] ", "\n" + match.group(1).strip()) if match else []
        objectives = [" ".join(item.split()).rstrip(",.;") for item in items if item.strip()]
        objectives = [re.sub(r",? and$", "", item) for item in objectives]
        rows.append({"chapter": _title(markdown), "objectives": objectives})
    return pd.DataFrame(rows)


def _exercise_texts(markdown: str) -> dict[str, str]:
    pattern = r"\{exercise-start\}\n:label: ([\w-]+)\n`{3,}\n(.*?)`{3,}\{exercise-end\}"
    return {label: text for label, text in re.findall(pattern, markdown, flags=re.S)}


def exercise_plan(book: str | Path) -> pd.DataFrame:
    """One row per exercise: number, title, kind and a suggested use.

    An exercise checked by a hidden test is *autograded*; one with a code
    cell but no test is *coding*; the others are *written*. Exercises that
    ask for a training run or an experiment are suggested as homework, the
    others fit a lab session.
    """
    rows = []
    for path in _chapters(Path(book)):
        notebook = read_notebook(path)
        texts = _exercise_texts(_markdown(notebook))
        for exercise in find_exercises(notebook, chapter_number(path)):
            text = texts.get(exercise.label, "")
            title = re.search(r"\*\*(.+?)\*\*", text)
            kind = (
                "autograded" if exercise.is_coding
                else "coding" if exercise.stub_cells
                else "written"
            )  # fmt: skip
            stubs = " ".join(source(notebook["cells"][i]) for i in exercise.stub_cells)
            homework = _HOMEWORK.search(text) or "fit(" in stubs
            rows.append({
                "exercise": exercise.number,
                "title": title.group(1).rstrip(".?!") if title else exercise.label,
                "kind": kind,
                "suggested for": "homework" if homework else "lab",
                "label": exercise.label,
            })  # fmt: skip
    return pd.DataFrame(rows)


def run_times(book: str | Path, times_file: str | Path) -> pd.DataFrame:
    """Seconds to execute each chapter, one column per measured machine.

    ``times_file`` is written by ``benchmarks/run.py --record LABEL``;
    chapters not measured on a machine show as missing values.
    """
    table = json.loads(Path(times_file).read_text()) if Path(times_file).is_file() else {}
    names = [path.name for path in _chapters(Path(book))]
    frame = pd.DataFrame(
        {label: [times.get(name) for name in names] for label, times in table.items()},
        index=pd.Index(names, name="chapter"),
    )
    return frame.astype(float)
