"""Codes: decoding, walking the latent space, sensitivity and sparsity.

- Decoding: :func:`decode_codes` and :func:`decode_grid` take a ``decode``
  callable (a decoder module, ``model.decode``, ``pca.decode``...), so the
  plain autoencoder and the VAE are handled by the same code;
  :func:`interpolate_codes` draws the straight path between two codes.
- Sensitivity: how far a code moves when the input moves a little, for any
  encoder ``encode(images) -> codes``: :func:`code_sensitivity`, the ratio
  ``||z(x + dx) - z(x)|| / ||dx||`` for a small Gaussian ``dx`` (no
  gradients), and :func:`jacobian_norm`, the Frobenius norm of ``dz/dx``
  computed exactly with :func:`torch.func.jacrev` inside
  :func:`torch.func.vmap`. For small ``dx`` in a random direction the first
  is about the second divided by ``sqrt(D)``.
- Sparsity: a code unit is *active* on an image when the size ``|z|`` of
  its activation exceeds a fraction (``relative_threshold``, 10 % by
  default) of that unit's largest size over the images given, so the same
  definition works for sigmoid, ReLU, shrunk and signed codes (a negative
  activation is as active as a positive one); a unit that never fires is
  *dead*:
  :func:`active_mask`, :func:`activation_stats`, :func:`top_activating`.

Every function that takes an encoder or decoder follows the device rule of
:mod:`aeutils.train`: inputs go to the callable's module's device, results
come back on the CPU.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import torch

from .train import device_of, evaluation_mode
from .validation import (
    as_tensor,
    validate_index,
    validate_callable,
    validate_fraction,
    validate_images,
    validate_matrix,
    validate_positive_float,
    validate_positive_int,
    validate_range,
    validate_seed,
    validate_vector,
)

__all__ = [
    "ActivationStats",
    "active_mask",
    "activation_stats",
    "code_sensitivity",
    "decode_codes",
    "decode_grid",
    "interpolate_codes",
    "jacobian_norm",
    "top_activating",
]

CodeFunction = Callable[[torch.Tensor], torch.Tensor]


@torch.no_grad()
def _decode(decode: CodeFunction, codes: torch.Tensor) -> torch.Tensor:
    validate_callable(decode, name="decode", example="a decoder")
    with evaluation_mode(decode):
        try:
            images = decode(codes.to(device_of(decode)))
        except RuntimeError as error:
            raise ValueError(
                f"decode failed on codes of shape {tuple(codes.shape)}: does "
                f"the code width {codes.shape[1]} match the decoder's code "
                f"size? ({error})"
            ) from None
    if not isinstance(images, torch.Tensor):
        raise TypeError(f"decode must return a tensor, got {type(images).__name__}.")
    images = validate_images(images.cpu(), name="decode(codes)", value_range=None)
    if len(images) != len(codes):
        raise ValueError(
            f"decode returned {len(images)} images for {len(codes)} codes."
        )
    return images


def decode_codes(decode: CodeFunction, codes: object) -> torch.Tensor:
    """Decode codes ``(N, k)`` to images on the CPU, without gradients."""
    z = as_tensor(codes, name="codes", pixels=False)
    if not torch.isfinite(z).all():
        raise ValueError(
            f"codes holds {int((~torch.isfinite(z)).sum())} NaN or infinite "
            "value(s); decode only finite codes (check the arithmetic that "
            "made them, e.g. a division by zero)."
        )
    return _decode(decode, validate_matrix(z, name="codes").cpu())


def decode_grid(
    decode: CodeFunction,
    *,
    x_range: Sequence[float],
    y_range: Sequence[float],
    steps: int = 15,
) -> torch.Tensor:
    """Decode an evenly spaced ``steps x steps`` grid over a 2-D latent plane.

    Returns images of shape ``(steps * steps, C, H, W)`` in row-major order,
    top row first (largest ``z[1]``), so they tile like the plane they cover.
    """
    steps = validate_positive_int(steps, name="steps")
    x_low, x_high = validate_range(x_range, name="x_range")
    y_low, y_high = validate_range(y_range, name="y_range")
    xs = torch.linspace(x_low, x_high, steps)
    ys = torch.linspace(y_high, y_low, steps)
    grid_y, grid_x = torch.meshgrid(ys, xs, indexing="ij")
    codes = torch.stack([grid_x.flatten(), grid_y.flatten()], dim=1)
    return _decode(decode, codes)


def _codes(output: object, *, name: str = "encode") -> torch.Tensor:
    """An encoder's codes; of a ``(mean, log_var)`` pair, the mean."""
    if isinstance(output, (tuple, list)) and output:
        output = output[0]
    if not isinstance(output, torch.Tensor):
        raise TypeError(
            f"{name} must return a tensor of codes (or a (mean, log_var) "
            f"pair), got {type(output).__name__}."
        )
    return output


