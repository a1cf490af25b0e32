"""The variational autoencoder of chapter 7 and its loss, the negative ELBO.

The chapter defines :class:`VariationalAutoencoder` in a visible cell with
exactly this source (a test keeps the two identical); the loss lives here so
that ``tests/test_vae.py`` can pin its reduction: summed over pixels and
latent dimensions, averaged over the batch, i.e. nats per image.
"""

from __future__ import annotations

import math

import torch
from torch import nn
from torch.nn import functional as F

__all__ = [
    "SpatialVAE",
    "VariationalAutoencoder",
    "bernoulli_entropy",
    "kl_per_dimension",
    "negative_elbo",
    "reparameterize",
]


class VariationalAutoencoder(nn.Module):
    """MLP VAE: the encoder outputs a mean and a log-variance per code entry.

    The decoder outputs logits of a Bernoulli distribution per pixel;
    ``decode`` turns them into pixel means in [0, 1], and calling the model
    reconstructs an image from the mean of its code.
    """

    def __init__(self, latent_dim=32, hidden_dim=256, image_shape=(1, 28, 28)):
        super().__init__()
        if latent_dim < 1 or hidden_dim < 1:
            raise ValueError(
                f"latent_dim and hidden_dim must be positive, got "
                f"latent_dim={latent_dim}, hidden_dim={hidden_dim}."
            )
        pixels = math.prod(image_shape)
        self.encoder = nn.Sequential(
            nn.Flatten(),
            nn.Linear(pixels, hidden_dim), nn.ReLU(),
            nn.Linear(hidden_dim, 2 * latent_dim),
        )  # fmt: skip
        self.decoder = nn.Sequential(
            nn.Linear(latent_dim, hidden_dim), nn.ReLU(),
            nn.Linear(hidden_dim, pixels),
            nn.Unflatten(1, tuple(image_shape)),
        )  # fmt: skip

    def encode(self, images):
        """Mean and log-variance of q(z | x), each of shape (N, k)."""
        mean, log_var = self.encoder(images).chunk(2, dim=1)
        return mean, log_var

    def decode_logits(self, codes):
        return self.decoder(codes)

    def decode(self, codes):
        return torch.sigmoid(self.decoder(codes))

    def forward(self, images):
        mean, _ = self.encode(images)
        return self.decode(mean)


class SpatialVAE(nn.Module):
    """Convolutional VAE whose code is a small image: 1x28x28 -> Cx7x7.

    Two stride-2 convolutions halve the height and width twice (f = 4); a
    1x1 convolution gives a mean and a log-variance per latent pixel and
    channel. The decoder mirrors it and outputs Bernoulli logits per pixel.
    """

    def __init__(self, latent_channels=4, channels=(16, 32), in_channels=1):
        super().__init__()
        if latent_channels < 1 or min(channels) < 1:
            raise ValueError(
                f"latent_channels and channels must be positive, got "
                f"latent_channels={latent_channels}, channels={channels}."
            )
        c1, c2 = channels
        up = dict(stride=2, padding=1, output_padding=1)  # 7 -> 14 -> 28
        self.encoder = nn.Sequential(
            nn.Conv2d(in_channels, c1, 3, stride=2, padding=1), nn.SiLU(),
            nn.Conv2d(c1, c2, 3, stride=2, padding=1), nn.SiLU(),
            nn.Conv2d(c2, 2 * latent_channels, 1),
        )  # fmt: skip
        self.decoder = nn.Sequential(
            nn.Conv2d(latent_channels, c2, 1), nn.SiLU(),
            nn.ConvTranspose2d(c2, c1, 3, **up), nn.SiLU(),
            nn.ConvTranspose2d(c1, in_channels, 3, **up),
        )  # fmt: skip

    def encode(self, images):
        """Mean and log-variance of q(z | x), each (N, C, H/4, W/4)."""
        mean, log_var = self.encoder(images).chunk(2, dim=1)
        return mean, log_var

    def decode_logits(self, codes):
        return self.decoder(codes)

    def decode(self, codes):
        return torch.sigmoid(self.decoder(codes))

    def forward(self, images):
        mean, _ = self.encode(images)
        return self.decode(mean)


def reparameterize(mean: torch.Tensor, log_var: torch.Tensor) -> torch.Tensor:
    """A sample ``z = mean + std * eps`` with ``eps ~ N(0, I)``.

    The randomness sits in ``eps`` alone, so gradients flow to ``mean`` and
    ``log_var`` through an ordinary multiply and add.
    """
    std = torch.exp(0.5 * log_var)
    return mean + std * torch.randn_like(std)


def kl_per_dimension(mean: torch.Tensor, log_var: torch.Tensor) -> torch.Tensor:
    """KL(N(mean, exp(log_var)) || N(0, 1)) per code entry, same shape.

    For a code of shape ``(N, k)`` that is ``(N, k)``; a spatial code
    ``(N, C, H, W)`` keeps its shape too (sum over all but the first axis
    for the KL of each image).
    """
    return 0.5 * (mean.pow(2) + log_var.exp() - 1.0 - log_var)


def negative_elbo(
    model: nn.Module, images: torch.Tensor, *, beta: float = 1.0
) -> dict[str, torch.Tensor]:
    """The (beta-weighted) negative ELBO in nats per image, with its terms.

    Reconstruction: binary cross-entropy summed over the pixels. KL: summed
    over the latent dimensions. Both are then averaged over the batch, so
    the value does not depend on the batch size and ``beta = 1`` is the
    true negative ELBO of one image.

    Parameters
    ----------
    model
        A module with ``encode(images) -> (mean, log_var)`` and
        ``decode_logits(codes)``, e.g. :class:`VariationalAutoencoder`.
    images
        A batch ``(N, C, H, W)`` with values in [0, 1].
    beta
        Weight of the KL term (1 for the ELBO, other values for a beta-VAE).

    Returns
    -------
    dict
        ``{"loss": reconstruction + beta * kl, "reconstruction": ...,
        "kl": ...}``, scalar tensors; this is the form
        :func:`aeutils.train.fit` records per epoch.
    """
    if isinstance(beta, bool) or not isinstance(beta, (int, float)) or beta < 0:
        raise ValueError(f"beta must be a number >= 0, got {beta!r}.")
    mean, log_var = model.encode(images)
    codes = reparameterize(mean, log_var)
    logits = model.decode_logits(codes)
    bce = F.binary_cross_entropy_with_logits(logits, images, reduction="none")
    reconstruction = bce.flatten(1).sum(dim=1).mean()
    kl = kl_per_dimension(mean, log_var).flatten(1).sum(dim=1).mean()
    return {"loss": reconstruction + beta * kl, "reconstruction": reconstruction, "kl": kl}


def bernoulli_entropy(images: torch.Tensor) -> torch.Tensor:
    """Binary cross-entropy of each image with itself, summed over pixels.

    For grey pixels this is the floor that no reconstruction can go below:
    the cross-entropy of a target ``x`` with a prediction ``p`` is smallest,
    equal to the entropy of ``Bernoulli(x)``, at ``p = x``.
    """
    x = images.flatten(1).clamp(1e-7, 1 - 1e-7)
    return -(x * x.log() + (1 - x) * (1 - x).log()).sum(dim=1)
