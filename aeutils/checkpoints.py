"""Train a model once per machine, load it afterwards (:func:`train_once`).

A stored model's *key* is its name, the caller's ``recipe``, the seed, the
model's architecture, the ``train`` function's source, the version and
source files of ``aeutils``, torch's version and the kind of device: change
any of them and it is trained again; so is a copy that is missing,
unreadable or altered (each file's SHA-256 is kept next to it). Files live
in ``<user cache>/aeutils/models``, or the folder ``AEUTILS_MODEL_CACHE``
names; weights are read with ``torch.load(..., weights_only=True)``.
"""

from __future__ import annotations

import dataclasses
import hashlib
import inspect
import json
import os
import pickle
import re
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import torch
from torch import nn

from aeutils.validation import validate_path, validate_real, validate_seed

__all__ = ["TrainedModel", "default_model_cache", "train_once"]

_CACHE_VARIABLE = "AEUTILS_MODEL_CACHE"
#: What reading a damaged copy raises (json, torch.load, load_state_dict).
_UNREADABLE = (OSError, EOFError, KeyError, TypeError, ValueError, RuntimeError,
               pickle.UnpicklingError)
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,79}")


@dataclasses.dataclass
class TrainedModel:
    """What :func:`train_once` returns: the model (on the device it was
    trained on), what ``train`` returned, whether it was loaded, why, and
    the weights file."""

    model: nn.Module
    history: Any
    loaded: bool
    reason: str
    path: Path


def default_model_cache() -> Path:
    """``AEUTILS_MODEL_CACHE`` if set, else ``<user cache>/aeutils/models``."""
    if os.environ.get(_CACHE_VARIABLE):
        return Path(os.environ[_CACHE_VARIABLE])
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("aeutils")) / "models"


