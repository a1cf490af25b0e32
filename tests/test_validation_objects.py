"""aeutils.validation.objects: callables, modules, devices, paths, losses."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

from aeutils.validation import (
    validate_callable,
    validate_device,
    validate_loss_terms,
    validate_mapping,
    validate_module,
    validate_name,
    validate_path,
)


def test_objects_of_the_wrong_kind_are_named():
    with pytest.raises(TypeError, match="encoder must be a model"):
        validate_callable(3, name="encoder")
    with pytest.raises(TypeError, match="model must be a Module"):
        validate_module(None)
    with pytest.raises(TypeError, match="path must be a path"):
        validate_path(None)
    with pytest.raises(ValueError, match="chapter must be a non-empty name"):
        validate_name("", name="chapter", example="01_pca")
    with pytest.raises(ValueError, match="rows is empty"):
        validate_mapping({}, name="rows", example="{label: images}")
    assert validate_path("a/b") == Path("a/b")


def test_devices_must_exist_here():
    assert validate_device("cpu") == torch.device("cpu")
    with pytest.raises(ValueError, match="device must be 'cpu'"):
        validate_device("tpu")
    if not torch.cuda.is_available():
        with pytest.raises(ValueError, match="not available here"):
            validate_device("cuda")


def test_loss_terms_are_scalar_tensors_with_a_loss():
    loss = torch.tensor(1.0)
    assert validate_loss_terms(loss) == {"loss": loss}
    with pytest.raises(ValueError, match="'loss' entry"):
        validate_loss_terms({"kl": loss})
    with pytest.raises(TypeError, match="no .item"):
        validate_loss_terms({"loss": 1.0})
    with pytest.raises(ValueError, match="Reduce it with .mean"):
        validate_loss_terms(torch.ones(3))
