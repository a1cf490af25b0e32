"""aeutils.results: record_result refuses what no chapter measures."""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch

from aeutils import results


@pytest.mark.parametrize(
    ("metrics", "message"),
    [
        ({"probe_accuracy": 87.5}, "fraction in"),
        ({"mean_auroc": -0.1}, "fraction in"),
        ({"latent_dim": 0}, "positive integer"),
        ({"probe_train_size": 10.5, "probe_accuracy": 0.8}, "positive integer"),
        ({"bytes_per_image": -3}, "cannot be negative"),
        ({"probe_train_size": 10_000}, "same row"),
    ],
)
def test_record_result_rejects_impossible_values(
    tmp_path, monkeypatch, metrics, message
):
    monkeypatch.setenv(results.ENV_VAR, str(tmp_path))
    with pytest.raises(ValueError, match=message):
        results.record_result("03_x", model="a", **metrics)
    assert not (tmp_path / "03_x.json").exists()


@pytest.mark.parametrize(
    "chapter", ["../escaped", "a/b", "/tmp/x", ".hidden", "03 deep", ""]
)
def test_a_chapter_id_is_never_a_path(tmp_path, monkeypatch, chapter):
    """Issue 19: record_result('../escaped', ...) wrote outside the folder."""
    monkeypatch.setenv("AEUTILS_RESULTS_DIR", str(tmp_path / "results"))
    with pytest.raises(ValueError, match="chapter must be"):
        results.record_result(chapter, "MLP AE", test_mse=0.1)
    assert not (tmp_path / "escaped.json").exists()


@pytest.mark.parametrize(
    "metrics",
    [{"test_mse": -0.5}, {"latent_dim": 0}, {"latent_dim": -3},
     {"latent_dim": 2.7}, {"probe_accuracy": 1.7}, {"parameters": -10},
     {"train_seconds": -1}, {"test_mse": float("nan")}, {"test_mse": True}],
    ids=repr,
)
def test_impossible_metrics_are_refused(tmp_path, monkeypatch, metrics):
    monkeypatch.setenv("AEUTILS_RESULTS_DIR", str(tmp_path))
    name = next(iter(metrics))
    with pytest.raises((TypeError, ValueError), match=name):
        results.record_result("03_x", "MLP AE", **metrics)


def test_numpy_and_tensor_scalars_are_recorded(tmp_path, monkeypatch):
    monkeypatch.setenv("AEUTILS_RESULTS_DIR", str(tmp_path))
    row = results.record_result(
        "03_x", "MLP AE", test_mse=np.float32(0.25), latent_dim=np.int64(32),
        probe_accuracy=torch.tensor(0.5), probe_train_size=10_000,
    )
    assert row == {"model": "MLP AE", "test_mse": 0.25, "latent_dim": 32,
                   "probe_accuracy": 0.5, "probe_train_size": 10_000}
    json.dumps(row)


@pytest.mark.parametrize("text", ["{not json", '{"model": "x"}', "[1, 2]"])
def test_a_corrupt_results_file_is_named_for_reading_and_writing(
    tmp_path, monkeypatch, text
):
    monkeypatch.setenv("AEUTILS_RESULTS_DIR", str(tmp_path))
    (tmp_path / "03_x.json").write_text(text)
    with pytest.raises(ValueError, match=r"03_x.json is corrupt.*delete it"):
        results.recorded_rows("03_x")
    with pytest.raises(ValueError, match=r"03_x.json is corrupt.*delete it"):
        results.record_result("03_x", "MLP AE", test_mse=0.1)


def test_recorded_rows_reads_what_was_recorded(tmp_path, monkeypatch):
    monkeypatch.setenv(results.ENV_VAR, str(tmp_path))
    assert results.recorded_rows("03_x") == []
    results.record_result("03_x", model="a", test_mse=0.01)
    assert results.recorded_rows("03_x") == [{"model": "a", "test_mse": 0.01}]
    with pytest.raises(ValueError, match="chapter must be"):
        results.recorded_rows("../03_x")
