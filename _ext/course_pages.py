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
  so the first chapter of part two would be "1." again. Chapters take their
  number from the file name instead (``03_...`` is chapter 3): section,
  table-of-contents and exercise numbers are shifted to agree with it.
"""

from __future__ import annotations

import re

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.transforms import SphinxTransform

_CHAPTER_FILE = re.compile(r"(?:^|/)(\d+)_[^/]*$")
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
    """Drop ``N. `` from a chapter's title when N matches its file name."""

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


def number_chapters_by_file_name(app: Sphinx, env) -> list[str]:
    """Make ``NN_name`` chapter N in every number Sphinx shows for it."""
    changed = []
    for docname, secnumbers in env.toc_secnumbers.items():
        match = _CHAPTER_FILE.search(docname)
        own = secnumbers.get("")
        if match is None or not own:
            continue
        delta = int(match.group(1)) - own[0]
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
    app.connect("env-get-updated", number_chapters_by_file_name, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
