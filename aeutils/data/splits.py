"""Splits: a seeded validation part, and the course's standard split."""

from __future__ import annotations

import os

import numpy as np
import torch

from ..validation import (
    validate_fraction,
    validate_instance,
    validate_option,
    validate_positive_int,
    validate_seed,
)
from .datasets import FASHION_MNIST, MNIST, ImageDataset, load_dataset

__all__ = ["load_splits", "train_val_split"]


def train_val_split(
    dataset: ImageDataset, *, val_size: int | float, seed: int = 0
) -> tuple[ImageDataset, ImageDataset]:
    """Split a dataset into disjoint training and validation parts.

    ``val_size`` is a number of examples, or a fraction in ``(0, 1)`` of the
    dataset (rounded to the nearest count); the same ``seed`` gives the
    same split.
    """
    validate_instance(dataset, ImageDataset, name="dataset",
                      example="data.load_fashion_mnist('train')")
    seed = validate_seed(seed)
    if isinstance(val_size, (float, np.floating)):
        fraction = validate_fraction(
            val_size, name="val_size", low_open=True,
            hint=" A float is a fraction; an int is a number of examples.",
        )  # fmt: skip
        val_size = int(round(fraction * len(dataset)))
    val_size = validate_positive_int(val_size, name="val_size",
                                     maximum=len(dataset) - 1)  # fmt: skip
    generator = torch.Generator().manual_seed(seed)
    order = torch.randperm(len(dataset), generator=generator)
    return dataset.subset(order[val_size:]), dataset.subset(order[:val_size])


def load_splits(
    dataset: str = "fashion-mnist",
    *,
    val_size: int = 5000,
    seed: int = 0,
    root: str | os.PathLike | None = None,
    download: bool = True,
) -> tuple[ImageDataset, ImageDataset, ImageDataset]:
    """Return ``(train, val, test)``, ``val_size`` examples of the training
    split held out for validation (:func:`train_val_split` with ``seed``).

    ``dataset`` is ``"fashion-mnist"`` (works offline) or ``"mnist"``
    (online); ``root`` and ``download`` as in :func:`load_dataset`.
    """
    specs = {"fashion-mnist": FASHION_MNIST, "mnist": MNIST}
    spec = specs[validate_option(dataset, name="dataset", options=(*specs,))]
    full_train = load_dataset(spec, "train", root=root, download=download)
    test = load_dataset(spec, "test", root=root, download=download)
    train, val = train_val_split(full_train, val_size=val_size, seed=seed)
    return train, val, test
