"""Sphinx extension: the intro's chapter map, generated when the book builds.

The directive ``{chapter-map}`` renders one table of every page of
``_toc.yml``, in its order: the chapter's number (chapters are numbered
1, 2, 3... across the numbered parts, as ``course_pages`` numbers them), its
title linked to the page (the notebook's first heading, without the
hand-written number), a one-line summary and the seconds it takes to execute.

- The summary is the notebook's ``metadata["course"]["summary"]`` when it has
  one, else the first sentence of the first paragraph after the title.
- The seconds are read from ``benchmarks/chapter_times.json`` (written by
  ``make benchmark RECORD="machine"``), one column per measured machine;
  a chapter not measured there says "not measured yet".

Nothing is typed in twice, so the map cannot go stale: a new chapter, a
renamed title or a new measurement shows at the next build.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import yaml
from docutils import nodes
from docutils.statemachine import StringList
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective

#: Where the benchmark records chapter times, relative to the book's root.
TIMES_FILE = "benchmarks/chapter_times.json"
_NUMBERED_TITLE = re.compile(r"^(\d+)\.\s+")
_FILE_NUMBER = re.compile(r"(?:^|/)(\d+)_[^/]*$")
_TARGET = re.compile(r"\([\w-]+\)=")  # a MyST label line, "(notation)="
_SENTENCE = re.compile(r"^(.+?[.!?])(?=\s+[A-Z(*_$`\"']|$)", re.DOTALL)
SUMMARY_CHARS = 160


def toc_pages(toc: dict) -> list[dict]:
    """The chapters of ``_toc.yml``: file, part caption and whether numbered.

    The one place this extension reads the table of contents.
    """
    pages = []
    for part in toc.get("parts", []):
        for chapter in part.get("chapters", []):
            pages.append({
                "file": chapter["file"],
                "part": part.get("caption", ""),
                "numbered": bool(part.get("numbered")),
            })
    return pages


def _read_page(root: Path, file: str) -> tuple[Path, str, dict]:
    """The page's path, its Markdown text and its notebook metadata."""
    notebook = root / f"{file}.ipynb"
    if notebook.is_file():
        data = json.loads(notebook.read_text(encoding="utf8"))
        markdown = "\n\n".join(
            "".join(cell["source"]) for cell in data["cells"]
            if cell["cell_type"] == "markdown"
        )
        return notebook, markdown, data.get("metadata", {})
    page = root / f"{file}.md"
    text = page.read_text(encoding="utf8")
    if text.startswith("---"):
        text = text.split("---", 2)[2]  # front matter
    return page, text, {}


def title_and_summary(path: Path, markdown: str, metadata: dict) -> tuple[str, str]:
    """The first heading (without its file number) and a one-line summary."""
    heading = re.search(r"^#\s+(.+?)\s*$", markdown, flags=re.MULTILINE)
    title = heading.group(1) if heading else path.stem
    number, file_number = _NUMBERED_TITLE.match(title), _FILE_NUMBER.search(path.stem)
    if number and file_number and int(number.group(1)) == int(file_number.group(1)):
        title = title[number.end():]
    summary = (metadata.get("course") or {}).get("summary")
    if not summary:
        rest = markdown[heading.end():] if heading else markdown
        paragraphs = [
            p.strip() for p in re.split(r"\n\s*\n", rest)
            if p.strip()
            and not p.lstrip().startswith(("#", "```", ":::", "-", "*", "|", "<"))
            and not _TARGET.fullmatch(p.strip())
        ]
        first = " ".join(paragraphs[0].split()) if paragraphs else ""
        sentence = _SENTENCE.match(first)
        summary = sentence.group(1) if sentence else first
    summary = " ".join(summary.split())
    if len(summary) > SUMMARY_CHARS:
        summary = summary[:SUMMARY_CHARS].rsplit(" ", 1)[0] + " …"
    return title, summary


def chapter_rows(root: Path, times: dict[str, dict[str, float]]) -> list[dict]:
    """One row per page of the table of contents, in its order."""
    toc = yaml.safe_load((root / "_toc.yml").read_text())
    rows, number = [], 0
    for page in toc_pages(toc):
        path, markdown, metadata = _read_page(root, page["file"])
        title, summary = title_and_summary(path, markdown, metadata)
        if page["numbered"]:
            number += 1
        # The test build renders executed copies: .md notebooks become
        # .ipynb there, and the copy names its source (course/executed.py).
        source = (metadata.get("course_execution") or {}).get("source", path.name)
        rows.append({
            **page,
            "number": number if page["numbered"] else None,
            "title": title,
            "summary": summary,
            "path": path,
            "timed": source.endswith(".ipynb"),
            "seconds": {label: measured.get(source) for label, measured in times.items()},
        })
    return rows


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def _link(title: str, docname: str) -> str:
    escaped = title.replace("\\", "\\\\").replace("<", "\\<").replace(">", "\\>")
    escaped = escaped.replace("`", "\\`")
    return f"{{doc}}`{_cell(escaped)} </{docname}>`"


def _seconds(value: float | None) -> str:
    if value is None:
        return "not measured yet"
    # Seconds, as the budgets are stated (a chapter within 60 s); a
    # no-break space keeps the number and its unit on one line.
    return f"{round(value)}\u00a0s"


def markdown_table(rows: list[dict], labels: list[str]) -> list[str]:
    """The chapter map as MyST Markdown lines."""
    # One machine: a short "time" column, named in the line above the table.
    times = labels if len(labels) > 1 else ["time"]
    columns = ["", "chapter", "what it is about", *times]
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    for row in rows:
        number = "" if row["number"] is None else str(row["number"])
        cells = [number, _link(row["title"], row["file"]), _cell(row["summary"])]
        if not row["timed"]:
            cells += ["–"] * len(times)
        elif labels:
            cells += [_seconds(row["seconds"].get(label)) for label in labels]
        else:
            cells.append("not measured yet")
        lines.append("| " + " | ".join(cells) + " |")
    return lines


class ChapterMap(SphinxDirective):
    """``{chapter-map}``: every chapter, its summary and measured time."""

    has_content = False

    def run(self) -> list[nodes.Node]:
        root = Path(self.env.srcdir)
        times_path = root / self.config.chapter_map_times
        times = json.loads(times_path.read_text()) if times_path.is_file() else {}
        rows = chapter_rows(root, times)
        for dependency in [root / "_toc.yml", times_path, *(r["path"] for r in rows)]:
            self.env.note_dependency(str(dependency))
        container = nodes.container(classes=["chapter-map"])
        lines = markdown_table(rows, list(times))
        if len(times) == 1:
            lines = [f"Times measured on: {next(iter(times))}.", ""] + lines
        elif len(times) > 1:
            lines = ["Times measured on each machine named in a column.", ""] + lines
        self.state.nested_parse(StringList(lines), self.content_offset, container)
        return [container]


def setup(app: Sphinx) -> dict:
    app.add_config_value("chapter_map_times", TIMES_FILE, "env")
    app.add_directive("chapter-map", ChapterMap)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
