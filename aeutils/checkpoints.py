"""Train a model once per machine, load it afterwards (:func:`train_once`).

A stored model's *key* is its name, the caller's ``recipe``, the seed, the
model's architecture, the ``train`` function's source, the source files of
``aeutils`` (its version among them), torch's version and the kind of
device: change any of them and it is trained again; so is a copy that is
missing, unreadable or altered (its SHA-256 is kept next to it). Files
live in ``AEUTILS_MODEL_CACHE`` if set, else ``<user cache>/aeutils/models``;
weights are read with ``torch.load(..., weights_only=True)``.
"""

from __future__ import annotations

import dataclasses
import hashlib
import inspect
import io
import json
import os
import pickle
import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import torch
from torch import nn

from aeutils.validation import validate_callable, validate_module

__all__ = ["TrainedModel", "train_once"]

#: What reading a damaged copy raises (json, torch.load, load_state_dict).
_UNREADABLE = (OSError, EOFError, KeyError, TypeError, ValueError,
               RuntimeError, pickle.UnpicklingError)
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,79}")


@dataclasses.dataclass
class TrainedModel:
    """What :func:`train_once` returns: the model (on the device it was
    trained on), what ``train`` returned, whether it was loaded, the file."""

    model: nn.Module
    history: Any
    loaded: bool
    path: Path


def _package_digest() -> str:
    """SHA-256 of aeutils' source files: a changed loop means a new model."""
    package = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    for path in sorted(package.rglob("*.py")):
        digest.update(str(path.relative_to(package)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _as_json(recipe: object) -> Any:
    """The recipe as it is stored (JSON), or a clear error."""
    if not isinstance(recipe, Mapping) or not recipe:
        raise TypeError(
            "recipe must be a non-empty dict of the settings that change the "
            "result (sizes, epochs, learning rate, data subset), got "
            f"{recipe!r}."
        )
    try:
        return json.loads(json.dumps(recipe, allow_nan=False))
    except (TypeError, ValueError) as error:  # NaN gives a ValueError
        raise type(error)(
            f"recipe must hold finite numbers, strings, bools, None, lists "
            f"and dicts (JSON) ({error}); describe data by its settings, "
            "e.g. {'images': 'fashion-mnist train[:10000]'}."
        ) from None


def _key(model: nn.Module, train: Callable, recipe: Any, seed: int) -> dict:
    """What identifies a stored model, with its name (the module's notes)."""
    from aeutils.train import select_device

    try:
        train_source = inspect.getsource(train)
    except (OSError, TypeError):
        train_source = None
    shapes = {k: list(v.shape) for k, v in model.state_dict().items()}
    return {
        "recipe": recipe,
        "seed": seed,
        # The class's name, not its module: chapter 3's own copy of
        # MLPAutoencoder shares the stored model with chapters 7 and 8.
        "architecture": {"class": type(model).__name__,
                         "repr": repr(model), "parameters": shapes},
        "train_source": train_source,
        "aeutils_sources": _package_digest(),
        "torch": torch.__version__,
        "device": select_device().type,
    }


def _load(model: nn.Module, weights: Path, meta: Path) -> Any:
    """Load the stored copy into ``model``, on its device; return history."""
    from aeutils.train import History

    record = json.loads(meta.read_text())
    data = weights.read_bytes()  # the file's name holds the key's digest
    if record["sha256"] != hashlib.sha256(data).hexdigest():
        raise ValueError("its checksum does not match")
    state = torch.load(io.BytesIO(data), map_location="cpu", weights_only=True)
    model.load_state_dict(state)
    model.to(torch.device(record["device"]))
    history = record["history"]
    return None if history is None else History(**history)


def _store(model: nn.Module, history: Any, weights: Path, meta: Path,
           key: dict) -> None:
    from aeutils.train import History

    if history is not None and not isinstance(history, History):
        raise TypeError(
            "train(model) must return None or the History train.fit "
            f"returns, got {type(history).__name__}."
        )
    weights.parent.mkdir(parents=True, exist_ok=True)
    torch.save({k: v.cpu() for k, v in model.state_dict().items()}, weights)
    record = {
        "key": key,
        "sha256": hashlib.sha256(weights.read_bytes()).hexdigest(),
        "device": next((p.device.type for p in model.parameters()), "cpu"),
        "history": None if history is None else dataclasses.asdict(history),
    }
    meta.write_text(json.dumps(record, indent=1))


def train_once(
    name: str,
    *,
    build: Callable[[], nn.Module],
    train: Callable[[nn.Module], Any],
    recipe: Mapping[str, Any],
    seed: int,
) -> TrainedModel:
    """Train ``build()`` with ``train`` once per machine; load it afterwards.

    Parameters
    ----------
    name
        File name of the stored model, e.g. ``"mlp-ae-k32"``.
    build
        Returns a new, untrained model (called after seeding with ``seed``).
    train
        Trains the model in place; may return its history (kept), the
        :class:`~aeutils.train.History` of :func:`~aeutils.train.fit`.
    recipe
        The settings (JSON values) that change the result: epochs, rates,
        the data and its subset.
    seed
        Seeds everything before ``build()``, and again at the end, so what
        follows draws the same numbers whether trained or loaded.

    Returns
    -------
    TrainedModel
        The model, its history, and whether it was loaded.
    """
    from platformdirs import user_cache_dir

    from aeutils.train import seed_everything

    if not isinstance(name, str) or not _NAME.fullmatch(name):
        raise ValueError(
            "name must be 1-80 letters, digits, '_', '.' or '-' (it names the "
            f"file), e.g. 'mlp-ae-k32'; got {name!r}."
        )
    validate_callable(build, name="build", example="a function")
    validate_callable(train, name="train", example="a function")
    recipe = _as_json(recipe)
    folder = Path(os.environ.get("AEUTILS_MODEL_CACHE")
                  or Path(user_cache_dir("aeutils"), "models"))
    if folder.is_file():
        raise ValueError(
            f"AEUTILS_MODEL_CACHE names a file, {folder}; name a folder."
        )
    seed_everything(seed)
    model = validate_module(build(), name="build()")
    key = _key(model, train, recipe, seed)
    digest = hashlib.sha256(json.dumps(key, sort_keys=True).encode())
    stem = f"{name}-{digest.hexdigest()[:16]}"
    weights, meta = folder / f"{stem}.pt", folder / f"{stem}.json"
    loaded = weights.is_file() and meta.is_file()
    if loaded:
        try:
            history = _load(model, weights, meta)
        except _UNREADABLE:  # any unreadable copy is trained again
            loaded = False
    if not loaded:
        history = train(model)
        _store(model, history, weights, meta, key)
    seed_everything(seed)
    return TrainedModel(model, history, loaded, weights)
