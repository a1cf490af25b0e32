"""aeutils.checkpoints: a model trained once per machine gives the same numbers loaded."""

from __future__ import annotations

import json

import pytest
import torch
from torch import nn

from aeutils import checkpoints, train
from aeutils.train import History

RECIPE = {"layers": [16, 4, 16], "epochs": 2, "lr": 0.01, "data": "random (64, 16)"}


def _build() -> nn.Module:
    return nn.Sequential(nn.Linear(16, 4), nn.ReLU(), nn.Linear(4, 16), nn.Sigmoid())


def _data() -> torch.Tensor:
    return torch.rand(64, 16, generator=torch.Generator().manual_seed(1))


def _train(model: nn.Module) -> History:
    return train.fit(model, _data(), epochs=2, lr=0.01, batch_size=16, progress=False)


@pytest.fixture(autouse=True)
def _cache(monkeypatch, tmp_path):
    monkeypatch.setenv("AEUTILS_MODEL_CACHE", str(tmp_path))


def _once(cache, **changes):
    """train_once with the stored models in ``cache``."""
    arguments = {"build": _build, "train": _train, "recipe": RECIPE, "seed": 3,
                 **changes}
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("AEUTILS_MODEL_CACHE", str(cache))
        return checkpoints.train_once("tiny-ae", **arguments)


def _numbers(model: nn.Module) -> torch.Tensor:
    return train.predict(model, _data())


def test_loaded_and_freshly_trained_models_give_identical_numbers(tmp_path):
    first = _once(tmp_path / "cache")
    after_training = torch.rand(3)
    second = _once(tmp_path / "cache")
    after_loading = torch.rand(3)
    fresh = _once(tmp_path / "other-cache")
    assert (first.loaded, second.loaded, fresh.loaded) == (False, True, False)
    assert torch.equal(_numbers(first.model), _numbers(second.model))
    assert torch.equal(_numbers(fresh.model), _numbers(second.model))
    # The cells that follow draw the same random numbers on either path.
    assert torch.equal(after_training, after_loading)
    assert second.history.train_loss == first.history.train_loss
    assert isinstance(second.history, History)


def test_weights_are_read_with_weights_only(tmp_path, monkeypatch):
    _once(tmp_path)
    calls = []
    real_load = torch.load

    def spy(*args, **kwargs):
        calls.append(kwargs.get("weights_only"))
        return real_load(*args, **kwargs)

    monkeypatch.setattr(torch, "load", spy)
    assert _once(tmp_path).loaded
    assert calls == [True]


@pytest.mark.parametrize("damage", ["garbage", "flipped byte", "no metadata"])
def test_a_missing_or_corrupt_copy_is_trained_again_with_the_same_seed(tmp_path, damage):
    first = _once(tmp_path)
    weights = first.path
    if damage == "garbage":
        weights.write_bytes(b"not a checkpoint")
    elif damage == "flipped byte":
        data = bytearray(weights.read_bytes())
        data[-100] ^= 0xFF
        weights.write_bytes(bytes(data))
    else:
        weights.with_suffix(".json").unlink()
    again = _once(tmp_path)
    assert not again.loaded
    assert torch.equal(_numbers(first.model), _numbers(again.model))
    assert _once(tmp_path).loaded  # the fresh copy is stored again


def test_the_key_covers_recipe_seed_architecture_and_versions(tmp_path, monkeypatch):
    base = _once(tmp_path).path
    assert _once(tmp_path, recipe={**RECIPE, "epochs": 3}).path != base
    assert _once(tmp_path, seed=4).path != base
    wider = lambda: nn.Sequential(nn.Linear(16, 5), nn.ReLU(), nn.Linear(5, 16))
    assert _once(tmp_path, build=wider).path != base
    monkeypatch.setattr(torch, "__version__", "0.0.1")
    assert _once(tmp_path).path != base
    monkeypatch.undo()
    monkeypatch.setattr(checkpoints, "_package_digest", lambda: "changed aeutils")
    assert _once(tmp_path).path != base
    key = json.loads(base.with_suffix(".json").read_text())["key"]
    assert key["torch"] == torch.__version__ and key["seed"] == 3
    assert key["recipe"] == RECIPE and "Linear(in_features=16" in key["architecture"]["repr"]


def test_default_folder_is_the_user_cache_or_the_environment_variable(
    monkeypatch, tmp_path
):
    monkeypatch.delenv("AEUTILS_MODEL_CACHE", raising=False)
    monkeypatch.setattr("platformdirs.user_cache_dir",
                        lambda name: str(tmp_path / "user" / name))
    default = checkpoints.train_once("tiny-ae", build=_build, train=_train,
                                     recipe=RECIPE, seed=3)
    assert default.path.parent == tmp_path / "user" / "aeutils" / "models"
    monkeypatch.setenv("AEUTILS_MODEL_CACHE", str(tmp_path / "ci"))
    trained = checkpoints.train_once("tiny-ae", build=_build, train=_train,
                                     recipe=RECIPE, seed=3)
    assert trained.path.parent == tmp_path / "ci"


@pytest.mark.parametrize(
    ("changes", "error", "message"),
    [
        ({"name": ""}, ValueError, "name must be"),
        ({"name": "a/b"}, ValueError, "name must be"),
        ({"seed": -1}, ValueError, "seed must be between 0"),
        ({"seed": True}, TypeError, "seed must be an int"),
        ({"recipe": {}}, TypeError, "recipe must be a non-empty dict"),
        ({"recipe": {"data": object()}}, TypeError, r"recipe must hold.*object"),
        ({"recipe": {"lr": float("nan")}}, ValueError, "must hold finite numbers"),
        ({"recipe": {(1, 2): 2}}, TypeError, "keys must be str"),
        ({"build": "model"}, TypeError, "build must be a function"),
        ({"train": None}, TypeError, "train must be a function"),
        ({"build": lambda: "no model"}, TypeError, r"build\(\) must be a (torch.nn.)?Module"),
        ({"train": lambda m: object()}, TypeError, "train.model. must return None"),
    ],
)
def test_bad_input_is_refused_with_a_clear_message(changes, error, message):
    name = changes.pop("name", "tiny-ae")
    arguments = {"build": _build, "train": _train, "recipe": RECIPE, "seed": 3,
                 **changes}
    with pytest.raises(error, match=message):
        checkpoints.train_once(name, **arguments)


def test_a_file_as_cache_folder_is_refused(tmp_path):
    (tmp_path / "file").write_text("x")
    with pytest.raises(ValueError, match="names a file"):
        _once(tmp_path / "file")


def test_a_chapters_copy_of_a_library_class_shares_the_stored_model(tmp_path):
    """Chapter 3 trains its own MLPAutoencoder; chapters 7 and 8 load it."""
    from aeutils.models import MLPAutoencoder as LibraryCopy

    class MLPAutoencoder(LibraryCopy):  # same name and layers, other module
        pass

    MLPAutoencoder.__module__ = "__main__"

    def stored(cls):
        return checkpoints.train_once(
            "copy", build=lambda: cls(latent_dim=2, hidden_dims=(4,),
                                      image_shape=(1, 2, 2)),
            train=lambda model: None, recipe={"epochs": 0}, seed=0,
        )

    first = stored(MLPAutoencoder)
    assert not first.loaded
    second = stored(LibraryCopy)
    assert second.loaded and second.path == first.path
