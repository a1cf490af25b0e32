"""Chapter 4's exercise checks accept the reference and name the mistakes."""

from __future__ import annotations

import torch
from torch.nn import functional as F

from aeutils import exercises, metrics
from aeutils.corrupt import corrupt_mask


def _messages(feedback):
    return " ".join(feedback.messages)


# ---------------------------------------------------------------- masking noise


def reference_mask(images, p, generator):
    keep = torch.rand(images.shape, generator=generator) >= p
    return images * keep


def test_masking_noise_reference_passes():
    assert exercises.check_masking_noise(reference_mask).passed
    library = exercises.check_masking_noise(
        lambda x, p, g: corrupt_mask(x, p=p, generator=g)
    )
    assert library.passed, library.messages


def test_masking_noise_mistakes_are_named():
    def same_mask_for_all(images, p, generator):
        keep = torch.rand(images.shape[1:], generator=generator) >= p
        return images * keep

    def keep_probability_p(images, p, generator):
        keep = torch.rand(images.shape, generator=generator) < p
        return images * keep

    def dropout(images, p, generator):
        keep = torch.rand(images.shape, generator=generator) >= p
        return images * keep / (1 - p)

    def in_place(images, p, generator):
        images[torch.rand(images.shape, generator=generator) < p] = 0
        return images

    def global_generator(images, p, generator):
        return images * (torch.rand(images.shape) >= p)

    def noisy_survivors(images, p, generator):
        keep = torch.rand(images.shape, generator=generator) >= p
        return (images + 0.01) * keep

    cases = {
        "same mask": same_mask_for_all,
        "probability 1 - p": keep_probability_p,
        "dropout": dropout,
        "changed the images passed in": in_place,
        "does not follow the generator": global_generator,
        "keep their value": noisy_survivors,
        "expected about 30%": lambda x, p, g: reference_mask(x, p / 2, g),
        "Not implemented yet": lambda x, p, g: (_ for _ in ()).throw(
            NotImplementedError()
        ),
        "Return a tensor": lambda x, p, g: reference_mask(x, p, g).numpy(),
        "shape": lambda x, p, g: reference_mask(x, p, g)[0],
    }
    for expected, answer in cases.items():
        feedback = exercises.check_masking_noise(answer)
        assert not feedback.passed, expected
        assert expected in _messages(feedback), (expected, feedback.messages)


# ---------------------------------------------------------------- PSNR


def _psnr_from_mse(mse, factor=10.0, peak=1.0, log=torch.log10):
    return factor * log(peak**2 / mse)


def test_psnr_reference_passes():
    assert exercises.check_psnr(metrics.psnr).passed

    def by_hand(x, x_hat):
        return 10 * torch.log10(1 / (x - x_hat).pow(2).mean(dim=(1, 2, 3)))

    assert exercises.check_psnr(by_hand).passed


def test_psnr_mistakes_are_named():
    def mse(x, x_hat):
        return (x - x_hat).pow(2).flatten(1).mean(1)

    cases = {
        "Factor 20 with the MSE": lambda x, y: _psnr_from_mse(mse(x, y), 20),
        "Natural logarithm": lambda x, y: _psnr_from_mse(
            mse(x, y), log=torch.log
        ),
        "Peak 255": lambda x, y: _psnr_from_mse(mse(x, y), peak=255.0),
        "summed the squared error": lambda x, y: _psnr_from_mse(
            (x - y).pow(2).flatten(1).sum(1)
        ),
        "root mean squared error": lambda x, y: _psnr_from_mse(
            mse(x, y).sqrt()
        ),
        "batch's mean squared error": lambda x, y: 10
        * torch.log10(1 / F.mse_loss(y, x)),
        "one PSNR per image": lambda x, y: _psnr_from_mse(mse(x, y))[:3],
        "expected": lambda x, y: _psnr_from_mse(mse(x, y)) + 1.0,
    }
    for expected, answer in cases.items():
        feedback = exercises.check_psnr(answer)
        assert not feedback.passed, expected
        assert expected in _messages(feedback), (expected, feedback.messages)
