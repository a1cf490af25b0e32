"""Reading and verifying IDX files, the format of MNIST and Fashion-MNIST.

Every error is a :class:`DatasetError` whose message names the file.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import struct
import zlib

import numpy as np

from ..validation import validate_bytes_array, validate_path

__all__ = ["ENV_VAR", "DatasetError", "idx_sha256", "read_idx"]

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
            "load_fashion_mnist and load_mnist find (and download) the files "
            f"in root= or {ENV_VAR} for you."
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


def idx_sha256(array: np.ndarray) -> str:
    """Hex SHA-256 of ``array`` written as an uncompressed IDX file of bytes,
    the checksum :func:`read_idx` compares ``expected_sha256`` with."""
    array = validate_bytes_array(array)
    ndim = array.ndim
    header = struct.pack(f">HBB{ndim}I", 0, 0x08, ndim, *array.shape)
    return hashlib.sha256(header + array.tobytes()).hexdigest()
