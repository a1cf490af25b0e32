"""aeutils.data: IDX files, checksums, search order, errors, splits."""

from __future__ import annotations

import dataclasses
import gzip
import os
import urllib.error
from pathlib import Path

import numpy as np
import pytest
import torch

from aeutils import data
from aeutils.data import FASHION_MNIST, DatasetError, ImageDataset
from conftest import idx_bytes, make_tiny_dataset, tiny_arrays, write_idx

# ---------------------------------------------------------------- IDX files


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


# ---------------------------------------------------------------- loading and search order


@pytest.mark.parametrize("compress", [False, True])
def test_load_dataset_from_root(isolated_data_env, compress):
    root = isolated_data_env / "root"
    spec = make_tiny_dataset(root, compress=compress)
    train = data.load_dataset(spec, "train", root=root, download=False)
    expected = tiny_arrays()["train-images-idx3-ubyte"]
    assert train.images.shape == (12, 1, 28, 28)
    assert train.images.dtype == torch.float32
    assert float(train.images.min()) >= 0.0 and float(train.images.max()) <= 1.0
    torch.testing.assert_close(train.images[:, 0], torch.from_numpy(expected).float() / 255)
    assert train.labels.dtype == torch.int64
    assert train.labels.tolist() == [i % 3 for i in range(12)]
    assert train.class_names == ("a", "b", "c")
    assert len(data.load_dataset(spec, "test", root=root, download=False)) == 6


def test_search_order_root_env_cache_system(isolated_data_env, monkeypatch):
    """Each location wins over the ones after it; the data tells which one was read."""
    places = {}
    for seed, place in enumerate(["root", "env", "cache", "system"]):
        places[place] = isolated_data_env / place
        spec = make_tiny_dataset(places[place], seed=seed)
        # Each place holds different data, so the spec must not pin checksums.
    spec = dataclasses.replace(spec, sha256=None, system_dirs=(places["system"],))
    monkeypatch.setenv("AEUTILS_DATA", str(places["env"]))
    monkeypatch.setattr("aeutils.data.default_cache_dir", lambda: places["cache"])

    def first_pixel_row(**kwargs):
        return data.load_dataset(spec, "train", download=False, **kwargs).images[0, 0, 0]

    expected = {
        place: torch.from_numpy(tiny_arrays(seed)["train-images-idx3-ubyte"][0, 0]).float() / 255
        for seed, place in enumerate(["root", "env", "cache", "system"])
    }
    torch.testing.assert_close(first_pixel_row(root=places["root"]), expected["root"])
    torch.testing.assert_close(first_pixel_row(), expected["env"])
    monkeypatch.delenv("AEUTILS_DATA")
    torch.testing.assert_close(first_pixel_row(), expected["cache"])
    monkeypatch.setattr("aeutils.data.default_cache_dir", lambda: isolated_data_env / "empty")
    torch.testing.assert_close(first_pixel_row(), expected["system"])


def test_torchvision_layout_is_found(isolated_data_env):
    root = isolated_data_env / "root"
    spec = make_tiny_dataset(root / "Tiny" / "raw")
    assert data.find_dataset_dir(spec, root=root, download=False) == root / "Tiny" / "raw"


def test_incomplete_directory_names_missing_file(isolated_data_env):
    root = isolated_data_env / "root"
    spec = make_tiny_dataset(root)
    (root / "t10k-labels-idx1-ubyte.gz").unlink()
    with pytest.raises(DatasetError, match="incomplete: missing t10k-labels-idx1-ubyte"):
        data.load_dataset(spec, "train", root=root, download=False)


def test_not_found_without_download(isolated_data_env):
    spec = dataclasses.replace(make_tiny_dataset(isolated_data_env / "elsewhere"), system_dirs=())
    with pytest.raises(DatasetError, match="was not found") as info:
        data.load_dataset(spec, "train", root=isolated_data_env / "empty", download=False)
    assert "folder you named (root=" in str(info.value) and "does not exist" in str(info.value)


def test_offline_download_gives_clear_error(isolated_data_env, monkeypatch):
    import torchvision.datasets

    def offline(*args, **kwargs):
        raise urllib.error.URLError("[Errno -3] Temporary failure in name resolution")

    monkeypatch.setattr(torchvision.datasets, "FashionMNIST", offline)
    spec = dataclasses.replace(FASHION_MNIST, system_dirs=())
    with pytest.raises(DatasetError) as info:
        data.load_dataset(spec, "train", download=True)
    message = str(info.value)
    assert "download" in message and "offline" in message
    assert "apt-get install dataset-fashion-mnist" in message
    assert "URLError" in message


