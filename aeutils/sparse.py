"""How sparse is a code? Activation statistics for wide, sparse codes.

A code unit is *active* on an image when its activation exceeds a fraction
(``relative_threshold``, 10 % by default) of that unit's largest activation
over the images given. The threshold is relative so that the same definition
works for sigmoid codes (values in (0, 1)), ReLU codes (any positive scale)
and codes whose scale a penalty has shrunk; a unit that never fires (a *dead*
unit) is never active.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

from ._validation import check_matrix, check_positive_int

__all__ = ["ActivationStats", "activation_stats", "active_mask", "top_activating"]


def _check_threshold(relative_threshold: float) -> float:
    if isinstance(relative_threshold, bool) or not isinstance(relative_threshold, (int, float)):
        raise TypeError(
            f"relative_threshold must be a number, got {type(relative_threshold).__name__}."
        )
    if not 0 <= relative_threshold < 1:
        raise ValueError(
            f"relative_threshold must be in [0, 1), got {relative_threshold}; it is a "
            "fraction of each unit's largest activation, e.g. 0.1."
        )
    return float(relative_threshold)


def active_mask(codes: object, *, relative_threshold: float = 0.1) -> torch.Tensor:
    """Which units are active on which images.

    Parameters
    ----------
    codes
        Code activations of shape ``(N, k)``, e.g. ``predict(model.encode, images)``.
    relative_threshold
        A unit counts as active on an image when its activation is above this
        fraction of the unit's largest activation over the ``N`` images.

    Returns
    -------
    torch.Tensor
        Boolean tensor of shape ``(N, k)``.
    """
    z = check_matrix(codes, name="codes")
    threshold = _check_threshold(relative_threshold)
    unit_max = z.max(dim=0).values
    return (z > threshold * unit_max) & (unit_max > 0)


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
    z = check_matrix(codes, name="codes")
    k = check_positive_int(k, name="k", maximum=len(z))
    index = torch.as_tensor(list(units), dtype=torch.long)
    if index.ndim != 1 or len(index) == 0:
        raise ValueError(f"units must be a non-empty sequence of unit indices, got {units!r}.")
    if int(index.min()) < 0 or int(index.max()) >= z.shape[1]:
        raise ValueError(
            f"units must be between 0 and {z.shape[1] - 1} (the code has {z.shape[1]} "
            f"units), got {index.tolist()}."
        )
    return z[:, index].topk(k, dim=0).indices.T
