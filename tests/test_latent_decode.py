"""aeutils.latent.decode_codes: decoded images on the CPU, clear errors."""

from __future__ import annotations

import pytest
import torch

from aeutils import latent
from aeutils.models import MLPAutoencoder


def test_decodes_codes_to_images_without_gradients():
    model = MLPAutoencoder(latent_dim=3, hidden_dims=(8,))
    images = latent.decode_codes(model.decoder, torch.randn(5, 3))
    assert images.shape == (5, 1, 28, 28) and not images.requires_grad
    assert model.training, "the module's mode is restored"


def test_rejects_a_single_code_without_batch_dimension():
    model = MLPAutoencoder(latent_dim=3, hidden_dims=(8,))
    with pytest.raises(ValueError, match="unsqueeze"):
        latent.decode_codes(model.decoder, torch.randn(3))


def test_rejects_a_decoder_that_returns_the_wrong_count():
    with pytest.raises(ValueError, match="images for"):
        latent.decode_codes(lambda z: torch.zeros(1, 1, 4, 4), torch.zeros(2, 3))
