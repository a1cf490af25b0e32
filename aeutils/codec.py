"""Codes as a file format: quantise (:class:`ComponentQuantiser`), pack or
entropy-code (:func:`packed_bytes`, :func:`lzma_bytes`) and count real bytes;
JPEG/WebP files for comparison (:func:`pillow_codec`); when shared parts pay
off (:func:`break_even_images`)."""

from __future__ import annotations

import io
import lzma
import math
from dataclasses import dataclass

import numpy as np
import torch

from .validation import (
    validate_images,
    validate_index,
    validate_matrix,
    validate_nonnegative_float,
    validate_option,
    validate_positive_int,
)

__all__ = [
    "ComponentQuantiser",
    "break_even_images",
    "lzma_bytes",
    "packed_bytes",
    "pillow_codec",
]

_MAX_BITS = 16
#: The share of each component's training values inside its range.
_COVERAGE = 0.998


@dataclass(frozen=True)
class ComponentQuantiser:
    """Uniform quantiser: component ``j`` is clipped to ``[low_j, high_j]``
    (float16-rounded ``(k,)`` ranges, stored once: :attr:`table_bytes`) and
    rounded to one of ``2**bits`` levels. Build one with :meth:`fit`."""

    low: torch.Tensor
    high: torch.Tensor
    bits: int

    @classmethod
    def fit(cls, codes: object, *, bits: int) -> ComponentQuantiser:
        """Learn each component's range from training codes ``(N, k)``:
        the central 99.8 % of its values."""
        codes = validate_matrix(codes, name="codes").cpu()
        bits = validate_positive_int(bits, name="bits", maximum=_MAX_BITS)
        tail = (1.0 - _COVERAGE) / 2
        low = torch.quantile(codes, tail, dim=0).half().float()
        high = torch.quantile(codes, 1.0 - tail, dim=0).half().float()
        flat = high <= low
        if flat.any():
            raise ValueError(
                f"components {flat.nonzero().flatten().tolist()} take a single "
                "value in the training codes, so they carry no information; "
                "drop them before quantising."
            )
        return cls(low=low, high=high, bits=bits)

    @property
    def table_bytes(self) -> int:
        """Bytes of the stored ranges: two float16 numbers per component."""
        return 4 * len(self.low)

    def quantise(self, codes: object) -> torch.Tensor:
        """Integer symbols in ``[0, 2**bits - 1]``, shape ``(N, k)``, int64."""
        codes = validate_matrix(codes, name="codes", n_cols=len(self.low))
        step = (self.high - self.low) / (2**self.bits - 1)
        symbols = torch.round((codes.cpu() - self.low) / step)
        return symbols.clamp(0, 2**self.bits - 1).long()

    def dequantise(self, symbols: object) -> torch.Tensor:
        """Codes ``(N, k)`` at the levels the symbols name."""
        symbols = _symbols(symbols, self.bits, n_cols=len(self.low))
        step = (self.high - self.low) / (2**self.bits - 1)
        return self.low + torch.from_numpy(symbols).float() * step

    def round_trip(self, codes: object) -> torch.Tensor:
        """``dequantise(quantise(codes))``: what the decoder receives."""
        return self.dequantise(self.quantise(codes))


def _symbols(symbols: object, bits: int, n_cols: int | None = None
             ) -> np.ndarray:
    bits = validate_positive_int(bits, name="bits", maximum=_MAX_BITS)
    if isinstance(symbols, torch.Tensor):
        symbols = symbols.detach().cpu().numpy()
    if not isinstance(symbols, np.ndarray) or not np.issubdtype(
        symbols.dtype, np.integer
    ):
        raise TypeError(
            "symbols must be an integer tensor or array, e.g. from "
            "ComponentQuantiser.quantise()."
        )
    if symbols.ndim != 2 or symbols.size == 0 or n_cols not in (
        None, symbols.shape[1]
    ):
        raise ValueError(
            f"symbols must have shape (N, {n_cols or 'k'}), not empty, got "
            f"{symbols.shape}."
        )
    if symbols.min() < 0 or symbols.max() >= 2**bits:
        raise ValueError(
            f"symbols must lie in [0, {2**bits - 1}] for bits={bits}, got "
            f"values from {symbols.min()} to {symbols.max()}."
        )
    return symbols


def packed_bytes(symbols: object, *, bits: int) -> bytes:
    """The symbols as a bit stream of ``bits`` bits each, most significant
    first, zero-padded: ``ceil(N * k * bits / 8)`` bytes."""
    values = _symbols(symbols, bits).reshape(-1).astype(np.uint32)
    shifts = np.arange(bits - 1, -1, -1, dtype=np.uint32)
    stream = ((values[:, None] >> shifts) & 1).astype(np.uint8)
    return np.packbits(stream.reshape(-1)).tobytes()


def lzma_bytes(symbols: object, *, bits: int) -> bytes:
    """A real ``.xz`` file (LZMA preset 9) of the symbols, written component
    by component (one or two bytes each) so each distribution is one run."""
    values = _symbols(symbols, bits)  # validates bits first
    dtype = np.uint8 if bits <= 8 else np.dtype(">u2")
    stream = values.T.astype(dtype).tobytes()  # C order: row by row of .T
    return lzma.compress(stream, preset=9)


def pillow_codec(
    images: object, *, format: str, quality: int
) -> tuple[np.ndarray, torch.Tensor]:
    """Save each image as a real file with Pillow and read it back.

    Parameters
    ----------
    images
        Grey images ``(N, 1, H, W)`` in ``[0, 1]``, saved as 8-bit files.
    format, quality
        ``"JPEG"`` or ``"WebP"``; Pillow's quality, 0 to 100.

    Returns
    -------
    sizes, decoded
        Bytes of each file ``(N,)``; the decoded images ``(N, 1, H, W)``.
    """
    from PIL import Image

    images = validate_images(images, name="images").cpu()
    if images.shape[1] != 1:
        raise ValueError(
            f"images must be grey, (N, 1, H, W), got {tuple(images.shape)}."
        )
    validate_option(format, name="format", options=("JPEG", "WebP"))
    quality = validate_index(quality, name="quality", size=101)
    pixels = (images[:, 0] * 255).round().to(torch.uint8).numpy()
    sizes, decoded = [], []
    for image in pixels:
        buffer = io.BytesIO()
        Image.fromarray(image).save(buffer, format=format, quality=quality)
        sizes.append(buffer.tell())
        buffer.seek(0)
        decoded.append(np.asarray(Image.open(buffer).convert("L")))
    decoded = torch.from_numpy(np.stack(decoded)).float().div(255)
    return np.asarray(sizes), decoded.unsqueeze(1)


def break_even_images(
    shared_bytes: float, *, codec_bytes: float, baseline_bytes: float
) -> int:
    """The smallest ``n`` with ``shared_bytes + n * codec_bytes <
    n * baseline_bytes``: when a codec's shared parts are paid for."""
    shared_bytes = validate_nonnegative_float(shared_bytes, name="shared_bytes")
    codec_bytes = validate_nonnegative_float(codec_bytes, name="codec_bytes")
    baseline_bytes = validate_nonnegative_float(
        baseline_bytes, name="baseline_bytes"
    )
    saving = baseline_bytes - codec_bytes
    if saving <= 0:
        raise ValueError(
            f"the codec's files ({codec_bytes:g} bytes) are not smaller than "
            f"the baseline's ({baseline_bytes:g} bytes), so it never breaks "
            "even; compare with a baseline of larger files."
        )
    return math.floor(shared_bytes / saving) + 1