def _package_digest() -> str:
    """SHA-256 of aeutils' source files: a changed loop means a new model."""
    package = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    for path in sorted(package.rglob("*.py")):
        digest.update(str(path.relative_to(package)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _check_json(value: Any, where: str) -> None:
    if value is None or isinstance(value, (str, int)):  # bool is an int
        return
    if isinstance(value, float):
        validate_real(value, name=f"recipe{where}")
        return
    if isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            _check_json(item, f"{where}[{index}]")
        return
    if isinstance(value, Mapping):
        for key, item in value.items():
            if not isinstance(key, str):
                raise TypeError(f"recipe{where} keys must be strings, got {key!r}.")
            _check_json(item, f"{where}[{key!r}]")
        return
    raise TypeError(
        f"recipe{where} must be a number, string, bool, None, list or dict "
        f"(JSON), got {type(value).__name__}; describe it by its settings, "
        "e.g. {'images': 'fashion-mnist train[:10000]'}."
    )


def _check_arguments(name, build, train, recipe, seed) -> None:
    if not isinstance(name, str) or not _NAME.fullmatch(name):
        raise ValueError(
            "name must be 1-80 letters, digits, '_', '.' or '-' (it names the "
            f"file), e.g. 'mlp-ae-k32'; got {name!r}."
        )
    for label, function in (("build", build), ("train", train)):
        if not callable(function):
            raise TypeError(
                f"{label} must be a function, got {type(function).__name__}: "
                "build() returns a new model, train(model) trains it."
            )
    if not isinstance(recipe, Mapping) or not recipe:
        raise TypeError(
            "recipe must be a non-empty dict of the settings that change the "
            "result (sizes, epochs, learning rate, data subset), got "
            f"{recipe!r}."
        )
    _check_json(recipe, "")
    validate_seed(seed)


def _architecture(model: nn.Module) -> dict:
    return {
        # The class's name, not its module: a chapter's own copy of a
        # library class (same source, tests/book/test_models_source.py)
        # shares the stored model.
        "class": type(model).__name__,
        "repr": repr(model),
        "parameters": {k: list(v.shape) for k, v in model.state_dict().items()},
    }


def _source(function: Callable) -> str | None:
    try:
        return inspect.getsource(function)
    except (OSError, TypeError):
        return None


def _recipe_key(name: str, model: nn.Module, train: Callable,
                recipe: Mapping, seed: int) -> dict:
    """Everything that identifies a stored model (see the module's notes)."""
    import aeutils
    from aeutils.train import select_device

    return {
        "name": name,
        "recipe": json.loads(json.dumps(recipe)),
        "seed": seed,
        "architecture": _architecture(model),
        "train_source": _source(train),
        "aeutils": aeutils.__version__,
        "aeutils_sources": _package_digest(),
        "torch": torch.__version__,
        "device": select_device().type,
    }


def _digest(key: dict) -> str:
    text = json.dumps(key, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _history_to_json(history: Any) -> dict:
    from aeutils.train import History

    if history is None:
        return {"kind": "none"}
    if isinstance(history, History):
        return {"kind": "History", "value": dataclasses.asdict(history)}
    if isinstance(history, Mapping):
        _check_json(history, " (what train returned)")
        return {"kind": "mapping", "value": json.loads(json.dumps(history))}
    raise TypeError(
        "train(model) must return None, an aeutils.train.History (what "
        f"train.fit returns) or a dict of numbers, got {type(history).__name__}."
    )


def _history_from_json(stored: dict) -> Any:
    from aeutils.train import History

    if stored["kind"] == "History":
        return History(**stored["value"])
    return stored.get("value")


def _file_sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _load(model: nn.Module, weights: Path, meta: Path, key: dict) -> tuple[Any, str]:
    """Load the stored copy into ``model``; return (history, device)."""
    record = json.loads(meta.read_text())
    if record.get("key") != key:
        raise ValueError("its key differs")
    if record.get("sha256") != _file_sha256(weights):
        raise ValueError("its checksum does not match")
    state = torch.load(weights, map_location="cpu", weights_only=True)
    model.load_state_dict(state, strict=True)
    return _history_from_json(record["history"]), record["device"]


def _write_atomically(path: Path, data: bytes) -> None:
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    with os.fdopen(handle, "wb") as file:
        file.write(data)
    os.replace(temporary, path)


def _store(model: nn.Module, history: Any, weights: Path, meta: Path, key: dict) -> None:
    import io

    stored_history = _history_to_json(history)  # refuse it before writing
    buffer = io.BytesIO()
    torch.save({k: v.detach().cpu() for k, v in model.state_dict().items()}, buffer)
    _write_atomically(weights, buffer.getvalue())
    device = next((p.device.type for p in model.parameters()), "cpu")
    record = {
        "key": key,
        "sha256": _file_sha256(weights),
        "device": device,
        "history": stored_history,
    }
    _write_atomically(meta, json.dumps(record, indent=1).encode())


def train_once(
    name: str,
    *,
    build: Callable[[], nn.Module],
    train: Callable[[nn.Module], Any],
    recipe: Mapping[str, Any],
    seed: int,
    cache_dir: str | os.PathLike | None = None,
) -> TrainedModel:
    """Train ``build()`` with ``train`` once per machine; load it afterwards.

    Parameters
    ----------
    name
        File name of the stored model, e.g. ``"mlp-ae-k32"``.
    build
        Returns a new, untrained model (called after seeding with ``seed``).
    train
        Trains the model in place; may return its history (kept).
    recipe
        The settings (JSON values) that change the result: epochs, rates,
        the data and its subset.
    seed
        Seeds everything before ``build()``, and again at the end, so what
        follows draws the same numbers whether trained or loaded.
    cache_dir
        Folder of the stored models; default :func:`default_model_cache`.

    Returns
    -------
    TrainedModel
        The model, its history, and whether it was loaded.
    """
    from aeutils.train import seed_everything

    _check_arguments(name, build, train, recipe, seed)
    folder = (
        default_model_cache()
        if cache_dir is None
        else validate_path(cache_dir, name="cache_dir")
    )
    if folder.exists() and not folder.is_dir():
        raise ValueError(f"cache_dir {folder} is a file; pass a folder.")
    seed_everything(seed)
    model = build()
    if not isinstance(model, nn.Module):
        raise TypeError(
            f"build() must return a torch.nn.Module, got {type(model).__name__}."
        )
    key = _recipe_key(name, model, train, recipe, seed)
    stem = f"{name}-{_digest(key)}"
    weights, meta = folder / f"{stem}.pt", folder / f"{stem}.json"
    if weights.is_file() and meta.is_file():
        try:
            history, device = _load(model, weights, meta, key)
        except _UNREADABLE as error:  # any unreadable copy is trained again
            reason = f"stored copy unusable ({error}); trained again"
        else:
            model.to(torch.device(device))
            seed_everything(seed)
            return TrainedModel(model, history, True, "loaded", weights)
    else:
        reason = "no stored copy; trained"
    history = train(model)
    folder.mkdir(parents=True, exist_ok=True)
    _store(model, history, weights, meta, key)
    seed_everything(seed)
    return TrainedModel(model, history, False, reason, weights)
