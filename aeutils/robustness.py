"""How much does a code move when the input moves a little?

Two measurements of an encoder's local sensitivity, for any encoder
``encode(images) -> codes``:

* :func:`code_sensitivity`: the ratio ``||z(x + dx) - z(x)|| / ||dx||`` for a
  small Gaussian perturbation ``dx`` (a finite difference, no gradients);
* :func:`jacobian_norm`: the Frobenius norm of the Jacobian ``dz/dx`` at
  each image, computed exactly with :func:`torch.func.jacrev` and
  :func:`torch.func.vmap`, so it works for any differentiable encoder.

For small ``dx`` in a random direction the first is about the second divided
by ``sqrt(D)``: the Jacobian norm sums the sensitivity over all ``D`` input
directions, a random direction samples their average.
"""

from __future__ import annotations

from collections.abc import Callable

import torch
from torch import nn

from ._validation import check_images, check_positive_int

__all__ = ["code_sensitivity", "jacobian_norm"]

Encoder = Callable[[torch.Tensor], torch.Tensor]


def _device_of(encode: Encoder) -> torch.device:
    module = encode if isinstance(encode, nn.Module) else getattr(encode, "__self__", None)
    if isinstance(module, nn.Module):
        params = list(module.parameters())
        if params:
            return params[0].device
    return torch.device("cpu")


def _check_sigma(sigma: float) -> float:
    if isinstance(sigma, bool) or not isinstance(sigma, (int, float)):
        raise TypeError(f"sigma must be a number, got {type(sigma).__name__}.")
    if not sigma > 0:
        raise ValueError(
            f"sigma must be positive, got {sigma}; use a small noise level such as 0.01."
        )
    return float(sigma)


@torch.no_grad()
def code_sensitivity(
    encode: Encoder,
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
    x = check_images(images, name="images")
    sigma = _check_sigma(sigma)
    batch_size = check_positive_int(batch_size, name="batch_size")
    generator = torch.Generator().manual_seed(seed)
    noise = torch.randn(x.shape, generator=generator, dtype=x.dtype) * sigma
    device = _device_of(encode)
    module = encode if isinstance(encode, nn.Module) else getattr(encode, "__self__", None)
    was_training = module.training if isinstance(module, nn.Module) else None
    if was_training is not None:
        module.eval()
    ratios = []
    for start in range(0, len(x), batch_size):
        clean = x[start : start + batch_size].to(device)
        dx = noise[start : start + batch_size].to(device)
        change = (encode(clean + dx) - encode(clean)).flatten(1).norm(dim=1)
        ratios.append((change / dx.flatten(1).norm(dim=1)).cpu())
    if was_training is not None:
        module.train(was_training)
    return torch.cat(ratios)


def jacobian_norm(encode: Encoder, images: object, *, batch_size: int = 256) -> torch.Tensor:
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
    x = check_images(images, name="images")
    batch_size = check_positive_int(batch_size, name="batch_size")
    device = _device_of(encode)

    def encode_one(image: torch.Tensor) -> torch.Tensor:
        return encode(image.unsqueeze(0)).squeeze(0)

    jacobian = torch.func.vmap(torch.func.jacrev(encode_one))
    norms = []
    for start in range(0, len(x), batch_size):
        batch = x[start : start + batch_size].to(device)
        norms.append(jacobian(batch).detach().flatten(1).norm(dim=1).cpu())
    return torch.cat(norms)
