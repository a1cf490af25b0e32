"""The course's numbers, gathered from the chapters that measure them.

Each chapter that trains a model calls :func:`record_result` with the numbers
it has just computed; the closing page reads them back with
:func:`load_results` and puts them in one table. Nothing is typed in twice:
the table shows what the chapters' own executions measured.

Results are JSON files, one per chapter, in ``_build/course-results/`` of the
repository (found by walking up from the working directory to
``_config.yml``), or in the folder named by ``AEUTILS_RESULTS_DIR``.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import numpy as np

from .validation import (
    validate_name,
    validate_real,
)

__all__ = ["METRICS", "record_result", "recorded_rows", "results_dir"]

ENV_VAR = "AEUTILS_RESULTS_DIR"

#: The numbers a row may carry, with what each one means.
METRICS = {
    "latent_dim": "size k of the code",
    "test_mse": "mean squared error per pixel on the test set",
    "probe_accuracy": "logistic-regression accuracy on the codes (test set)",
    "mean_auroc": "mean one-class AUROC over the ten classes",
    "psnr_gain_db": "denoising gain over the noisy input at sigma = 0.3, dB",
    "parameters": "trainable parameters",
    "train_seconds": "training time on the machine that built the book",
    "negative_elbo": "test negative ELBO per image, nats",
    "probe_train_size": "training codes the probe saw (the course protocol: "
    "probes.PROBE_TRAIN_SIZE)",
    "bytes_per_image": "compressed size of one test image, bytes",
    "psnr_db": "mean per-image PSNR of the decoded test images, dB",
    "shared_bytes": "bytes every decoder must hold (weights, tables)",
    "shirt_auroc_elbo": "AUROC with Shirt as the normal class, negative-ELBO score",
    "shirt_auroc_mse": "AUROC with Shirt as the normal class, reconstruction-MSE score",
    "frechet_distance": "Fréchet distance of generated images to the test "
    "images in a small classifier's features",
}

#: Metrics that are fractions (accuracies, AUROCs): they lie in [0, 1].
FRACTIONS = (
    "probe_accuracy",
    "mean_auroc",
    "shirt_auroc_elbo",
    "shirt_auroc_mse",
)
#: Metrics that count things: positive integers.
COUNTS = ("latent_dim", "parameters", "probe_train_size")
#: Metrics that cannot be negative.
NON_NEGATIVE = (
    "test_mse",
    "train_seconds",
    "bytes_per_image",
    "shared_bytes",
    "frechet_distance",
)


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


def _read_rows(path: Path) -> list[dict]:
    """The rows stored in ``path``, or a clear error if it is corrupt."""
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


def _check_row(model: str, metrics: dict) -> dict:
    validate_name(model, name="model", example="deep MLP AE")
    unknown = sorted(set(metrics) - set(METRICS))
    if unknown:
        raise ValueError(
            f"unknown metric(s) {unknown}; use the names in "
            f"aeutils.results.METRICS: {sorted(METRICS)}."
        )
    row = {"model": model}
    for name, value in metrics.items():
        if value is None:
            continue
        number = validate_real(value, name=name)
        row[name] = int(number) if isinstance(value, (int, np.integer)) else number
        _check_range(name, number)
    if "probe_train_size" in row and "probe_accuracy" not in row:
        raise ValueError(
            "probe_train_size describes a probe_accuracy; record both in the same row."
        )
    return row


def _check_range(name: str, value: float) -> None:
    if name in FRACTIONS and not 0 <= value <= 1:
        raise ValueError(
            f"{name} is a fraction in [0, 1], got {value}; pass an accuracy "
            "or AUROC, not a percentage."
        )
    if name in COUNTS and (not float(value).is_integer() or value < 1):
        raise ValueError(f"{name} must be a positive integer, got {value}.")
    if name in NON_NEGATIVE and value < 0:
        raise ValueError(f"{name} cannot be negative, got {value}.")


def record_result(chapter: str, model: str, **metrics: float | int | None) -> dict:
    """Record one model's numbers for the closing table.

    Parameters
    ----------
    chapter
        The chapter's notebook name without extension, e.g. ``"03_deep"``.
    model
        Row label, e.g. ``"deep MLP AE"``.
    **metrics
        Values for keys of :data:`METRICS`; ``None`` means not measured.

    Returns
    -------
    dict
        The row as stored. Recording the same model again replaces its row.
    """
    chapter = _chapter_id(chapter)
    row = _check_row(model, metrics)
    folder = results_dir()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{chapter}.json"
    rows = recorded_rows(chapter)
    rows = [r for r in rows if r["model"] != model] + [row]
    path.write_text(json.dumps(rows, indent=1))
    return row


def recorded_rows(chapter: str) -> list[dict]:
    """The rows ``chapter`` has recorded (``[]`` if none), as stored.

    Raises
    ------
    ValueError
        If ``chapter`` is not a plain chapter id, or its file is corrupt.
    """
    path = results_dir() / f"{_chapter_id(chapter)}.json"
    return _read_rows(path) if path.is_file() else []
