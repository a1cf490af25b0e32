"""Denoising diffusion (DDPM, Ho et al. 2020) in a small latent space.

:class:`NoiseSchedule` (``beta_t``, ``alpha_bar_t``, one-step noising),
:func:`ddpm_loss` (a ``loss_fn`` for :func:`aeutils.train.fit`),
:class:`Denoiser` (a residual MLP with a time embedding) and :func:`sample`
(ancestral sampling). Latents are feature rows ``(N, D)``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import torch
from torch import nn
from torch.nn import functional as F

from .train import device_of, evaluation_mode
from .validation import (
    validate_instance,
    validate_module,
    validate_positive_float,
    validate_positive_int,
    validate_seed,
)

__all__ = [
    "Denoiser",
    "NoiseSchedule",
    "ddpm_loss",
    "sample",
    "time_embedding",
]


class NoiseSchedule:
    """Linear schedule ``beta_t`` over ``steps`` and its products.

    ``beta_start``/``beta_end`` default to Ho et al.'s ``1e-4 .. 0.02``
    times ``1000 / steps``. Attributes ``betas``, ``alphas`` and
    ``alpha_bars`` have shape ``(T,)``, indexed ``0 .. T - 1``.
    """

    def __init__(
        self,
        steps: int = 1000,
        *,
        beta_start: float | None = None,
        beta_end: float | None = None,
    ) -> None:
        self.steps = validate_positive_int(steps, name="steps")
        ratio = 1000.0 / self.steps
        start = 1e-4 * ratio if beta_start is None else beta_start
        end = 0.02 * ratio if beta_end is None else beta_end
        start = validate_positive_float(start, name="beta_start")
        end = validate_positive_float(end, name="beta_end")
        if not start <= end < 1:
            raise ValueError(
                f"need 0 < beta_start <= beta_end < 1, got beta_start={start:g}"
                f", beta_end={end:g}; with few steps pass a smaller beta_end."
            )
        self.betas = torch.linspace(start, end, self.steps)
        self.alphas = 1.0 - self.betas
        self.alpha_bars = torch.cumprod(self.alphas, dim=0)

    def __repr__(self) -> str:
        return (
            f"NoiseSchedule(steps={self.steps}, beta_start="
            f"{float(self.betas[0]):.3g}, beta_end={float(self.betas[-1]):.3g})"
        )

    def add_noise(
        self, z0: torch.Tensor, t: torch.Tensor, noise: torch.Tensor
    ) -> torch.Tensor:
        """``z_t = sqrt(alpha_bar_t) z_0 + sqrt(1 - alpha_bar_t) noise``.

        ``z0`` and ``noise`` have the same shape ``(N, ...)``; ``t`` holds
        one integer step per row, shape ``(N,)``.
        """
        if z0.shape != noise.shape:
            raise ValueError(
                f"z0 and noise must have the same shape, got "
                f"{tuple(z0.shape)} and {tuple(noise.shape)}."
            )
        if t.shape != (len(z0),):
            raise ValueError(
                f"t must hold one step per row, shape ({len(z0)},), got "
                f"{tuple(t.shape)}."
            )
        if t.is_floating_point() or int(t.min()) < 0 or int(t.max()) >= self.steps:
            raise ValueError(
                f"t must hold integer steps in [0, {self.steps - 1}]."
            )
        alpha_bar = self.alpha_bars.to(z0.device)[t]
        alpha_bar = alpha_bar.view(-1, *([1] * (z0.ndim - 1)))
        return alpha_bar.sqrt() * z0 + (1 - alpha_bar).sqrt() * noise


def time_embedding(t: torch.Tensor, dim: int) -> torch.Tensor:
    """Sinusoidal embedding ``(N, dim)`` of integer steps ``t``: half sines,
    half cosines, frequencies 1 .. 1/1000 (Vaswani et al. 2017)."""
    half = validate_positive_int(dim, name="dim") // 2
    frequencies = torch.exp(
        -math.log(1000.0) * torch.arange(half, device=t.device) / half
    )
    angles = t.float()[:, None] * frequencies[None]
    return torch.cat([angles.sin(), angles.cos()], dim=1)


class Denoiser(nn.Module):
    """Residual MLP that predicts the noise in z_t from (z_t, t)."""

    def __init__(self, dim=196, width=256, depth=2, time_dim=64):
        super().__init__()
        if min(dim, width, depth) < 1 or time_dim < 2 or time_dim % 2:
            raise ValueError(
                f"need dim, width, depth >= 1 and an even time_dim >= 2, "
                f"got {dim=}, {width=}, {depth=}, {time_dim=}."
            )
        self.time_dim = time_dim
        self.embed = nn.Linear(dim, width)
        self.time = nn.Linear(time_dim, width)
        self.blocks = nn.ModuleList(
            nn.Linear(width, width) for _ in range(depth)
        )
        self.out = nn.Linear(width, dim)

    def forward(self, z, t):
        h = self.embed(z) + self.time(time_embedding(t, self.time_dim))
        for block in self.blocks:
            h = h + block(F.silu(h))  # residual: a linear path end to end
        return self.out(h)


def ddpm_loss(
    model: nn.Module, z0: torch.Tensor, *, schedule: NoiseSchedule
) -> torch.Tensor:
    """Ho et al.'s simplified loss ``|| noise - model(z_t, t) ||^2``, one
    random step per row; pass ``partial(ddpm_loss, schedule=schedule)``."""
    model = validate_module(model)
    _check_schedule(schedule)
    t = torch.randint(0, schedule.steps, (len(z0),), device=z0.device)
    noise = torch.randn_like(z0)
    z_t = schedule.add_noise(z0, t, noise)
    return F.mse_loss(model(z_t, t), noise)


def _check_schedule(schedule: object) -> NoiseSchedule:
    return validate_instance(schedule, NoiseSchedule, name="schedule",
                             example="NoiseSchedule(steps=100)")


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
    n, dim
        Number of samples and entries per sample.
    seed
        Seed of the sampler's own generator (the global one is untouched).
    keep
        Steps ``t`` after which to keep the state (``0``: the final sample).
    clip
        Bound on ``|z0_hat|``, or ``None``.

    Returns
    -------
    samples, kept
        ``(n, dim)`` on the CPU, and ``{t: (n, dim)}`` for each kept step.
    """
    model = validate_module(model)
    _check_schedule(schedule)
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
            z0_hat = (z - math.sqrt(1 - alpha_bar) * noise_hat) / math.sqrt(
                alpha_bar
            )
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
