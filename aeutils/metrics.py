"""Metrics that compare reconstructions and subspaces."""

from __future__ import annotations

import torch

from .validation import (
    validate_batch,
    validate_images,
    validate_matrix,
    validate_positive_float,
    validate_same_shape,
)

__all__ = [
    "explained_variance",
    "per_image_mse",
    "principal_angles",
    "psnr",
]


def _pair(images: object, reconstructions: object) -> tuple[torch.Tensor, torch.Tensor]:
    x = validate_images(images, name="images", dtype=torch.float64)
    # Reconstructions of an unclamped decoder may leave [0, 1] slightly.
    x_hat = validate_images(
        reconstructions, name="reconstructions", value_range=None, dtype=torch.float64
    )
    validate_same_shape(x, x_hat, names=("images", "reconstructions"))
    return x.double(), x_hat.double()


def per_image_mse(images: object, reconstructions: object) -> torch.Tensor:
    """Mean squared error of each example, averaged over every axis but the first.

    Parameters
    ----------
    images
        Originals: images ``(N, C, H, W)`` with values in ``[0, 1]``, feature
        rows ``(N, D)`` or windows ``(N, C, T)`` (any finite values).
    reconstructions
        Same shape as ``images``.

    Returns
    -------
    torch.Tensor
        Shape ``(N,)``, float64 (also the anomaly score of
        :func:`aeutils.anomaly.reconstruction_scores`).
    """
    x = validate_batch(images, name="images", dtype=torch.float64)
    x_hat = validate_batch(
        reconstructions, name="reconstructions", value_range=None, dtype=torch.float64
    )
    validate_same_shape(x, x_hat, names=("images", "reconstructions"))
    return (x - x_hat).pow(2).flatten(1).mean(dim=1)


def psnr(images: object, reconstructions: object, *, data_range: float = 1.0) -> torch.Tensor:
    """Peak signal-to-noise ratio of each image in decibels.

    .. math:: \\mathrm{PSNR} = 10 \\log_{10} \\frac{\\text{data\\_range}^2}{\\mathrm{MSE}}

    A perfect reconstruction has infinite PSNR.

    Returns
    -------
    torch.Tensor
        Shape ``(N,)``, float64.
    """
    data_range = validate_positive_float(data_range, name="data_range")
    x, x_hat = _pair(images, reconstructions)
    mse = (x - x_hat).pow(2).flatten(1).mean(dim=1)
    return 10.0 * torch.log10(data_range**2 / mse)


def explained_variance(images: object, reconstructions: object) -> float:
    """Fraction of the data's variance that the reconstructions keep.

    ``1 - SSE / total sum of squares around the mean image``: 1 for a perfect
    reconstruction, 0 for always predicting the mean image.
    """
    x, x_hat = _pair(images, reconstructions)
    total = (x - x.mean(dim=0, keepdim=True)).pow(2).sum()
    if total == 0:
        raise ValueError("images have zero variance; explained variance is undefined.")
    return float(1.0 - (x - x_hat).pow(2).sum() / total)


def principal_angles(basis_a: object, basis_b: object) -> torch.Tensor:
    """Principal angles, in degrees, between the column spaces of two matrices.

    Parameters
    ----------
    basis_a, basis_b
        Matrices of shape ``(D, k_a)`` and ``(D, k_b)`` whose columns span the
        subspaces; they need not be orthonormal.

    Returns
    -------
    torch.Tensor
        ``min(k_a, k_b)`` angles in ascending order, float64. All zeros means
        one subspace contains the other.
    """
    a = validate_matrix(basis_a, name="basis_a", dtype=torch.float64)
    b = validate_matrix(basis_b, name="basis_b", dtype=torch.float64)
    if a.shape[0] != b.shape[0] and a.shape[1] == b.shape[1]:
        raise ValueError(
            f"basis_a and basis_b must live in the same space (same number of rows), got "
            f"{tuple(a.shape)} and {tuple(b.shape)}. Columns are the basis vectors; they "
            "look like rows here: pass basis_a.T and basis_b.T."
        )
    if a.shape[0] != b.shape[0]:
        raise ValueError(
            f"basis_a and basis_b must live in the same space (same number of rows), got "
            f"{tuple(a.shape)} and {tuple(b.shape)}. Columns are the basis vectors; "
            "transpose if yours are rows."
        )
    for name, m in (("basis_a", a), ("basis_b", b)):
        if torch.linalg.matrix_rank(m) < m.shape[1]:
            hint = (
                f" It has more columns than rows ({tuple(m.shape)}): if the basis vectors "
                f"are its rows, pass {name}.T."
                if m.shape[1] > m.shape[0]
                else ""
            )
            raise ValueError(
                f"{name} has linearly dependent columns; it spans fewer dimensions.{hint}"
            )
    q_a, _ = torch.linalg.qr(a)
    q_b, _ = torch.linalg.qr(b)
    cosines = torch.linalg.svdvals(q_a.T @ q_b).clamp(-1.0, 1.0)
    # svdvals are descending, so the angles come out ascending.
    return torch.rad2deg(torch.arccos(cosines))
