"""Anomaly detection with reconstruction error: what scikit-learn lacks.

scikit-learn computes the curves and the numbers (``roc_auc_score``,
``roc_curve``, ``precision_recall_curve``, ``confusion_matrix``). This module
adds the pieces around them that every reconstruction-based detector needs:

- :func:`one_class_split`: the standard one-class protocol's data (one class
  is normal; its training images split into a fitting and a *normal-only*
  validation part; the whole test set scored, the other classes anomalous);
- :func:`fit_reconstruction_detector`: the course's reconstruction-error
  detector trained on normal data, its shape taken from the data (an MLP
  autoencoder for images, feature rows or sensor windows), so that every
  chapter uses the same recipe;
- :func:`reconstruction_scores`: one anomaly score per input, its mean
  squared reconstruction error, for any model or reconstruct function;
- :func:`threshold_from_normal`: a threshold set on normal validation scores
  for a target false-positive rate, never on test labels;
- :func:`threshold_summary`: precision, recall, false-positive rate and the
  confusion matrix that a threshold gives;
- figures: :func:`plot_score_histograms`, :func:`plot_roc_pr`,
  :func:`plot_threshold` and :func:`plot_error_maps`.

Conventions: label 1 means *anomalous* (the positive class), 0 *normal*, and
a higher score means more anomalous.

The checks and thresholds live in :mod:`aeutils._anomaly_thresholds` and the
figures in :mod:`aeutils.anomaly_plots`; both are re-exported here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from ._anomaly_thresholds import (
    ThresholdSummary,
    _check_scores,
    threshold_from_normal,
    threshold_summary,
)
from ._validation import as_tensor, check_batch, check_positive_int, check_same_shape
from .anomaly_plots import (
    plot_error_maps,
    plot_roc_pr,
    plot_score_histograms,
    plot_threshold,
)
from .data import ImageDataset
from .models import FeatureAutoencoder, MLPAutoencoder
from .train import History, fit, predict, seed_everything

__all__ = [
    "OneClassSplit",
    "ThresholdSummary",
    "fit_reconstruction_detector",
    "one_class_split",
    "plot_error_maps",
    "plot_roc_pr",
    "plot_score_histograms",
    "plot_threshold",
    "reconstruction_scores",
    "squared_errors",
    "threshold_from_normal",
    "threshold_summary",
]


# --------------------------------------------------------------------------- data


@dataclass(frozen=True)
class OneClassSplit:
    """The data of one round of the one-class protocol.

    Attributes
    ----------
    normal_class
        Label of the class treated as normal.
    train
        Normal training images to fit the model on, ``(N, C, H, W)``.
    val
        Held-out normal training images, for choosing a threshold.
    test
        Every test image, ``(M, C, H, W)``.
    test_labels
        ``1`` where the test image is anomalous (another class), else ``0``;
        int64 array of shape ``(M,)``.
    """

    normal_class: int
    train: torch.Tensor
    val: torch.Tensor
    test: torch.Tensor
    test_labels: np.ndarray


def one_class_split(
    train: ImageDataset,
    test: ImageDataset,
    normal_class: int,
    *,
    val_size: int = 600,
    seed: int = 0,
) -> OneClassSplit:
    """Data for the one-class protocol with ``normal_class`` as normal.

    The training images of ``normal_class`` are split at random (seeded) into
    a fitting part and ``val_size`` normal validation images; the whole test
    set is scored, every other class counting as anomalous.

    Parameters
    ----------
    train, test
        Labelled datasets, e.g. ``data.load_fashion_mnist("train")``.
    normal_class
        The label treated as normal.
    val_size
        Normal training images held out for validation.
    seed
        Seed of the split, so every model sees the same images.
    """
    n_classes = len(train.class_names)
    if isinstance(normal_class, bool) or not isinstance(normal_class, (int, np.integer)):
        raise TypeError(f"normal_class must be an int label, got {normal_class!r}.")
    if not 0 <= normal_class < n_classes:
        raise ValueError(f"normal_class must be in 0..{n_classes - 1}, got {normal_class}.")
    normal = train.images[train.labels == normal_class]
    val_size = check_positive_int(val_size, name="val_size", maximum=len(normal) - 1)
    order = torch.randperm(len(normal), generator=torch.Generator().manual_seed(seed))
    labels = (test.labels != normal_class).numpy().astype(np.int64)
    return OneClassSplit(
        normal_class=int(normal_class),
        train=normal[order[val_size:]],
        val=normal[order[:val_size]],
        test=test.images,
        test_labels=labels,
    )


# --------------------------------------------------------------------------- detector


def fit_reconstruction_detector(
    inputs: object,
    *,
    latent_dim: int = 16,
    hidden_dims: tuple[int, ...] = (256,),
    epochs: int = 20,
    lr: float = 3e-3,
    batch_size: int = 256,
    seed: int = 0,
    progress: bool = False,
) -> tuple[nn.Module, History]:
    """Train an MLP autoencoder on normal data, to score by its error.

    The model takes its shape from the data:

    - images ``(N, C, H, W)`` with values in ``[0, 1]`` get an
      :class:`~aeutils.models.MLPAutoencoder` (sigmoid output, pixels);
    - feature rows ``(N, D)`` and sensor windows ``(N, C, T)``, any finite
      values (standardise them first), get a
      :class:`~aeutils.models.FeatureAutoencoder` (linear output).

    The defaults are the image setting (784-256-16, 20 epochs, cosine
    learning-rate schedule).

    Parameters
    ----------
    inputs
        Normal training data, one example per row of the first axis.
    latent_dim, hidden_dims
        The autoencoder's code size and hidden widths.
    epochs, lr, batch_size
        Training length, peak learning rate and batch size of
        :func:`aeutils.train.fit`.
    seed
        Seeds the initial weights and the batch order: the same seed gives the
        same detector.
    progress
        Show :func:`~aeutils.train.fit`'s progress output.

    Returns
    -------
    model, history
        The trained autoencoder and its training history.
    """
    x = check_batch(inputs, name="inputs")
    seed_everything(seed)
    if x.ndim == 4:
        model: nn.Module = MLPAutoencoder(
            latent_dim=latent_dim,
            hidden_dims=hidden_dims,
            image_shape=tuple(x.shape[1:]),
        )
    else:
        model = FeatureAutoencoder(
            tuple(x.shape[1:]), latent_dim=latent_dim, hidden_dims=hidden_dims
        )
    history = fit(
        model,
        x,
        epochs=epochs,
        lr=lr,
        batch_size=batch_size,
        lr_schedule="cosine",
        seed=seed,
        progress=progress,
    )
    return model, history


# --------------------------------------------------------------------------- scores


def squared_errors(inputs: object, reconstructions: object) -> np.ndarray:
    """Mean squared error of each example, over every axis but the first.

    Works for images ``(N, C, H, W)``, feature rows ``(N, D)`` and windows
    ``(N, C, T)`` alike.

    Returns
    -------
    numpy.ndarray
        Shape ``(N,)``, float64: one anomaly score per example.
    """
    x = as_tensor(inputs, name="inputs", pixels=False, dtype=None)
    x_hat = as_tensor(reconstructions, name="reconstructions", pixels=False, dtype=None)
    check_same_shape(x, x_hat, names=("inputs", "reconstructions"))
    if x.ndim < 2 or x.shape[0] == 0:
        raise ValueError(
            f"inputs must have shape (N, ...) with N >= 1 examples, got {tuple(x.shape)}."
        )
    error = (x.detach().cpu().double() - x_hat.detach().cpu().double()).pow(2)
    return _check_scores(error.flatten(1).mean(dim=1).numpy(), name="squared errors")


def reconstruction_scores(
    reconstruct: Callable[[torch.Tensor], torch.Tensor],
    inputs: object,
    *,
    batch_size: int = 1024,
) -> np.ndarray:
    """Anomaly score of each input: its mean squared reconstruction error.

    Parameters
    ----------
    reconstruct
        A trained autoencoder, ``pca.reconstruct``, or any function mapping a
        batch to reconstructions of the same shape (e.g. a VAE's mean output).
    inputs
        The examples to score (whatever shape ``reconstruct`` takes).
    batch_size
        Examples per forward pass.

    Returns
    -------
    numpy.ndarray
        Shape ``(N,)``, float64; higher means more anomalous.
    """
    if not callable(reconstruct):
        raise TypeError(f"reconstruct must be a model or function, got {type(reconstruct).__name__}.")
    x = as_tensor(inputs, name="inputs", pixels=False)
    return squared_errors(x, predict(reconstruct, x, batch_size=batch_size))