def _finite_result(values: list[torch.Tensor]) -> torch.Tensor:
    """One CPU tensor of per-image values, refused if any is not finite."""
    result = torch.cat(values).cpu()
    if not torch.isfinite(result).all():
        raise ValueError(
            "encode gave NaN or infinite codes (or derivatives); check the "
            "encoder (train it again with a smaller lr) before measuring it."
        )
    return result


def interpolate_codes(
    start: torch.Tensor, end: torch.Tensor, *, steps: int = 8
) -> torch.Tensor:
    """Codes on the straight line from ``start`` to ``end``, both included.

    Parameters
    ----------
    start, end
        Codes of shape ``(k,)``.
    steps
        Number of codes, at least 2.

    Returns
    -------
    torch.Tensor
        Shape ``(steps, k)``.
    """
    a = validate_vector(start, name="start")
    b = validate_vector(end, name="end")
    if a.ndim != 1 or a.shape != b.shape:
        raise ValueError(
            f"start and end must be codes of the same shape (k,), got "
            f"{tuple(a.shape)} and {tuple(b.shape)}."
        )
    steps = validate_positive_int(steps, name="steps")
    if steps < 2:
        raise ValueError(f"steps must be at least 2 (the two ends), got {steps}.")
    t = torch.linspace(0, 1, steps).unsqueeze(1)
    return (1 - t) * a + t * b


@torch.no_grad()
def code_sensitivity(
    encode: CodeFunction,
    images: object,
    *,
    sigma: float = 0.01,
    seed: int = 0,
    batch_size: int = 1024,
) -> torch.Tensor:
    """Per-image ratio ``||z(x + dx) - z(x)|| / ||dx||`` for Gaussian ``dx``.

    Parameters
    ----------
    encode
        The encoder, e.g. ``model.encode``; it is called on image batches.
    images
        Images of shape ``(N, C, H, W)`` in ``[0, 1]``.
    sigma
        Standard deviation of the perturbation per pixel. It is not clipped
        to ``[0, 1]``, so ``dx`` is exactly Gaussian.
    seed
        Seed of the perturbation.
    batch_size
        Images per forward pass.

    Returns
    -------
    torch.Tensor
        Shape ``(N,)``, on the CPU.
    """
    validate_callable(encode, name="encode", example="an encoder")
    x = validate_images(images, name="images")
    sigma = validate_positive_float(sigma, name="sigma")
    batch_size = validate_positive_int(batch_size, name="batch_size")
    generator = torch.Generator().manual_seed(validate_seed(seed))
    noise = torch.randn(x.shape, generator=generator, dtype=x.dtype) * sigma
    device = device_of(encode)
    ratios = []
    with evaluation_mode(encode):
        for start in range(0, len(x), batch_size):
            clean = x[start : start + batch_size].to(device)
            dx = noise[start : start + batch_size].to(device)
            moved = _codes(encode(clean + dx)) - _codes(encode(clean))
            change = moved.flatten(1).norm(dim=1)
            ratios.append((change / dx.flatten(1).norm(dim=1)).cpu())
    return _finite_result(ratios)


