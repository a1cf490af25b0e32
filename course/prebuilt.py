"""Build the test book from the notebooks nbval executed, executing nothing.

``make test`` runs every notebook once, under nbval, and the plugin
:mod:`course.executed` writes the executed copies to ``_build/executed/``.
This module then writes a mirror of the book's sources in
``<out>/source/``: the same ``_toc.yml``, pages and static files, with each
notebook replaced by its executed copy, and a ``_config.yml`` that differs
from the repository's in two ways:

- ``execute_notebooks: off``: the outputs are nbval's, nothing runs again;
- MathJax comes from the test server (Debian's ``libjs-mathjax``, MathJax 2,
  served under ``/_mathjax/``) instead of the CDN, because the test machine
  has no network. The published book (``make book``) keeps the CDN default.

It refuses to write the tree if a notebook of the table of contents has no
executed copy, or a copy of another version of the source (its SHA-256 is
recorded by the plugin), or a copy with a code cell that did not run: a book
is never built without outputs or with stale ones.

Then it builds the mirror with ``jupyter-book build -W`` into ``<out>``
(HTML in ``<out>/_build/html``) and fails if the build log shows that a
notebook was executed (myst-nb logs "Executing notebook" when it does).

Usage: ``python -m course.prebuilt EXECUTED_DIR OUT [--no-build]``
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import yaml

from .executed import METADATA_KEY, executed_path, is_myst_notebook, source_sha256

ROOT = Path(__file__).resolve().parents[1]
MATHJAX_PATH = "_mathjax/MathJax.js?config=TeX-AMS_CHTML"
# MathJax 2 reads its own configuration; process only the math nodes that
# Sphinx writes (myst-nb marks the surrounding text "mathjax_ignore").
MATHJAX2_CONFIG = {
    "tex2jax": {
        "inlineMath": [["\\(", "\\)"]],
        "displayMath": [["\\[", "\\]"]],
        "processRefs": False,
        "processEnvironments": False,
        "processClass": "tex2jax_process|mathjax_process|math|output_area",
        "ignoreClass": "tex2jax_ignore|mathjax_ignore|document",
    },
    "messageStyle": "none",
}
#: What myst-nb logs when it executes a notebook during a build.
EXECUTION_LOG = "Executing notebook"
#: Files outside book/ that the build reads (the chapter map's times).
EXTRA_FILES = ("benchmarks/chapter_times.json",)


class StaleExecution(RuntimeError):
    """A notebook's executed copy is missing, stale or incomplete."""


def build_config(root: Path = ROOT) -> dict:
    """``_config.yml`` for the test build: no execution, local MathJax."""
    config = yaml.safe_load((root / "_config.yml").read_text())
    config.setdefault("execute", {})["execute_notebooks"] = "off"
    # Paths in the configuration are read relative to the file's folder.
    local = config.get("sphinx", {}).get("local_extensions") or {}
    for name, path in local.items():
        local[name] = str((root / path).resolve())
    sphinx_config = config.setdefault("sphinx", {}).setdefault("config", {})
    sphinx_config["mathjax_path"] = MATHJAX_PATH
    sphinx_config["mathjax2_config"] = MATHJAX2_CONFIG
    sphinx_config["mathjax3_config"] = None
    sphinx_config["myst_update_mathjax"] = False
    return config


def toc_files(toc: dict) -> list[str]:
    """Every page of a ``jb-book`` table of contents, root first."""
    files = [toc["root"]]

    def visit(entries: list[dict]) -> None:
        for entry in entries:
            if "file" in entry:
                files.append(entry["file"])
            visit(entry.get("sections", []))

    for part in toc.get("parts", []):
        visit(part.get("chapters", []))
    visit(toc.get("chapters", []))
    return files


def _page_source(root: Path, file: str) -> Path:
    for suffix in (".ipynb", ".md"):
        path = root / f"{file}{suffix}"
        if path.is_file():
            return path
    raise FileNotFoundError(f"_toc.yml lists {file!r}, but {root} has no such page.")


