"""The book's structure: config, table of contents, and what every chapter must contain."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
CHAPTERS = sorted((ROOT / "book").glob("*.ipynb"))
#: Pages that teach nothing new and so have no exercises: the closing table.
NO_EXERCISES = {"14_course_results"}
CONFIG = yaml.safe_load((ROOT / "_config.yml").read_text())
TOC = yaml.safe_load((ROOT / "_toc.yml").read_text())


def _cells(path: Path) -> list[dict]:
    return json.loads(path.read_text())["cells"]


def _source(cell: dict) -> str:
    return "".join(cell["source"])


def _tags(cell: dict) -> list[str]:
    return cell.get("metadata", {}).get("tags", [])


def test_there_are_chapters():
    assert [p.name for p in CHAPTERS][:2] == ["01_pca.ipynb", "02_linear_autoencoder.ipynb"]


def test_config_executes_and_fails_on_errors():
    execute = CONFIG["execute"]
    assert execute["execute_notebooks"] in {"force", "cache"}
    assert execute["raise_on_error"] is True and execute["allow_errors"] is False
    assert execute["timeout"] >= 300
    assert "sphinx_exercise" in CONFIG["sphinx"]["extra_extensions"]


def test_config_launch_buttons_point_at_the_chapters():
    repo = CONFIG["repository"]
    assert repo["path_to_book"] == "" and repo["branch"] == "main"
    assert re.fullmatch(r"https://github\.com/[\w.-]+/[\w.-]+", repo["url"])
    assert CONFIG["launch_buttons"]["colab_url"] == "https://colab.research.google.com"
    assert CONFIG["html"]["use_repository_button"] is True


def test_config_prefers_static_html_over_widget_views():
    overrides = CONFIG["sphinx"]["config"]["nb_mime_priority_overrides"]
    assert ["*", "application/vnd.jupyter.widget-view+json", None] in overrides
    assert CONFIG["sphinx"]["config"]["nb_ipywidgets_js"] == {}


def test_toc_lists_every_chapter():
    listed = {chapter["file"] for part in TOC["parts"] for chapter in part["chapters"]}
    pages = {f"book/{p.stem}" for p in (ROOT / "book").glob("*.md")} - {"book/intro"}
    assert listed == {f"book/{p.stem}" for p in CHAPTERS} | pages
    assert TOC["root"] == "book/intro"


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_notebook_is_committed_without_outputs(path):
    for cell in _cells(path):
        if cell["cell_type"] == "code":
            assert cell["outputs"] == [], f"{path.name}: strip outputs before committing"
            assert cell["execution_count"] is None, f"{path.name}: strip execution counts"


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_colab_cell_installs_from_the_configured_repository(path):
    first = _cells(path)[0]
    assert "remove-cell" in _tags(first), "the Colab cell is hidden in the book"
    source = _source(first)
    assert 'if "google.colab" in sys.modules:' in source, "install only in Colab"
    repo = CONFIG["repository"]
    url, branch = repo["url"], repo["branch"]
    owner_and_name = "/".join(url.split("/")[-2:])
    assert f"{owner_and_name}@{branch}" in source, "must match _config.yml's repository"
    # tests/test_course_colab.py runs the cell in a simulated Colab and checks the
    # exact install command.


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_chapter_has_exercises_with_gated_solutions_and_a_checked_coding_exercise(path):
    if path.stem in NO_EXERCISES:
        pytest.skip("the closing page gathers results; it teaches nothing new")
    cells = _cells(path)
    markdown = "\n".join(_source(c) for c in cells if c["cell_type"] == "markdown")
    labels = re.findall(r"```\{exercise-start\}\n:label: ([\w-]+)", markdown)
    assert len(labels) >= 3, f"{path.name}: at least three exercises"
    for label in labels:
        assert f"```{{solution-start}} {label}" in markdown, f"{label} has no solution"
    assert markdown.count("```{exercise-end}") == len(labels)
    assert "hide_solutions" not in markdown
    code = "\n".join(_source(c) for c in cells if c["cell_type"] == "code")
    assert re.search(r"exercises\.check_\w+\(", code), "a coding exercise checked by aeutils.exercises"


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_chapter_checks_its_claims_in_hidden_cells(path):
    hidden = [c for c in _cells(path) if c["cell_type"] == "code" and "remove-cell" in _tags(c)]
    assertions = [c for c in hidden if re.search(r"^assert ", _source(c), flags=re.M)]
    assert len(assertions) >= 2, f"{path.name}: claims must be asserted in hidden cells"


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_chapter_starts_with_a_title_and_uses_aeutils(path):
    cells = _cells(path)
    title = next(c for c in cells if c["cell_type"] == "markdown")
    assert _source(title).startswith("# ")
    code = "\n".join(_source(c) for c in cells if c["cell_type"] == "code")
    assert "from aeutils import" in code
    assert "torch.load(" not in code or "weights_only=True" in code


BOOK_COLUMNS = 79
# A code cell makes a figure when it calls a plotting function of aeutils
# (viz.plot_*, latent.plot_*, any plot_*) or pyplot / subplots. Its alt text
# lives in the cell metadata (myst-nb reads it); interactive_figure cells are
# exempt: the widget stand-in writes an alt text for each frame itself.
FIGURE_CALL = re.compile(r"\b(?:\w+\.)?plot_\w+\(|\bplt\.|\.subplots\(")


def _visible_code_cells(path: Path) -> list[tuple[int, dict]]:
    return [
        (index, cell)
        for index, cell in enumerate(_cells(path))
        if cell["cell_type"] == "code" and "remove-cell" not in _tags(cell)
    ]


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_code_lines_fit_the_book_column(path):
    # The hidden Colab install cell (cell 0) holds an unbreakable URL; every
    # other code cell, hidden or not, is read in Colab or the book.
    too_wide = [
        f"cell {index}: {line!r}"
        for index, cell in enumerate(_cells(path)[1:], start=1)
        if cell["cell_type"] == "code"
        for line in _source(cell).splitlines()
        if len(line) > BOOK_COLUMNS
    ]
    assert not too_wide, (
        f"{path.name}: lines over {BOOK_COLUMNS} characters (run `make format`, "
        "then wrap long strings and comments by hand):\n" + "\n".join(too_wide)
    )


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_every_figure_cell_has_alt_text(path):
    missing = [
        f"cell {index}: {_source(cell).splitlines()[0]!r}"
        for index, cell in _visible_code_cells(path)
        if FIGURE_CALL.search(_source(cell))
        and "interactive_figure(" not in _source(cell)
        and not cell["metadata"].get("mystnb", {}).get("image", {}).get("alt", "").strip()
    ]
    assert not missing, (
        f"{path.name}: figure cells without alt text; add "
        '"mystnb": {"image": {"alt": "what the figure shows"}} to the metadata of:\n'
        + "\n".join(missing)
    )


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_chapters_import_aeutils_modules_in_one_style(path):
    """``from aeutils import train`` then ``train.fit``, in every chapter.

    A name imported from inside a module is allowed only where a class cell
    copies the library's source (which calls the bare name), and the import
    says so with a ``# used by`` comment.
    """
    stray = [
        line.strip()
        for cell in _cells(path)
        if cell["cell_type"] == "code"
        for line in _source(cell).splitlines()
        if re.match(r"\s*(from aeutils\.\w|import aeutils\.)", line)
        and "# used by" not in line
    ]
    assert stray == [], f"{path.name}: import modules, e.g. `from aeutils import losses`"
