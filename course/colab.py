"""Bring every chapter to the book's conventions for Colab and Jupyter.

Usage: ``python -m course.colab [NOTEBOOK ...]`` (default: every
``book/*.ipynb``). Add ``--check`` to only report what would change (exit
status 1 if anything would). Running it twice changes nothing the second time.

1. The first cell is the Colab cell, written from ``_config.yml``'s
   ``repository`` (the one place that names it: for a fork, change the URL
   there and re-run this script). Hidden in the book, it installs ``aeutils``
   only when ``google.colab`` is loaded, and turns on Colab's manager for
   third-party widgets (ipywidgets 8).
2. Every solution code cell opens folded.

A solution code cell is a code cell between ``{solution-start}`` and
``{solution-end}`` (found by :mod:`course.notebooks`). Folded means:

- its first line is ``# @title Solution``: Colab shows a cell with
  ``cellView: "form"`` as a collapsed form titled by that line;
- its metadata has ``cellView: "form"`` and ``jupyter.source_hidden: true``
  (JupyterLab and Notebook 7 collapse the source).

The rendered book hides the ``# @title`` line (``_ext/course_pages.py``).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

import yaml

from .notebooks import chapters, read_notebook, solution_mask, source, write_notebook

ROOT = Path(__file__).resolve().parents[1]
TITLE = "# @title Solution"
COLAB_MARKER = 'if "google.colab" in sys.modules:'


def colab_cell_source(config: dict) -> str:
    """The Colab cell's code for the repository configured in ``_config.yml``."""
    repository = config["repository"]
    host, _, name = repository["url"].rstrip("/").rpartition("/")
    owner = host.rpartition("/")[2]
    prefix = repository["url"][: -len(f"{owner}/{name}")]
    return (
        "# In Colab, install the course's helper package and turn on widgets;\n"
        "# locally and in CI the package is already installed.\n"
        "import sys\n"
        "\n"
        f"{COLAB_MARKER}\n"
        "    package = (\n"
        f'        "aeutils @ git+{prefix}"\n'
        f'        "{owner}/{name}@{repository["branch"]}"\n'
        "    )\n"
        '    %pip install --quiet "{package}"\n'
        "    from google.colab import output\n"
        "\n"
        "    output.enable_custom_widget_manager()"
    )


def set_colab_cell(notebook: dict, code: str) -> bool:
    """Make the first cell the hidden Colab cell; return whether it changed."""
    cells = notebook["cells"]
    first = cells[0] if cells else None
    if first is None or first["cell_type"] != "code" or COLAB_MARKER not in source(first):
        first = {"cell_type": "code", "execution_count": None, "id": "colab-install",
                 "metadata": {}, "outputs": [], "source": []}  # fmt: skip
        cells.insert(0, first)
    before = (source(first), json.dumps(first["metadata"], sort_keys=True))
    first["source"] = code.splitlines(keepends=True)
    tags = first["metadata"].setdefault("tags", [])
    if "remove-cell" not in tags:
        tags.append("remove-cell")
    return (source(first), json.dumps(first["metadata"], sort_keys=True)) != before


def fold_cell(cell: dict) -> bool:
    """Fold one solution cell in place; return whether it changed."""
    before = (source(cell), dict(cell.get("metadata", {})))
    text = source(cell)
    first, _, rest = text.partition("\n")
    if re.match(r"#\s?@title\b", first.strip()):
        text = rest
    cell["source"] = TITLE + "\n" + text.lstrip("\n")
    metadata = cell.setdefault("metadata", {})
    metadata["cellView"] = "form"
    metadata.setdefault("jupyter", {})["source_hidden"] = True
    lines = cell["source"].splitlines(keepends=True)
    cell["source"] = lines
    return (source(cell), cell["metadata"]) != before


def prepare_notebook(path: Path, *, colab_code: str, check: bool) -> list[int]:
    """Write the Colab cell and fold the solution cells; return changed cells."""
    notebook = read_notebook(path)
    colab_changed = set_colab_cell(notebook, colab_code)
    mask = solution_mask(notebook)
    changed = [
        index
        for index, (cell, inside) in enumerate(zip(notebook["cells"], mask))
        if cell["cell_type"] == "code" and inside is True and fold_cell(cell)
    ]
    changed = [0] * colab_changed + changed
    if changed and not check:
        write_notebook(notebook, path)
    return changed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=Path)
    parser.add_argument("--check", action="store_true", help="change nothing")
    args = parser.parse_args(argv)
    paths = args.notebooks or chapters(ROOT)
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    colab_code = colab_cell_source(config)
    pending = 0
    for path in paths:
        changed = prepare_notebook(path, colab_code=colab_code, check=args.check)
        pending += len(changed)
        if changed:
            verb = "would change" if args.check else "changed"
            print(f"{path.name}: {verb} cells {changed}")
    return 1 if args.check and pending else 0


if __name__ == "__main__":
    sys.exit(main())
