"""Codes as a file format: quantise, entropy-code, and count real bytes.

An autoencoder (or PCA) is a lossy codec: the encoder writes ``k`` numbers,
the decoder reads them back. To store them, each number is rounded to one of
``2**bits`` levels (:class:`ComponentQuantiser`, one scale per component,
learned once from training codes), the integers are written as a byte
stream, and a general-purpose entropy coder squeezes out what is
predictable (:func:`lzma_bytes`). :func:`pillow_codec` saves the same images
as real JPEG or WebP files for comparison, and :func:`break_even_images`
says how many images a codec must store before its shared parts (the
decoder's weights) are paid for.
"""

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


@dataclass(frozen=True)
class ComponentQuantiser:
    """Uniform quantiser with its own range ``[low_j, high_j]`` per component.

    Component ``j`` is clipped to its range and rounded to one of
    ``2**bits`` evenly spaced levels:

    .. math:: q_j = \\operatorname{round}\\Big((2^b - 1)
              \\frac{z_j - \\mathrm{low}_j}{\\mathrm{high}_j - \\mathrm{low}_j}\\Big)

    The ranges are part of the codec, like the decoder's weights: they are
    stored once (as float16, :attr:`table_bytes`), not with every image.
    Build one with :meth:`fit`.

    Attributes
    ----------
    low, high
        Range of each component, shape ``(k,)``, float32, already rounded
        to float16 as a file would store them.
    bits
        Bits per number, 1 to 16.
    """

    low: torch.Tensor
    high: torch.Tensor
    bits: int

    @classmethod
    def fit(
        cls, codes: object, *, bits: int, coverage: float = 0.998
    ) -> ComponentQuantiser:
        """Learn each component's range from training codes.

        Parameters
        ----------
        codes
            Training codes of shape ``(N, k)``.
        bits
            Bits per number.
        coverage
            Share of each component's training values inside its range: the
            range runs from the ``(1 - coverage) / 2`` to the
            ``(1 + coverage) / 2`` quantile, so that a few outliers do not
            stretch the levels. ``1.0`` uses the minimum and maximum.
        """
        codes = validate_matrix(codes, name="codes").cpu()
        bits = validate_positive_int(bits, name="bits", maximum=_MAX_BITS)
        coverage = validate_nonnegative_float(coverage, name="coverage")
        if not 0.0 < coverage <= 1.0:
            raise ValueError(
                f"coverage is a share of the training values and must lie in "
                f"(0, 1], got {coverage}."
            )
        tail = (1.0 - coverage) / 2
        low = torch.quantile(codes, tail, dim=0)
        high = torch.quantile(codes, 1.0 - tail, dim=0)
        low, high = low.half().float(), high.half().float()
        flat = high <= low
        if flat.any():
            raise ValueError(
                f"components {flat.nonzero().flatten().tolist()} take a single "
                "value in the training codes, so they carry no information; "
                "drop them before quantising."
            )
        return cls(low=low, high=high, bits=bits)

    @property
    def levels(self) -> int:
        """Number of levels per component, ``2**bits``."""
        return 2**self.bits

    @property
    def table_bytes(self) -> int:
        """Bytes of the stored ranges: two float16 numbers per component."""
        return 4 * len(self.low)

    def _codes(self, codes: object) -> torch.Tensor:
        return validate_matrix(codes, name="codes", n_cols=len(self.low)).cpu()

    def quantise(self, codes: object) -> torch.Tensor:
        """Integer symbols in ``[0, 2**bits - 1]``, shape ``(N, k)``, int64."""
        codes = self._codes(codes)
        step = (self.high - self.low) / (self.levels - 1)
        symbols = torch.round((codes - self.low) / step)
        return symbols.clamp(0, self.levels - 1).long()

    def dequantise(self, symbols: object) -> torch.Tensor:
        """Codes ``(N, k)`` at the levels the symbols name."""
        if not isinstance(symbols, torch.Tensor) or symbols.is_floating_point():
            raise TypeError(
                "symbols must be an integer tensor from quantise(), got "
                f"{getattr(symbols, 'dtype', type(symbols).__name__)}."
            )
        if symbols.ndim != 2 or symbols.shape[1] != len(self.low):
            raise ValueError(
                f"symbols must have shape (N, {len(self.low)}), got "
                f"{tuple(symbols.shape)}."
            )
        if symbols.numel() and (
            int(symbols.min()) < 0 or int(symbols.max()) >= self.levels
        ):
            raise ValueError(
                f"symbols must lie in [0, {self.levels - 1}] for "
                f"{self.bits}-bit levels."
            )
        step = (self.high - self.low) / (self.levels - 1)
        return self.low + symbols.cpu().float() * step

    def round_trip(self, codes: object) -> torch.Tensor:
        """``dequantise(quantise(codes))``: what the decoder receives."""
        return self.dequantise(self.quantise(codes))


