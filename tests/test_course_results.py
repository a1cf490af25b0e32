"""course.results: the closing page's contract and the gathered table."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
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


def _code(path: Path) -> str:
    cells = json.loads(path.read_text())["cells"]
    return "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")


CLOSING_PAGE = "14_course_results"


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
    assert "results.read_closing_rows()" in code
    assert "from course import results" in code
    assert "record_result(" not in code
    # nbval and CI run the page after the chapters because it gathers
    from course import executed

    assert executed._gathers(ROOT / "book" / f"{CLOSING_PAGE}.ipynb")


CONTRACT_CHAPTERS = sorted({need.chapter for need in course_results.CLOSING_ROWS})


@pytest.mark.parametrize("chapter", CONTRACT_CHAPTERS)
def test_chapters_in_the_book_record_what_the_closing_page_reads(chapter):
    path = ROOT / "book" / f"{chapter}.ipynb"
    if not path.is_file():
        pytest.skip(f"{chapter} is not written yet (the page lets it pend)")
    code = _code(path)
    owed = [need for need in course_results.CLOSING_ROWS if need.chapter == chapter]
    missing = [
        f"model={need.model!r}"
        for need in owed
        if f'"{need.model}"' not in code and f"'{need.model}'" not in code
    ] + sorted(
        {
            f"{metric}="
            for need in owed
            for metric in need.metrics
            if f"{metric}=" not in code
        }
    )
    assert not missing, (
        f"{path.name} must record for the closing page (see "
        f"aeutils.course_results.CLOSING_ROWS): {', '.join(missing)}"
    )


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
        course_results.load_results(["03_x"])
    results.record_result("03_x", model="a", test_mse=0.01, latent_dim=32)
    results.record_result("03_x", model="b", test_mse=0.02)
    results.record_result("03_x", model="a", test_mse=0.03, latent_dim=32)
    table = course_results.results_table(course_results.load_results(["03_x"]))
    assert list(table.index) == [("03_x", "b"), ("03_x", "a")]
    assert list(table.columns) == ["latent_dim", "test_mse"]
    assert table.loc[("03_x", "a"), "test_mse"] == 0.03


def _contract_rows():
    """Rows that satisfy every entry of CLOSING_ROWS."""
    recorded = {}
    for need in course_results.CLOSING_ROWS:
        row = {"model": need.model}
        row |= {m: 0.5 for m in need.metrics}
        if "probe_train_size" in need.metrics:
            row["probe_train_size"] = course_results.PROBE_TRAIN_SIZE
        if need.latent_dim is not None:
            row["latent_dim"] = need.latent_dim or 196
        recorded.setdefault(need.chapter, []).append(row)
    return recorded


def test_closing_rows_reads_one_row_per_contract_entry():
    recorded = _contract_rows()
    recorded["03_deep_autoencoder"].append({"model": "extra", "test_mse": 1})
    table = course_results.closing_rows(recorded)
    assert len(table) == len(course_results.CLOSING_ROWS)
    assert ("03_deep_autoencoder", "extra") not in table.index
    assert table.loc[("08_compression", "JPEG"), "bytes_per_image"] == 0.5
    # only the metrics a row owes are read: 07's MLP AE owes no test_mse
    assert pd.isna(table.loc[("07_codes_as_features", "MLP AE"), "test_mse"])
    assert list(table.columns) == [
        m for m in course_results.METRICS if m in table.columns
    ]


def test_closing_rows_names_every_missing_piece():
    recorded = _contract_rows()
    del recorded["04_convolutional_autoencoder"]
    recorded["01_pca"][0]["latent_dim"] = 16
    del recorded["12_variational_autoencoder"][0]["negative_elbo"]
    recorded["07_codes_as_features"][0]["probe_train_size"] = 5_000
    recorded["09_anomaly_images"][0]["model"] = "MLP AE 784-64-16"
    with pytest.raises(ValueError) as error:
        course_results.closing_rows(recorded)
    message = str(error.value)
    for piece in (
        "04_convolutional_autoencoder: recorded nothing",
        "01_pca: model='PCA' has latent_dim=16",
        "12_variational_autoencoder: model='VAE' lacks negative_elbo",
        "probed on 5000 training codes",
        "recorded ['MLP AE 784-64-16', 'PCA']",
    ):
        assert piece in message, message


def test_closing_rows_lets_a_chapter_not_written_yet_be_missing():
    recorded = _contract_rows()
    del recorded["13_latent_diffusion"]
    table = course_results.closing_rows(recorded, pending=["13_latent_diffusion"])
    assert "13_latent_diffusion" not in table.index.get_level_values(0)
    with pytest.raises(ValueError, match="not in required"):
        course_results.closing_rows(recorded, pending=["99_nothing"])
    with pytest.raises(TypeError, match="load_results"):
        course_results.closing_rows([])


def test_read_closing_rows_is_strict_for_the_chapters_in_the_book(
    tmp_path, monkeypatch
):
    book, store = tmp_path / "book", tmp_path / "store"
    book.mkdir()
    monkeypatch.setenv(results.ENV_VAR, str(store))
    rows = _contract_rows()
    for chapter in ("01_pca", "02_linear_autoencoder"):
        (book / f"{chapter}.ipynb").write_text("{}")
        for row in rows[chapter]:
            results.record_result(chapter, **row)
    table = course_results.read_closing_rows(book)
    assert list(table.index.get_level_values(0)) == [
        "01_pca",
        "02_linear_autoencoder",
    ]
    assert "13_latent_diffusion" in table.attrs["pending"]
    assert "01_pca" not in table.attrs["pending"]
    # a chapter that exists must have run ...
    (book / "03_deep_autoencoder.ipynb").write_text("{}")
    with pytest.raises(FileNotFoundError, match="03_deep_autoencoder"):
        course_results.read_closing_rows(book)
    # ... and recorded what it owes
    results.record_result("03_deep_autoencoder", model="MLP AE", test_mse=1.0)
    with pytest.raises(ValueError, match="lacks parameters"):
        course_results.read_closing_rows(book)
    with pytest.raises(FileNotFoundError, match="not a folder"):
        course_results.read_closing_rows(tmp_path / "nowhere")


def test_load_results_wants_a_list_of_chapters(tmp_path, monkeypatch):
    monkeypatch.setenv("AEUTILS_RESULTS_DIR", str(tmp_path))
    with pytest.raises(TypeError, match=r"pass \['c1'\]"):
        course_results.load_results("c1")


def test_every_metric_record_result_accepts_is_described():
    from aeutils.results import METRIC_KINDS

    assert list(course_results.METRICS) == list(METRIC_KINDS)
