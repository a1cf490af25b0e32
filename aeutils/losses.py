"""Loss functions ``loss_fn(model, batch)`` for :func:`aeutils.train.fit`:
:func:`mse_loss` (fit's default) and the VAE's negative ELBO with its terms.
The sparsity and contractive penalties are written in the chapter that
teaches them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import torch
from torch import nn
from torch.nn import functional as F

from .validation import (
    validate_callable,
    validate_images,
    validate_model_output,
    validate_nonnegative_float,
    validate_same_shape,
    validate_tensor,
)

__all__ = [
    "LossFn",
    "bernoulli_entropy",
    "kl_per_dimension",
    "mse_loss",
    "negative_elbo",
    "reparameterize",
]

LossFn = Callable[[nn.Module, torch.Tensor], "torch.Tensor | Mapping[str, torch.Tensor]"]


def mse_loss(model: nn.Module, batch: torch.Tensor) -> torch.Tensor:
    """Mean squared reconstruction error of ``model`` on ``batch``.

    ``batch`` may hold images ``(N, C, H, W)``, windows ``(N, C, T)`` or
    features ``(N, D)``; the model's output must have exactly its shape.
    """
    output = validate_model_output(model(batch), batch)
    return F.mse_loss(output, batch)


def _validate_posterior(mean: torch.Tensor, log_var: torch.Tensor) -> None:
    """Finite tensors of one shape: a broadcast would silently mix images."""
    validate_tensor(mean, name="mean")
    validate_tensor(log_var, name="log_var")
    validate_same_shape(mean, log_var, names=("mean", "log_var"))


def reparameterize(mean: torch.Tensor, log_var: torch.Tensor) -> torch.Tensor:
    """A sample ``z = mean + std * eps`` with ``eps ~ N(0, I)``.

    The randomness sits in ``eps`` alone, so gradients flow to ``mean`` and
    ``log_var`` through an ordinary multiply and add.
    """
    _validate_posterior(mean, log_var)
    std = torch.exp(0.5 * log_var)
    return mean + std * torch.randn_like(std)


def kl_per_dimension(mean: torch.Tensor, log_var: torch.Tensor) -> torch.Tensor:
    """KL(N(mean, exp(log_var)) || N(0, 1)) per image and code entry, (N, k)."""
    _validate_posterior(mean, log_var)
    return 0.5 * (mean.pow(2) + log_var.exp() - 1.0 - log_var)


def negative_elbo(
    model: nn.Module, images: torch.Tensor, *, beta: float = 1.0
) -> dict[str, torch.Tensor]:
    """The (beta-weighted) negative ELBO in nats per image, with its terms.

    Binary cross-entropy summed over pixels plus ``beta`` times the KL
    summed over latent dimensions (``beta=1``: the ELBO), both averaged over
    the batch ``images`` ``(N, C, H, W)`` in ``[0, 1]``. ``model`` has
    ``encode(images) -> (mean, log_var)`` and ``decode_logits``. Returns
    scalar tensors ``{"loss", "reconstruction", "kl"}``.
    """
    beta = validate_nonnegative_float(beta, name="beta")
    images = validate_images(images, name="images")
    for method in ("encode", "decode_logits"):
        validate_callable(
            getattr(model, method, None), name=f"model.{method}",
            example="a method of a VAE (aeutils.models.VariationalAutoencoder)",
        )
    mean, log_var = model.encode(images)
    codes = reparameterize(mean, log_var)
    logits = model.decode_logits(codes)
    bce = F.binary_cross_entropy_with_logits(logits, images, reduction="none")
    reconstruction = bce.flatten(1).sum(dim=1).mean()
    kl = kl_per_dimension(mean, log_var).flatten(1).sum(dim=1).mean()
    return {"loss": reconstruction + beta * kl,
            "reconstruction": reconstruction, "kl": kl}  # fmt: skip


def bernoulli_entropy(images: torch.Tensor) -> torch.Tensor:
    """Binary cross-entropy of each image with itself, summed over pixels.

    For grey pixels this is the floor that no reconstruction can go below:
    the cross-entropy of a target ``x`` with a prediction ``p`` is smallest,
    equal to the entropy of ``Bernoulli(x)``, at ``p = x``.
    """
    x = validate_images(images, name="images", dtype=None).flatten(1).clamp(1e-7, 1 - 1e-7)
    return -(x * x.log() + (1 - x) * (1 - x).log()).sum(dim=1)
