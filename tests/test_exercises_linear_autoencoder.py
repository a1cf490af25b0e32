"""aeutils.exercises.linear_autoencoder: the checks accept right answers and name the usual mistakes."""

from __future__ import annotations

import torch
from torch import nn
from torch.nn import functional as F

from aeutils import exercises, metrics


def _messages(feedback):
    return " ".join(feedback.messages)


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
