"""How useful are the codes? Classifiers trained on them (scikit-learn).

A *probe* is a simple classifier fitted on the codes of the training images
and scored on the codes of the test images. If a linear model (or a nearest
neighbour) can read the class off the code, the bottleneck kept it. These are
thin wrappers around scikit-learn that validate the inputs and time the fit.

The course's one probe protocol
-------------------------------
Every chapter that reports "the linear probe" does exactly this, so that the
closing page compares like with like:

1. codes of the first :data:`PROBE_TRAIN_SIZE` (10 000) images of the train
   split of :func:`aeutils.data.load_splits` (its default seed), with their
   labels;
2. :func:`linear_probe` with its defaults: scikit-learn's ``StandardScaler``
   fitted on those codes, then ``LogisticRegression`` (L-BFGS, L2 penalty
   ``C=1``, ``max_iter=`` :data:`PROBE_MAX_ITER`);
3. accuracy on the codes of the whole test set.

:func:`label_efficiency` repeats step 2 on small, class-balanced label draws
from the same 10 000 images; :func:`clustering_scores` and
:func:`retrieval_precision` ask the same question without a classifier
(k-means against the classes, and the classes of nearest neighbours).
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


@dataclass(frozen=True)
class ProbeResult:
    """Test accuracy of a probe, the seconds its fit and scoring took, and
    whether the solver converged within its iterations (``False``: the
    accuracy is that of a model stopped early; scikit-learn's
    ``ConvergenceWarning`` is reported here instead of printed)."""

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
        names = [a.astype(str).ravel() for a in arrays]
        codes = np.unique(np.concatenate(names), return_inverse=True)[1]
        bounds = np.cumsum([len(a) for a in names])[:-1]
        arrays = [c.reshape(a.shape) for c, a in
                  zip(np.split(codes, bounds), arrays)]  # fmt: skip
    return arrays


def _features(codes: object, *, name: str) -> np.ndarray:
    return validate_matrix(codes, name=name).numpy()


def _paired(first_codes, first_labels, second_codes, second_labels, *, names):
    """Validate two labelled sets of codes with the same number of columns."""
    first, second = names
    x_first = _features(first_codes, name=f"{first}_codes")
    x_second = _features(second_codes, name=f"{second}_codes")
    if x_first.shape[1] != x_second.shape[1]:
        raise ValueError(
            f"{first}_codes and {second}_codes must have the same number of "
            f"columns, got {x_first.shape[1]} and {x_second.shape[1]}."
        )
    first_labels, second_labels = _class_labels(first_labels, second_labels)
    y_first = validate_class_labels(
        first_labels, name=f"{first}_labels", n=len(x_first)
    )
    y_second = validate_class_labels(
        second_labels, name=f"{second}_labels", n=len(x_second)
    )
    return x_first, y_first, x_second, y_second


def _check(train_codes, train_labels, test_codes, test_labels):
    x_train, y_train, x_test, y_test = _paired(
        train_codes, train_labels, test_codes, test_labels,
        names=("train", "test"),
    )
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
    max_iter = validate_positive_int(max_iter, name="max_iter")
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
    n_train = len(_features(train_codes, name="train_codes"))
    n_neighbors = validate_positive_int(
        n_neighbors, name="n_neighbors", maximum=n_train
    )
    classifier = KNeighborsClassifier(n_neighbors=n_neighbors)
    return _score(classifier, train_codes, train_labels, test_codes, test_labels)


def balanced_draw(
    labels: object, *, per_class: int, seed: int = 0
) -> np.ndarray:
    """Indices of ``per_class`` examples of every class, drawn at random.

    Without replacement, sorted, and reproducible: the same ``seed`` gives
    the same draw. Every class present in ``labels`` must have at least
    ``per_class`` examples.
    """
    (labels,) = _class_labels(labels)
    labels = validate_class_labels(labels, name="labels", n=len(labels))
    per_class = validate_positive_int(per_class, name="per_class")
    seed = validate_seed(seed)
    classes, counts = np.unique(labels, return_counts=True)
    if per_class < 1 or per_class > counts.min():
        raise ValueError(
            f"per_class must lie in [1, {counts.min()}] (the smallest class "
            f"has {counts.min()} examples), got {per_class}."
        )
    rng = np.random.default_rng(seed)
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
    seed: int = 0,
) -> pd.DataFrame:
    """Linear-probe accuracy when only a few labels per class are known.

    For each number of labels per class, ``draws`` class-balanced draws
    (:func:`balanced_draw`, seeds ``seed, seed + 1, ...``; the same draws
    for every representation) train :func:`linear_probe` with its defaults,
    and each is scored on the whole test set.

    Parameters
    ----------
    features
        ``{name: (train_codes, test_codes)}``, e.g. ``{"PCA": (a, b)}``.
    train_labels, test_labels
        Labels of the training and test codes.
    per_class
        Labels per class at which to probe.
    draws
        Random draws per point.
    seed
        Seed of the first draw.

    Returns
    -------
    pandas.DataFrame
        One row per representation, labels per class and draw, with columns
        ``features``, ``labels per class``, ``draw``, ``accuracy``.
    """
    features = validate_mapping(
        features, name="features", example="{name: (train_codes, test_codes)}"
    )
    draws = validate_positive_int(draws, name="draws")
    seed = validate_seed(seed)
    train_labels, test_labels = _class_labels(train_labels, test_labels)
    train_labels = validate_class_labels(
        train_labels, name="train_labels", n=len(train_labels)
    )
    rows = []
    for count in per_class:
        for draw in range(draws):
            chosen = balanced_draw(
                train_labels, per_class=count, seed=seed + draw
            )
            for name, pair in features.items():
                if not (isinstance(pair, tuple) and len(pair) == 2):
                    raise TypeError(
                        f"features[{name!r}] must be a pair (train_codes, "
                        "test_codes)."
                    )
                train_codes, test_codes = pair
                train_codes = _features(train_codes, name="train_codes")
                if len(train_codes) != len(train_labels):
                    raise ValueError(
                        f"features[{name!r}] has {len(train_codes)} training "
                        f"codes for {len(train_labels)} train_labels."
                    )
                result = linear_probe(
                    train_codes[chosen],
                    train_labels[chosen],
                    test_codes,
                    test_labels,
                )
                rows.append(
                    {
                        "features": name,
                        "labels per class": count,
                        "draw": draw,
                        "accuracy": result.accuracy,
                    }
                )
    return pd.DataFrame(rows)


def clustering_scores(
    codes: object, labels: object, *, n_clusters: int = 10, seed: int = 0
) -> dict[str, float]:
    """How well k-means clusters of the codes match the classes.

    Runs scikit-learn's ``KMeans`` (``n_init=3``) on the codes and compares
    its clusters with the labels by normalised mutual information (NMI) and
    the adjusted Rand index (ARI): 1 for clusters that are the classes,
    about 0 (NMI) or exactly 0 on average (ARI) for random clusters.

    Returns
    -------
    dict
        ``{"NMI": ..., "ARI": ...}``.
    """
    x = _features(codes, name="codes")
    (labels,) = _class_labels(labels)
    y = validate_class_labels(labels, name="labels", n=len(x))
    n_clusters = validate_positive_int(
        n_clusters, name="n_clusters", maximum=len(x)
    )
    seed = validate_seed(seed)
    if n_clusters < 2:
        raise ValueError(
            f"n_clusters must lie in [2, {len(x)}] for {len(x)} codes, got "
            f"{n_clusters}."
        )
    clusters = KMeans(n_clusters, n_init=3, random_state=seed).fit_predict(x)
    return {
        "NMI": float(normalized_mutual_info_score(y, clusters)),
        "ARI": float(adjusted_rand_score(y, clusters)),
    }


@dataclass(frozen=True)
class RetrievalResult:
    """Precision at k of a nearest-neighbour search and what it found.

    Attributes
    ----------
    precision
        Share of the ``k`` neighbours of each query that share its class,
        averaged over the queries.
    neighbours
        Indices into the index set, shape ``(n_queries, k)``, nearest first.
    """

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

    For every query, scikit-learn's ``NearestNeighbors`` finds the ``k``
    closest index codes; precision at ``k`` is the share of them whose label
    is the query's. The queries must not be part of the index (each would
    find itself first).
    """
    queries, y_query, index, y_index = _paired(
        query_codes,
        query_labels,
        index_codes,
        index_labels,
        names=("query", "index"),
    )
    k = validate_positive_int(k, name="k", maximum=len(index))
    search = NearestNeighbors(n_neighbors=k).fit(index)
    neighbours = search.kneighbors(queries, return_distance=False)
    precision = float((y_index[neighbours] == y_query[:, None]).mean())
    return RetrievalResult(precision=precision, neighbours=neighbours)
