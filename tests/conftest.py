"""Shared fixtures: tiny IDX datasets written on the fly, no real data needed."""

from __future__ import annotations

import gzip
import hashlib
import struct
from pathlib import Path

import numpy as np
import pytest

from aeutils.data import DatasetSpec

#: Fixture books are run by the tests that copy them, never collected here
#: (``pytest tests book --nbval-lax`` would otherwise run the fixture
#: notebooks outside the setting their tests give them). Kept here, not in a
#: tests/fixtures/conftest.py: a second module named ``conftest`` would
#: shadow this one for the tests that import its helpers.
collect_ignore = ["fixtures/executed_book"]


def idx_bytes(array: np.ndarray) -> bytes:
    """Encode a uint8 array in the IDX format."""
    header = struct.pack(">HBB", 0, 0x08, array.ndim) + struct.pack(f">{array.ndim}I", *array.shape)
    return header + array.astype(np.uint8).tobytes()


def write_idx(path: Path, array: np.ndarray, *, compress: bool) -> Path:
    raw = idx_bytes(array)
    if compress:
        path = path.with_name(path.name + ".gz")
        path.write_bytes(gzip.compress(raw))
    else:
        path.write_bytes(raw)
    return path


TINY_FILES = {
    ("train", "images"): "train-images-idx3-ubyte",
    ("train", "labels"): "train-labels-idx1-ubyte",
    ("test", "images"): "t10k-images-idx3-ubyte",
    ("test", "labels"): "t10k-labels-idx1-ubyte",
}


def tiny_arrays(seed: int = 0) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    return {
        "train-images-idx3-ubyte": rng.integers(0, 256, size=(12, 28, 28), dtype=np.uint8),
        "train-labels-idx1-ubyte": np.arange(12, dtype=np.uint8) % 3,
        "t10k-images-idx3-ubyte": rng.integers(0, 256, size=(6, 28, 28), dtype=np.uint8),
        "t10k-labels-idx1-ubyte": np.arange(6, dtype=np.uint8) % 3,
    }


def make_tiny_dataset(directory: Path, *, compress: bool = True, seed: int = 0) -> DatasetSpec:
    """Write a complete tiny dataset and return a spec whose checksums match it."""
    directory.mkdir(parents=True, exist_ok=True)
    checksums = {}
    for name, array in tiny_arrays(seed).items():
        write_idx(directory / name, array, compress=compress)
        checksums[name] = hashlib.sha256(idx_bytes(array)).hexdigest()
    return DatasetSpec(
        name="Tiny",
        files=dict(TINY_FILES),
        sha256=checksums,
        class_names=("a", "b", "c"),
        torchvision_class="Tiny",
    )


@pytest.fixture
def isolated_data_env(tmp_path, monkeypatch):
    """No AEUTILS_DATA, an empty cache directory, and no system copy."""
    monkeypatch.delenv("AEUTILS_DATA", raising=False)
    cache = tmp_path / "cache"
    monkeypatch.setattr("aeutils.data.default_cache_dir", lambda: cache)
    return tmp_path