def check_executed(source: Path, executed: Path) -> nbformat.NotebookNode:
    """The executed copy of ``source``, if it is complete and current."""
    hint = "run `make test-notebooks` (nbval writes the executed notebooks)"
    if not executed.is_file():
        raise StaleExecution(f"{source.name} has no executed copy ({executed}); {hint}.")
    notebook = nbformat.read(executed, as_version=4)
    record = notebook.metadata.get(METADATA_KEY, {})
    if record.get("source_sha256") != source_sha256(source):
        raise StaleExecution(
            f"{executed} was executed from another version of {source.name}; {hint}."
        )
    unrun = [
        number
        for number, cell in enumerate(c for c in notebook.cells if c.cell_type == "code")
        if cell.execution_count is None
    ]
    if unrun:
        raise StaleExecution(
            f"{executed}: code cell(s) {unrun} of {source.name} did not run; {hint}."
        )
    return notebook


def write_source_tree(executed_dir: Path, out: Path, root: Path = ROOT) -> Path:
    """Write the mirror of the book's sources; return its folder."""
    source = Path(out) / "source"
    if source.exists():
        shutil.rmtree(source)
    source.mkdir(parents=True)
    toc = yaml.safe_load((root / "_toc.yml").read_text())
    pages = [_page_source(root, file) for file in toc_files(toc)]
    notebooks = [p for p in pages if p.suffix == ".ipynb" or is_myst_notebook(p)]
    executed = {p: check_executed(p, executed_path(executed_dir, p, root)) for p in notebooks}
    for folder in sorted({p.parent for p in pages}):
        # Everything a page may include (images, data), then the pages.
        shutil.copytree(
            folder,
            source / folder.relative_to(root),
            ignore=shutil.ignore_patterns("*.ipynb", ".ipynb_checkpoints"),
            dirs_exist_ok=True,
        )
    for page in pages:
        target = source / page.relative_to(root)
        if page in executed:
            target.with_suffix(".md").unlink(missing_ok=True)
            nbformat.write(executed[page], target.with_suffix(".ipynb"))
    for name in ("_toc.yml", *EXTRA_FILES):
        if (root / name).is_file():
            (source / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(root / name, source / name)
    if (root / "_static").is_dir():
        shutil.copytree(root / "_static", source / "_static")
    (source / "_config.yml").write_text(yaml.safe_dump(build_config(root), sort_keys=False))
    return source


def build(source: Path, out: Path, *, jupyter_book: str | None = None) -> None:
    """``jupyter-book build -W`` of the mirror; fails if anything executed."""
    jupyter_book = jupyter_book or str(Path(sys.executable).with_name("jupyter-book"))
    command = [jupyter_book, "build", str(source), "--warningiserror", "--keep-going",
               "--path-output", str(out)]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               text=True)
    log = []
    assert process.stdout is not None
    for line in process.stdout:
        sys.stdout.write(line)
        log.append(line)
    code = process.wait()
    Path(out).mkdir(parents=True, exist_ok=True)
    (Path(out) / "build.log").write_text("".join(log))
    executed = [line.strip() for line in log if EXECUTION_LOG in line]
    if executed:
        raise SystemExit(
            "The test build executed notebooks; it must render nbval's outputs "
            "only (execute_notebooks: off):\n  " + "\n  ".join(executed)
        )
    if code:
        raise SystemExit(code)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("executed_dir", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--no-build", action="store_true", help="only write the sources")
    args = parser.parse_args(argv)
    try:
        source = write_source_tree(args.executed_dir, args.out)
    except StaleExecution as error:
        raise SystemExit(f"error: {error}") from None
    print(f"Test book sources (executed notebooks) in {source}", flush=True)
    if not args.no_build:
        build(source, args.out)


if __name__ == "__main__":
    main()
