"""The closing page's table: every chapter that trains a model contributes."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from aeutils import results
from course import results as course_results

ROOT = Path(__file__).resolve().parents[1]
TOC = yaml.safe_load((ROOT / "_toc.yml").read_text())
TOC_NOTEBOOKS = [
    ROOT / f"{chapter['file']}.ipynb"
    for part in TOC["parts"]
    for chapter in part["chapters"]
    if (ROOT / f"{chapter['file']}.ipynb").is_file()
]
CLOSING_PAGE = "14_course_results"


def _code(path: Path) -> str:
    cells = json.loads(path.read_text())["cells"]
    return "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")


def _trains_a_model(path: Path) -> bool:
    return re.search(r"\bfit\(", _code(path)) is not None


@pytest.mark.parametrize("path", TOC_NOTEBOOKS, ids=lambda p: p.name)
def test_every_chapter_that_trains_records_its_row(path):
    if path.stem == CLOSING_PAGE or not _trains_a_model(path):
        pytest.skip("trains no model")
    assert path.stem in course_results.chapters_with_results(ROOT), (
        f"{path.name} trains a model but never calls "
        f'record_result("{path.stem}", model=..., ...) for the closing page'
    )


def test_closing_page_comes_last_and_reads_the_toc():
    files = [
        c["file"] for part in TOC["parts"] for c in part["chapters"]
        if re.match(r"book/\d+_", c["file"])
    ]  # fmt: skip
    assert files[-1] == f"book/{CLOSING_PAGE}"
    assert sorted(files) == files, "the book executes notebooks in sorted order"
    code = _code(ROOT / "book" / f"{CLOSING_PAGE}.ipynb")
    assert "load_results()" in code and "results_table(" in code
    assert "record_result(" not in code


def test_chapters_with_results_rejects_a_foreign_name(tmp_path):
    (tmp_path / "book").mkdir()
    (tmp_path / "_toc.yml").write_text(
        "format: jb-book\nroot: book/intro\nparts:\n  - caption: x\n"
        "    chapters:\n      - file: book/03_x\n"
    )
    cell = {"cell_type": "code", "source": ['record_result("02_y", model="m")']}
    (tmp_path / "book" / "03_x.ipynb").write_text(json.dumps({"cells": [cell]}))
    with pytest.raises(ValueError, match="03_x"):
        course_results.chapters_with_results(tmp_path)


def test_load_results_fails_loudly_and_table_has_one_row_per_model(
    tmp_path, monkeypatch
):
    monkeypatch.setenv(results.ENV_VAR, str(tmp_path))
    with pytest.raises(FileNotFoundError, match="03_x"):
        results.load_results(["03_x"])
    results.record_result("03_x", model="a", test_mse=0.01, latent_dim=32)
    results.record_result("03_x", model="b", test_mse=0.02)
    results.record_result("03_x", model="a", test_mse=0.03, latent_dim=32)
    table = results.results_table(results.load_results(["03_x"]))
    assert list(table.index) == [("03_x", "b"), ("03_x", "a")]
    assert list(table.columns) == ["latent_dim", "test_mse"]
    assert table.loc[("03_x", "a"), "test_mse"] == 0.03
