"""Reading and verifying IDX files, the format of MNIST and Fashion-MNIST.

:func:`read_idx` reads one file (plain or gzip-compressed), checks the SHA-256
of its decompressed bytes when one is given, and checks its header against its
size, raising :class:`DatasetError` with a message that names the file.
:func:`idx_sha256` gives the checksum an array would have as an IDX file.
Finding, downloading and loading whole datasets is in
:mod:`aeutils.data.datasets`; :mod:`aeutils.data` re-exports both modules.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import struct
import zlib
from pathlib import Path

import numpy as np

from ..validation import validate_bytes_array, validate_path

__all__ = ["ENV_VAR", "DatasetError", "idx_sha256", "read_idx"]

#: The environment variable naming the folder datasets are read from.
ENV_VAR = "AEUTILS_DATA"

_IDX_DTYPES = {0x08: np.uint8}


class DatasetError(RuntimeError):
    """A dataset file is missing, truncated, altered, or cannot be downloaded."""


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
    path = validate_path(path)
    if not path.is_file():
        raise DatasetError(
            f"Dataset file {path} does not exist. Check the path; load_fashion_mnist and "
            f"load_mnist find (and download) the files in root= or {ENV_VAR} for you."
        )
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


def idx_sha256(array: np.ndarray) -> str:
    """Hex SHA-256 of ``array`` written as an uncompressed IDX file of unsigned bytes.

    This is the checksum :func:`read_idx` compares ``expected_sha256`` with, so
    an array already read can be recognised by its checksum.
    """
    array = validate_bytes_array(array)
    header = struct.pack(">HBB", 0, 0x08, array.ndim) + struct.pack(f">{array.ndim}I", *array.shape)
    return hashlib.sha256(header + array.tobytes()).hexdigest()
