"""Denoising diffusion (DDPM, Ho et al. 2020) in a small latent space: the
noise schedule, the time embedding of a noise predictor and the ancestral
sampler. Chapter 13 defines the loss and the denoiser itself. Latents are
feature rows ``(N, D)``."""

from __future__ import annotations

import math
from collections.abc import Sequence

import torch
from torch import nn

from .train import device_of, evaluation_mode
from .validation import (
    validate_instance,
    validate_integer,
    validate_module,
    validate_positive_float,
    validate_positive_int,
    validate_seed,
)

__all__ = ["NoiseSchedule", "sample", "time_embedding"]


class NoiseSchedule:
    """Ho et al.'s linear schedule ``beta_t`` stretched to ``steps``.

    ``beta_t`` rises from ``1e-4`` to ``0.02`` times ``1000 / steps``, so
    ``steps`` must be at least 21 (``beta_t < 1``). ``betas`` and
    ``alpha_bars`` (products of ``1 - beta_s`` for ``s <= t``) have shape
    ``(T,)``, indexed ``0 .. T - 1``.
    """

    def __init__(self, steps: int = 1000) -> None:
        self.steps = validate_integer(steps, name="steps", low=21)
        ratio = 1000.0 / self.steps
        self.betas = torch.linspace(1e-4 * ratio, 0.02 * ratio, self.steps)
        self.alpha_bars = torch.cumprod(1.0 - self.betas, dim=0)

    def __repr__(self) -> str:
        return (
            f"NoiseSchedule(steps={self.steps}, beta_start="
            f"{float(self.betas[0]):.3g}, beta_end={float(self.betas[-1]):.3g})"
        )


def time_embedding(t: torch.Tensor, dim: int) -> torch.Tensor:
    """Sinusoidal embedding ``(N, dim)`` of integer steps ``t``: half sines,
    half cosines, frequencies 1 .. 1/1000 (Vaswani et al. 2017)."""
    half = validate_positive_int(dim, name="dim") // 2
    exponents = -math.log(1000.0) * torch.arange(half, device=t.device)
    frequencies = torch.exp(exponents / half)
    angles = t.float()[:, None] * frequencies[None]
    return torch.cat([angles.sin(), angles.cos()], dim=1)


@torch.no_grad()
def sample(
    model: nn.Module,
    *,
    schedule: NoiseSchedule,
    n: int,
    dim: int,
    seed: int = 0,
    keep: Sequence[int] = (),
    clip: float | None = None,
) -> tuple[torch.Tensor, dict[int, torch.Tensor]]:
    """Ancestral sampling (Ho et al. 2020, Algorithm 2) from ``z_T ~ N(0, I)``.

    Each step estimates ``z0_hat`` from the predicted noise, clips it to
    ``[-clip, clip]`` unless ``clip`` is ``None``, and draws ``z_{t-1}`` from
    ``q(z_{t-1} | z_t, z0_hat)`` (no noise at the last step).

    Parameters
    ----------
    model, schedule
        The noise predictor ``model(z_t, t)`` (it stays on its device) and
        the schedule it was trained with.
    seed
        Seed of the sampler's own generator (the global one is untouched).
    keep
        Steps ``t`` after which to keep the state (``0``: the final sample).

    Returns
    -------
    samples, kept
        ``(n, dim)`` on the CPU, and ``{t: (n, dim)}`` for each kept step.
    """
    model = validate_module(model)
    validate_instance(schedule, NoiseSchedule, name="schedule",
                      example="NoiseSchedule(steps=100)")
    seed = validate_seed(seed)
    n = validate_positive_int(n, name="n")
    dim = validate_positive_int(dim, name="dim")
    if clip is not None:
        clip = validate_positive_float(clip, name="clip")
    keep = {int(t) for t in keep}
    if keep and not keep <= set(range(schedule.steps)):
        raise ValueError(
            f"keep must list steps between 0 and {schedule.steps - 1}, got "
            f"{sorted(keep)}."
        )
    device = device_of(model)
    generator = torch.Generator().manual_seed(seed)
    z = torch.randn(n, dim, generator=generator).to(device)
    kept = {}
    with evaluation_mode(model):
        for t in reversed(range(schedule.steps)):
            beta = float(schedule.betas[t])
            alpha_bar = float(schedule.alpha_bars[t])
            previous = float(schedule.alpha_bars[t - 1]) if t > 0 else 1.0
            noise_hat = model(z, torch.full((n,), t, device=device))
            z0_hat = z - math.sqrt(1 - alpha_bar) * noise_hat
            z0_hat = z0_hat / math.sqrt(alpha_bar)
            if clip is not None:
                z0_hat = z0_hat.clamp(-clip, clip)
            z = (
                math.sqrt(previous) * beta * z0_hat
                + math.sqrt(1 - beta) * (1 - previous) * z
            ) / (1 - alpha_bar)
            if t > 0:
                fresh = torch.randn(n, dim, generator=generator).to(device)
                z = z + math.sqrt(beta) * fresh
            if t in keep:
                kept[t] = z.cpu()
    return z.cpu(), kept
