"""Denoising diffusion (DDPM) in a small latent space.

The pieces of Ho et al. (2020) that chapter 13 uses, at a size that trains
on a CPU:

* :class:`NoiseSchedule`: the linear schedule ``beta_t`` and the products
  ``alpha_bar_t``; :meth:`NoiseSchedule.add_noise` draws ``z_t`` from
  ``q(z_t | z_0)`` in one step;
* :func:`ddpm_loss`: the simplified training loss, the squared error of the
  predicted noise, in the ``loss_fn(model, batch)`` form of
  :func:`aeutils.train.fit`;
* :class:`Denoiser`: a residual MLP that predicts the noise from
  ``(z_t, t)`` with a sinusoidal time embedding;
* :func:`sample`: ancestral sampling from ``z_T ~ N(0, I)`` down to ``z_0``,
  optionally keeping the intermediate states.

The latents are feature rows ``(N, D)``: a spatial latent ``(N, C, H, W)`` is
flattened before training and unflattened before decoding.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import torch
from torch import nn
from torch.nn import functional as F

from .validation import (
    validate_module,
    validate_positive_float,
    validate_positive_int,
)

__all__ = [
    "Denoiser",
    "NoiseSchedule",
    "ddpm_loss",
    "sample",
    "time_embedding",
]


class NoiseSchedule:
    """Linear variance schedule ``beta_1..beta_T`` and its running products.

    Parameters
    ----------
    steps
        Number of diffusion steps ``T``.
    beta_start, beta_end
        First and last ``beta_t``. ``None`` rescales Ho et al.'s
        ``1e-4 .. 0.02`` for ``T = 1000`` to ``steps`` (multiplied by
        ``1000 / steps``), so that ``alpha_bar_T`` stays close to zero.

    Attributes
    ----------
    betas, alphas, alpha_bars
        Tensors of shape ``(T,)``: ``beta_t``, ``1 - beta_t`` and
        ``prod_{s <= t} alpha_s``. Index ``t`` runs from 0 to ``T - 1``.
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
    """Sinusoidal embedding of integer steps ``t``, shape ``(N, dim)``.

    Half sines, half cosines, at frequencies from 1 down to 1/1000 per step
    (Vaswani et al. 2017's positional encoding, as in Ho et al. 2020).
    """
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
    """Ho et al.'s simplified loss: ``|| noise - model(z_t, t) ||^2``.

    One random step ``t`` and one noise draw per row; the squared error is
    averaged over rows and entries. Use it with :func:`aeutils.train.fit`
    through ``functools.partial(ddpm_loss, schedule=schedule)``.
    """
    model = validate_module(model)
    if not isinstance(schedule, NoiseSchedule):
        raise TypeError(
            f"schedule must be a NoiseSchedule, got {type(schedule).__name__}."
        )
    t = torch.randint(0, schedule.steps, (len(z0),), device=z0.device)
    noise = torch.randn_like(z0)
    z_t = schedule.add_noise(z0, t, noise)
    return F.mse_loss(model(z_t, t), noise)


def _model_device(model: nn.Module) -> torch.device:
    parameter = next(model.parameters(), None)
    return parameter.device if parameter is not None else torch.device("cpu")


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
    """Ancestral sampling (Ho et al. 2020, Algorithm 2).

    Starting from ``z_T ~ N(0, I)``, each step estimates the clean latent
    ``z0_hat = (z_t - sqrt(1 - alpha_bar_t) eps) / sqrt(alpha_bar_t)`` from
    the predicted noise ``eps``, optionally clips it to ``[-clip, clip]``,
    and draws ``z_{t-1}`` from the Gaussian ``q(z_{t-1} | z_t, z0_hat)``
    with variance ``beta_t`` (no noise at the last step). Without clipping
    this is exactly ``z_{t-1} = (z_t - beta_t / sqrt(1 - alpha_bar_t) eps)
    / sqrt(alpha_t) + sqrt(beta_t) noise``; Ho et al.'s sampler clips
    ``z0_hat`` to the data's range ([-1, 1] for their images).

    Parameters
    ----------
    model
        The noise predictor ``model(z_t, t)``; it stays on its device.
    schedule
        The schedule it was trained with.
    n, dim
        Number of samples and entries per sample.
    seed
        Seed of the sampler's own generator (the global one is untouched).
    keep
        Steps ``t`` (0 .. T-1) after which to keep a copy of the state;
        ``t = 0`` is the final sample.
    clip
        Bound on ``|z0_hat|``, or ``None`` not to clip.

    Returns
    -------
    samples, kept
        ``(n, dim)`` on the CPU, and ``{t: (n, dim)}`` for each kept step.
    """
    if not isinstance(schedule, NoiseSchedule):
        raise TypeError(
            f"schedule must be a NoiseSchedule, got {type(schedule).__name__}."
        )
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
    device = _model_device(model)
    generator = torch.Generator().manual_seed(seed)
    was_training = model.training
    model.eval()
    z = torch.randn(n, dim, generator=generator).to(device)
    kept = {}
    try:
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
    finally:
        model.train(was_training)
    return z.cpu(), kept
