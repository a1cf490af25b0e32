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
- figures: in :mod:`aeutils.viz.anomaly` (``viz.plot_score_histograms``,
  ``viz.plot_roc_pr``, ``viz.plot_threshold``, ``viz.plot_error_maps``).

Conventions: label 1 means *anomalous* (the positive class), 0 *normal*, and
a higher score means more anomalous.

Scores follow the device rule of :mod:`aeutils.train`: inputs go to the
model's device, scores come back as NumPy arrays.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import torch
from sklearn.metrics import confusion_matrix
from torch import nn

from .data.datasets import ImageDataset
from .metrics import per_image_mse
from .models import FeatureAutoencoder, MLPAutoencoder
from .train import History, fit, predict, seed_everything
from .validation import (
    as_tensor,
    validate_batch,
    validate_binary_labels,
    validate_callable,
    validate_fraction,
    validate_index,
    validate_positive_int,
    validate_real,
    validate_scores,
    validate_seed,
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
    normal_class = validate_index(normal_class, name="normal_class", size=n_classes)
    seed = validate_seed(seed)
    normal = train.images[train.labels == normal_class]
    if len(normal) < 2:
        raise ValueError(
            f"train holds {len(normal)} image(s) of normal_class "
            f"{normal_class}; pick a class present in train (labels "
            f"{sorted(set(train.labels.tolist()))})."
        )
    val_size = validate_positive_int(
        val_size, name="val_size", maximum=len(normal) - 1
    )
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
    x = validate_batch(inputs, name="inputs")
    latent_dim = validate_positive_int(latent_dim, name="latent_dim")
    if isinstance(hidden_dims, (str, bytes)) or not isinstance(
        hidden_dims, Sequence
    ):
        raise TypeError(
            "hidden_dims must be a tuple of layer widths, e.g. (256,), got "
            f"{hidden_dims!r}."
        )
    hidden_dims = tuple(
        validate_positive_int(w, name="hidden_dims") for w in hidden_dims
    )
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
        A trained autoencoder, ``model.forward``, ``pca.reconstruct``, or any
        function mapping a batch to reconstructions of the same shape. Inputs
        are sent to its module's device (see :func:`aeutils.train.device_of`).
    inputs
        The examples to score (whatever shape ``reconstruct`` takes).
    batch_size
        Examples per forward pass.

    Returns
    -------
    numpy.ndarray
        Shape ``(N,)``, float64; higher means more anomalous.
    """
    validate_callable(reconstruct, name="reconstruct")
    x = as_tensor(inputs, name="inputs", pixels=False)
    errors = per_image_mse(x, predict(reconstruct, x, batch_size=batch_size))
    return validate_scores(errors.numpy(), name="reconstruction errors")


def threshold_from_normal(val_scores: object, *, target_fpr: float = 0.05) -> float:
    """Threshold that flags a fraction ``target_fpr`` of normal validation data.

    It is the ``1 - target_fpr`` quantile of the scores of *normal* validation
    examples, so on new normal data about that fraction are false alarms.
    It uses no anomalies and no test labels: a threshold tuned on the test set
    reports numbers that the deployed detector will not reach.

    Parameters
    ----------
    val_scores
        Scores of held-out normal examples, 1-D.
    target_fpr
        Desired false-positive rate, in ``(0, 1)``, e.g. ``0.05`` or ``0.01``.

    Returns
    -------
    float
        Flag an example as anomalous when its score is ``> threshold``.
    """
    scores = validate_scores(val_scores, name="val_scores")
    target_fpr = validate_fraction(
        target_fpr, name="target_fpr", low_open=True, hint=" It is a rate, e.g. 0.05 for 5 %."
    )
    if len(scores) * target_fpr < 1.0:
        raise ValueError(
            f"{len(scores)} validation scores cannot resolve a false-positive rate of "
            f"{target_fpr:g}; use at least {int(np.ceil(1 / target_fpr))} normal "
            "validation examples or a larger target_fpr."
        )
    return float(np.quantile(scores, 1.0 - target_fpr))


@dataclass(frozen=True)
class ThresholdSummary:
    """What flagging ``score > threshold`` does on labelled data.

    Attributes
    ----------
    threshold
        The cut-off used.
    precision
        Fraction of flagged examples that are anomalous (1.0 if none flagged).
    recall
        Fraction of anomalies flagged (the true-positive rate).
    false_positive_rate
        Fraction of normal examples flagged.
    confusion
        2 x 2 confusion matrix from scikit-learn, rows = true (normal,
        anomalous), columns = predicted (normal, anomalous).
    """

    threshold: float
    precision: float
    recall: float
    false_positive_rate: float
    confusion: np.ndarray

    def as_dict(self) -> dict[str, float]:
        """The four numbers, e.g. for a row of a DataFrame."""
        return {
            "threshold": self.threshold,
            "precision": self.precision,
            "recall": self.recall,
            "false positive rate": self.false_positive_rate,
        }


def threshold_summary(labels: object, scores: object, threshold: float) -> ThresholdSummary:
    """Precision, recall, false-positive rate and confusion matrix of a threshold.

    Parameters
    ----------
    labels
        ``1`` for anomalous, ``0`` for normal; both must occur.
    scores
        One score per example, same length; higher is more anomalous.
    threshold
        Examples with ``score > threshold`` are flagged as anomalous.
    """
    y, s = validate_binary_labels(labels, scores)
    threshold = validate_real(threshold, name="threshold")
    flagged = (s > threshold).astype(np.int64)
    matrix = confusion_matrix(y, flagged, labels=[0, 1])
    (tn, fp), (fn, tp) = matrix
    return ThresholdSummary(
        threshold=float(threshold),
        precision=float(tp / (tp + fp)) if tp + fp else 1.0,
        recall=float(tp / (tp + fn)),
        false_positive_rate=float(fp / (fp + tn)),
        confusion=matrix,
    )
