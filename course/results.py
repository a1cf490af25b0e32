"""Results gathering: which chapters record numbers for the closing table.

The learner library records and reads the numbers
(:func:`aeutils.results.record_result`, :func:`aeutils.results.load_results`);
this module knows the book: the chapters, read from ``_toc.yml``, that call
``record_result``, each under its own name.
"""

from __future__ import annotations

import os
import re

from .notebooks import chapters, read_notebook, source

__all__ = ["chapters_with_results"]


def chapters_with_results(root: str | os.PathLike | None = None) -> list[str]:
    """Notebook names, in book order, of the chapters that call record_result.

    The list is read from ``_toc.yml`` and the notebooks themselves, so a new
    chapter that records results joins the closing table without a change
    here. A notebook must record under its own name.

    Raises
    ------
    ValueError
        If a chapter records results under another chapter's name.
    """
    found = []
    for path in chapters(root):
        notebook = read_notebook(path)
        code = "\n".join(
            source(c) for c in notebook["cells"] if c["cell_type"] == "code"
        )
        names = set(re.findall(r'record_result\(\s*"([^"]+)"', code))
        if not names:
            continue
        if names != {path.stem}:
            raise ValueError(
                f"{path.name} records results as {sorted(names)}; use its own "
                f"name, record_result({path.stem!r}, ...)."
            )
        found.append(path.stem)
    return found
