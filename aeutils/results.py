"""Record a chapter's numbers for the course's closing page.

A chapter that measures a model calls :func:`record_result` (in a hidden
cell) with the numbers it has just computed; the course tooling
(``course.results``) reads them back into the closing table, so nothing is
typed in twice. Results are JSON files, one per chapter, in
``_build/course-results/`` of the repository (found by walking up from the
working directory to ``_config.yml``), or in ``AEUTILS_RESULTS_DIR``.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import numpy as np

from .validation import validate_name, validate_real

__all__ = ["METRIC_KINDS", "record_result", "recorded_rows", "results_dir"]

ENV_VAR = "AEUTILS_RESULTS_DIR"

#: The numbers a row may carry, by kind: a ``fraction`` (an accuracy, an
#: AUROC) lies in [0, 1], a ``count`` is a positive integer, a ``size`` (an
#: error, seconds, bytes, a distance) is not negative; ``real`` is any.
METRIC_KINDS = {
    "latent_dim": "count",
    "test_mse": "size",
    "probe_accuracy": "fraction",
    "mean_auroc": "fraction",
    "psnr_gain_db": "real",
    "parameters": "count",
    "train_seconds": "size",
    "negative_elbo": "real",
    "probe_train_size": "count",
    "bytes_per_image": "size",
    "psnr_db": "real",
    "shared_bytes": "size",
    "shirt_auroc_elbo": "fraction",
    "shirt_auroc_mse": "fraction",
    "frechet_distance": "size",
}
def results_dir() -> Path:
    """Folder the results are written to and read from."""
    if os.environ.get(ENV_VAR):
        return Path(os.environ[ENV_VAR])
    here = Path.cwd().resolve()
    for folder in (here, *here.parents):
        if (folder / "_config.yml").is_file():
            return folder / "_build" / "course-results"
    return here / "course-results"


def _chapter_id(chapter: object) -> str:
    """A plain chapter id such as ``03_deep_autoencoder``: never a path."""
    chapter = validate_name(
        chapter, name="chapter", example="03_deep_autoencoder"
    )
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_-]*", chapter):
        raise ValueError(
            f"chapter must be a notebook's file name without extension, "
            f"e.g. '03_deep_autoencoder' (letters, digits, _ and -), got "
            f"{chapter!r}; a path could write outside the results folder."
        )
    return chapter


def _check_kind(name: str, number: float) -> None:
    kind = METRIC_KINDS[name]
    if kind == "fraction" and not 0 <= number <= 1:
        raise ValueError(
            f"{name} is a fraction in [0, 1], got {number}; pass an accuracy "
            "or AUROC, not a percentage."
        )
    if kind == "count" and (not number.is_integer() or number < 1):
        raise ValueError(f"{name} must be a positive integer, got {number}.")
    if kind == "size" and number < 0:
        raise ValueError(f"{name} cannot be negative, got {number}.")


def _check_row(model: str, metrics: dict) -> dict:
    validate_name(model, name="model", example="deep MLP AE")
    unknown = sorted(set(metrics) - set(METRIC_KINDS))
    if unknown:
        raise ValueError(
            f"unknown metric(s) {unknown}; use the names in "
            f"aeutils.results.METRIC_KINDS: {sorted(METRIC_KINDS)}."
        )
    row = {"model": model}
    for name, value in metrics.items():
        if value is None:
            continue
        number = validate_real(value, name=name)
        _check_kind(name, number)
        integer = isinstance(value, (int, np.integer))
        row[name] = int(number) if integer else number
    if "probe_train_size" in row and "probe_accuracy" not in row:
        raise ValueError(
            "probe_train_size describes a probe_accuracy; record both in "
            "the same row."
        )
    return row


def record_result(
    chapter: str, model: str, **metrics: float | int | None
) -> dict:
    """Record one model's numbers for the closing table.

    Parameters
    ----------
    chapter
        The chapter's notebook name without extension, e.g. ``"03_deep"``.
    model
        Row label, e.g. ``"deep MLP AE"``.
    **metrics
        Values for keys of :data:`METRIC_KINDS`; ``None``: not measured.

    Returns
    -------
    dict
        The row as stored. Recording the same model again replaces its row.
    """
    chapter = _chapter_id(chapter)
    row = _check_row(model, metrics)
    rows = [r for r in recorded_rows(chapter) if r["model"] != model]
    folder = results_dir()
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{chapter}.json").write_text(json.dumps([*rows, row], indent=1))
    return row


def recorded_rows(chapter: str) -> list[dict]:
    """The rows ``chapter`` has recorded (``[]`` if none), as stored.

    Raises ``ValueError`` if ``chapter`` is not a plain chapter id or its
    file is corrupt.
    """
    path = results_dir() / f"{_chapter_id(chapter)}.json"
    if not path.is_file():
        return []
    try:
        rows = json.loads(path.read_text())
        problem = "not a list of rows with a 'model'"
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        rows, problem = None, f"not JSON: {error}"
    if not isinstance(rows, list) or not all(
        isinstance(row, dict) and "model" in row for row in rows
    ):
        raise ValueError(
            f"The results file {path} is corrupt ({problem}); delete it and "
            "execute its chapter again to record its rows anew."
        )
    return rows
