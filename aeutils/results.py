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
from pathlib import Path

import numpy as np
import pandas as pd

from .validation import validate_mapping, validate_name, validate_real

__all__ = [
    "METRICS",
    "load_results",
    "record_result",
    "results_dir",
    "results_table",
]

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
    return row


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
    validate_name(chapter, name="chapter", example="03_deep_autoencoder")
    row = _check_row(model, metrics)
    folder = results_dir()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{chapter}.json"
    rows = json.loads(path.read_text()) if path.exists() else []
    rows = [r for r in rows if r["model"] != model] + [row]
    path.write_text(json.dumps(rows, indent=1))
    return row


def load_results(chapters: list[str] | None = None) -> dict[str, list[dict]]:
    """Read the rows every chapter in ``chapters`` recorded.

    ``chapters=None`` reads every chapter that recorded results, in the order
    of their file names (the book's order).

    Raises
    ------
    FileNotFoundError
        If a chapter has recorded nothing (it has not been executed yet),
        naming the chapter and the folder looked in.
    """
    folder = results_dir()
    if chapters is None:
        chapters = sorted(path.stem for path in folder.glob("*.json"))
    chapters = [validate_name(c, name="chapters[i]", example="03_deep_autoencoder") for c in chapters]
    missing = [c for c in chapters if not (folder / f"{c}.json").is_file()]
    if missing:
        raise FileNotFoundError(
            f"No results from chapter(s) {missing} in {folder}. Execute those "
            "chapters first (the book build runs them in order)."
        )
    return {c: json.loads((folder / f"{c}.json").read_text()) for c in chapters}


def results_table(results: dict[str, list[dict]]) -> pd.DataFrame:
    """One row per recorded model, columns in :data:`METRICS` order.

    ``results`` is what :func:`load_results` returns; metrics a chapter did
    not measure are missing values (NaN).
    """
    results = validate_mapping(results, name="results", example="{chapter: rows}")
    rows = [
        {"chapter": chapter, **row}
        for chapter, chapter_rows in results.items()
        for row in chapter_rows
    ]
    if not rows:
        raise ValueError("results is empty; pass load_results(chapters).")
    table = pd.DataFrame(rows).set_index(["chapter", "model"])
    return table.reindex(columns=[m for m in METRICS if m in table.columns])
