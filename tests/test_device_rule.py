"""The device rule: a callable's device is its module's (issue 18).

``fit`` leaves a model on CUDA when one is present; every public function
that takes a model or an encoder/decoder callable (a module, a bound method
such as ``model.encode``, a ``functools.partial`` of either) must send its
inputs to that module's device. This machine has no GPU, so the models
below live on PyTorch's ``meta`` device and record the device of every
input they receive; a function that sent CPU tensors fails here exactly as
it would crash on a Colab GPU runtime.
"""

from __future__ import annotations

from functools import partial

import numpy as np
import pytest
import torch
from torch import nn

from aeutils import anomaly, latent, train, viz

META = torch.device("meta")
IMAGES = torch.rand(6, 1, 8, 8, generator=torch.Generator().manual_seed(0))
CODES = torch.randn(6, 2, generator=torch.Generator().manual_seed(1))


class MetaAutoencoder(nn.Module):
    """Parameters on the meta device; records input devices, answers on the CPU.

    The answers are computed from the inputs' shapes only (a meta tensor has
    no values), so the functions under test can finish and be checked.
    """

    def __init__(self) -> None:
        super().__init__()
        self.weight = nn.Parameter(torch.zeros(2, device=META))
        self.seen: list[torch.device] = []

    def encode(self, images: torch.Tensor) -> torch.Tensor:
        self.seen.append(images.device)
        return torch.linspace(-1, 1, len(images) * 2).reshape(len(images), 2)

    def decode(self, codes: torch.Tensor) -> torch.Tensor:
        self.seen.append(codes.device)
        return torch.full((len(codes), 1, 8, 8), 0.5)

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        self.seen.append(images.device)
        return torch.full(tuple(images.shape), 0.5)


class MetaDecoder(nn.Module):
    """A decoder module (no methods): its device is its parameters'."""

    def __init__(self) -> None:
        super().__init__()
        self.weight = nn.Parameter(torch.zeros(2, device=META))
        self.seen: list[torch.device] = []

    def forward(self, codes: torch.Tensor) -> torch.Tensor:
        self.seen.append(codes.device)
        return torch.full((len(codes), 1, 8, 8), 0.5)


def _calls(model: MetaAutoencoder):
    """Every public function that takes a model or encoder/decoder, called on ``model``."""
    labels = torch.arange(6) % 2
    return {
        "train.predict(model)": lambda: train.predict(model, IMAGES),
        "train.predict(model.encode)": lambda: train.predict(model.encode, IMAGES),
        "train.predict(partial(model))": lambda: train.predict(partial(model), IMAGES),
        "train.predict(partial(model.encode))": lambda: train.predict(
            partial(model.encode), IMAGES
        ),
        "anomaly.reconstruction_scores(model)": lambda: anomaly.reconstruction_scores(
            model, IMAGES
        ),
        "anomaly.reconstruction_scores(model.forward)": lambda: (
            anomaly.reconstruction_scores(model.forward, IMAGES)
        ),
        "latent.decode_codes(model.decode)": lambda: latent.decode_codes(model.decode, CODES),
        "latent.decode_grid(model.decode)": lambda: latent.decode_grid(
            model.decode, x_range=(-1, 1), y_range=(-1, 1), steps=3
        ),
        "viz.plot_reconstructions(model)": lambda: viz.plot_reconstructions(
            IMAGES, {"model": model}
        ),
        "viz.plot_latent_scatter(model.encode)": lambda: viz.plot_latent_scatter(
            model.encode, IMAGES, labels, ["a", "b"]
        ),
        "viz.plot_latent_grid(model.decode)": lambda: viz.plot_latent_grid(
            model.decode, x_range=(-1, 1), y_range=(-1, 1), steps=3
        ),
        "viz.plot_latent_traversal(model.decode)": lambda: viz.plot_latent_traversal(
            model.decode, torch.zeros(2), dims=[0, 1], offsets=[-1.0, 1.0]
        ),
    }


@pytest.mark.parametrize("call", list(_calls(MetaAutoencoder())))
def test_inputs_go_to_the_device_of_the_callables_module(call):
    model = MetaAutoencoder()
    result = _calls(model)[call]()
    assert model.seen, "the model was never called"
    assert set(model.seen) == {META}, f"{call} sent inputs to {set(model.seen)}"
    tensors = [result] if isinstance(result, (torch.Tensor, np.ndarray)) else []
    for tensor in tensors:
        assert not isinstance(tensor, torch.Tensor) or tensor.device.type == "cpu"


def test_a_decoder_module_gets_codes_on_its_device():
    decoder = MetaDecoder()
    images = latent.decode_codes(decoder, CODES)
    assert set(decoder.seen) == {META} and images.device.type == "cpu"


def test_evaluate_sends_batches_to_the_models_device():
    model = MetaAutoencoder()
    seen = []

    def loss_fn(module, batch):
        seen.append(batch.device)
        return torch.zeros((), requires_grad=False)

    train.evaluate(model, IMAGES, loss_fn=loss_fn)
    assert set(seen) == {META}


class MetaEncoder(nn.Module):
    """A differentiable encoder on the meta device that records its inputs."""

    def __init__(self) -> None:
        super().__init__()
        self.weight = nn.Parameter(torch.ones(2, device=META))
        self.seen: list[torch.device] = []

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        self.seen.append(images.device)
        return images.flatten(1)[:, :2] * self.weight


@pytest.mark.parametrize("name", ["code_sensitivity", "jacobian_norm"])
def test_sensitivities_compute_on_the_encoders_device(name):
    """Computed on the meta device, the result cannot be copied back to the
    CPU (meta tensors hold no values): that error, and only that one, shows
    the computation ran where the encoder is."""
    encoder = MetaEncoder()
    with pytest.raises(NotImplementedError, match="meta"):
        getattr(latent, name)(encoder, IMAGES)
    assert encoder.seen and set(encoder.seen) == {META}
    encoder.seen.clear()
    with pytest.raises(NotImplementedError, match="meta"):
        getattr(latent, name)(encoder.forward, IMAGES)
    assert encoder.seen and set(encoder.seen) == {META}


@pytest.mark.parametrize(
    "function, expected",
    [
        (lambda: nn.Linear(2, 2).to(META), META),
        (lambda: nn.Linear(2, 2).to(META).forward, META),
        (lambda: partial(nn.Linear(2, 2).to(META)), META),
        (lambda: partial(partial(nn.Linear(2, 2).to(META).forward)), META),
        (lambda: nn.BatchNorm1d(2, affine=False).to(META), META),  # buffers only
        (lambda: (lambda x: x), torch.device("cpu")),
        (lambda: nn.ReLU(), torch.device("cpu")),  # no parameters, no buffers
    ],
    ids=["module", "bound method", "partial", "nested partial", "buffers", "lambda", "stateless"],
)
def test_device_of(function, expected):
    assert train.device_of(function()) == expected


def test_predict_leaves_the_modules_training_mode_as_it_was():
    model = MetaAutoencoder()
    model.train()
    train.predict(model.encode, IMAGES)
    assert model.training
    model.eval()
    train.predict(model.encode, IMAGES)
    assert not model.training


def test_fit_leaves_the_model_on_its_device_and_predict_follows(tmp_path):
    model = nn.Sequential(nn.Flatten(), nn.Linear(64, 64), nn.Unflatten(1, (1, 8, 8)))
    train.fit(model, IMAGES, epochs=1, device="cpu", progress=False)
    assert train.device_of(model) == torch.device("cpu")
    assert train.predict(model, IMAGES).device.type == "cpu"
