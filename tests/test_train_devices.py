"""aeutils.train.devices: the device a model computes on."""

from __future__ import annotations

import pytest
import torch

from aeutils.train import device_of, select_device


@pytest.mark.skipif(torch.cuda.is_available(), reason="checks the CPU-only message")
def test_select_device_does_not_fall_back_silently():
    with pytest.raises(ValueError, match="not available here"):
        select_device("cuda")


def test_select_device():
    assert select_device("cpu") == torch.device("cpu")
    assert select_device().type in {"cpu", "cuda", "mps"}
    if not torch.cuda.is_available():
        assert select_device().type != "cuda"


def test_device_of_follows_bound_methods_and_partials():
    import functools

    model = torch.nn.Linear(2, 2).to("meta")
    assert device_of(model.forward).type == "meta"
    assert device_of(functools.partial(model)).type == "meta"
    assert device_of(lambda x: model(x)).type == "cpu"
    with pytest.raises(TypeError, match="function must be"):
        device_of(3)
