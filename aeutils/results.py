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
import re
from pathlib import Path

import pandas as pd
import yaml

__all__ = [
    "METRICS",
    "chapters_with_results",
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
    "frechet_distance": "Fréchet distance of 1 000 generated images to the test "
    "images in a small classifier's features",
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


def _book_root(start: Path | None = None) -> Path:
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "_toc.yml").is_file():
            return folder
    raise FileNotFoundError(
        f"No _toc.yml in {here} or its parents; run this inside the course's "
        "repository (or pass root=)."
    )


def _toc_files(toc: dict) -> list[str]:
    files = [toc["root"]] if "root" in toc else []
    for part in toc.get("parts", []):
        files += [chapter["file"] for chapter in part.get("chapters", [])]
    return files


def chapters_with_results(root: str | os.PathLike | None = None) -> list[str]:
    """Notebook names, in book order, of the chapters that call record_result.

    The list is read from ``_toc.yml`` and the notebooks themselves, so a new
    chapter that records results joins the closing table without a change
    here. A notebook must record under its own name.

    Raises
    ------
    ValueError
        If a chapter records results under another chapter's name.
    """
    base = _book_root(None if root is None else Path(root))
    toc = yaml.safe_load((base / "_toc.yml").read_text())
    chapters = []
    for file in _toc_files(toc):
        path = base / f"{file}.ipynb"
        if not path.is_file():
            continue
        cells = json.loads(path.read_text())["cells"]
        source = "\n".join(
            "".join(c["source"]) for c in cells if c["cell_type"] == "code"
        )
        names = set(re.findall(r'record_result\(\s*"([^"]+)"', source))
        if not names:
            continue
        if names != {path.stem}:
            raise ValueError(
                f"{path.name} records results as {sorted(names)}; use its own "
                f"name, record_result({path.stem!r}, ...)."
            )
        chapters.append(path.stem)
    return chapters


def results_table(results: dict[str, list[dict]]) -> pd.DataFrame:
    """One row per recorded model, columns in :data:`METRICS` order.

    ``results`` is what :func:`load_results` returns; metrics a chapter did
    not measure are missing values (NaN).
    """
    rows = [
        {"chapter": chapter, **row}
        for chapter, chapter_rows in results.items()
        for row in chapter_rows
    ]
    if not rows:
        raise ValueError("results is empty; pass load_results(chapters).")
    table = pd.DataFrame(rows).set_index(["chapter", "model"])
    return table.reindex(columns=[m for m in METRICS if m in table.columns])
