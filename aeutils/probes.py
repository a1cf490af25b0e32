"""How useful are the codes? Classifiers trained on them (scikit-learn).

The course's one probe protocol (so the closing page compares like with
like): codes of the first :data:`PROBE_TRAIN_SIZE` images of the train split
of :func:`aeutils.data.load_splits` with their labels; :func:`linear_probe`
with its defaults (``StandardScaler``, then L-BFGS ``LogisticRegression``,
``C=1``, ``max_iter=`` :data:`PROBE_MAX_ITER`); accuracy on the codes of
the whole test set. Class labels may be integers or strings.
"""

from __future__ import annotations

import time
import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.cluster import KMeans
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score
from sklearn.neighbors import KNeighborsClassifier, NearestNeighbors
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from .validation import (
    validate_class_labels,
    validate_integer,
    validate_mapping,
    validate_matrix,
    validate_positive_int,
    validate_seed,
)

__all__ = [
    "PROBE_MAX_ITER",
    "PROBE_TRAIN_SIZE",
    "ProbeResult",
    "RetrievalResult",
    "balanced_draw",
    "clustering_scores",
    "knn_probe",
    "label_efficiency",
    "linear_probe",
    "retrieval_precision",
]

#: Training codes of the course's probe protocol (see the module).
PROBE_TRAIN_SIZE = 10_000
PROBE_MAX_ITER = 1000


@dataclass(frozen=True)
class ProbeResult:
    """Test accuracy, seconds to fit and score, and whether the solver
    converged (scikit-learn's ``ConvergenceWarning`` is reported here)."""

    accuracy: float
    seconds: float
    converged: bool = True


def _class_labels(*labels: object) -> list[np.ndarray]:
    """Label arrays; string class names become one shared integer code."""
    arrays = [
        np.asarray(y.detach().cpu() if hasattr(y, "detach") else y)
        for y in labels
    ]
    if any(a.dtype.kind in "US" for a in arrays):
        names = [a.astype(str) for a in arrays]
        classes = np.unique(np.concatenate([n.ravel() for n in names]))
        arrays = [np.searchsorted(classes, n) for n in names]
    return arrays


def _paired(first_codes, first_labels, second_codes, second_labels, *, names):
    """Two labelled sets of codes with the same number of columns."""
    first, second = names
    x_first = validate_matrix(first_codes, name=f"{first}_codes").numpy()
    x_second = validate_matrix(second_codes, name=f"{second}_codes").numpy()
    if x_first.shape[1] != x_second.shape[1]:
        raise ValueError(
            f"{first}_codes and {second}_codes must have the same number of "
            f"columns, got {x_first.shape[1]} and {x_second.shape[1]}."
        )
    y_first, y_second = _class_labels(first_labels, second_labels)
    y_first = validate_class_labels(y_first, name=f"{first}_labels",
                                    n=len(x_first))  # fmt: skip
    y_second = validate_class_labels(y_second, name=f"{second}_labels",
                                     n=len(x_second))  # fmt: skip
    return x_first, y_first, x_second, y_second


def _score(make_classifier, train_codes, train_labels, test_codes,
           test_labels) -> ProbeResult:  # fmt: skip
    """Fit ``make_classifier(n_train)`` on the train codes, score on test."""
    x_train, y_train, x_test, y_test = _paired(
        train_codes, train_labels, test_codes, test_labels,
        names=("train", "test"),
    )  # fmt: skip
    if len(np.unique(y_train)) < 2:
        raise ValueError(
            "train_labels hold a single class; a probe needs two or more."
        )
    classifier = make_classifier(len(x_train))
    start = time.perf_counter()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ConvergenceWarning)
        classifier.fit(x_train, y_train)
    converged = True
    for w in caught:  # anything else is re-issued as it came
        if issubclass(w.category, ConvergenceWarning):
            converged = False
        else:
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    accuracy = float((classifier.predict(x_test) == y_test).mean())
    return ProbeResult(accuracy, time.perf_counter() - start, converged)


def linear_probe(
    train_codes: object,
    train_labels: object,
    test_codes: object,
    test_labels: object,
    *,
    max_iter: int = PROBE_MAX_ITER,
) -> ProbeResult:
    """Test accuracy of a logistic regression on standardised codes.

    Codes ``(N, k)`` (tensors or arrays) with class labels ``(N,)``;
    ``max_iter`` bounds the L-BFGS iterations.
    """
    max_iter = validate_positive_int(max_iter, name="max_iter")
    return _score(
        lambda _: make_pipeline(StandardScaler(),
                                LogisticRegression(max_iter=max_iter)),
        train_codes, train_labels, test_codes, test_labels,
    )  # fmt: skip


