"""Sparse autoencoders as a microscope: checks for the coding exercises."""

from __future__ import annotations

import math
from collections.abc import Callable

import torch

from .feedback import Feedback, answer_tensor, run_answer

__all__ = ["check_class_entropy"]


def _toy_top_labels(seed: int, n_units: int, n_top: int, n_classes: int) -> torch.Tensor:
    """Top-image labels of some pure, some mixed and some uniform units."""
    generator = torch.Generator().manual_seed(seed)
    rows = []
    for unit in range(n_units):
        n_kinds = 1 + unit % n_classes  # unit 0 is pure, later ones mixed
        kinds = torch.randperm(n_classes, generator=generator)[:n_kinds]
        picks = torch.randint(n_kinds, (n_top,), generator=generator)
        rows.append(kinds[picks])
    return torch.stack(rows)


def _counts(top_labels: torch.Tensor, n_classes: int) -> torch.Tensor:
    one_hot = torch.nn.functional.one_hot(top_labels, n_classes)
    return one_hot.sum(dim=1).double()  # (n_units, n_classes)


def _entropy(p: torch.Tensor, log: Callable = torch.log2) -> torch.Tensor:
    return -(p * log(p.clamp_min(1e-300)) * (p > 0)).sum(dim=-1)


def _reference(top_labels: torch.Tensor, n_classes: int) -> torch.Tensor:
    counts = _counts(top_labels, n_classes)
    return _entropy(counts / counts.sum(dim=1, keepdim=True))


def _mistakes(top_labels: torch.Tensor, n_classes: int) -> dict[str, torch.Tensor]:
    counts = _counts(top_labels, n_classes)
    shares = counts / counts.sum(dim=1, keepdim=True)
    pooled = counts.sum(dim=0) / counts.sum()
    reference = _reference(top_labels, n_classes)
    return {
        "Your entropies are a factor ln 2 off: measure them in bits with "
        "torch.log2 (a unit spread evenly over 10 classes then has "
        "log2(10) = 3.32 bits).": reference * math.log(2),
        "The signs are flipped: entropy is -sum_c p_c log2 p_c, which is "
        "never negative.": -reference,
        "You used the class counts instead of the shares: divide each unit's "
        "counts by its number of top images so that they sum to 1.": _entropy(counts),
        "Every unit gets the same value: you pooled the top images of all "
        "units. Count the classes per unit (per row of top_labels).": _entropy(pooled).expand(
            len(counts)
        ),
        "You returned the purity (the share of the most common class), not "
        "the entropy.": shares.max(dim=1).values,
    }


def check_class_entropy(
    class_entropy: Callable[[torch.Tensor, int], torch.Tensor],
) -> Feedback:
    """Check ``class_entropy(top_labels, n_classes)``.

    ``top_labels`` holds the class of each unit's top-activating images,
    shape ``(n_units, n_top)``; the answer is each unit's class entropy in
    bits, ``-sum_c p_c log2 p_c`` with ``p_c`` the share of class ``c``
    among the unit's top images, shape ``(n_units,)``: 0 for a unit whose
    top images all share one class, log2(n_classes) for an even spread.
    """
    exercise = "Class entropy of top images"
    cases = [
        (_toy_top_labels(0, 12, 50, 10), 10),
        (_toy_top_labels(1, 7, 20, 4), 4),
    ]
    for top_labels, n_classes in cases:
        answer, failure = run_answer(exercise, class_entropy, top_labels.clone(), n_classes)
        if failure is not None:
            return failure
        result = answer_tensor(answer)
        if result is None:
            return Feedback(
                exercise,
                False,
                [f"Return a torch tensor, not {type(answer).__name__}."],
            )
        n_units = len(top_labels)
        if tuple(result.shape) != (n_units,):
            return Feedback(
                exercise,
                False,
                [f"Return one entropy per unit, shape ({n_units},), got "
                 f"{tuple(result.shape)}. Count the classes along each row "
                 "(dim=1) of top_labels."],
            )  # fmt: skip
        if not torch.isfinite(result).all():
            return Feedback(
                exercise,
                False,
                ["Some entropies are NaN: a class with no top image gives "
                 "0 * log2(0). Its term is 0; leave those classes out, e.g. "
                 "with torch.special.xlogy or by masking p > 0."],
            )  # fmt: skip
        expected = _reference(top_labels, n_classes)
        if torch.allclose(result, expected, rtol=1e-4, atol=1e-6):
            continue
        for message, wrong in _mistakes(top_labels, n_classes).items():
            if torch.allclose(result, wrong, rtol=1e-4, atol=1e-6):
                return Feedback(exercise, False, [message])
        return Feedback(
            exercise,
            False,
            [f"For {n_units} units your entropies are "
             f"{[round(v, 3) for v in result[:4].tolist()]}..., the reference "
             f"{[round(v, 3) for v in expected[:4].tolist()]}....",
             "Steps: count each unit's top images per class (one_hot(...).sum"
             "(dim=1)), divide by n_top, then -sum p log2 p over the classes "
             "with p > 0."],
        )  # fmt: skip
    return Feedback(
        exercise,
        True,
        ["Your entropies match the reference for pure, mixed and evenly "
         "spread units."],
    )  # fmt: skip
