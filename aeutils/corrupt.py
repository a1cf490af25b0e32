"""Corruptions for denoising autoencoders: noise, masked pixels, patches.

Each returns a corrupted copy of images ``(N, C, H, W)`` in ``[0, 1]`` (same
shape, dtype and device), drawn from ``generator`` (``None``: torch's global
one) on its device: a CPU generator corrupts alike on the CPU and a GPU.
"""

from __future__ import annotations

import torch

from .validation import (
    validate_generator,
    validate_images,
    validate_nonnegative_float,
    validate_positive_int,
    validate_real,
)

__all__ = ["corrupt_gaussian", "corrupt_mask", "corrupt_patches"]


def _prepare(images: object, generator: object):
    """Validated images, generator and the device to sample on."""
    x = validate_images(images, name="images")
    generator = validate_generator(generator)
    return x, generator, x.device if generator is None else generator.device


def corrupt_gaussian(
    images: object,
    *,
    sigma: float,
    generator: torch.Generator | None = None,
) -> torch.Tensor:
    """Add Gaussian noise of standard deviation ``sigma``, clip to [0, 1].

    Near black or white pixels the clipped noise is not zero-mean;
    ``sigma`` is in pixel units, ``>= 0`` (0 returns a copy).
    """
    sigma = validate_nonnegative_float(sigma, name="sigma")
    x, generator, device = _prepare(images, generator)
    noise = torch.randn(x.shape, generator=generator, device=device,
                        dtype=x.dtype)  # fmt: skip
    return (x + sigma * noise.to(x.device)).clamp(0.0, 1.0)


def corrupt_mask(
    images: object,
    *,
    p: float,
    generator: torch.Generator | None = None,
) -> torch.Tensor:
    """Zero each pixel (and channel) independently with probability ``p``."""
    p = validate_real(p, name="p")
    if not 0.0 <= p <= 1.0:
        raise ValueError(
            f"p must be a probability in [0, 1], got {p}. "
            "For a percentage, divide by 100."
        )
    x, generator, device = _prepare(images, generator)
    uniform = torch.rand(x.shape, generator=generator, device=device)
    # rand is in [0, 1): p = 0 keeps every pixel, p = 1 zeroes every pixel.
    return x * (uniform >= p).to(x.device, x.dtype)


def corrupt_patches(
    images: object,
    *,
    patch_size: int,
    generator: torch.Generator | None = None,
) -> torch.Tensor:
    """Zero one random ``patch_size`` square per image, in all channels.

    The square lies inside the image, placed uniformly and independently per
    image (the idea of masked autoencoders); ``1 <= patch_size <= min(H, W)``.
    """
    x, generator, device = _prepare(images, generator)
    n, _, height, width = x.shape
    patch_size = validate_positive_int(patch_size, name="patch_size")
    if patch_size > min(height, width):
        raise ValueError(f"patch_size {patch_size} is larger than the "
                         f"images ({height}x{width}).")  # fmt: skip
    tops, lefts = (
        torch.randint(0, side - patch_size + 1, (n,), generator=generator,
                      device=device).to(x.device)
        for side in (height, width)
    )  # fmt: skip
    rows = torch.arange(height, device=x.device)
    cols = torch.arange(width, device=x.device)
    in_rows = (rows >= tops[:, None]) & (rows < tops[:, None] + patch_size)
    in_cols = (cols >= lefts[:, None]) & (cols < lefts[:, None] + patch_size)
    patch = in_rows[:, :, None] & in_cols[:, None, :]  # (N, H, W)
    return x * (~patch[:, None]).to(x.dtype)
