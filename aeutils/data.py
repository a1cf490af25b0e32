"""Data: Fashion-MNIST (offline-first) and MNIST (online), IDX files, splits.

A folder you name (``root=``, else ``$AEUTILS_DATA``) is the only place
looked at; without one, the user cache (:func:`default_cache_dir`), then the
Debian/Ubuntu package ``dataset-fashion-mnist``
(``/usr/share/datasets/fashion-mnist/``). Flat IDX files (plain or ``.gz``)
and torchvision's layout (``FashionMNIST/raw``) both count. Else, with
``download=True``, torchvision downloads them there (needs the network;
MNIST always does). Fashion-MNIST files are verified by the SHA-256 of their
decompressed bytes (the recompressed Debian copy passes); MNIST files are
structure-checked and refused when they are Fashion-MNIST's. Every such
error is a :class:`DatasetError` that names the file or folder.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import shutil
import struct
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from .validation import (
    validate_fraction,
    validate_images,
    validate_instance,
    validate_labels,
    validate_option,
    validate_path,
    validate_positive_int,
    validate_seed,
)

__all__ = [
    "DatasetError",
    "DatasetSpec",
    "ENV_VAR",
    "FASHION_MNIST",
    "ImageDataset",
    "MNIST",
    "SYSTEM_FASHION_MNIST_DIR",
    "default_cache_dir",
    "find_dataset_dir",
    "load_dataset",
    "load_fashion_mnist",
    "load_splits",
    "read_idx",
    "train_val_split",
]

#: The environment variable naming the folder datasets are read from.
ENV_VAR = "AEUTILS_DATA"

_REDOWNLOAD = (
    "Delete it and download it again, or reinstall the dataset-fashion-mnist "
    "package."
)


class DatasetError(RuntimeError):
    """A dataset file is missing, truncated, altered, or cannot be downloaded."""


def read_idx(
    path: str | os.PathLike, *, expected_sha256: str | None = None
) -> np.ndarray:
    """Read one IDX file of unsigned bytes (``.gz``: gzip) into an array.

    ``expected_sha256`` is the hex SHA-256 of the decompressed bytes, or
    ``None`` to skip the check. The array has the shape in the file header.

    Raises
    ------
    DatasetError
        If the file is missing, not valid gzip, fails the checksum, has an
        unknown magic number, or holds fewer or more bytes than its header says.
    """
    path = validate_path(path)
    if not path.is_file():
        raise DatasetError(
            f"Dataset file {path} does not exist. Check the path; "
            "load_fashion_mnist and load_splits find (and download) the "
            f"files in root= or {ENV_VAR} for you."
        )
    raw = path.read_bytes()
    if path.suffix == ".gz":
        try:
            raw = gzip.decompress(raw)
        except (OSError, EOFError, zlib.error) as exc:
            raise DatasetError(
                f"Dataset file {path} is not a valid gzip file ({exc}); it is "
                f"probably truncated or corrupted. {_REDOWNLOAD}"
            ) from exc
    digest = expected_sha256 and hashlib.sha256(raw).hexdigest()
    if digest != expected_sha256:
        raise DatasetError(
            f"Dataset file {path} does not match its known checksum (SHA-256 "
            f"of the decompressed bytes is {digest[:12]}..., expected "
            f"{expected_sha256[:12]}...). It is truncated, altered, or a "
            f"different dataset. {_REDOWNLOAD}"
        )
    if len(raw) < 4 or raw[:3] != b"\x00\x00\x08" or raw[3] == 0:
        raise DatasetError(
            f"Dataset file {path} is not an IDX file of unsigned bytes "
            f"(magic number 0x{raw[:4].hex()}). Check that it is the right "
            "file."
        )
    header_size = 4 + 4 * raw[3]
    if len(raw) < header_size:
        raise DatasetError(f"Dataset file {path} is truncated in its header.")
    shape = struct.unpack(f">{raw[3]}I", raw[4:header_size])
    if len(raw) - header_size != np.prod(shape):
        raise DatasetError(
            f"Dataset file {path} holds {len(raw) - header_size} data bytes "
            f"but its header announces shape {shape}: the file is truncated "
            "or corrupted. Delete it and download it again."
        )
    return np.frombuffer(raw, np.uint8, offset=header_size).reshape(shape)


SYSTEM_FASHION_MNIST_DIR = Path("/usr/share/datasets/fashion-mnist")


@dataclass(frozen=True)
class DatasetSpec:
    """Everything needed to find and verify one IDX dataset: its files
    ``{(split, kind): name}``, their SHA-256 (``None``: structure-checked
    only), class names, torchvision class and system folders."""

    name: str
    files: dict[tuple[str, str], str]
    sha256: dict[str, str] | None
    class_names: tuple[str, ...]
    torchvision_class: str
    system_dirs: tuple[Path, ...] = ()


FASHION_MNIST = DatasetSpec(
    name="Fashion-MNIST",
    files={
        ("train", "images"): "train-images-idx3-ubyte",
        ("train", "labels"): "train-labels-idx1-ubyte",
        ("test", "images"): "t10k-images-idx3-ubyte",
        ("test", "labels"): "t10k-labels-idx1-ubyte",
    },
    sha256={
        "train-images-idx3-ubyte": "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888",
        "train-labels-idx1-ubyte": "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9",
        "t10k-images-idx3-ubyte": "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b",
        "t10k-labels-idx1-ubyte": "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34",
    },
    class_names=(
        "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
        "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
    ),  # fmt: skip
    torchvision_class="FashionMNIST",
    system_dirs=(SYSTEM_FASHION_MNIST_DIR,),
)

# torchvision verifies the MD5 of the archives it downloads.
MNIST = DatasetSpec(
    name="MNIST",
    files=dict(FASHION_MNIST.files),
    sha256=None,
    class_names=tuple(str(digit) for digit in range(10)),
    torchvision_class="MNIST",
)


@dataclass(frozen=True)
class ImageDataset:
    """Images ``(N, C, H, W)`` in ``[0, 1]``, int64 labels ``(N,)`` and the
    name of each label value, held in memory."""

    images: torch.Tensor
    labels: torch.Tensor
    class_names: tuple[str, ...]

    def __post_init__(self) -> None:
        images = validate_images(self.images, name="images")
        names = tuple(self.class_names)
        labels = validate_labels(self.labels, n=len(images),
                                 n_classes=len(names))  # fmt: skip
        # Frozen: store the validated tensors (NumPy input becomes torch).
        object.__setattr__(self, "images", images)
        object.__setattr__(self, "labels", labels)
        object.__setattr__(self, "class_names", names)

    def __len__(self) -> int:
        return int(self.images.shape[0])

    def subset(self, indices: torch.Tensor) -> ImageDataset:
        """Return the examples at ``indices`` as a new dataset."""
        return ImageDataset(self.images[indices], self.labels[indices],
                            self.class_names)  # fmt: skip


def default_cache_dir() -> Path:
    """Return the per-user folder where downloaded datasets are kept."""
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("aeutils"))


def _fix_hint(spec: DatasetSpec) -> str:
    apt = (
        "on Debian/Ubuntu run `sudo apt-get install dataset-fashion-mnist`; "
        if spec.torchvision_class == "FashionMNIST" else ""
    )
    return (
        f"To fix it: {apt}put the four original IDX files in a folder and "
        f"set {ENV_VAR}=/that/folder (or pass root=); or go online and let "
        "torchvision download them (this is what happens in Colab)."
    )


def _locate(directory: Path, file_name: str) -> Path | None:
    for candidate in (directory / file_name, directory / f"{file_name}.gz"):
        if candidate.is_file():
            return candidate
    return None


def find_dataset_dir(
    spec: DatasetSpec = FASHION_MNIST,
    *,
    root: str | os.PathLike | None = None,
    download: bool = True,
) -> Path:
    """The folder that holds all files of ``spec``, downloading if needed
    (``download``); ``root`` is the only folder looked at when given.

    Raises
    ------
    DatasetError
        If no folder holds the files and downloading is off or fails.
    """
    validate_instance(spec, DatasetSpec, name="spec", example="FASHION_MNIST")
    source = f"root={str(root)!r}"
    if root is None and os.environ.get(ENV_VAR):
        root = os.environ[ENV_VAR]
        source = f"{ENV_VAR}={root!r}"
    base = Path(root) if root is not None else default_cache_dir()
    raw = base / spec.torchvision_class / "raw"
    # A folder the user names is the only place looked at: no fallback.
    dirs = [base, raw, *(spec.system_dirs if root is None else ())]
    names = list(spec.files.values())
    for directory in dirs:
        missing = [name for name in names if not _locate(directory, name)]
        if not missing:
            return directory
        if len(missing) < len(names):
            raise DatasetError(
                f"{spec.name} in {directory} is incomplete: missing "
                f"{', '.join(missing)} (looked for the plain and .gz names)."
                f" {_fix_hint(spec)}"
            )
    if not download:
        where = "looked in " + ", ".join(map(str, dirs))
        if root is not None:
            state = "holds none" if base.exists() else "does not exist"
            where = f"the folder you named ({source}) {state}"
        raise DatasetError(
            f"{spec.name} was not found ({where}). {_fix_hint(spec)}"
        )
    created = base / spec.torchvision_class
    existed = created.exists()
    try:
        import torchvision.datasets

        for train in (True, False):
            getattr(torchvision.datasets, spec.torchvision_class)(
                root=str(base), train=train, download=True
            )
    except Exception as exc:  # URLError, RuntimeError, OSError, ImportError
        if not existed:
            # Leave no empty or partial folder that looks like a dataset.
            shutil.rmtree(created, ignore_errors=True)
        raise DatasetError(
            f"{spec.name} was not found locally and the download into {base} "
            f"failed ({type(exc).__name__}: {exc}). Is this machine offline? "
            f"{_fix_hint(spec)}"
        ) from exc
    return raw


def _read(spec: DatasetSpec, directory: Path, name: str) -> np.ndarray:
    path = _locate(directory, name)
    if spec.sha256 is not None:
        return read_idx(path, expected_sha256=spec.sha256[name])
    array = read_idx(path)
    # A spec without checksums must not accept the files of Fashion-MNIST:
    # their checksum is that of the array written back as an IDX file.
    header = struct.pack(f">HBB{array.ndim}I", 0, 8, array.ndim, *array.shape)
    digest = hashlib.sha256(header + array.tobytes()).hexdigest()
    if digest in FASHION_MNIST.sha256.values():
        raise DatasetError(
            f"{path} is a Fashion-MNIST file, not {spec.name}: the folder "
            f"holds the wrong dataset. Point root= (or {ENV_VAR}) at a folder "
            f"with the {spec.name} files, or use load_fashion_mnist."
        )
    return array


def load_dataset(
    spec: DatasetSpec,
    split: str = "train",
    *,
    root: str | os.PathLike | None = None,
    download: bool = True,
) -> ImageDataset:
    """Load the ``"train"`` or ``"test"`` split of ``spec`` as images
    ``(N, 1, 28, 28)`` in ``[0, 1]``; ``root`` and ``download`` as in
    :func:`find_dataset_dir`."""
    validate_option(split, name="split", options=("train", "test"))
    directory = find_dataset_dir(spec, root=root, download=download)
    images, labels = (
        _read(spec, directory, spec.files[(split, kind)])
        for kind in ("images", "labels")
    )
    images = torch.from_numpy(images.astype(np.float32) / 255.0).unsqueeze(1)
    try:
        return ImageDataset(images, torch.from_numpy(labels.astype(np.int64)),
                            spec.class_names)  # fmt: skip
    except ValueError as exc:
        raise DatasetError(
            f"The {spec.name} files in {directory} do not fit together "
            f"({exc}). They are corrupted: delete them and download them "
            "again."
        ) from exc


def load_fashion_mnist(
    split: str = "train",
    *,
    root: str | os.PathLike | None = None,
    download: bool = True,
) -> ImageDataset:
    """Load a Fashion-MNIST split (works offline with the Debian package).

    See the module docstring for where the files are looked for.
    """
    return load_dataset(FASHION_MNIST, split, root=root, download=download)


def train_val_split(
    dataset: ImageDataset, *, val_size: int | float, seed: int = 0
) -> tuple[ImageDataset, ImageDataset]:
    """Split a dataset into disjoint training and validation parts.

    ``val_size`` is a number of examples, or a fraction in ``(0, 1)`` of the
    dataset (rounded to the nearest count); the same ``seed`` gives the
    same split.
    """
    validate_instance(dataset, ImageDataset, name="dataset",
                      example="data.load_fashion_mnist('train')")
    seed = validate_seed(seed)
    if isinstance(val_size, (float, np.floating)):
        fraction = validate_fraction(
            val_size, name="val_size", low_open=True,
            hint=" A float is a fraction; an int is a number of examples.",
        )  # fmt: skip
        val_size = int(round(fraction * len(dataset)))
    val_size = validate_positive_int(val_size, name="val_size",
                                     maximum=len(dataset) - 1)  # fmt: skip
    generator = torch.Generator().manual_seed(seed)
    order = torch.randperm(len(dataset), generator=generator)
    return dataset.subset(order[val_size:]), dataset.subset(order[:val_size])


def load_splits(
    dataset: str = "fashion-mnist",
    *,
    val_size: int = 5000,
    seed: int = 0,
    root: str | os.PathLike | None = None,
    download: bool = True,
) -> tuple[ImageDataset, ImageDataset, ImageDataset]:
    """Return ``(train, val, test)``, ``val_size`` examples of the training
    split held out for validation (:func:`train_val_split` with ``seed``).

    ``dataset`` is ``"fashion-mnist"`` (works offline) or ``"mnist"``
    (online); ``root`` and ``download`` as in :func:`load_dataset`.
    """
    specs = {"fashion-mnist": FASHION_MNIST, "mnist": MNIST}
    spec = specs[validate_option(dataset, name="dataset", options=(*specs,))]
    full_train = load_dataset(spec, "train", root=root, download=download)
    test = load_dataset(spec, "test", root=root, download=download)
    train, val = train_val_split(full_train, val_size=val_size, seed=seed)
    return train, val, test
