"""The models several chapters share: the PCA baseline, the autoencoders,
the VAE and a small classifier. The chapter that teaches one shows exactly
this source (``tests/book/test_models_source.py``); a model that only its
own chapter uses is defined there alone."""

from __future__ import annotations

import math

import torch
from torch import nn

from .validation import (
    validate_images,
    validate_matrix,
    validate_module,
    validate_positive_int,
)

__all__ = [
    "PCA",
    "MLPAutoencoder",
    "MLPClassifier",
    "VariationalAutoencoder",
    "count_parameters",
]


class PCA:
    """Principal component analysis of images (``n_components`` = k),
    fitted in float64 from the ``D x D`` pixel covariance.

    Attributes
    ----------
    mean_, components_
        Mean image ``(D,)``; orthonormal directions as rows ``(k, D)`` by
        decreasing variance, largest-magnitude entry positive.
    explained_variance_, explained_variance_ratio_
        Variance along each direction ``(k,)``, and as a fraction.
    image_shape_
        ``(C, H, W)`` of the training images.
    """

    def __init__(self, n_components: int) -> None:
        self.n_components = validate_positive_int(n_components, name="n_components")

    def fit(self, images: object) -> PCA:
        """Fit the mean and the top principal directions of ``images`` (N, C, H, W)."""
        x = validate_images(images, name="images")
        n_samples, n_features = x.shape[0], x[0].numel()
        limit = min(n_samples, n_features)
        if self.n_components > limit:
            raise ValueError(
                f"n_components={self.n_components} is larger than min(n_samples, n_features)"
                f" = {limit}; choose at most {limit}."
            )
        flat = x.flatten(1).double()
        mean = flat.mean(dim=0)
        centered = flat - mean
        covariance = centered.T @ centered / max(n_samples - 1, 1)
        eigenvalues, eigenvectors = torch.linalg.eigh(covariance)
        if float(eigenvalues.clamp(min=0.0).sum()) <= 0.0:
            raise ValueError(
                f"images have zero variance (all {n_samples} image(s) are identical), so "
                "there are no principal directions; fit PCA on at least two different images."
            )
        # eigh sorts ascending; PCA wants the largest variance first.
        variance = eigenvalues.flip(0).clamp(min=0.0)
        components = eigenvectors.flip(1)[:, : self.n_components].T
        signs = torch.sign(components.gather(1, components.abs().argmax(dim=1, keepdim=True)))
        self.image_shape_ = tuple(x.shape[1:])
        self.mean_ = mean.float()
        self.components_ = (components * signs).float()
        self.explained_variance_ = variance[: self.n_components].float()
        self.explained_variance_ratio_ = (variance[: self.n_components] / variance.sum()).float()
        return self

    def _check_fitted(self) -> None:
        if not hasattr(self, "components_"):
            raise RuntimeError("This PCA is not fitted yet; call .fit(images) first.")

    def encode(self, images: object, *, n_components: int | None = None) -> torch.Tensor:
        """Codes ``(N, n_components)``: projections on the first directions
        (default all ``k``)."""
        self._check_fitted()
        if n_components is not None:  # None: all k (components_[:None])
            n_components = validate_positive_int(
                n_components, name="n_components", maximum=self.n_components
            )
        x = validate_images(images, name="images", image_shape=self.image_shape_)
        return (x.flatten(1) - self.mean_) @ self.components_[:n_components].T

    def decode(self, codes: object) -> torch.Tensor:
        """Images ``(N, C, H, W)`` from codes ``(N, j)``, ``j <= k`` (the
        first ``j`` directions)."""
        self._check_fitted()
        z = validate_matrix(codes, name="codes")
        if z.shape[1] > self.n_components:
            raise ValueError(
                f"codes have {z.shape[1]} columns but this PCA keeps only "
                f"{self.n_components} components."
            )
        flat = self.mean_ + z.float() @ self.components_[: z.shape[1]]
        return flat.view(-1, *self.image_shape_)

    def reconstruct(self, images: object, *, n_components: int | None = None) -> torch.Tensor:
        """Encode then decode: the best rank-``n_components`` affine approximation."""
        return self.decode(self.encode(images, n_components=n_components))

    __call__ = reconstruct


def count_parameters(model: nn.Module) -> int:
    """Number of trainable parameters of ``model`` (shared tensors counted once)."""
    parameters = validate_module(model).parameters()  # each shared one once
    return sum(p.numel() for p in parameters if p.requires_grad)


