"""Issue 5: a skeptical user's cases. Each test names the item it covers.

The training-loop items (output shape, NaN terms, fit's argument errors, the
device fallback, History.summary) are in ``test_train.py`` and
``test_train_forms.py``.
"""

from __future__ import annotations

import dataclasses
import urllib.error

import pytest
import torch
from conftest import make_tiny_dataset
from torch import nn

from aeutils import data, metrics, viz
from aeutils.data import FASHION_MNIST, MNIST, DatasetError, ImageDataset
from aeutils.models import PCA
from aeutils.train import evaluate, fit, predict

IMAGES = torch.rand(12, 1, 8, 8)
LABELS = torch.arange(12) % 3


class Flat8x8(nn.Module):
    def __init__(self):
        super().__init__()
        self.layer = nn.Linear(64, 64)

    def forward(self, x):
        return torch.sigmoid(self.layer(x.flatten(1))).view_as(x)


# ---------------------------------------------------------------- silent wrong results


@pytest.mark.skipif(
    not data.SYSTEM_FASHION_MNIST_DIR.is_dir(), reason="needs the system Fashion-MNIST copy"
)
def test_load_mnist_refuses_fashion_mnist_files():
    with pytest.raises(DatasetError, match="is a Fashion-MNIST file, not MNIST"):
        data.load_dataset(MNIST, "test", root=data.SYSTEM_FASHION_MNIST_DIR, download=False)


def test_mnist_refuses_files_that_match_fashion_checksums(isolated_data_env):
    root = isolated_data_env / "fake"
    tiny = make_tiny_dataset(root)
    spec = dataclasses.replace(MNIST, files=dict(tiny.files), class_names=("a", "b", "c"))
    fake_fashion = dataclasses.replace(FASHION_MNIST, sha256=tiny.sha256)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(data, "FASHION_MNIST", fake_fashion)
        with pytest.raises(DatasetError, match="not MNIST"):
            data.load_dataset(spec, "train", root=root, download=False)


@pytest.mark.parametrize("how", ["root", "env"])
def test_named_empty_or_missing_folder_does_not_fall_back(isolated_data_env, monkeypatch, how):
    system = isolated_data_env / "system"
    spec = dataclasses.replace(make_tiny_dataset(system), system_dirs=(system,))
    for folder, state in ((isolated_data_env / "missing", "does not exist"),
                          (isolated_data_env, "holds none")):  # fmt: skip
        kwargs = {"root": folder} if how == "root" else {}
        if how == "env":
            monkeypatch.setenv("AEUTILS_DATA", str(folder))
        with pytest.raises(DatasetError, match=f"folder you named.*{state}"):
            data.load_dataset(spec, "train", download=False, **kwargs)


def test_named_folder_is_the_download_target_and_failures_leave_nothing(
    isolated_data_env, monkeypatch
):
    import torchvision.datasets

    def offline(root, **kwargs):
        (torch_dir := __import__("pathlib").Path(root) / "MNIST" / "raw").mkdir(parents=True)
        assert torch_dir.is_dir()
        raise urllib.error.URLError("offline")

    monkeypatch.setattr(torchvision.datasets, "MNIST", offline)
    target = isolated_data_env / "mine"
    with pytest.raises(DatasetError, match=f"download into {target}") as info:
        data.load_dataset(MNIST, root=target)
    assert not (target / "MNIST").exists()
    assert "dataset-fashion-mnist" not in str(info.value)


def test_latent_scatter_refuses_labels_without_a_name():
    with pytest.raises(ValueError, match=r"values in \[0, 2\].*2 class name"):
        viz.plot_latent_scatter(lambda x: x.flatten(1)[:, :2], IMAGES, LABELS, ["a", "b"])


@pytest.mark.parametrize("labels", [LABELS.numpy(), LABELS.tolist()])
def test_latent_scatter_accepts_numpy_and_list_labels(labels):
    fig = viz.plot_latent_scatter(lambda x: x.flatten(1)[:, :2], IMAGES, labels, ["a", "b", "c"])
    assert len(fig.axes[0].collections) == 3


# ---------------------------------------------------------------- NaN and inf


@pytest.mark.parametrize("images", [IMAGES[:1], torch.full((5, 1, 8, 8), 0.5)])
def test_pca_refuses_zero_variance(images):
    with pytest.raises(ValueError, match="zero variance"):
        PCA(n_components=1).fit(images)


# ---------------------------------------------------------------- float64 and crashes


