"""aeutils.data.idx: reading and verifying IDX files."""

from __future__ import annotations

import gzip
import numpy as np
import pytest

from aeutils import data
from aeutils.data import DatasetError
from conftest import idx_bytes, write_idx


@pytest.mark.parametrize("compress", [False, True])
def test_read_idx_roundtrip(tmp_path, compress):
    array = np.arange(2 * 3 * 4, dtype=np.uint8).reshape(2, 3, 4)
    path = write_idx(tmp_path / "x-idx3-ubyte", array, compress=compress)
    np.testing.assert_array_equal(data.read_idx(path), array)


def test_read_idx_truncated_payload(tmp_path):
    path = tmp_path / "x-idx3-ubyte"
    path.write_bytes(idx_bytes(np.zeros((4, 5, 5), dtype=np.uint8))[:-7])
    with pytest.raises(DatasetError, match=r"truncated or corrupted") as info:
        data.read_idx(path)
    assert str(path) in str(info.value)


def test_read_idx_truncated_header(tmp_path):
    path = tmp_path / "x-idx3-ubyte"
    path.write_bytes(idx_bytes(np.zeros((4, 5, 5), dtype=np.uint8))[:9])
    with pytest.raises(DatasetError, match="header"):
        data.read_idx(path)


def test_read_idx_wrong_magic(tmp_path):
    path = tmp_path / "x-idx3-ubyte"
    raw = bytearray(idx_bytes(np.zeros((2, 2), dtype=np.uint8)))
    raw[2] = 0x0D  # float32 type code: not what the course reads
    path.write_bytes(bytes(raw))
    with pytest.raises(DatasetError, match="magic number 0x00000d02"):
        data.read_idx(path)


def test_read_idx_checksum_mismatch_names_file(tmp_path):
    path = write_idx(tmp_path / "x-idx1-ubyte", np.arange(10, dtype=np.uint8), compress=True)
    with pytest.raises(DatasetError, match="does not match its known checksum") as info:
        data.read_idx(path, expected_sha256="0" * 64)
    assert str(path) in str(info.value)
    assert "reinstall" in str(info.value)


def test_read_idx_checksum_is_of_decompressed_bytes(tmp_path):
    """A recompressed file (as Debian ships) passes: only the IDX bytes count."""
    import hashlib

    array = np.arange(10, dtype=np.uint8)
    raw = idx_bytes(array)
    for level in (1, 9):
        path = tmp_path / f"level{level}-idx1-ubyte.gz"
        path.write_bytes(gzip.compress(raw, compresslevel=level))
        result = data.read_idx(path, expected_sha256=hashlib.sha256(raw).hexdigest())
        np.testing.assert_array_equal(result, array)


def test_read_idx_corrupted_gzip(tmp_path):
    path = tmp_path / "x-idx1-ubyte.gz"
    path.write_bytes(gzip.compress(idx_bytes(np.arange(100, dtype=np.uint8)))[:-12])
    with pytest.raises(DatasetError, match="not a valid gzip file") as info:
        data.read_idx(path)
    assert str(path) in str(info.value)


def test_read_idx_missing_file_says_how_to_fix(tmp_path):
    with pytest.raises(DatasetError) as info:
        data.read_idx(tmp_path / "nope-idx1-ubyte")
    message = str(info.value)
    assert "does not exist" in message
    assert "Check the path" in message
    assert "AEUTILS_DATA" in message
