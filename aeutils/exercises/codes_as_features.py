"""Codes as features: checks for the coding exercises."""

from __future__ import annotations

from collections.abc import Callable

import torch

from .feedback import Feedback, run_answer

__all__ = ["check_self_retrieval"]


def _precision(codes: torch.Tensor, labels: torch.Tensor, k: int, *,
               keep_self: bool = False, extra: int = 0) -> float:
    distances = torch.cdist(codes, codes)
    if not keep_self:
        distances.fill_diagonal_(float("inf"))
    found = distances.topk(k + extra, largest=False).indices
    return float((labels[found] == labels[:, None]).double().mean())


def _data(seed: int) -> tuple[torch.Tensor, torch.Tensor]:
    generator = torch.Generator().manual_seed(seed)
    labels = torch.arange(60) % 4
    centres = 1.5 * torch.randn(4, 5, generator=generator, dtype=torch.float64)
    codes = centres[labels] + torch.randn(60, 5, generator=generator,
                                          dtype=torch.float64)
    return codes.float(), labels


def check_self_retrieval(
    precision_at_k: Callable[[torch.Tensor, torch.Tensor, int], float],
) -> Feedback:
    """Check ``precision_at_k(codes, labels, k)`` searching a set in itself.

    Every code is a query and all the *other* codes are the index: the
    answer is the share of each code's ``k`` nearest other codes (Euclidean)
    that share its label, averaged over the codes.
    """
    exercise = "leave-one-out precision at k"
    for seed, k in ((0, 5), (1, 1)):
        codes, labels = _data(seed)
        answer, failure = run_answer(
            exercise, precision_at_k, codes.clone(), labels.clone(), k
        )
        if failure is not None:
            return failure
        if isinstance(answer, torch.Tensor) and answer.numel() > 1:
            return Feedback(exercise, False, [
                f"Return one number, the mean over all queries; got a tensor "
                f"of shape {tuple(answer.shape)}. Call .mean() and float()."])
        try:
            value = float(answer)
        except (TypeError, ValueError):
            return Feedback(exercise, False, [
                f"Return a float, got {type(answer).__name__}."])
        expected = _precision(codes, labels, k)
        if abs(value - expected) < 1e-6:
            continue
        if abs(value - _precision(codes, labels, k, keep_self=True)) < 1e-6:
            return Feedback(exercise, False, [
                "Each code found itself as its own nearest neighbour (at "
                "distance 0), which always shares its label and inflates the "
                "precision. Exclude it, e.g. set the diagonal of the distance "
                "matrix to infinity before taking the k smallest."])
        if abs(value - _precision(codes, labels, k, keep_self=True,
                                  extra=1)) < 1e-6:
            return Feedback(exercise, False, [
                "You took k + 1 neighbours with the query itself among them: "
                "the query still counts as a correct neighbour. Drop the "
                "query itself, then keep k others."])
        if abs(value - _precision(codes, labels, k, extra=1)) < 1e-6:
            return Feedback(exercise, False, [
                f"With k={k} you used {k + 1} neighbours: an off-by-one."])
        return Feedback(exercise, False, [
            f"With k={k} the precision should be {expected:.4f}, got "
            f"{value:.4f}. Use Euclidean distances (torch.cdist) between "
            "all codes and the k smallest distances per row."])
    return Feedback(exercise, True, [
        "Each code's k nearest other codes, and the share of them that "
        "share its label."])
