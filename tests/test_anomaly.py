"""Anomaly-detection helpers: right numbers, scikit-learn agreement, clear errors."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from sklearn.metrics import confusion_matrix, precision_score, recall_score

from aeutils import anomaly, metrics, models, train, viz
from aeutils.data import ImageDataset
from aeutils.models import PCA

RNG = np.random.default_rng(0)
LABELS = np.r_[np.zeros(400, dtype=int), np.ones(100, dtype=int)]
SCORES = np.exp(RNG.normal(LABELS * 1.5, 1.0))
IMAGES = torch.rand(8, 1, 28, 28, generator=torch.Generator().manual_seed(0))


def _dataset(n_per_class: int = 20) -> ImageDataset:
    labels = torch.arange(3).repeat_interleave(n_per_class)
    images = torch.rand(len(labels), 1, 28, 28, generator=torch.Generator().manual_seed(1))
    return ImageDataset(images, labels, ("a", "b", "c"))


# ---------------------------------------------------------------- data


def test_one_class_split_is_disjoint_seeded_and_labels_other_classes_anomalous():
    train, test = _dataset(), _dataset(5)
    split = anomaly.one_class_split(train, test, 1, val_size=4, seed=0)
    assert split.train.shape == (16, 1, 28, 28) and split.val.shape == (4, 1, 28, 28)
    normal = train.images[train.labels == 1]
    rows = {tuple(x.flatten()[:5].tolist()) for x in torch.cat([split.train, split.val])}
    assert len(rows) == 20 and rows == {tuple(x.flatten()[:5].tolist()) for x in normal}
    assert split.test_labels.tolist() == [1] * 5 + [0] * 5 + [1] * 5
    again = anomaly.one_class_split(train, test, 1, val_size=4, seed=0)
    assert torch.equal(split.val, again.val)
    other = anomaly.one_class_split(train, test, 1, val_size=4, seed=1)
    assert not torch.equal(split.val, other.val)


def test_one_class_split_errors():
    train, test = _dataset(), _dataset(5)
    with pytest.raises(ValueError, match="normal_class must be in 0..2"):
        anomaly.one_class_split(train, test, 3)
    with pytest.raises(TypeError, match="normal_class must be an int"):
        anomaly.one_class_split(train, test, "a")
    with pytest.raises(ValueError, match="val_size must be between 1 and 19"):
        anomaly.one_class_split(train, test, 0, val_size=20)


# ---------------------------------------------------------------- scores


def test_fit_reconstruction_detector_is_seeded_and_learns_the_normal_images():
    normal = IMAGES * 0.2 + 0.4
    settings = {"latent_dim": 2, "hidden_dims": (8,), "epochs": 3, "lr": 1e-2}
    model, history = anomaly.fit_reconstruction_detector(normal, **settings)
    assert model.encode(normal).shape == (8, 2)
    assert len(history.train_loss) == 3
    assert history.train_loss[-1] < history.train_loss[0]
    again, _ = anomaly.fit_reconstruction_detector(normal, **settings)
    for p, q in zip(model.parameters(), again.parameters(), strict=True):
        assert torch.equal(p, q)
    other, _ = anomaly.fit_reconstruction_detector(normal, **settings, seed=1)
    assert not torch.equal(next(model.parameters()), next(other.parameters()))


def test_fit_reconstruction_detector_rejects_bad_images():
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        anomaly.fit_reconstruction_detector(IMAGES * 255, epochs=1)


@pytest.mark.parametrize(
    ("shape", "model_class"),
    [((40, 6), models.FeatureAutoencoder), ((40, 3, 10), models.FeatureAutoencoder),
     ((40, 1, 8, 8), models.MLPAutoencoder)],
)  # fmt: skip
def test_fit_reconstruction_detector_takes_its_shape_from_the_data(shape, model_class):
    data = torch.rand(*shape, generator=torch.Generator().manual_seed(2))
    model, _ = anomaly.fit_reconstruction_detector(
        data, latent_dim=2, hidden_dims=(8,), epochs=2, batch_size=16
    )
    assert type(model) is model_class
    assert model.encode(data).shape == (40, 2)
    scores = anomaly.reconstruction_scores(model, data)
    assert scores.shape == (40,) and np.isfinite(scores).all()


def test_feature_detector_reconstructs_values_outside_zero_one():
    # Standardised features are centred on 0 with unit spread: a sigmoid
    # output could never reach the negative half, a linear one learns it.
    generator = torch.Generator().manual_seed(3)
    factors = torch.randn(256, 2, generator=generator)
    rows = factors @ torch.randn(2, 6, generator=generator) * 2.0
    model, history = anomaly.fit_reconstruction_detector(
        rows, latent_dim=2, hidden_dims=(16,), epochs=60, batch_size=64, lr=1e-2
    )
    assert history.train_loss[-1] < 0.05 * rows.var().item()
    assert (train.predict(model, rows) < 0).any()


def test_fit_reconstruction_detector_rejects_bad_shapes():
    with pytest.raises(ValueError, match="inputs must be a batch"):
        anomaly.fit_reconstruction_detector(torch.rand(5), epochs=1)


def test_reconstruction_scores_match_per_image_mse_for_models_and_functions():
    pca = PCA(n_components=3).fit(IMAGES)
    scores = anomaly.reconstruction_scores(pca.reconstruct, IMAGES)
    expected = (IMAGES - pca.reconstruct(IMAGES)).pow(2).flatten(1).mean(dim=1)
    assert isinstance(scores, np.ndarray) and scores.dtype == np.float64
    np.testing.assert_allclose(scores, expected.numpy(), rtol=1e-5)
    model = torch.nn.Identity()
    assert np.all(anomaly.reconstruction_scores(model, IMAGES) == 0.0)


@pytest.mark.parametrize("shape", [(7, 5), (7, 3, 16)], ids=["features", "windows"])
def test_reconstruction_scores_accept_features_and_windows(shape):
    inputs = np.random.default_rng(2).normal(size=shape)  # float64, not in [0, 1]

    def doubled(batch):
        return 2 * batch  # so each squared error equals the input squared

    scores = anomaly.reconstruction_scores(doubled, inputs)
    expected = (inputs**2).reshape(len(inputs), -1).mean(axis=1)
    np.testing.assert_allclose(scores, expected, rtol=1e-5)


def test_score_errors():
    with pytest.raises(ValueError, match="same shape"):
        metrics.per_image_mse(IMAGES, IMAGES[:4])
    with pytest.raises(ValueError, match="NaN"):
        metrics.per_image_mse(IMAGES, IMAGES * float("nan"))
    with pytest.raises(TypeError, match="reconstruct must be a model"):
        anomaly.reconstruction_scores("pca", IMAGES)
    with pytest.raises(TypeError, match="torch.Tensor or numpy.ndarray"):
        metrics.per_image_mse([1.0], [1.0])


# ---------------------------------------------------------------- thresholds


def test_threshold_from_normal_hits_the_target_rate():
    normal = np.random.default_rng(1).normal(size=10_000)
    for target in (0.01, 0.05, 0.2):
        threshold = anomaly.threshold_from_normal(normal, target_fpr=target)
        assert abs((normal > threshold).mean() - target) < 1e-3
    assert anomaly.threshold_from_normal(torch.tensor(normal)) == pytest.approx(
        np.quantile(normal, 0.95)
    )


def test_threshold_from_normal_errors():
    with pytest.raises(ValueError, match=r"target_fpr must be in \(0, 1\)"):
        anomaly.threshold_from_normal(SCORES, target_fpr=5)
    with pytest.raises(ValueError, match="cannot resolve a false-positive rate of 0.01"):
        anomaly.threshold_from_normal(SCORES[:50], target_fpr=0.01)
    with pytest.raises(ValueError, match="1 NaN"):
        anomaly.threshold_from_normal(np.r_[SCORES, np.nan])
    with pytest.raises(ValueError, match="must be 1-D"):
        anomaly.threshold_from_normal(SCORES.reshape(50, 10))
    with pytest.raises(ValueError, match="is empty"):
        anomaly.threshold_from_normal(np.array([]))


def test_threshold_summary_agrees_with_scikit_learn():
    threshold = float(np.quantile(SCORES[LABELS == 0], 0.9))
    summary = anomaly.threshold_summary(LABELS, SCORES, threshold)
    flagged = SCORES > threshold
    assert summary.precision == pytest.approx(precision_score(LABELS, flagged))
    assert summary.recall == pytest.approx(recall_score(LABELS, flagged))
    assert summary.false_positive_rate == pytest.approx(flagged[LABELS == 0].mean())
    np.testing.assert_array_equal(summary.confusion, confusion_matrix(LABELS, flagged))
    assert set(summary.as_dict()) == {"threshold", "precision", "recall", "false positive rate"}
    nothing = anomaly.threshold_summary(LABELS, SCORES, SCORES.max())
    assert nothing.precision == 1.0 and nothing.recall == 0.0


@pytest.mark.parametrize(
    ("labels", "scores", "message"),
    [
        (np.zeros(500, dtype=int), SCORES, "only one class \\(normal\\)"),
        (np.ones(500, dtype=int), SCORES, "only one class \\(anomalous\\)"),
        (LABELS, np.r_[SCORES[:-1], np.nan], "1 NaN"),
        (LABELS[:-1], SCORES, "different lengths \\(499 and 500\\)"),
        (LABELS * 2, SCORES, "must be 0 \\(normal\\) and 1"),
    ],
)
def test_labelled_functions_reject_bad_input(labels, scores, message):
    with pytest.raises(ValueError, match=message):
        anomaly.threshold_summary(labels, scores, 1.0)
    with pytest.raises(ValueError, match=message):
        viz.plot_roc_pr(labels, {"model": scores})


# ---------------------------------------------------------------- issue 19
def test_one_class_split_says_when_the_normal_class_is_absent():
    two = ImageDataset(
        images=torch.rand(20, 1, 8, 8), labels=torch.arange(20) % 2,
        class_names=["a", "b", "c"],
    )  # fmt: skip
    with pytest.raises(ValueError, match="normal_class 2") as error:
        anomaly.one_class_split(two, two, 2, val_size=5)
    assert "-1" not in str(error.value)
    with pytest.raises(TypeError, match="seed"):
        anomaly.one_class_split(two, two, 0, val_size=5, seed="a")


@pytest.mark.parametrize(
    "kwargs, error",
    [
        ({"latent_dim": "8"}, TypeError),
        ({"latent_dim": 2.5}, TypeError),
        ({"latent_dim": 0}, ValueError),
        ({"hidden_dims": 256}, TypeError),
        ({"hidden_dims": (0,)}, ValueError),
    ],
)
def test_fit_reconstruction_detector_refuses_bad_sizes(kwargs, error):
    name = next(iter(kwargs))
    with pytest.raises(error, match=name):
        anomaly.fit_reconstruction_detector(IMAGES, epochs=1, **kwargs)


@pytest.mark.parametrize(
    "shape",
    [(8, 3, 32, 32), (8, 7), (8, 3, 16)],
    ids=["rgb", "rows", "windows"],
)
def test_fit_reconstruction_detector_takes_its_shape_from_the_data(shape):
    x = torch.rand(shape)
    model, _ = anomaly.fit_reconstruction_detector(
        x, latent_dim=2, hidden_dims=(8,), epochs=1
    )
    assert anomaly.reconstruction_scores(model, x).shape == (8,)


def test_thresholds_take_numpy_and_0d_numbers():
    normal = SCORES[LABELS == 0]
    assert anomaly.threshold_from_normal(
        normal, target_fpr=np.float32(0.05)
    ) == pytest.approx(anomaly.threshold_from_normal(normal))
    anomaly.threshold_from_normal(normal, target_fpr=torch.tensor(0.05))
    anomaly.threshold_summary(LABELS, SCORES, np.float32(1.0))
    with pytest.raises(TypeError, match="threshold"):
        anomaly.threshold_summary(LABELS, SCORES, "0.5")
