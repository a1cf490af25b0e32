"""Exercise checks accept right answers and name the usual mistakes."""

from __future__ import annotations

import torch
from torch import nn
from torch.nn import functional as F

from aeutils import exercises, metrics


def _messages(feedback):
    return " ".join(feedback.messages)


# ---------------------------------------------------------------- PCA reconstruction


def test_pca_reconstruction_correct():
    feedback = exercises.check_pca_reconstruction(lambda x, m, c: m + (x - m) @ c.T @ c)
    assert feedback.passed and bool(feedback)


def test_pca_reconstruction_mistakes_are_named():
    cases = {
        "forgot to add the mean back": lambda x, m, c: (x - m) @ c.T @ c,
        "without subtracting the mean": lambda x, m, c: x @ c.T @ c,
        "Not implemented yet": lambda x, m, c: (_ for _ in ()).throw(NotImplementedError()),
        "shape (200, 3)": lambda x, m, c: (x - m) @ c.T,
        "Your code raised RuntimeError": lambda x, m, c: x @ c,
        "values differ from the reference": lambda x, m, c: m + 0.5 * (x - m) @ c.T @ c,
        "Return a tensor": lambda x, m, c: [1, 2],
    }
    for expected, answer in cases.items():
        feedback = exercises.check_pca_reconstruction(answer)
        assert not feedback.passed, expected
        assert expected in _messages(feedback), (expected, feedback.messages)


# ---------------------------------------------------------------- components for variance


def test_components_for_variance():
    ratio = torch.tensor([0.5, 0.3, 0.15, 0.05])
    assert exercises.check_components_for_variance(3, ratio, threshold=0.9).passed
    assert exercises.check_components_for_variance(torch.tensor(3), ratio, threshold=0.9).passed
    off_by_one = exercises.check_components_for_variance(2, ratio, threshold=0.9)
    assert not off_by_one.passed and "Off by one" in _messages(off_by_one)
    too_many = exercises.check_components_for_variance(4, ratio, threshold=0.9)
    assert not too_many.passed and "more than needed" in _messages(too_many)
    not_int = exercises.check_components_for_variance(None, ratio, threshold=0.9)
    assert "Answer with an int" in _messages(not_int)
    assert "between 1 and 4" in _messages(exercises.check_components_for_variance(9, ratio))


def test_components_threshold_reached_exactly_counts():
    ratio = torch.tensor([0.5, 0.4, 0.1], dtype=torch.float64)
    assert exercises.check_components_for_variance(2, ratio, threshold=0.9).passed


# ---------------------------------------------------------------- principal angles


def test_principal_angles_reference_passes():
    assert exercises.check_principal_angles(metrics.principal_angles).passed


def test_principal_angles_mistakes_are_named():
    def radians(a, b):
        return torch.deg2rad(metrics.principal_angles(a, b))

    def descending(a, b):
        return metrics.principal_angles(a, b).flip(0)

    def not_orthonormalised(a, b):
        return torch.rad2deg(torch.arccos(torch.linalg.svdvals(a.T @ b).clamp(-1, 1)))

    assert "radians" in _messages(exercises.check_principal_angles(radians))
    assert "ascending" in _messages(exercises.check_principal_angles(descending))
    assert "orthonormalise" in _messages(exercises.check_principal_angles(not_orthonormalised))


# ---------------------------------------------------------------- tied autoencoder


class Tied(nn.Module):
    def __init__(self, input_dim=784, latent_dim=32):
        super().__init__()
        self.weight = nn.Parameter(torch.randn(latent_dim, input_dim) * 0.01)
        self.b_enc = nn.Parameter(torch.zeros(latent_dim))
        self.b_dec = nn.Parameter(torch.zeros(input_dim))

    def forward(self, x):
        return F.linear(F.linear(x.flatten(1), self.weight, self.b_enc), self.weight.T, self.b_dec).view_as(x)


class Untied(nn.Module):
    def __init__(self, input_dim=784, latent_dim=32):
        super().__init__()
        self.encoder = nn.Linear(input_dim, latent_dim)
        self.decoder = nn.Linear(latent_dim, input_dim)

    def forward(self, x):
        return self.decoder(self.encoder(x.flatten(1))).view_as(x)


class NonLinear(Tied):
    def forward(self, x):
        z = torch.relu(F.linear(x.flatten(1), self.weight, self.b_enc))
        return F.linear(z, self.weight.T, self.b_dec).view_as(x)


class Flat(Tied):
    def forward(self, x):
        return super().forward(x).flatten(1)


def test_tied_autoencoder_checks():
    assert exercises.check_tied_autoencoder(Tied).passed
    assert "exactly one weight matrix" in _messages(exercises.check_tied_autoencoder(Untied))
    assert "W.T @ (W @ x)" in _messages(exercises.check_tied_autoencoder(NonLinear))
    assert "input's shape" in _messages(exercises.check_tied_autoencoder(Flat))

    class NotYet(nn.Module):
        def __init__(self, input_dim=784, latent_dim=32):
            super().__init__()
            raise NotImplementedError

    assert "Not implemented yet" in _messages(exercises.check_tied_autoencoder(NotYet))


def test_feedback_renders():
    feedback = exercises.Feedback("demo", False, ["a <b> hint"])
    assert "Not yet" in feedback._repr_html_() and "&lt;b&gt;" in feedback._repr_html_()
    assert str(feedback).startswith("[NOT YET] demo")
