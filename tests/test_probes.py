"""Probes: scikit-learn classifiers on codes, with inputs validated."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from aeutils import probes


def _blobs(n: int = 200, k: int = 4, seed: int = 0):
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 3, size=n)
    codes = rng.normal(size=(n, k)) + 4.0 * labels[:, None]
    return codes.astype(np.float32), labels


def test_linear_probe_reads_separable_classes():
    codes, labels = _blobs()
    result = probes.linear_probe(codes[:150], labels[:150], codes[150:], labels[150:])
    assert result.accuracy > 0.95
    assert result.converged and result.seconds >= 0


def test_non_convergence_is_reported_not_printed(recwarn):
    codes, labels = _blobs(k=20)
    result = probes.linear_probe(
        codes[:150], labels[:150], codes[150:], labels[150:], max_iter=1
    )
    assert result.converged is False
    assert not [w for w in recwarn if "converge" in str(w.message)]


def test_knn_probe_accepts_tensors():
    codes, labels = _blobs()
    result = probes.knn_probe(
        torch.from_numpy(codes[:150]), torch.from_numpy(labels[:150]),
        torch.from_numpy(codes[150:]), torch.from_numpy(labels[150:]),
    )  # fmt: skip
    assert result.accuracy > 0.95


@pytest.mark.parametrize(
    ("train", "test", "message"),
    [
        (np.zeros((10, 3)), np.zeros((5, 4)), "same number of columns"),
        (np.zeros((10,)), np.zeros((5,)), "must be a 2-D matrix"),
        (np.full((10, 3), np.nan), np.zeros((5, 3)), "NaN"),
    ],
)
def test_bad_codes_are_rejected_with_a_clear_message(train, test, message):
    labels = np.arange(10) % 2
    with pytest.raises(ValueError, match=message):
        probes.linear_probe(train, labels, test, np.arange(5) % 2)


def test_balanced_draw_takes_per_class_from_every_class():
    labels = np.repeat(np.arange(4), 30)
    chosen = probes.balanced_draw(labels, per_class=5, seed=1)
    assert np.bincount(labels[chosen]).tolist() == [5, 5, 5, 5]
    assert len(set(chosen.tolist())) == 20
    assert np.array_equal(chosen, probes.balanced_draw(labels, per_class=5, seed=1))
    assert not np.array_equal(chosen, probes.balanced_draw(labels, per_class=5, seed=2))
    with pytest.raises(ValueError, match="per_class must be between 1 and 30"):
        probes.balanced_draw(labels, per_class=31)


def test_label_efficiency_uses_the_same_draws_for_every_representation():
    codes, labels = _blobs(n=400)
    noise = np.random.default_rng(1).normal(size=codes.shape).astype(np.float32)
    table = probes.label_efficiency(
        {"blobs": (codes[:300], codes[300:]), "noise": (noise[:300], noise[300:])},
        labels[:300], labels[300:], per_class=(1, 10), draws=3,
    )  # fmt: skip
    assert len(table) == 2 * 2 * 3
    mean = table.groupby(["features", "labels per class"])["accuracy"].mean()
    assert mean["blobs", 10] > 0.9 and mean["noise", 10] < 0.6
    with pytest.raises(ValueError, match="training codes"):
        probes.label_efficiency({"x": (codes[:10], codes[300:])}, labels[:300], labels[300:])


def test_clustering_scores_are_one_for_separated_blobs_and_low_for_noise():
    codes, labels = _blobs(n=300)
    scores = probes.clustering_scores(codes, labels, n_clusters=3)
    assert scores["NMI"] > 0.95 and scores["ARI"] > 0.95
    noise = np.random.default_rng(0).normal(size=codes.shape)
    assert probes.clustering_scores(noise, labels, n_clusters=3)["ARI"] < 0.1
    with pytest.raises(ValueError, match="n_clusters"):
        probes.clustering_scores(codes, labels, n_clusters=1)


def test_retrieval_precision_counts_neighbours_of_the_same_class():
    index = np.array([[0.0], [1.0], [10.0], [11.0]], dtype=np.float32)
    index_labels = np.array([0, 0, 1, 1])
    queries = np.array([[0.4], [10.6]], dtype=np.float32)
    result = probes.retrieval_precision(
        queries, np.array([0, 0]), index, index_labels, k=2
    )
    assert result.neighbours.tolist() == [[0, 1], [3, 2]]
    assert result.precision == pytest.approx(0.5)
    with pytest.raises(ValueError, match="k must be between 1 and 4"):
        probes.retrieval_precision(queries, np.array([0, 0]), index, index_labels, k=5)
    with pytest.raises(ValueError, match="same number of columns"):
        probes.retrieval_precision(np.zeros((2, 2)), np.array([0, 0]), index, index_labels)


# ---------------------------------------------------------------- issue 19
CODES = np.random.default_rng(0).normal(size=(50, 3))
CLASSES = np.arange(50) % 2


def test_linear_probe_refuses_a_bad_max_iter():
    with pytest.raises(ValueError, match="max_iter"):
        probes.linear_probe(CODES, CLASSES, CODES, CLASSES, max_iter=-1)


def test_knn_probe_refuses_more_neighbours_than_training_codes():
    with pytest.raises(ValueError, match="n_neighbors must be between 1 and"):
        probes.knn_probe(CODES, CLASSES, CODES, CLASSES, n_neighbors=100)
    result = probes.knn_probe(
        CODES, CLASSES, CODES, CLASSES, n_neighbors=np.int64(1)
    )
    assert result.accuracy == 1.0


def test_string_class_labels_work_in_every_probe():
    names = np.array(["coat", "shirt"])[CLASSES]
    for probe in (probes.linear_probe, probes.knn_probe):
        assert probe(CODES, names, CODES, names).accuracy == probe(
            CODES, CLASSES, CODES, CLASSES
        ).accuracy
    assert probes.clustering_scores(CODES, names, n_clusters=2) == (
        probes.clustering_scores(CODES, CLASSES, n_clusters=2)
    )
    assert probes.retrieval_precision(
        CODES[:10], names[:10], CODES[10:], names[10:], k=3
    ).precision == probes.retrieval_precision(
        CODES[:10], CLASSES[:10], CODES[10:], CLASSES[10:], k=3
    ).precision
    # one coding for both sets, even when the test set lacks a class
    only_shirts = np.array(["shirt"] * 50)
    assert probes.linear_probe(
        CODES, names, CODES, only_shirts
    ).accuracy == probes.linear_probe(
        CODES, CLASSES, CODES, np.ones(50, dtype=int)
    ).accuracy
