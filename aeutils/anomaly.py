"""Anomaly detection with reconstruction error: what scikit-learn lacks.

The one-class protocol's data, the course's detector, scores (NumPy arrays;
the device rule of :mod:`aeutils.train`), a threshold set on normal
validation data and what it gives; figures are in :mod:`aeutils.viz.anomaly`.
Label 1 means *anomalous*, 0 *normal*; a higher score is more anomalous.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import astuple, dataclass

import numpy as np
import torch
from sklearn.metrics import confusion_matrix
from torch import nn

from .data import ImageDataset, train_val_split
from .metrics import per_image_mse
from .models import FeatureAutoencoder, MLPAutoencoder
from .train import History, fit, predict, seed_everything
from .validation import (
    validate_batch,
    validate_binary_labels,
    validate_callable,
    validate_fraction,
    validate_index,
    validate_positive_int,
    validate_real,
    validate_scores,
)

__all__ = [
    "OneClassSplit",
    "ThresholdSummary",
    "fit_reconstruction_detector",
    "one_class_split",
    "reconstruction_scores",
    "threshold_from_normal",
    "threshold_summary",
]


@dataclass(frozen=True)
class OneClassSplit:
    """One round of the one-class protocol: normal images to fit on
    (``train``) and to set a threshold on (``val``), every test image, and
    ``test_labels`` (1 where the image is of another class)."""

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
    """The one-class protocol's data with ``normal_class`` as normal.

    ``train`` and ``test`` are labelled datasets; ``val_size`` normal
    training images are held out at random by
    :func:`aeutils.data.train_val_split` (``seed``: every model sees the
    same split); all other classes are anomalous.
    """
    normal_class = validate_index(
        normal_class, name="normal_class", size=len(train.class_names)
    )
    n_normal = int((train.labels == normal_class).sum())
    if n_normal < 2:
        raise ValueError(
            f"train holds {n_normal} image(s) of normal_class "
            f"{normal_class}; pick a class present in train (labels "
            f"{sorted(set(train.labels.tolist()))})."
        )
    normal = train.subset(train.labels == normal_class)
    fit_part, val_part = train_val_split(normal, val_size=val_size, seed=seed)
    return OneClassSplit(
        normal_class=int(normal_class),
        train=fit_part.images,
        val=val_part.images,
        test=test.images,
        test_labels=(test.labels != normal_class).numpy().astype(np.int64),
    )


def fit_reconstruction_detector(
    inputs: object,
    *,
    latent_dim: int = 16,
    hidden_dims: tuple[int, ...] = (256,),
    epochs: int = 20,
    lr: float = 3e-3,
    batch_size: int = 256,
    seed: int = 0,
) -> tuple[nn.Module, History]:
    """Train the course's MLP autoencoder on normal data, to score by error.

    Images ``(N, C, H, W)`` in ``[0, 1]`` get an
    :class:`~aeutils.models.MLPAutoencoder`; feature rows ``(N, D)`` and
    sensor windows ``(N, C, T)`` (standardised) a
    :class:`~aeutils.models.FeatureAutoencoder`, shaped like the data.

    ``latent_dim`` and ``hidden_dims`` size it; ``epochs``, ``lr`` and
    ``batch_size`` go to :func:`aeutils.train.fit` (cosine schedule, no
    progress bar); ``seed`` seeds weights and batch order. Returns the model
    and its training history.
    """
    x = validate_batch(inputs, name="inputs")
    latent_dim = validate_positive_int(latent_dim, name="latent_dim")
    if not isinstance(hidden_dims, (tuple, list)):
        raise TypeError(
            "hidden_dims must be a tuple of layer widths, e.g. (256,), got "
            f"{hidden_dims!r}."
        )
    hidden_dims = [validate_positive_int(w, name="hidden_dims")
                   for w in hidden_dims]  # fmt: skip
    sizes = {"latent_dim": latent_dim, "hidden_dims": tuple(hidden_dims)}
    seed_everything(seed)
    shape = tuple(x.shape[1:])
    model: nn.Module = (
        MLPAutoencoder(image_shape=shape, **sizes) if x.ndim == 4
        else FeatureAutoencoder(shape, **sizes)
    )  # fmt: skip
    history = fit(
        model, x, epochs=epochs, lr=lr, batch_size=batch_size,
        lr_schedule="cosine", seed=seed, progress=False,
    )  # fmt: skip
    return model, history


def reconstruction_scores(
    reconstruct: Callable[[torch.Tensor], torch.Tensor],
    inputs: object,
) -> np.ndarray:
    """Mean squared reconstruction error of each input, float64 ``(N,)``.

    ``reconstruct`` is a model, ``model.forward``, ``pca.reconstruct`` or
    any function returning reconstructions of the inputs' shape.
    """
    validate_callable(reconstruct, name="reconstruct")
    x = validate_batch(inputs, name="inputs", value_range=None)
    return per_image_mse(x, predict(reconstruct, x)).numpy()


def threshold_from_normal(
    val_scores: object, *, target_fpr: float = 0.05
) -> float:
    """The ``1 - target_fpr`` quantile of normal validation scores.

    Flag ``score > threshold``: about ``target_fpr`` of new normal data are
    false alarms. It uses no anomalies and no test labels.
    """
    scores = validate_scores(val_scores, name="val_scores")
    target_fpr = validate_fraction(
        target_fpr, name="target_fpr", low_open=True,
        hint=" It is a rate, e.g. 0.05 for 5 %.",
    )  # fmt: skip
    if len(scores) * target_fpr < 1.0:
        raise ValueError(
            f"{len(scores)} validation scores cannot resolve a false-positive "
            f"rate of {target_fpr:g}; use at least "
            f"{int(np.ceil(1 / target_fpr))} normal validation examples or a "
            "larger target_fpr."
        )
    return float(np.quantile(scores, 1.0 - target_fpr))


@dataclass(frozen=True)
class ThresholdSummary:
    """What flagging ``score > threshold`` does on labelled data.

    ``precision`` is 1.0 when nothing is flagged; ``confusion`` is
    scikit-learn's 2 x 2 matrix (rows true, columns flagged; normal first).
    """

    threshold: float
    precision: float
    recall: float
    false_positive_rate: float
    confusion: np.ndarray

    def as_dict(self) -> dict[str, float]:
        """The four numbers, e.g. for a row of a DataFrame."""
        names = ("threshold", "precision", "recall", "false positive rate")
        return dict(zip(names, astuple(self)))


def threshold_summary(
    labels: object, scores: object, threshold: float
) -> ThresholdSummary:
    """Precision, recall, false-positive rate and confusion of a threshold.

    ``labels`` (1 anomalous, 0 normal; both present) and ``scores`` have one
    entry per example; ``score > threshold`` is flagged.
    """
    y, s = validate_binary_labels(labels, scores)
    threshold = validate_real(threshold, name="threshold")
    matrix = confusion_matrix(y, (s > threshold).astype(np.int64),
                              labels=[0, 1])  # fmt: skip
    (tn, fp), (fn, tp) = matrix
    return ThresholdSummary(
        threshold=threshold,
        precision=float(tp / (tp + fp)) if tp + fp else 1.0,
        recall=float(tp / (tp + fn)),
        false_positive_rate=float(fp / (fp + tn)),
        confusion=matrix,
    )
