"""Datasets: Fashion-MNIST (offline-first) and MNIST (online), as float tensors.

A folder you name is the only place looked at: the ``root`` argument, else
the ``AEUTILS_DATA`` environment variable (torchvision downloads into it when
the files are missing and ``download=True``; otherwise the error says what is
missing there). Without one, Fashion-MNIST is looked for, in this order:

1. the user cache directory (where downloads go), see :func:`default_cache_dir`;
2. the system copy installed by Debian's / Ubuntu's ``dataset-fashion-mnist``
   package, ``/usr/share/datasets/fashion-mnist/``;
3. torchvision's download into the cache directory (needs the network).

Every file is verified against the SHA-256 of its *decompressed* IDX bytes, so
the Debian copy (recompressed ``.gz``) and the upstream copy both pass while a
truncated or altered file is refused with a message that names it. MNIST
has no stored checksum; its files are structure-checked and refused when they
are the files of Fashion-MNIST.

Reading and verifying single IDX files is in :mod:`aeutils.data.idx`;
splits in :mod:`aeutils.data.splits`. :mod:`aeutils.data` re-exports all.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from ..validation import validate_images, validate_labels
from .idx import ENV_VAR, DatasetError, idx_sha256, read_idx

__all__ = [
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
]

SYSTEM_FASHION_MNIST_DIR = Path("/usr/share/datasets/fashion-mnist")

_FIX_HINT = (
    "To fix it: on Debian/Ubuntu run `sudo apt-get install dataset-fashion-mnist`; "
    f"or put the four original IDX files in a folder and set {ENV_VAR}=/that/folder; "
    "or go online and let torchvision download them (this is what happens in Colab)."
)
_GENERIC_HINT = (
    f"To fix it: put the four original IDX files in a folder and set {ENV_VAR}=/that/folder "
    "(or pass root=), or go online and let torchvision download them."
)


def _fix_hint(spec: DatasetSpec) -> str:
    return _FIX_HINT if spec.torchvision_class == "FashionMNIST" else _GENERIC_HINT


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
        "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
        "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
    ),  # fmt: skip
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
    """Images ``(N, C, H, W)`` in ``[0, 1]``, int64 labels ``(N,)`` and the
    name of each label value, held in memory."""

    images: torch.Tensor
    labels: torch.Tensor
    class_names: tuple[str, ...]

    def __post_init__(self) -> None:
        images = validate_images(self.images, name="images")
        names = tuple(self.class_names)
        labels = validate_labels(self.labels, n=len(images), n_classes=len(names))
        # Frozen dataclass: store the validated tensors (NumPy input becomes torch).
        object.__setattr__(self, "images", images)
        object.__setattr__(self, "labels", labels)
        object.__setattr__(self, "class_names", names)

    def __len__(self) -> int:
        return int(self.images.shape[0])

    def subset(self, indices: torch.Tensor) -> ImageDataset:
        """Return the examples at ``indices`` as a new dataset."""
        return ImageDataset(self.images[indices], self.labels[indices], self.class_names)


def default_cache_dir() -> Path:
    """Return the per-user folder where downloaded datasets are kept."""
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("aeutils"))


def _locate(directory: Path, file_name: str) -> Path | None:
    for candidate in (directory / file_name, directory / f"{file_name}.gz"):
        if candidate.is_file():
            return candidate
    return None


def _named_root(root: str | os.PathLike | None) -> tuple[Path | None, str]:
    """The folder the user named (``root=`` first, then the environment), if any."""
    if root is not None:
        return Path(root), f"root={str(root)!r}"
    if os.environ.get(ENV_VAR):
        return Path(os.environ[ENV_VAR]), f"{ENV_VAR}={os.environ[ENV_VAR]!r}"
    return None, ""


def _candidate_dirs(spec: DatasetSpec, root: str | os.PathLike | None) -> list[Path]:
    named, _ = _named_root(root)
    # A folder the user names is the only place looked at: no silent fallback.
    roots = [named] if named is not None else [default_cache_dir()]
    dirs: list[Path] = []
    for base in roots:
        # Accept both a flat folder of IDX files and torchvision's layout.
        dirs += [base, base / spec.cache_subdir]
    return dirs if named is not None else dirs + list(spec.system_dirs)


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
                f"(looked for the plain and .gz names). {_fix_hint(spec)}"
            )
    return None


def _download(spec: DatasetSpec, target_root: Path) -> Path:
    try:
        import torchvision.datasets as tv_datasets
    except ImportError as exc:
        raise DatasetError(
            f"{spec.name} was not found locally and torchvision, needed to download it, "
            f"cannot be imported ({exc}). {_fix_hint(spec)}"
        ) from exc
    dataset_class = getattr(tv_datasets, spec.torchvision_class)
    created = target_root / spec.torchvision_class
    existed = created.exists()
    try:
        for train in (True, False):
            dataset_class(root=str(target_root), train=train, download=True)
    except Exception as exc:  # torchvision raises URLError, RuntimeError, OSError...
        if not existed:
            # Leave no empty or partial folder behind that looks like a dataset.
            shutil.rmtree(created, ignore_errors=True)
        raise DatasetError(
            f"{spec.name} was not found locally and the download into {target_root} "
            f"failed ({type(exc).__name__}: {exc}). Is this machine offline? "
            f"{_fix_hint(spec)}"
        ) from exc
    return target_root / spec.cache_subdir


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
    dirs = _candidate_dirs(spec, root)
    directory = _find_complete_dir(spec, dirs)
    if directory is not None:
        return directory
    looked = ", ".join(str(d) for d in dirs)
    named, source = _named_root(root)
    if named is not None and not download:
        state = "does not exist" if not named.exists() else "holds none of its files"
        raise DatasetError(
            f"{spec.name} was not found in the folder you named ({source}): it {state}. "
            f"Expected {', '.join(spec.files.values())} (or .gz) in {named} or "
            f"{named / spec.cache_subdir}. Fix the path, or pass download=True."
        )
    if not download:
        raise DatasetError(f"{spec.name} was not found (looked in {looked}). {_fix_hint(spec)}")
    target = named if named is not None else default_cache_dir()
    return _download(spec, target)


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
    if split not in ("train", "test"):
        raise ValueError(f"split must be 'train' or 'test', got {split!r}.")
    directory = find_dataset_dir(spec, root=root, download=download)
    arrays = {}
    for kind in ("images", "labels"):
        name = spec.files[(split, kind)]
        expected = spec.sha256[name] if spec.sha256 is not None else None
        path = _locate(directory, name)
        arrays[kind] = read_idx(path, expected_sha256=expected)
        if expected is None:
            _reject_other_dataset(spec, path, arrays[kind])
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


def _reject_other_dataset(spec: DatasetSpec, path: Path, array: np.ndarray) -> None:
    """A spec without checksums must not accept the files of a dataset we know."""
    digest = idx_sha256(array)
    for other in (FASHION_MNIST,):
        if other is not spec and other.sha256 and digest in other.sha256.values():
            raise DatasetError(
                f"{path} is a {other.name} file, not {spec.name}: the folder holds the "
                f"wrong dataset. Point root= (or {ENV_VAR}) at a folder with the "
                f"{spec.name} files, or use the loader for {other.name}."
            )


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
