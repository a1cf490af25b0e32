"""Metrics that compare reconstructions, subspaces and sets of features."""

from __future__ import annotations

import torch

from .validation import (
    validate_batch,
    validate_images,
    validate_matrix,
    validate_same_shape,
)

__all__ = [
    "dead_latents",
    "explained_variance",
    "fraction_of_variance_unexplained",
    "mean_l0",
    "frechet_distance",
    "per_image_mse",
    "principal_angles",
    "psnr",
]


def _pair(images, reconstructions, check=validate_images):
    """Both as float64 tensors of one shape."""
    x = check(images, name="images", dtype=torch.float64)
    # Reconstructions of an unclamped decoder may leave [0, 1] slightly.
    x_hat = check(reconstructions, name="reconstructions", value_range=None,
                  dtype=torch.float64)  # fmt: skip
    validate_same_shape(x, x_hat, names=("images", "reconstructions"))
    return x, x_hat


def _total_variance(x: torch.Tensor, name: str) -> torch.Tensor:
    """Sum of squares around the mean row (or image); refuses zero."""
    total = (x - x.mean(dim=0, keepdim=True)).pow(2).sum()
    if total == 0:
        raise ValueError(
            f"{name} have zero variance (all rows are identical), so the "
            "measure is undefined; pass at least two different inputs."
        )
    return total


def per_image_mse(images: object, reconstructions: object) -> torch.Tensor:
    """Mean squared error of each example, float64 ``(N,)``.

    ``images`` are images ``(N, C, H, W)`` in ``[0, 1]``, feature rows
    ``(N, D)`` or windows ``(N, C, T)``; ``reconstructions`` have their shape.
    """
    x, x_hat = _pair(images, reconstructions, check=validate_batch)
    return (x - x_hat).pow(2).flatten(1).mean(dim=1)


def psnr(images: object, reconstructions: object) -> torch.Tensor:
    """PSNR of each image in dB, ``10 log10(1 / MSE)`` (pixels in [0, 1]),
    float64 ``(N,)``; a perfect reconstruction has infinite PSNR."""
    x, x_hat = _pair(images, reconstructions)
    return 10.0 * torch.log10(1.0 / (x - x_hat).pow(2).flatten(1).mean(dim=1))


def explained_variance(images: object, reconstructions: object) -> float:
    """Fraction of the data's variance that the reconstructions keep.

    ``1 - SSE / total sum of squares around the mean image``: 1 for a perfect
    reconstruction, 0 for always predicting the mean image.
    """
    x, x_hat = _pair(images, reconstructions)
    total = _total_variance(x, "images")
    return float(1.0 - (x - x_hat).pow(2).sum() / total)


def principal_angles(basis_a: object, basis_b: object) -> torch.Tensor:
    """Principal angles in degrees, ascending, between the column spaces of
    ``basis_a`` ``(D, k_a)`` and ``basis_b`` ``(D, k_b)`` (not necessarily
    orthonormal); all zeros means one subspace contains the other."""
    a = validate_matrix(basis_a, name="basis_a", dtype=torch.float64)
    b = validate_matrix(basis_b, name="basis_b", dtype=torch.float64)
    if a.shape[0] != b.shape[0]:
        raise ValueError(
            "basis_a and basis_b must live in the same space (same number of "
            f"rows), got {tuple(a.shape)} and {tuple(b.shape)}. Columns are "
            "the basis vectors: transpose if yours are rows."
        )
    for name, m in (("basis_a", a), ("basis_b", b)):
        if torch.linalg.matrix_rank(m) < m.shape[1]:
            raise ValueError(
                f"{name} {tuple(m.shape)} has linearly dependent columns; it "
                "spans fewer dimensions. If its rows are the basis vectors, "
                f"pass {name}.T."
            )
    q_a, _ = torch.linalg.qr(a)
    q_b, _ = torch.linalg.qr(b)
    cosines = torch.linalg.svdvals(q_a.T @ q_b).clamp(-1.0, 1.0)
    # svdvals are descending, so the angles come out ascending.
    return torch.rad2deg(torch.arccos(cosines))


def fraction_of_variance_unexplained(activations: object, reconstructions: object) -> float:
    """Fraction of variance unexplained (Gao et al. 2024) of ``(N, d)``
    activations: ``sum ||h - h_hat||^2 / sum ||h - mean(h)||^2``."""
    h = validate_matrix(activations, name="activations", dtype=torch.float64)
    h_hat = validate_matrix(reconstructions, name="reconstructions",
                            dtype=torch.float64)  # fmt: skip
    validate_same_shape(h, h_hat, names=("activations", "reconstructions"))
    total = _total_variance(h, "activations")
    return float((h - h_hat).pow(2).sum() / total)


def _nonnegative_codes(codes: object) -> torch.Tensor:
    z = validate_matrix(codes, name="codes", dtype=None)
    if bool((z < 0).any()):
        raise ValueError(
            "codes must be non-negative latent activations (a top-k or ReLU "
            f"code); got a minimum of {float(z.min()):.3g}. Pass "
            "model.encode(...)'s output, not the pre-activations."
        )
    return z


def mean_l0(codes: object) -> float:
    """Mean number of active (non-zero) latents per row of ``codes``."""
    z = _nonnegative_codes(codes)
    return float((z > 0).sum(dim=1).double().mean())


def dead_latents(codes: object) -> int:
    """Number of latents zero on every row of ``codes`` ``(N, n_latents)``
    (dead on these inputs; Gao et al. 2024 count a stretch of training)."""
    return int((_nonnegative_codes(codes).amax(dim=0) <= 0).sum())


def frechet_distance(features_a: object, features_b: object) -> float:
    """Fréchet distance between Gaussians fitted to two sets of features.

    .. math:: \\lVert \\mu_a - \\mu_b \\rVert^2 + \\operatorname{tr}\\big(
        \\Sigma_a + \\Sigma_b - 2 (\\Sigma_a \\Sigma_b)^{1/2}\\big)

    With Inception features this is the FID (Heusel et al. 2017). Biased
    upwards for few samples: compare sets of equal size. ``features_a``
    ``(N_a, D)`` and ``features_b`` ``(N_b, D)`` need two rows each.
    """
    a = validate_matrix(features_a, name="features_a", dtype=torch.float64)
    b = validate_matrix(features_b, name="features_b", n_cols=a.shape[1],
                        dtype=torch.float64)  # fmt: skip
    if len(a) < 2 or len(b) < 2:
        raise ValueError(
            "need at least two rows in each feature set to estimate a "
            f"covariance, got {len(a)} and {len(b)}."
        )
    mean_a, mean_b = a.mean(dim=0), b.mean(dim=0)
    cov_a, cov_b = torch.cov(a.T), torch.cov(b.T)
    values, vectors = torch.linalg.eigh(cov_a)
    root_a = vectors @ torch.diag(values.clamp(min=0).sqrt()) @ vectors.T
    # tr((S_a S_b)^{1/2}) = tr((S_a^{1/2} S_b S_a^{1/2})^{1/2}), symmetric.
    middle = torch.linalg.eigvalsh(root_a @ cov_b @ root_a)
    trace_root = middle.clamp(min=0).sqrt().sum()
    distance = (mean_a - mean_b).pow(2).sum() + cov_a.trace() + cov_b.trace()
    return max(float(distance - 2 * trace_root), 0.0)
