"""Codes: decoding, walking the latent space, sensitivity and sparsity.

Functions taking an encoder or decoder callable (a module, ``model.encode``,
``pca.decode``...) send inputs to its module's device and return CPU tensors.
A unit is *active* on an image when ``|z|`` exceeds ``relative_threshold``
times that unit's largest ``|z|`` over the images (so sigmoid, ReLU, shrunk
and signed codes share one definition); a unit active on none is *dead*.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import torch

from .train import device_of, evaluation_mode
from .validation import (
    as_tensor,
    validate_callable,
    validate_fraction,
    validate_images,
    validate_index,
    validate_integer,
    validate_matrix,
    validate_positive_float,
    validate_positive_int,
    validate_range,
    validate_same_shape,
    validate_vector,
)

__all__ = [
    "ActivationStats",
    "activation_stats",
    "active_mask",
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
    images = validate_images(images, name="decode(codes)", value_range=None)
    images = images.cpu()
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
    """Decode a ``steps x steps`` grid over a 2-D latent plane.

    Returns ``(steps * steps, C, H, W)`` images, row-major, top row (largest
    ``z[1]``) first, so they tile like the plane they cover.
    """
    steps = validate_positive_int(steps, name="steps")
    x_low, x_high = validate_range(x_range, name="x_range")
    y_low, y_high = validate_range(y_range, name="y_range")
    xs = torch.linspace(x_low, x_high, steps)
    ys = torch.linspace(y_high, y_low, steps)
    return _decode(decode, torch.cartesian_prod(ys, xs).flip(1))


def interpolate_codes(
    start: torch.Tensor, end: torch.Tensor, *, steps: int = 8
) -> torch.Tensor:
    """``steps`` codes ``(steps, k)`` on the line from ``start`` to ``end``."""
    a = validate_vector(start, name="start")
    b = validate_vector(end, name="end")
    validate_same_shape(a, b, names=("start", "end"))
    steps = validate_integer(steps, name="steps", low=2)
    t = torch.linspace(0, 1, steps).unsqueeze(1)
    return (1 - t) * a + t * b


def _codes(output: object) -> torch.Tensor:
    """An encoder's codes; of a ``(mean, log_var)`` pair, the mean."""
    if isinstance(output, (tuple, list)) and output:
        output = output[0]
    if not isinstance(output, torch.Tensor):
        raise TypeError(
            "encode must return a tensor of codes (or a (mean, log_var) "
            f"pair), got {type(output).__name__}."
        )
    return output


def _per_image(encode, x, batch_size, measure) -> torch.Tensor:
    """``measure(start, batch)`` of each batch of ``x`` on the encoder's
    device, in evaluation mode, as one finite CPU tensor ``(N,)``."""
    batch_size = validate_positive_int(batch_size, name="batch_size")
    device = device_of(encode)
    with evaluation_mode(encode):
        result = torch.cat([
            measure(start, x[start : start + batch_size].to(device)).cpu()
            for start in range(0, len(x), batch_size)
        ])  # fmt: skip
    if not torch.isfinite(result).all():
        raise ValueError(
            "encode gave NaN or infinite codes (or derivatives); check the "
            "encoder (train it again with a smaller lr) before measuring it."
        )
    return result


@torch.no_grad()
def code_sensitivity(
    encode: CodeFunction,
    images: object,
    *,
    sigma: float = 0.01,
) -> torch.Tensor:
    """Per-image ratio ``||z(x + dx) - z(x)|| / ||dx||``, ``(N,)`` on CPU.

    ``dx`` is Gaussian (``sigma`` per pixel, not clipped, seed 0); for small
    ``dx`` the ratio is about :func:`jacobian_norm` over ``sqrt(D)``. The
    encoder (e.g. ``model.encode``) runs in evaluation mode; one returning
    ``(mean, log_var)`` (``VAE.encode``) is measured on its mean.
    """
    validate_callable(encode, name="encode", example="an encoder")
    x = validate_images(images, name="images")
    sigma = validate_positive_float(sigma, name="sigma")
    generator = torch.Generator().manual_seed(0)
    noise = torch.randn(x.shape, generator=generator, dtype=x.dtype) * sigma

    def ratio(start: int, clean: torch.Tensor) -> torch.Tensor:
        dx = noise[start : start + len(clean)].to(clean.device)
        moved = _codes(encode(clean + dx)) - _codes(encode(clean))
        return moved.flatten(1).norm(dim=1) / dx.flatten(1).norm(dim=1)

    return _per_image(encode, x, 1024, ratio)


def jacobian_norm(
    encode: CodeFunction, images: object, *, batch_size: int = 256
) -> torch.Tensor:
    """Per-image Frobenius norm ``(N,)`` of the encoder's Jacobian ``dz/dx``.

    Exact, with :func:`torch.func.jacrev` inside :func:`torch.func.vmap`
    (memory grows with ``batch_size * k * D``); encoders as in
    :func:`code_sensitivity`.
    """
    x = validate_images(images, name="images")
    validate_callable(encode, name="encode", example="an encoder")
    jacobian = torch.func.vmap(torch.func.jacrev(
        lambda image: _codes(encode(image.unsqueeze(0))).squeeze(0)
    ))  # fmt: skip
    return _per_image(
        encode, x, batch_size,
        lambda _, batch: jacobian(batch).detach().flatten(1).norm(dim=1),
    )  # fmt: skip


def active_mask(
    codes: object, *, relative_threshold: float = 0.1
) -> torch.Tensor:
    """Boolean ``(N, k)``: which units are active (see above) on which image.

    ``codes`` has shape ``(N, k)``, e.g. ``train.predict(model.encode, x)``.
    """
    z = validate_matrix(codes, name="codes").abs()
    threshold = validate_fraction(
        relative_threshold, name="relative_threshold",
        hint=" It is a fraction of each unit's largest activation, e.g. 0.1.",
    )  # fmt: skip
    unit_max = z.max(dim=0).values
    return (z > threshold * unit_max) & (unit_max > 0)


@dataclass(frozen=True)
class ActivationStats:
    """Fraction of units active per image ``(N,)`` and its mean, fraction
    of images on which each unit is active ``(k,)``, dead units."""

    active_fraction: float
    active_per_image: torch.Tensor
    unit_frequency: torch.Tensor
    dead_units: int


def activation_stats(
    codes: object, *, relative_threshold: float = 0.1
) -> ActivationStats:
    """Active fraction per image and per unit, and the dead units."""
    mask = active_mask(codes, relative_threshold=relative_threshold).float()
    per_image, frequency = mask.mean(dim=1), mask.mean(dim=0)
    return ActivationStats(float(per_image.mean()), per_image, frequency,
                           int((frequency == 0).sum()))  # fmt: skip


def top_activating(
    codes: object, *, units: object, k: int = 8
) -> torch.Tensor:
    """Indices ``(len(units), k)`` of the images each unit's value ranks top.

    ``codes`` is ``(N, n_units)``; ``units`` a list of unit indices.
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
