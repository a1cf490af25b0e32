"""Corruptions for denoising autoencoders: noise, masked pixels, masked patches.

A denoising autoencoder sees a corrupted image :math:`\\tilde x \\sim
q(\\tilde x \\mid x)` and is trained to output the clean :math:`x`. Each
function here draws one sample of such a corruption for a batch of images
``(N, C, H, W)`` with values in ``[0, 1]`` and returns a new tensor on the
images' device; the input is never modified.

Randomness comes from an explicit ``torch.Generator`` (or torch's global
generator when ``generator`` is ``None``). The random numbers are drawn on the
generator's device and then moved to the images' device, so a CPU generator
gives the same corruption whether the images live on the CPU or a GPU.
"""

from __future__ import annotations


import torch

from .validation import (
    validate_generator,
    validate_images,
    validate_positive_int,
    validate_real,
)

__all__ = ["corrupt_gaussian", "corrupt_mask", "corrupt_patches"]


def _sampling_device(
    images: torch.Tensor, generator: torch.Generator | None
) -> torch.device:
    # A generator can only drive sampling on its own device.
    return images.device if generator is None else generator.device


def corrupt_gaussian(
    images: object,
    *,
    sigma: float,
    generator: torch.Generator | None = None,
) -> torch.Tensor:
    """Add Gaussian noise of standard deviation ``sigma``, then clip to [0, 1].

    .. math:: \\tilde x = \\operatorname{clip}_{[0, 1]}(x + \\sigma
        \\varepsilon), \\quad \\varepsilon \\sim \\mathcal N(0, I)

    The clipping keeps the corrupted image a valid image; it also means that
    near black or white pixels the noise is no longer zero-mean.

    Parameters
    ----------
    images
        Clean images, shape ``(N, C, H, W)``, values in ``[0, 1]``.
    sigma
        Noise standard deviation in pixel units, ``>= 0`` (0 returns a copy).
    generator
        Source of randomness; ``None`` uses torch's global generator.

    Returns
    -------
    torch.Tensor
        Corrupted images, same shape, dtype and device as ``images``.
    """
    x = validate_images(images, name="images")
    sigma = validate_real(sigma, name="sigma")
    if sigma < 0:
        raise ValueError(
            f"sigma must be >= 0 (a standard deviation), got {sigma}."
        )
    generator = validate_generator(generator)
    noise = torch.randn(
        x.shape,
        generator=generator,
        device=_sampling_device(x, generator),
        dtype=x.dtype,
    )
    return (x + sigma * noise.to(x.device)).clamp(0.0, 1.0)


def corrupt_mask(
    images: object,
    *,
    p: float,
    generator: torch.Generator | None = None,
) -> torch.Tensor:
    """Zero each pixel independently with probability ``p`` (masking noise).

    Every image (and every channel) gets its own random mask.

    Parameters
    ----------
    images
        Clean images, shape ``(N, C, H, W)``, values in ``[0, 1]``.
    p
        Probability that a pixel is set to 0, in ``[0, 1]``.
    generator
        Source of randomness; ``None`` uses torch's global generator.

    Returns
    -------
    torch.Tensor
        Corrupted images, same shape, dtype and device as ``images``.
    """
    x = validate_images(images, name="images")
    p = validate_real(p, name="p")
    if not 0.0 <= p <= 1.0:
        raise ValueError(
            f"p must be a probability in [0, 1], got {p}. "
            "For a percentage, divide by 100."
        )
    generator = validate_generator(generator)
    uniform = torch.rand(
        x.shape, generator=generator, device=_sampling_device(x, generator)
    )
    # rand is in [0, 1): p = 0 keeps every pixel, p = 1 zeroes every pixel.
    keep = (uniform >= p).to(x.device)
    return x * keep.to(x.dtype)


def corrupt_patches(
    images: object,
    *,
    patch_size: int,
    generator: torch.Generator | None = None,
) -> torch.Tensor:
    """Set one random ``patch_size`` x ``patch_size`` square per image to 0.

    The square lies fully inside the image, at a position drawn uniformly
    and independently for each image; all channels are masked. This is the
    idea behind masked autoencoders (MAE): hide a region, predict it back.

    Parameters
    ----------
    images
        Clean images, shape ``(N, C, H, W)``, values in ``[0, 1]``.
    patch_size
        Side of the square in pixels, ``1 <= patch_size <= min(H, W)``.
    generator
        Source of randomness; ``None`` uses torch's global generator.

    Returns
    -------
    torch.Tensor
        Corrupted images, same shape, dtype and device as ``images``.
    """
    x = validate_images(images, name="images")
    n, _, height, width = x.shape
    patch_size = validate_positive_int(patch_size, name="patch_size")
    if patch_size > min(height, width):
        raise ValueError(
            f"patch_size {patch_size} is larger than the images "
            f"({height}x{width}); use at most {min(height, width)}."
        )
    generator = validate_generator(generator)
    device = _sampling_device(x, generator)
    tops = torch.randint(
        0, height - patch_size + 1, (n,), generator=generator, device=device
    ).to(x.device)
    lefts = torch.randint(
        0, width - patch_size + 1, (n,), generator=generator, device=device
    ).to(x.device)
    rows = torch.arange(height, device=x.device)
    cols = torch.arange(width, device=x.device)
    in_rows = (rows >= tops[:, None]) & (rows < tops[:, None] + patch_size)
    in_cols = (cols >= lefts[:, None]) & (cols < lefts[:, None] + patch_size)
    patch = in_rows[:, :, None] & in_cols[:, None, :]  # (N, H, W)
    return x * (~patch[:, None]).to(x.dtype)