def _symbols(symbols: object, bits: int) -> np.ndarray:
    if isinstance(symbols, torch.Tensor):
        symbols = symbols.detach().cpu().numpy()
    if not isinstance(symbols, np.ndarray) or not np.issubdtype(
        symbols.dtype, np.integer
    ):
        raise TypeError(
            "symbols must be an integer tensor or array, e.g. from "
            "ComponentQuantiser.quantise()."
        )
    if symbols.ndim != 2 or symbols.size == 0:
        raise ValueError(
            f"symbols must have shape (N, k) with N, k >= 1, got "
            f"{symbols.shape}."
        )
    if symbols.min() < 0 or symbols.max() >= 2**bits:
        raise ValueError(
            f"symbols must lie in [0, {2**bits - 1}] for bits={bits}, got "
            f"values from {symbols.min()} to {symbols.max()}."
        )
    return symbols


def packed_bytes(symbols: object, *, bits: int) -> bytes:
    """The symbols as a fixed-length bit stream: ``bits`` bits each.

    Image after image, component after component, most significant bit
    first; padded with zero bits to a whole byte. Its length is
    ``ceil(N * k * bits / 8)``.
    """
    bits = validate_positive_int(bits, name="bits", maximum=_MAX_BITS)
    values = _symbols(symbols, bits).reshape(-1).astype(np.uint32)
    shifts = np.arange(bits - 1, -1, -1, dtype=np.uint32)
    stream = ((values[:, None] >> shifts) & 1).astype(np.uint8)
    return np.packbits(stream.reshape(-1)).tobytes()


def lzma_bytes(symbols: object, *, bits: int) -> bytes:
    """A real ``.xz`` file of the symbols, compressed by LZMA (preset 9).

    The symbols are written component by component (all images' first
    numbers, then all second numbers, ...), one byte each for ``bits <= 8``
    and two otherwise, so that the coder sees each component's
    distribution as one run. Decompressing the file and reshaping gives the
    symbols back exactly.
    """
    bits = validate_positive_int(bits, name="bits", maximum=_MAX_BITS)
    values = _symbols(symbols, bits)
    dtype = np.uint8 if bits <= 8 else np.dtype(">u2")
    stream = np.ascontiguousarray(values.T).astype(dtype).tobytes()
    return lzma.compress(stream, preset=9)


def pillow_codec(
    images: object, *, format: str, quality: int
) -> tuple[np.ndarray, torch.Tensor]:
    """Save each image as a real file with Pillow and read it back.

    Parameters
    ----------
    images
        Grey images ``(N, 1, H, W)`` in ``[0, 1]``; saved as 8-bit files.
    format
        ``"JPEG"`` or ``"WebP"``.
    quality
        Pillow's quality setting, 0 to 100.

    Returns
    -------
    sizes : numpy.ndarray
        Bytes of each file, headers included, shape ``(N,)``.
    decoded : torch.Tensor
        The decoded images, ``(N, 1, H, W)`` float32 in ``[0, 1]``.
    """
    from PIL import Image

    images = validate_images(images, name="images").cpu()
    if images.shape[1] != 1:
        raise ValueError(
            f"images must be grey, (N, 1, H, W), got {tuple(images.shape)}."
        )
    if format not in ("JPEG", "WebP"):
        raise ValueError(f"format must be 'JPEG' or 'WebP', got {format!r}.")
    quality = validate_index(quality, name="quality", size=101)
    pixels = (images[:, 0] * 255).round().to(torch.uint8).numpy()
    sizes, decoded = [], []
    for image in pixels:
        buffer = io.BytesIO()
        Image.fromarray(image, mode="L").save(
            buffer, format=format, quality=int(quality)
        )
        sizes.append(buffer.tell())
        buffer.seek(0)
        decoded.append(np.asarray(Image.open(buffer).convert("L")))
    decoded = torch.from_numpy(np.stack(decoded)).float().div(255)
    return np.asarray(sizes), decoded.unsqueeze(1)


def break_even_images(
    shared_bytes: float, *, codec_bytes: float, baseline_bytes: float
) -> int:
    """Images after which a codec with shared parts has stored fewer bytes.

    A codec whose files take ``codec_bytes`` each but which needs
    ``shared_bytes`` once (a decoder's weights, a quantiser's table) beats a
    baseline of ``baseline_bytes`` per file from the smallest ``n`` with
    ``shared_bytes + n * codec_bytes < n * baseline_bytes``.
    """
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
