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
import math
import os
from pathlib import Path

__all__ = ["METRICS", "load_results", "record_result", "results_dir"]

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
    if not isinstance(model, str) or not model:
        raise ValueError("model must be a non-empty name, e.g. 'deep MLP AE'.")
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
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise TypeError(f"{name} must be a number, got {value!r}.")
        if not math.isfinite(value):
            raise ValueError(f"{name} must be finite, got {value}.")
        row[name] = int(value) if isinstance(value, int) else float(value)
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
    if not isinstance(chapter, str) or not chapter:
        raise ValueError("chapter must be the notebook's name, e.g. '03_deep'.")
    row = _check_row(model, metrics)
    folder = results_dir()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{chapter}.json"
    rows = json.loads(path.read_text()) if path.exists() else []
    rows = [r for r in rows if r["model"] != model] + [row]
    path.write_text(json.dumps(rows, indent=1))
    return row


def load_results(chapters: list[str]) -> dict[str, list[dict]]:
    """Read the rows every chapter in ``chapters`` recorded.

    Raises
    ------
    FileNotFoundError
        If a chapter has recorded nothing (it has not been executed yet),
        naming the chapter and the folder looked in.
    """
    folder = results_dir()
    missing = [c for c in chapters if not (folder / f"{c}.json").is_file()]
    if missing:
        raise FileNotFoundError(
            f"No results from chapter(s) {missing} in {folder}. Execute those "
            "chapters first (the book build runs them in order)."
        )
    return {c: json.loads((folder / f"{c}.json").read_text()) for c in chapters}