@pytest.mark.parametrize("as_numpy", [True, False])
def test_float64_input_works_everywhere(as_numpy):
    x = IMAGES.double()
    x = x.numpy() if as_numpy else x
    pca = PCA(n_components=3).fit(x)
    assert pca.encode(x).dtype == torch.float32
    assert pca.reconstruct(x).shape == (12, 1, 8, 8)
    model = Flat8x8()
    fit(model, x, epochs=1, progress=False)
    assert evaluate(model, x)["loss"] > 0
    assert predict(model, x).dtype == torch.float32


@pytest.mark.parametrize("channels", [2, 5])
def test_plots_explain_unsupported_channel_counts(channels):
    images = torch.rand(4, channels, 8, 8)
    with pytest.raises(ValueError, match=f"1 or 3 channel.*got {channels}"):
        viz.plot_image_grid(images)
    with pytest.raises(ValueError, match="1 or 3 channel"):
        viz.plot_reconstructions(images, {"same": images})


def test_figure_arguments_are_checked():
    with pytest.raises(ValueError, match="cell_size must be positive"):
        viz.plot_image_grid(IMAGES, cell_size=0)
    with pytest.raises(ValueError, match="dim_labels has 1 entries for 2 dims"):
        viz.plot_latent_traversal(
            lambda z: torch.sigmoid(z @ torch.ones(2, 64)).view(-1, 1, 8, 8),
            torch.zeros(2), dims=[0, 1], offsets=[-1, 1], dim_labels=["a"],
        )  # fmt: skip
    with pytest.raises(TypeError, match=r"reconstructions must be a mapping.*got Tensor"):
        viz.plot_reconstructions(IMAGES, IMAGES)
    with pytest.raises(TypeError, match=r"series must be a mapping.*got Tensor"):
        viz.plot_per_component(torch.ones(3), ylabel="angle")
    fig = viz.plot_image_grid(IMAGES[:2])
    with pytest.raises(ValueError, match="dpi must be positive"):
        viz.figure_to_png(fig, dpi=0)


def test_train_val_split_accepts_fractions_and_rejects_bools():
    dataset = ImageDataset(IMAGES, LABELS, ("a", "b", "c"))
    train, val = data.train_val_split(dataset, val_size=0.25)
    assert (len(train), len(val)) == (9, 3)
    with pytest.raises(TypeError, match="val_size must be an int"):
        data.train_val_split(dataset, val_size=True)
    with pytest.raises(ValueError, match=r"val_size must be in \(0, 1\)"):
        data.train_val_split(dataset, val_size=1.5)


# ---------------------------------------------------------------- messages


def test_plot_components_derives_the_shape():
    pca = PCA(n_components=4).fit(IMAGES)
    fig = viz.plot_components(pca.components_)
    assert fig.axes[0].images[0].get_array().shape == (8, 8)
    with pytest.raises(ValueError, match="not a square image"):
        viz.plot_components(torch.rand(2, 10))


def test_integer_codes_are_not_told_to_divide_by_255():
    pca = PCA(n_components=2).fit(IMAGES)
    with pytest.raises(TypeError, match=r"floating-point.*x\.float\(\)") as info:
        pca.decode(torch.ones(3, 2, dtype=torch.int64))
    assert "255" not in str(info.value)


def test_empty_basis_and_row_vectors_get_the_right_advice():
    with pytest.raises(ValueError, match="at least one row and one column") as info:
        metrics.principal_angles(torch.zeros(5, 0), torch.rand(5, 2))
    assert "image" not in str(info.value)
    rows = torch.rand(2, 64)
    with pytest.raises(ValueError, match=r"pass basis_a\.T"):
        metrics.principal_angles(rows, torch.rand(2, 64))
    with pytest.raises(ValueError, match="transpose if yours are rows"):
        metrics.principal_angles(rows, torch.rand(64, 2))


def test_image_dataset_converts_numpy_and_checks_labels():
    dataset = ImageDataset(IMAGES.numpy(), LABELS.numpy(), ["a", "b", "c"])
    assert isinstance(dataset.images, torch.Tensor) and dataset.labels.dtype == torch.int64
    assert dataset.class_names == ("a", "b", "c")
    with pytest.raises(TypeError, match="labels must hold integers"):
        ImageDataset(IMAGES, LABELS.float(), ("a", "b", "c"))
    with pytest.raises(ValueError, match="2 class name"):
        ImageDataset(IMAGES, LABELS, ("a", "b"))
