"""A class or function exactly as a chapter defines it, for the tests.

Some models live only in the chapter that teaches them (ConvAutoencoder in
chapter 4, TopKSparseAutoencoder in chapter 11, SpatialVAE, Denoiser and
ddpm_loss in chapter 13): the tests take them from the notebook.
"""

from __future__ import annotations

import ast
import functools
import json
from pathlib import Path

BOOK = Path(__file__).resolve().parents[2] / "book"


@functools.cache
def chapter_definition(chapter: str, name: str) -> object:
    """The top-level ``class`` or ``def`` ``name`` of ``book/<chapter>``.

    The chapter must define it exactly once, in a code cell. It is run
    alone, in a namespace that holds the top-level imports of the cells
    before it (what the chapter's import cell gives the class), not the
    rest of its cell.
    """
    cells = json.loads((BOOK / chapter).read_text())["cells"]
    imports, found = [], []
    for cell in cells:
        if cell["cell_type"] != "code":
            continue
        try:
            tree = ast.parse("".join(cell["source"]))
        except SyntaxError:  # IPython magics such as %pip
            continue
        for node in tree.body:
            if isinstance(node, (ast.Import, ast.ImportFrom)) and not found:
                imports.append(node)
            elif isinstance(node, (ast.ClassDef, ast.FunctionDef)):
                if node.name == name:
                    found.append(node)
    assert len(found) == 1, f"{chapter} defines {name} {len(found)} times"
    namespace = {"__name__": f"book.{Path(chapter).stem}"}
    module = ast.Module(body=[*imports, found[0]], type_ignores=[])
    exec(compile(module, str(BOOK / chapter), "exec"), namespace)
    return namespace[name]


def chapter_source(chapter: str, name: str) -> str:
    """The code cell of ``book/<chapter>`` that starts with ``class name(``."""
    cells = json.loads((BOOK / chapter).read_text())["cells"]
    found = [
        "".join(cell["source"])
        for cell in cells
        if cell["cell_type"] == "code"
        and "".join(cell["source"]).startswith(f"class {name}(")
    ]
    assert len(found) == 1, f"{chapter}: {len(found)} cells define {name}"
    return found[0]
