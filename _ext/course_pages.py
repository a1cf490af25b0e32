"""Sphinx extension for the book: what the notebooks say for Colab, hidden.

- A solution cell starts with ``# @title Solution`` so that Colab folds it;
  the rendered book already folds it in a dropdown, so the line is dropped
  from the displayed code.
- A chapter's title says its number (``# 3. Deep autoencoders``) so that it
  reads well in Colab and Jupyter; the book numbers its table of contents
  (which is what makes exercises read "Exercise 3.2"), so the hand-written
  number is dropped from the title when it agrees with the file name
  (``03_deep_autoencoder.ipynb``) instead of showing "3. 3. Deep...".
- Sphinx numbers every numbered toctree (every part of ``_toc.yml``) from 1,
  so the first chapter of part two would be "1." again. Chapters are instead
  numbered consecutively in the order of the table of contents, across its
  numbered parts: section, table-of-contents and exercise numbers are
  shifted to agree. The numbers stay contiguous whatever the file names say
  (a chapter file keeps its name while chapters are added before it).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.transforms import SphinxTransform

# The chapter-number pattern lives in the course tooling (course/notebooks.py)
# beside the repository's _ext/ (or above a student edition's copy of it).
for _folder in Path(__file__).resolve().parents:
    if (_folder / "course" / "notebooks.py").is_file():
        sys.path.insert(0, str(_folder))
        break
from course.notebooks import CHAPTER_FILE as _CHAPTER_FILE  # noqa: E402
_NUMBERED_TITLE = re.compile(r"^(\d+)\.\s+")
# Colab's form title; formatters (ruff, black) write "#@title" as "# @title".
_COLAB_TITLE = re.compile(r"#\s?@title\b")


class HideColabTitles(SphinxTransform):
    """Drop a leading ``# @title`` line (or ``#@title``) from displayed code."""

    default_priority = 400

    def apply(self, **kwargs) -> None:
        for block in list(self.document.findall(nodes.literal_block)):
            text = block.astext()
            if _COLAB_TITLE.match(text):
                rest = text.partition("\n")[2]
                block.children = [nodes.Text(rest)]
                block.rawsource = rest


class StripChapterNumbers(SphinxTransform):
    """Drop ``N. `` from a chapter's title when N matches its file name.

    The book shows its own number (table-of-contents order) in front of the
    title, so the hand-written one would read twice.
    """

    default_priority = 400

    def apply(self, **kwargs) -> None:
        match = _CHAPTER_FILE.search(self.env.docname)
        section = next(iter(self.document.findall(nodes.section)), None)
        if match is None or section is None or not section.children:
            return
        title = section[0]
        if not isinstance(title, nodes.title) or not title.children:
            return
        first = title[0]
        if not isinstance(first, nodes.Text):
            return
        number = _NUMBERED_TITLE.match(first.astext())
        if number and int(number.group(1)) == int(match.group(1)):
            title.replace(first, nodes.Text(first.astext()[number.end():]))


def _shift(number: tuple[int, ...], delta: int) -> tuple[int, ...]:
    return (number[0] + delta, *number[1:]) if number else number


def _chapters_in_toc_order(env) -> list[str]:
    """The numbered chapters, in the order the table of contents lists them."""
    order, seen = [], set()

    def visit(docname: str) -> None:
        for child in env.toctree_includes.get(docname, []):
            if child in seen:
                continue
            seen.add(child)
            if env.toc_secnumbers.get(child, {}).get(""):
                order.append(child)
            visit(child)

    visit(env.config.root_doc)
    return order


def number_chapters_in_toc_order(app: Sphinx, env) -> list[str]:
    """Number chapters 1, 2, 3... across all numbered parts of the toc."""
    changed = []
    for position, docname in enumerate(_chapters_in_toc_order(env), start=1):
        secnumbers = env.toc_secnumbers[docname]
        delta = position - secnumbers[""][0]
        if delta == 0:
            continue
        env.toc_secnumbers[docname] = {
            anchor: _shift(number, delta) for anchor, number in secnumbers.items()
        }
        for reference in env.tocs[docname].findall(nodes.reference):
            if reference.get("secnumber"):
                reference["secnumber"] = _shift(tuple(reference["secnumber"]), delta)
        for figtype, numbers in env.toc_fignumbers.get(docname, {}).items():
            env.toc_fignumbers[docname][figtype] = {
                node_id: _shift(number, delta) for node_id, number in numbers.items()
            }
        changed.append(docname)
    return changed


def setup(app: Sphinx) -> dict:
    app.add_transform(HideColabTitles)
    app.add_transform(StripChapterNumbers)
    # After Sphinx's own numbering (the toctree collector, priority 500).
    app.connect("env-get-updated", number_chapters_in_toc_order, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