def jacobian_norm(encode: CodeFunction, images: object, *, batch_size: int = 256) -> torch.Tensor:
    """Per-image Frobenius norm of the encoder's Jacobian ``dz/dx``.

    Uses :func:`torch.func.jacrev` (one backward pass per code unit) inside
    :func:`torch.func.vmap` over the images, so it works for any encoder
    made of ordinary PyTorch operations.

    Parameters
    ----------
    encode
        The encoder, e.g. ``model.encode``; it must accept a batch of images.
    images
        Images of shape ``(N, C, H, W)`` in ``[0, 1]``.
    batch_size
        Images per vectorised call (memory grows with ``batch_size * k * D``).

    Returns
    -------
    torch.Tensor
        Shape ``(N,)``, on the CPU.
    """
    x = validate_images(images, name="images")
    validate_callable(encode, name="encode", example="an encoder")
    batch_size = validate_positive_int(batch_size, name="batch_size")
    device = device_of(encode)

    def encode_one(image: torch.Tensor) -> torch.Tensor:
        return _codes(encode(image.unsqueeze(0))).squeeze(0)

    jacobian = torch.func.vmap(torch.func.jacrev(encode_one))
    norms = []
    with evaluation_mode(encode):
        for start in range(0, len(x), batch_size):
            batch = x[start : start + batch_size].to(device)
            norms.append(jacobian(batch).detach().flatten(1).norm(dim=1))
    return _finite_result([n.cpu() for n in norms])


def active_mask(codes: object, *, relative_threshold: float = 0.1) -> torch.Tensor:
    """Which units are active on which images.

    Parameters
    ----------
    codes
        Code activations of shape ``(N, k)``, e.g. ``predict(model.encode, images)``.
    relative_threshold
        A unit counts as active on an image when ``|z|`` is above this
        fraction of the unit's largest ``|z|`` over the ``N`` images.

    Returns
    -------
    torch.Tensor
        Boolean tensor of shape ``(N, k)``.
    """
    z = validate_matrix(codes, name="codes")
    threshold = validate_fraction(
        relative_threshold,
        name="relative_threshold",
        hint=" It is a fraction of each unit's largest activation, e.g. 0.1.",
    )
    size = z.abs()
    unit_max = size.max(dim=0).values
    return (size > threshold * unit_max) & (unit_max > 0)


@dataclass(frozen=True)
class ActivationStats:
    """Summary of how many units a code uses.

    Attributes
    ----------
    active_fraction
        Mean over images of the fraction of units active on the image.
    active_per_image
        Fraction of units active on each image, shape ``(N,)``.
    unit_frequency
        Fraction of images on which each unit is active, shape ``(k,)``.
    dead_units
        Number of units that are active on no image.
    """

    active_fraction: float
    active_per_image: torch.Tensor
    unit_frequency: torch.Tensor
    dead_units: int


def activation_stats(codes: object, *, relative_threshold: float = 0.1) -> ActivationStats:
    """Active fraction per image and per unit, and the number of dead units.

    See :func:`active_mask` for the definition of *active*.
    """
    mask = active_mask(codes, relative_threshold=relative_threshold).float()
    per_image = mask.mean(dim=1)
    frequency = mask.mean(dim=0)
    return ActivationStats(
        active_fraction=float(per_image.mean()),
        active_per_image=per_image,
        unit_frequency=frequency,
        dead_units=int((frequency == 0).sum()),
    )


def top_activating(codes: object, *, units: object, k: int = 8) -> torch.Tensor:
    """Indices of the ``k`` images that activate each unit most.

    Parameters
    ----------
    codes
        Code activations of shape ``(N, n_units)``.
    units
        Sequence of unit indices to look at.
    k
        Number of images per unit.

    Returns
    -------
    torch.Tensor
        Image indices of shape ``(len(units), k)``, strongest first.
    """
    z = validate_matrix(codes, name="codes")
    k = validate_positive_int(k, name="k", maximum=len(z))
    if isinstance(units, (str, bytes)) or not isinstance(
        units, (Sequence, torch.Tensor, np.ndarray)
    ) or len(units) == 0:
        raise TypeError(
            f"units must be a non-empty list of unit indices, got {units!r}."
        )
    index = [
        validate_index(u, name=f"units[{i}]", size=z.shape[1])
        for i, u in enumerate(units)
    ]
    return z[:, index].topk(k, dim=0).indices.T