def test_download_fallback_is_used_and_verified(isolated_data_env, monkeypatch):
    import torchvision.datasets

    calls = []

    def fake_download(root, train, download):
        calls.append((root, train, download))
        make_tiny_dataset(Path(root) / "Tiny" / "raw")

    monkeypatch.setattr(torchvision.datasets, "Tiny", fake_download, raising=False)
    spec = make_tiny_dataset(isolated_data_env / "reference")
    spec = dataclasses.replace(spec, system_dirs=())
    train = data.load_dataset(spec, "train", download=True)
    assert len(train) == 12
    assert [c[1:] for c in calls] == [(True, True), (False, True)]
    assert calls[0][0] == str(isolated_data_env / "cache")


def test_real_checksums_reject_a_different_file(isolated_data_env):
    """A structurally valid file under the Fashion-MNIST name is refused, by name."""
    root = isolated_data_env / "root"
    make_tiny_dataset(root)
    with pytest.raises(DatasetError, match="does not match its known checksum") as info:
        data.load_fashion_mnist("train", root=root, download=False)
    assert "train-images-idx3-ubyte" in str(info.value)


def test_invalid_split():
    with pytest.raises(ValueError, match="split must be 'train' or 'test'"):
        data.load_fashion_mnist("validation")


def test_load_splits_rejects_unknown_dataset():
    with pytest.raises(ValueError, match="dataset must be .fashion-mnist. or .mnist."):
        data.load_splits("cifar10")


# ---------------------------------------------------------------- splits and containers


def _toy_dataset(n: int = 50) -> ImageDataset:
    images = torch.rand(n, 1, 28, 28)
    return ImageDataset(images, torch.arange(n) % 10, tuple("0123456789"))


def test_image_dataset_validates():
    with pytest.raises(ValueError, match="labels must have shape"):
        ImageDataset(torch.rand(3, 1, 28, 28), torch.zeros(4, dtype=torch.long), ("a",))
    with pytest.raises(ValueError, match=r"pixel values in \[0, 1\]"):
        ImageDataset(torch.rand(3, 1, 28, 28) * 255, torch.zeros(3, dtype=torch.long), ("a",))


def test_train_val_split_is_disjoint_and_seeded():
    dataset = _toy_dataset()
    train, val = data.train_val_split(dataset, val_size=10, seed=3)
    assert (len(train), len(val)) == (40, 10)
    train_keys = {float(x.sum()) for x in train.images}
    val_keys = {float(x.sum()) for x in val.images}
    assert not train_keys & val_keys
    again_train, again_val = data.train_val_split(dataset, val_size=10, seed=3)
    assert torch.equal(val.images, again_val.images) and torch.equal(train.labels, again_train.labels)
    _, other_val = data.train_val_split(dataset, val_size=10, seed=4)
    assert not torch.equal(val.images, other_val.images)


@pytest.mark.parametrize("val_size", [0, 50, -1])
def test_train_val_split_rejects_bad_sizes(val_size):
    with pytest.raises(ValueError, match="val_size must be between 1 and 49"):
        data.train_val_split(_toy_dataset(), val_size=val_size)


def test_train_val_split_names_bad_datasets_and_seeds():
    """Issue 19: a tensor or seed='a' gave raw tracebacks."""
    import torch

    from aeutils.data import ImageDataset, train_val_split

    with pytest.raises(TypeError, match="dataset must be a ImageDataset"):
        train_val_split(torch.rand(10, 1, 2, 2), val_size=2)
    dataset = ImageDataset(torch.rand(10, 1, 2, 2), torch.zeros(10, dtype=torch.long),
                           ("a",))
    with pytest.raises(TypeError, match="seed must be an int"):
        train_val_split(dataset, val_size=2, seed="a")


# ---------------------------------------------------------------- the real dataset

_REAL = data.SYSTEM_FASHION_MNIST_DIR / "train-images-idx3-ubyte.gz"
real_data = pytest.mark.skipif(
    not _REAL.exists() and not os.environ.get("CI"),
    reason="Fashion-MNIST system copy not installed (CI installs it and never skips)",
)


@real_data
def test_real_fashion_mnist():
    train = data.load_fashion_mnist("train", download=False)
    test = data.load_fashion_mnist("test", download=False)
    assert train.images.shape == (60000, 1, 28, 28)
    assert test.images.shape == (10000, 1, 28, 28)
    assert torch.bincount(train.labels).tolist() == [6000] * 10
    assert torch.bincount(test.labels).tolist() == [1000] * 10
    assert float(train.images.min()) == 0.0 and float(train.images.max()) == 1.0
    assert train.class_names[0] == "T-shirt/top" and train.class_names[9] == "Ankle boot"


@real_data
def test_real_splits_are_reproducible():
    train, val, test = data.load_splits(val_size=5000, seed=0, download=False)
    assert (len(train), len(val), len(test)) == (55000, 5000, 10000)
    _, val_again, _ = data.load_splits(val_size=5000, seed=0, download=False)
    assert torch.equal(val.labels, val_again.labels)
