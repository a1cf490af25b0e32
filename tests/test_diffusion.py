"""The DDPM pieces: schedule, time embedding, ancestral sampler, and the
loss and denoiser chapter 13 defines."""

from __future__ import annotations

import math
from functools import partial

import pytest
import torch

from aeutils import diffusion
from aeutils.train import fit
from tests.book.chapter_code import chapter_definition

CHAPTER = "13_latent_diffusion.ipynb"
Denoiser = chapter_definition(CHAPTER, "Denoiser")
ddpm_loss = chapter_definition(CHAPTER, "ddpm_loss")


def test_schedule_follows_ho_et_al_and_rescales_for_fewer_steps():
    full = diffusion.NoiseSchedule(steps=1000)
    assert float(full.betas[0]) == pytest.approx(1e-4)
    assert float(full.betas[-1]) == pytest.approx(0.02)
    short = diffusion.NoiseSchedule(steps=200)
    assert float(short.betas[-1]) == pytest.approx(0.1)
    assert float(short.alpha_bars[-1]) < 1e-3
    expected = torch.cumprod(1 - short.betas, dim=0)
    assert torch.allclose(short.alpha_bars, expected)
    assert (short.alpha_bars.diff() < 0).all()


def test_schedule_needs_enough_steps_for_betas_below_one():
    with pytest.raises(ValueError, match="steps must be at least 21"):
        diffusion.NoiseSchedule(steps=20)  # beta_T = 0.02 * 50 = 1
    with pytest.raises(TypeError, match="steps must be an int"):
        diffusion.NoiseSchedule(steps=100.0)
    assert repr(diffusion.NoiseSchedule(steps=200)) == (
        "NoiseSchedule(steps=200, beta_start=0.0005, beta_end=0.1)"
    )


def test_time_embedding_shape_and_distinct_steps():
    embedding = diffusion.time_embedding(torch.arange(5), 16)
    assert embedding.shape == (5, 16)
    assert torch.cdist(embedding, embedding).fill_diagonal_(1).min() > 0.1


def test_chapter_denoiser_validates_and_maps_shapes():
    model = Denoiser(dim=6, width=8, time_dim=4)
    out = model(torch.randn(3, 6), torch.tensor([0, 1, 2]))
    assert out.shape == (3, 6)
    with pytest.raises(ValueError, match="time_dim"):
        Denoiser(dim=6, width=8, time_dim=3)


def test_sampler_without_clip_is_ho_et_al_update():
    # The z0_hat form of the step equals Ho et al.'s epsilon form.
    schedule = diffusion.NoiseSchedule(steps=25)

    class Constant(torch.nn.Module):
        def forward(self, z, t):
            return 0.3 * z + 0.1

    got, _ = diffusion.sample(Constant(), schedule=schedule, n=5, dim=3, seed=2)
    generator = torch.Generator().manual_seed(2)
    z = torch.randn(5, 3, generator=generator)
    for t in reversed(range(25)):
        b, a = schedule.betas[t], schedule.alpha_bars[t]
        z = (z - b / (1 - a).sqrt() * (0.3 * z + 0.1)) / (1 - b).sqrt()
        if t > 0:
            z = z + b.sqrt() * torch.randn(5, 3, generator=generator)
    assert torch.allclose(got, z, atol=1e-5)
    clipped, _ = diffusion.sample(
        Constant(), schedule=schedule, n=5, dim=3, seed=2, clip=0.5
    )
    assert not torch.allclose(clipped, got)


def test_chapter_ddpm_loss_of_a_perfect_predictor_is_zero():
    class Oracle(torch.nn.Module):
        """Knows z0 = 0, so the noise is z_t / sqrt(1 - alpha_bar_t)."""

        def __init__(self, schedule):
            super().__init__()
            self.schedule = schedule
            self.dummy = torch.nn.Parameter(torch.zeros(()))

        def forward(self, z_t, t):
            a = self.schedule.alpha_bars[t].unsqueeze(1)
            return z_t / (1 - a).sqrt() + 0 * self.dummy

    schedule = diffusion.NoiseSchedule(steps=50)
    loss = ddpm_loss(Oracle(schedule), torch.zeros(64, 4), schedule=schedule)
    assert float(loss.detach()) == pytest.approx(0.0, abs=1e-6)
    no_noise = ddpm_loss(lambda z_t, t: 0 * z_t, torch.zeros(500, 4), schedule)
    assert float(no_noise) == pytest.approx(1.0, abs=0.1)  # E[noise^2]


def test_trained_sampler_recovers_a_two_point_distribution():
    # Data: +-1 in one dimension. A learned sampler must put its samples near
    # the two points, with both present; pure noise would not.
    torch.manual_seed(0)
    data = torch.where(torch.rand(4000, 1) < 0.5, -1.0, 1.0)
    schedule = diffusion.NoiseSchedule(steps=50)
    model = Denoiser(dim=1, width=64, time_dim=16)
    fit(
        model,
        data,
        loss_fn=partial(ddpm_loss, schedule=schedule),
        epochs=40,
        batch_size=128,
        lr=3e-3,
        lr_schedule="cosine",
        progress=False,
    )
    samples, kept = diffusion.sample(
        model, schedule=schedule, n=400, dim=1, seed=1, keep=[49, 0]
    )
    assert samples.shape == (400, 1) and set(kept) == {49, 0}
    assert torch.equal(kept[0], samples)
    near = (samples.abs() - 1).abs() < 0.35
    assert float(near.float().mean()) > 0.8
    assert 0.25 < float((samples > 0).float().mean()) < 0.75


def test_sample_is_seeded_and_validates():
    schedule = diffusion.NoiseSchedule(steps=25)
    model = Denoiser(dim=3, width=8, time_dim=4)
    a, _ = diffusion.sample(model, schedule=schedule, n=4, dim=3, seed=5)
    b, _ = diffusion.sample(model, schedule=schedule, n=4, dim=3, seed=5)
    assert torch.equal(a, b)
    with pytest.raises(ValueError, match="keep"):
        diffusion.sample(model, schedule=schedule, n=4, dim=3, keep=[25])
    with pytest.raises(TypeError, match="NoiseSchedule"):
        diffusion.sample(model, schedule=None, n=4, dim=3)
