"""aeutils.train.devices: the device a model computes on, and predict."""

from __future__ import annotations

import pytest
import torch

from aeutils.train import device_of, predict, select_device


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


def test_predict_refuses_nan_outputs():
    """Issue 19: a diverged model's NaN is an error, not a result."""
    model = torch.nn.Linear(4, 4)
    with torch.no_grad():
        model.weight.fill_(float("nan"))
    with pytest.raises(ValueError, match="the output of function contains 16 NaN"):
        predict(model, torch.rand(4, 4))


def test_one_window_is_rows_and_a_model_for_windows_says_so():
    """Issue 19: a (3, 64) window is 3 rows of 64 values; a model built for
    (C, T) windows refuses them with what to pass."""
    from aeutils.models import FeatureAutoencoder

    model = FeatureAutoencoder((3, 64), latent_dim=2)
    with pytest.raises(ValueError, match=r"features \(N, D\) of shape "
                       r"\(3, 64\).*x\.unsqueeze\(0\)"):
        predict(model, torch.rand(3, 64))
    assert predict(model, torch.rand(3, 64).unsqueeze(0)).shape == (1, 3, 64)


def test_predict_names_nan_from_a_callable():
    with pytest.raises(ValueError, match="NaN or infinite"):
        predict(lambda x: x * float("nan"), torch.rand(3, 4))
