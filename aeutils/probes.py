"""How useful are the codes? Classifiers trained on them (scikit-learn).

A *probe* is a simple classifier fitted on the codes of the training images
and scored on the codes of the test images. If a linear model (or a nearest
neighbour) can read the class off the code, the bottleneck kept it. These are
thin wrappers around scikit-learn that validate the inputs and time the fit.
"""

from __future__ import annotations

import time
import warnings
from dataclasses import dataclass

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from .validation import validate_class_labels, validate_matrix, validate_positive_int

__all__ = [
    "PROBE_MAX_ITER",
    "PROBE_TRAIN_SIZE",
    "ProbeResult",
    "knn_probe",
    "linear_probe",
]


@dataclass(frozen=True)
class ProbeResult:
    """Test accuracy of a probe, the seconds its fit and scoring took, and
    whether the solver converged within its iterations (``False``: the
    accuracy is that of a model stopped early; scikit-learn's
    ``ConvergenceWarning`` is reported here instead of printed)."""

    accuracy: float
    seconds: float
    converged: bool = True


def _check(train_codes, train_labels, test_codes, test_labels):
    x_train = validate_matrix(train_codes, name="train_codes").numpy()
    x_test = validate_matrix(test_codes, name="test_codes").numpy()
    if x_train.shape[1] != x_test.shape[1]:
        raise ValueError(
            f"train_codes and test_codes must have the same number of columns, "
            f"got {x_train.shape[1]} and {x_test.shape[1]}."
        )
    y_train = validate_class_labels(train_labels, name="train_labels", n=len(x_train))
    y_test = validate_class_labels(test_labels, name="test_labels", n=len(x_test))
    if len(np.unique(y_train)) < 2:
        raise ValueError("train_labels hold a single class; a probe needs two or more.")
    return x_train, y_train, x_test, y_test


def _score(classifier, train_codes, train_labels, test_codes, test_labels) -> ProbeResult:
    x_train, y_train, x_test, y_test = _check(
        train_codes, train_labels, test_codes, test_labels
    )
    start = time.perf_counter()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ConvergenceWarning)
        classifier.fit(x_train, y_train)
    for warning in caught:  # anything else is re-issued as it came
        if not issubclass(warning.category, ConvergenceWarning):
            warnings.warn_explicit(
                warning.message, warning.category, warning.filename, warning.lineno
            )
    converged = not any(issubclass(w.category, ConvergenceWarning) for w in caught)
    accuracy = float((classifier.predict(x_test) == y_test).mean())
    return ProbeResult(
        accuracy=accuracy, seconds=time.perf_counter() - start, converged=converged
    )


#: The course's one probe protocol: every chapter that reports "the linear
#: probe" fits it on the codes of the first ``PROBE_TRAIN_SIZE`` training
#: images of :func:`aeutils.data.load_splits` with :func:`linear_probe`'s
#: default solver settings, and scores it on the whole test set, so that
#: the closing page compares like with like.
PROBE_TRAIN_SIZE = 10_000
PROBE_MAX_ITER = 1000


def linear_probe(
    train_codes: object,
    train_labels: object,
    test_codes: object,
    test_labels: object,
    *,
    max_iter: int = PROBE_MAX_ITER,
) -> ProbeResult:
    """Test accuracy of a logistic regression fitted on standardised codes.

    With the default ``max_iter`` and the first :data:`PROBE_TRAIN_SIZE`
    training codes this is the course's probe protocol.

    Parameters
    ----------
    train_codes, test_codes
        Codes of shape ``(N, k)`` (tensors or arrays), e.g. ``encode(images)``.
    train_labels, test_labels
        Integer class labels of shape ``(N,)``.
    max_iter
        Iterations of the L-BFGS solver.

    Returns
    -------
    ProbeResult
        Accuracy on the test codes and the seconds spent.
    """
    classifier = make_pipeline(
        StandardScaler(), LogisticRegression(max_iter=max_iter)
    )
    return _score(classifier, train_codes, train_labels, test_codes, test_labels)


def knn_probe(
    train_codes: object,
    train_labels: object,
    test_codes: object,
    test_labels: object,
    *,
    n_neighbors: int = 1,
) -> ProbeResult:
    """Test accuracy of a k-nearest-neighbour classifier on the codes.

    With ``n_neighbors=1`` this is the 1-NN accuracy used to compare 2-D
    embeddings (Sainburg et al., 2021).
    """
    n_neighbors = validate_positive_int(n_neighbors, name="n_neighbors")
    classifier = KNeighborsClassifier(n_neighbors=n_neighbors)
    return _score(classifier, train_codes, train_labels, test_codes, test_labels)
