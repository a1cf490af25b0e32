"""Datasets: Fashion-MNIST (offline-first) and MNIST (online), as float tensors.

Fashion-MNIST is looked for, in this order:

1. the ``root`` argument, if given;
2. the directory in the ``AEUTILS_DATA`` environment variable;
3. the user cache directory (where downloads go), see :func:`default_cache_dir`;
4. the system copy installed by Debian's / Ubuntu's ``dataset-fashion-mnist``
   package, ``/usr/share/datasets/fashion-mnist/``;
5. torchvision's download into the cache directory (needs the network).

Every file is verified against the SHA-256 of its *decompressed* IDX bytes, so
the Debian copy (recompressed ``.gz``) and the upstream copy both pass while a
truncated or altered file is refused with a message that names it.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import struct
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from ._validation import check_images

__all__ = [
    "DatasetError",
    "DatasetSpec",
    "FASHION_MNIST",
    "ImageDataset",
    "MNIST",
    "SYSTEM_FASHION_MNIST_DIR",
    "default_cache_dir",
    "find_dataset_dir",
    "load_dataset",
    "load_fashion_mnist",
    "load_mnist",
    "load_splits",
    "read_idx",
    "train_val_split",
]

SYSTEM_FASHION_MNIST_DIR = Path("/usr/share/datasets/fashion-mnist")
ENV_VAR = "AEUTILS_DATA"

_IDX_DTYPES = {0x08: np.uint8}
_FIX_HINT = (
    "To fix it: on Debian/Ubuntu run `sudo apt-get install dataset-fashion-mnist`; "
    f"or put the four original IDX files in a folder and set {ENV_VAR}=/that/folder; "
    "or go online and let torchvision download them (this is what happens in Colab)."
)


class DatasetError(RuntimeError):
    """A dataset file is missing, truncated, altered, or cannot be downloaded."""


@dataclass(frozen=True)
class DatasetSpec:
    """Everything needed to find and verify one IDX dataset.

    Attributes
    ----------
    name
        Human-readable name, e.g. ``"Fashion-MNIST"``.
    files
        ``{(split, kind): file name}`` with ``split`` in ``{"train", "test"}`` and
        ``kind`` in ``{"images", "labels"}``; names are the decompressed IDX names.
    sha256
        ``{file name: hex SHA-256 of the decompressed bytes}``, or ``None`` when
        the checksum is not known (the file is then only structure-checked).
    class_names
        One name per label value.
    torchvision_class
        Name of the ``torchvision.datasets`` class used to download it.
    system_dirs
        Read-only directories where an operating-system package installs it.
    """

    name: str
    files: dict[tuple[str, str], str]
    sha256: dict[str, str] | None
    class_names: tuple[str, ...]
    torchvision_class: str
    system_dirs: tuple[Path, ...] = ()

    @property
    def cache_subdir(self) -> str:
        """Folder below a root where torchvision puts the raw files."""
        return f"{self.torchvision_class}/raw"


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
        "T-shirt/top",
        "Trouser",
        "Pullover",
        "Dress",
        "Coat",
        "Sandal",
        "Shirt",
        "Sneaker",
        "Bag",
        "Ankle boot",
    ),
    torchvision_class="FashionMNIST",
    system_dirs=(SYSTEM_FASHION_MNIST_DIR,),
)

MNIST = DatasetSpec(
    name="MNIST",
    files=dict(FASHION_MNIST.files),
    # torchvision verifies the MD5 of the downloaded archives; the IDX structure
    # is checked here.
    sha256=None,
    class_names=tuple(str(digit) for digit in range(10)),
    torchvision_class="MNIST",
)


@dataclass(frozen=True)
class ImageDataset:
    """Images, labels and class names held in memory.

    Attributes
    ----------
    images
        Float tensor of shape ``(N, 1, 28, 28)`` with values in ``[0, 1]``.
    labels
        Int64 tensor of shape ``(N,)``.
    class_names
        Name of each label value.
    """

    images: torch.Tensor
    labels: torch.Tensor
    class_names: tuple[str, ...]

    def __post_init__(self) -> None:
        check_images(self.images, name="images")
        if self.labels.shape != (self.images.shape[0],):
            raise ValueError(
                f"labels must have shape ({self.images.shape[0]},) to match the images, "
                f"got {tuple(self.labels.shape)}."
            )

    def __len__(self) -> int:
        return int(self.images.shape[0])

    def subset(self, indices: torch.Tensor) -> ImageDataset:
        """Return the examples at ``indices`` as a new dataset."""
        return ImageDataset(self.images[indices], self.labels[indices], self.class_names)


def default_cache_dir() -> Path:
    """Return the per-user folder where downloaded datasets are kept."""
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("aeutils"))


def read_idx(path: str | os.PathLike, *, expected_sha256: str | None = None) -> np.ndarray:
    """Read one IDX file (optionally gzip-compressed) into a NumPy array.

    Parameters
    ----------
    path
        File to read; a name ending in ``.gz`` is decompressed first.
    expected_sha256
        Hex SHA-256 of the decompressed bytes, or ``None`` to skip the check.

    Returns
    -------
    numpy.ndarray
        Array with the shape stored in the file header.

    Raises
    ------
    DatasetError
        If the file is missing, not valid gzip, fails the checksum, has an
        unknown magic number, or holds fewer or more bytes than its header says.
    """
    path = Path(path)
    if not path.is_file():
        raise DatasetError(f"Dataset file {path} does not exist. {_FIX_HINT}")
    raw = path.read_bytes()
    if path.suffix == ".gz":
        try:
            raw = gzip.decompress(raw)
        except (OSError, EOFError, zlib.error) as exc:
            raise DatasetError(
                f"Dataset file {path} is not a valid gzip file ({exc}); it is probably "
                "truncated or corrupted. Delete it and download it again, or reinstall "
                "the dataset-fashion-mnist package."
            ) from exc
    if expected_sha256 is not None:
        digest = hashlib.sha256(raw).hexdigest()
        if digest != expected_sha256:
            raise DatasetError(
                f"Dataset file {path} does not match its known checksum "
                f"(SHA-256 of the decompressed bytes is {digest[:12]}..., expected "
                f"{expected_sha256[:12]}...). It is truncated, altered, or a different "
                "dataset. Delete it and download it again, or reinstall the "
                "dataset-fashion-mnist package."
            )
    return _parse_idx(raw, path=path)


def _parse_idx(raw: bytes, *, path: Path) -> np.ndarray:
    if len(raw) < 4:
        raise DatasetError(f"Dataset file {path} is truncated: only {len(raw)} bytes.")
    zero, dtype_code, ndim = struct.unpack(">HBB", raw[:4])
    if zero != 0 or dtype_code not in _IDX_DTYPES or ndim == 0:
        raise DatasetError(
            f"Dataset file {path} is not an IDX file of unsigned bytes "
            f"(magic number 0x{raw[:4].hex()}). Check that it is the right file."
        )
    header_size = 4 + 4 * ndim
    if len(raw) < header_size:
        raise DatasetError(f"Dataset file {path} is truncated inside its header.")
    shape = struct.unpack(f">{ndim}I", raw[4:header_size])
    expected = int(np.prod(shape))
    payload = len(raw) - header_size
    if payload != expected:
        raise DatasetError(
            f"Dataset file {path} holds {payload} data bytes but its header announces "
            f"shape {shape} ({expected} bytes): the file is truncated or corrupted. "
            "Delete it and download it again."
        )
    return np.frombuffer(raw, dtype=_IDX_DTYPES[dtype_code], offset=header_size).reshape(shape)


def _locate(directory: Path, file_name: str) -> Path | None:
    for candidate in (directory / file_name, directory / f"{file_name}.gz"):
        if candidate.is_file():
            return candidate
    return None


def _candidate_dirs(spec: DatasetSpec, root: str | os.PathLike | None) -> list[Path]:
    roots: list[Path] = []
    if root is not None:
        roots.append(Path(root))
    if os.environ.get(ENV_VAR):
        roots.append(Path(os.environ[ENV_VAR]))
    roots.append(default_cache_dir())
    dirs: list[Path] = []
    for base in roots:
        # Accept both a flat folder of IDX files and torchvision's layout.
        dirs += [base, base / spec.cache_subdir]
    return dirs + list(spec.system_dirs)


def _find_complete_dir(spec: DatasetSpec, dirs: list[Path]) -> Path | None:
    """Return the first folder holding all files; raise if one holds only some."""
    names = list(spec.files.values())
    for directory in dirs:
        found = [name for name in names if _locate(directory, name) is not None]
        if len(found) == len(names):
            return directory
        if found:
            missing = sorted(set(names) - set(found))
            raise DatasetError(
                f"{spec.name} in {directory} is incomplete: missing {', '.join(missing)} "
                f"(looked for the plain and .gz names). {_FIX_HINT}"
            )
    return None


def _download(spec: DatasetSpec, target_root: Path) -> Path:
    try:
        import torchvision.datasets as tv_datasets
    except ImportError as exc:
        raise DatasetError(
            f"{spec.name} was not found locally and torchvision, needed to download it, "
            f"cannot be imported ({exc}). {_FIX_HINT}"
        ) from exc
    dataset_class = getattr(tv_datasets, spec.torchvision_class)
    try:
        for train in (True, False):
            dataset_class(root=str(target_root), train=train, download=True)
    except Exception as exc:  # torchvision raises URLError, RuntimeError, OSError...
        raise DatasetError(
            f"{spec.name} was not found locally and the download into {target_root} "
            f"failed ({type(exc).__name__}: {exc}). Is this machine offline? {_FIX_HINT}"
        ) from exc
    return target_root / spec.cache_subdir


def find_dataset_dir(
    spec: DatasetSpec = FASHION_MNIST,
    *,
    root: str | os.PathLike | None = None,
    download: bool = True,
) -> Path:
    """Return the folder that holds all files of ``spec``, downloading if needed.

    Parameters
    ----------
    spec
        Which dataset, e.g. :data:`FASHION_MNIST`.
    root
        Folder to look in first.
    download
        Whether to fall back to torchvision's download when no local copy exists.

    Raises
    ------
    DatasetError
        If no folder holds the files and downloading is off or fails.
    """
    dirs = _candidate_dirs(spec, root)
    directory = _find_complete_dir(spec, dirs)
    if directory is not None:
        return directory
    looked = ", ".join(str(d) for d in dirs)
    if not download:
        raise DatasetError(f"{spec.name} was not found (looked in {looked}). {_FIX_HINT}")
    target = Path(root) if root is not None else default_cache_dir()
    return _download(spec, target)


def load_dataset(
    spec: DatasetSpec,
    split: str = "train",
    *,
    root: str | os.PathLike | None = None,
    download: bool = True,
) -> ImageDataset:
    """Load one split of an IDX dataset as float images in ``[0, 1]``.

    Parameters
    ----------
    spec
        Which dataset, e.g. :data:`FASHION_MNIST`.
    split
        ``"train"`` or ``"test"``.
    root
        Folder to look in first.
    download
        Whether to fall back to torchvision's download.

    Returns
    -------
    ImageDataset
        Images of shape ``(N, 1, 28, 28)``, labels of shape ``(N,)``.
    """
    if split not in ("train", "test"):
        raise ValueError(f"split must be 'train' or 'test', got {split!r}.")
    directory = find_dataset_dir(spec, root=root, download=download)
    arrays = {}
    for kind in ("images", "labels"):
        name = spec.files[(split, kind)]
        expected = spec.sha256[name] if spec.sha256 is not None else None
        arrays[kind] = read_idx(_locate(directory, name), expected_sha256=expected)
    images, labels = arrays["images"], arrays["labels"]
    if images.ndim != 3 or labels.ndim != 1 or images.shape[0] != labels.shape[0]:
        raise DatasetError(
            f"{spec.name} files in {directory} do not fit together: images {images.shape}, "
            f"labels {labels.shape}. Delete them and download them again."
        )
    if labels.size and int(labels.max()) >= len(spec.class_names):
        raise DatasetError(
            f"{spec.name} labels in {directory} go up to {int(labels.max())}, but the dataset "
            f"has {len(spec.class_names)} classes. The label file is corrupted."
        )
    image_tensor = torch.from_numpy(images.astype(np.float32) / 255.0).unsqueeze(1)
    return ImageDataset(image_tensor, torch.from_numpy(labels.astype(np.int64)), spec.class_names)


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


def load_mnist(
    split: str = "train",
    *,
    root: str | os.PathLike | None = None,
    download: bool = True,
) -> ImageDataset:
    """Load an MNIST split; needs the network the first time."""
    return load_dataset(MNIST, split, root=root, download=download)


def train_val_split(
    dataset: ImageDataset, *, val_size: int, seed: int = 0
) -> tuple[ImageDataset, ImageDataset]:
    """Split a dataset into disjoint training and validation parts, reproducibly.

    Parameters
    ----------
    dataset
        The data to split, usually the training split.
    val_size
        Number of examples in the validation part.
    seed
        Seed of the random permutation; the same seed gives the same split.
    """
    if not 0 < val_size < len(dataset):
        raise ValueError(
            f"val_size must be between 1 and {len(dataset) - 1} for {len(dataset)} examples, "
            f"got {val_size}."
        )
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
    """Return ``(train, val, test)`` with a seeded validation part carved from train.

    Parameters
    ----------
    dataset
        ``"fashion-mnist"`` (default, works offline) or ``"mnist"`` (online).
    val_size
        Number of training examples held out for validation.
    seed
        Seed of the train/validation split.
    root, download
        As in :func:`load_dataset`.
    """
    specs = {"fashion-mnist": FASHION_MNIST, "mnist": MNIST}
    if dataset not in specs:
        raise ValueError(f"dataset must be one of {sorted(specs)}, got {dataset!r}.")
    spec = specs[dataset]
    full_train = load_dataset(spec, "train", root=root, download=download)
    test = load_dataset(spec, "test", root=root, download=download)
    train, val = train_val_split(full_train, val_size=val_size, seed=seed)
    return train, val, test