class MLPAutoencoder(nn.Module):
    """Fully connected autoencoder: image -> hidden layers -> code -> image.

    The decoder mirrors the encoder. ReLU between layers, a linear code, and a
    sigmoid at the output so reconstructions are pixels in [0, 1].

    Parameters
    ----------
    latent_dim
        Size k of the code.
    hidden_dims
        Widths of the encoder's hidden layers; the decoder uses them reversed.
    image_shape
        (C, H, W) of the images.
    """

    def __init__(
        self, latent_dim=32, hidden_dims=(256,), image_shape=(1, 28, 28)
    ):
        super().__init__()
        widths = (latent_dim, *hidden_dims)
        if not all(isinstance(n, int) and n > 0 for n in widths):
            raise ValueError(
                f"latent_dim and hidden_dims must be positive integers, got "
                f"latent_dim={latent_dim!r}, hidden_dims={hidden_dims!r}."
            )
        sizes = [math.prod(image_shape), *hidden_dims, latent_dim]
        encoder = [nn.Flatten()]
        for i, (n_in, n_out) in enumerate(zip(sizes, sizes[1:])):
            encoder.append(nn.Linear(n_in, n_out))
            if i < len(sizes) - 2:  # no ReLU on the code itself
                encoder.append(nn.ReLU())
        decoder = []
        reverse = sizes[::-1]
        for i, (n_in, n_out) in enumerate(zip(reverse, reverse[1:])):
            decoder.append(nn.Linear(n_in, n_out))
            last = i == len(reverse) - 2
            decoder.append(nn.Sigmoid() if last else nn.ReLU())
        decoder.append(nn.Unflatten(1, tuple(image_shape)))
        self.encoder = nn.Sequential(*encoder)
        self.decoder = nn.Sequential(*decoder)

    def encode(self, images):
        return self.encoder(images)

    def decode(self, codes):
        return self.decoder(codes)

    def forward(self, images):
        return self.decode(self.encode(images))


class FeatureAutoencoder(nn.Module):
    """MLP autoencoder with a linear output, for standardised data.

    It flattens each example, whatever its shape (feature rows ``(D,)``,
    sensor windows ``(C, T)``), and restores the shape at the end. The last
    layer has no sigmoid: standardised values are not confined to [0, 1].

    Parameters
    ----------
    input_shape
        Shape of one example, e.g. ``(30,)`` or ``(4, 64)``.
    latent_dim
        Size k of the code.
    hidden_dims
        Widths of the encoder's hidden layers; the decoder uses them reversed.
    """

    def __init__(self, input_shape, latent_dim=4, hidden_dims=(16,)):
        super().__init__()
        sizes = [math.prod(input_shape), *hidden_dims, latent_dim]
        if not all(isinstance(n, int) and n > 0 for n in sizes):
            raise ValueError(
                f"input_shape, latent_dim and hidden_dims must be positive "
                f"integers, "
                f"got sizes {sizes}."
            )
        encoder, decoder = [nn.Flatten()], []
        for i in range(len(sizes) - 1):
            encoder.append(nn.Linear(sizes[i], sizes[i + 1]))
            decoder.append(nn.Linear(sizes[-1 - i], sizes[-2 - i]))
            if i < len(sizes) - 2:  # ReLU between layers, none at the ends
                encoder.append(nn.ReLU())
                decoder.append(nn.ReLU())
        decoder.append(nn.Unflatten(1, tuple(input_shape)))
        self.encoder = nn.Sequential(*encoder)
        self.decoder = nn.Sequential(*decoder)

    def encode(self, x):
        return self.encoder(x)

    def decode(self, codes):
        return self.decoder(codes)

    def forward(self, x):
        return self.decode(self.encode(x))


class VariationalAutoencoder(nn.Module):
    """MLP VAE: the encoder outputs a mean and a log-variance per code entry.

    The decoder outputs logits of a Bernoulli distribution per pixel;
    ``decode`` turns them into pixel means in [0, 1], and calling the model
    reconstructs an image from the mean of its code.
    """

    def __init__(self, latent_dim=32, hidden_dim=256, image_shape=(1, 28, 28)):
        super().__init__()
        widths = (latent_dim, hidden_dim)
        if not all(isinstance(n, int) and n > 0 for n in widths):
            raise ValueError(
                f"latent_dim and hidden_dim must be positive integers, got "
                f"latent_dim={latent_dim!r}, hidden_dim={hidden_dim!r}."
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


class MLPClassifier(nn.Module):
    """Classifier of 1x28x28 images into 10 classes with one hidden ReLU
    layer of ``hidden_dim`` units, to score generated images: ``features``
    is the hidden layer (for :func:`aeutils.metrics.frechet_distance`), the
    model returns one logit per class. Train it with
    :func:`aeutils.train.fit_classifier`."""

    def __init__(self, hidden_dim=128):
        super().__init__()
        hidden_dim = validate_positive_int(hidden_dim, name="hidden_dim")
        self.hidden = nn.Sequential(
            nn.Flatten(), nn.Linear(28 * 28, hidden_dim), nn.ReLU()
        )
        self.head = nn.Linear(hidden_dim, 10)

    def features(self, images):
        return self.hidden(images)

    def forward(self, images):
        return self.head(self.hidden(images))