def knn_probe(
    train_codes: object,
    train_labels: object,
    test_codes: object,
    test_labels: object,
    *,
    n_neighbors: int = 1,
) -> ProbeResult:
    """Test accuracy of k-nearest neighbours on the codes (as
    :func:`linear_probe`; 1-NN compares 2-D embeddings, Sainburg et al.,
    2021)."""
    return _score(
        lambda n_train: KNeighborsClassifier(validate_positive_int(
            n_neighbors, name="n_neighbors", maximum=n_train
        )),
        train_codes, train_labels, test_codes, test_labels,
    )  # fmt: skip


def balanced_draw(
    labels: object, *, per_class: int, seed: int = 0
) -> np.ndarray:
    """Sorted indices of ``per_class`` examples of every class, seeded."""
    (labels,) = _class_labels(labels)
    labels = validate_class_labels(labels, name="labels", n=len(labels))
    rng = np.random.default_rng(validate_seed(seed))
    classes, counts = np.unique(labels, return_counts=True)
    # At most the size of the smallest class.
    per_class = validate_positive_int(per_class, name="per_class",
                                      maximum=counts.min())  # fmt: skip
    chosen = [
        rng.choice(np.flatnonzero(labels == c), per_class, replace=False)
        for c in classes
    ]
    return np.sort(np.concatenate(chosen))


def label_efficiency(
    features: dict,
    train_labels: object,
    test_labels: object,
    *,
    per_class: tuple[int, ...] = (1, 10, 100),
    draws: int = 5,
) -> pd.DataFrame:
    """Linear-probe accuracy when only a few labels per class are known.

    ``features`` is ``{name: (train_codes, test_codes)}``; for each count
    in ``per_class``, ``draws`` :func:`balanced_draw` draws (seeds 0, 1...,
    the same for every name) train :func:`linear_probe`.
    Returns columns ``features``, ``labels per class``, ``draw``,
    ``accuracy``.
    """
    features = validate_mapping(
        features, name="features", example="{name: (train_codes, test_codes)}"
    )
    draws = validate_positive_int(draws, name="draws")
    train_labels, test_labels = _class_labels(train_labels, test_labels)
    train_labels = validate_class_labels(
        train_labels, name="train_labels", n=len(train_labels)
    )
    for name, pair in features.items():
        if not (isinstance(pair, tuple) and len(pair) == 2):
            raise TypeError(
                f"features[{name!r}] must be a pair (train_codes, test_codes)."
            )
        features[name] = tuple(
            validate_matrix(codes, name=f"features[{name!r}]").numpy()
            for codes in pair
        )
        if len(features[name][0]) != len(train_labels):
            raise ValueError(
                f"features[{name!r}] has {len(pair[0])} training codes for "
                f"{len(train_labels)} train_labels."
            )
    rows = []
    for count in per_class:
        for draw in range(draws):
            chosen = balanced_draw(train_labels, per_class=count, seed=draw)
            for name, (train_codes, test_codes) in features.items():
                result = linear_probe(train_codes[chosen],
                                      train_labels[chosen], test_codes,
                                      test_labels)  # fmt: skip
                rows.append({"features": name, "labels per class": count,
                             "draw": draw, "accuracy": result.accuracy})
    return pd.DataFrame(rows)


def clustering_scores(
    codes: object, labels: object, *, n_clusters: int = 10
) -> dict[str, float]:
    """``{"NMI": ..., "ARI": ...}`` of k-means clusters of the codes.

    scikit-learn's ``KMeans`` (``n_init=3``, seeded) against the labels: 1
    when the clusters are the classes, about 0 for random clusters.
    """
    x = validate_matrix(codes, name="codes").numpy()
    (labels,) = _class_labels(labels)
    y = validate_class_labels(labels, name="labels", n=len(x))
    n_clusters = validate_integer(n_clusters, name="n_clusters", low=2,
                                  high=len(x))  # fmt: skip
    clusters = KMeans(n_clusters, n_init=3, random_state=0).fit_predict(x)
    return {
        "NMI": float(normalized_mutual_info_score(y, clusters)),
        "ARI": float(adjusted_rand_score(y, clusters)),
    }


@dataclass(frozen=True)
class RetrievalResult:
    """Mean share of each query's ``k`` neighbours in its class, and the
    neighbours' indices into the index set, ``(n_queries, k)``."""

    precision: float
    neighbours: np.ndarray


def retrieval_precision(
    query_codes: object,
    query_labels: object,
    index_codes: object,
    index_labels: object,
    *,
    k: int = 10,
) -> RetrievalResult:
    """Precision at ``k`` of Euclidean nearest-neighbour search.

    The queries must not be part of the index (each would find itself).
    """
    queries, y_query, index, y_index = _paired(
        query_codes, query_labels, index_codes, index_labels,
        names=("query", "index"),
    )  # fmt: skip
    k = validate_positive_int(k, name="k", maximum=len(index))
    search = NearestNeighbors(n_neighbors=k).fit(index)
    neighbours = search.kneighbors(queries, return_distance=False)
    precision = float((y_index[neighbours] == y_query[:, None]).mean())
    return RetrievalResult(precision=precision, neighbours=neighbours)
