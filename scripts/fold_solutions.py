"""Make every solution code cell open folded in Colab and JupyterLab.

Usage: ``python scripts/fold_solutions.py [NOTEBOOK ...]`` (default: every
``book/*.ipynb``). Add ``--check`` to only report cells that are not folded
(exit status 1 if any).

A solution code cell is a code cell between ``{solution-start}`` and
``{solution-end}`` (found by :mod:`aeutils.assignments`). Folded means:

- its first line is ``#@title Solution``: Colab shows a cell with
  ``cellView: "form"`` as a collapsed form titled by that line;
- its metadata has ``cellView: "form"`` and ``jupyter.source_hidden: true``
  (JupyterLab and Notebook 7 collapse the source).

The rendered book hides the ``#@title`` line (``_ext/course_pages.py``).
Running the script twice changes nothing the second time.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from aeutils.assignments import read_notebook, solution_mask, source, write_notebook

ROOT = Path(__file__).resolve().parents[1]
TITLE = "#@title Solution"


def fold_cell(cell: dict) -> bool:
    """Fold one solution cell in place; return whether it changed."""
    before = (source(cell), dict(cell.get("metadata", {})))
    text = source(cell)
    first, _, rest = text.partition("\n")
    if first.strip().startswith("#@title"):
        text = rest
    cell["source"] = TITLE + "\n" + text.lstrip("\n")
    metadata = cell.setdefault("metadata", {})
    metadata["cellView"] = "form"
    metadata.setdefault("jupyter", {})["source_hidden"] = True
    lines = cell["source"].splitlines(keepends=True)
    cell["source"] = lines
    return (source(cell), cell["metadata"]) != before


def fold_notebook(path: Path, *, check: bool) -> list[int]:
    """Fold the solution cells of one notebook; return the changed cells."""
    notebook = read_notebook(path)
    mask = solution_mask(notebook)
    changed = [
        index
        for index, (cell, inside) in enumerate(zip(notebook["cells"], mask))
        if cell["cell_type"] == "code" and inside is True and fold_cell(cell)
    ]
    if changed and not check:
        write_notebook(notebook, path)
    return changed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=Path)
    parser.add_argument("--check", action="store_true", help="change nothing")
    args = parser.parse_args(argv)
    paths = args.notebooks or sorted((ROOT / "book").glob("*.ipynb"))
    unfolded = 0
    for path in paths:
        changed = fold_notebook(path, check=args.check)
        unfolded += len(changed)
        if changed:
            verb = "not folded" if args.check else "folded"
            print(f"{path.name}: {verb}: cells {changed}")
    return 1 if args.check and unfolded else 0


if __name__ == "__main__":
    sys.exit(main())
