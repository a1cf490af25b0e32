"""Baselines and small model utilities shared by the chapters.

The autoencoders themselves are written out in the chapters that teach them;
this module holds what every chapter reuses, above all the PCA baseline that
chapter 1 derives and every later chapter compares against.
"""

from __future__ import annotations

import torch
from torch import nn

from ._validation import check_images, check_matrix, check_positive_int

__all__ = ["PCA", "count_parameters"]


class PCA:
    """Principal component analysis of images, fitted in float64.

    The directions are the eigenvectors of the pixel covariance matrix, which
    is only ``D x D`` (784 x 784 for Fashion-MNIST) however many images there are.

    Parameters
    ----------
    n_components
        Number of principal directions ``k`` to keep.

    Attributes
    ----------
    mean_
        Mean image, flattened, shape ``(D,)``.
    components_
        Principal directions as rows, shape ``(k, D)``, orthonormal, ordered by
        decreasing variance; each has its largest-magnitude entry positive so
        the result does not depend on the SVD's arbitrary signs.
    explained_variance_
        Variance of the data along each direction, shape ``(k,)``.
    explained_variance_ratio_
        The same as a fraction of the total variance, shape ``(k,)``.
    image_shape_
        ``(C, H, W)`` of the training images.

    Examples
    --------
    >>> pca = PCA(n_components=32).fit(train.images)   # doctest: +SKIP
    >>> x_hat = pca.reconstruct(test.images)           # doctest: +SKIP
    """

    def __init__(self, n_components: int) -> None:
        self.n_components = check_positive_int(n_components, name="n_components")

    def fit(self, images: object) -> PCA:
        """Fit the mean and the top principal directions of ``images`` (N, C, H, W)."""
        x = check_images(images, name="images")
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

    def _check_n(self, n_components: int | None) -> int:
        if n_components is None:
            return self.n_components
        return check_positive_int(n_components, name="n_components", maximum=self.n_components)

    def encode(self, images: object, *, n_components: int | None = None) -> torch.Tensor:
        """Project images onto the first ``n_components`` directions (default all ``k``).

        Returns codes of shape ``(N, n_components)``.
        """
        self._check_fitted()
        n = self._check_n(n_components)
        x = check_images(images, name="images", image_shape=self.image_shape_)
        return (x.flatten(1) - self.mean_) @ self.components_[:n].T

    def decode(self, codes: object) -> torch.Tensor:
        """Map codes of shape ``(N, j)``, ``j <= k``, back to images ``(N, C, H, W)``.

        A code with ``j < k`` columns uses the first ``j`` directions.
        """
        self._check_fitted()
        z = check_matrix(codes, name="codes")
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
    unique = {id(p): p for p in model.parameters() if p.requires_grad}
    return sum(p.numel() for p in unique.values())
