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
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from .probes import PROBE_TRAIN_SIZE
from .validation import (
    validate_mapping,
    validate_name,
    validate_path,
    validate_real,
)

__all__ = [
    "CLOSING_ROWS",
    "METRICS",
    "Required",
    "closing_rows",
    "read_closing_rows",
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
    chapter = validate_name(chapter, name="chapter", example="03_deep_autoencoder")
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
    rows = _read_rows(path) if path.exists() else []
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
    if isinstance(chapters, str):
        raise TypeError(
            f"chapters must be a list of chapter names, got the string "
            f"{chapters!r}; pass [{chapters!r}]."
        )
    chapters = [_chapter_id(c) for c in chapters]
    missing = [c for c in chapters if not (folder / f"{c}.json").is_file()]
    if missing:
        raise FileNotFoundError(
            f"No results from chapter(s) {missing} in {folder}. Execute those "
            "chapters first (the book build runs them in order)."
        )
    return {c: _read_rows(folder / f"{c}.json") for c in chapters}


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


@dataclass(frozen=True)
class Required:
    """One row the closing page reads: who records it and which numbers.

    ``latent_dim=None`` means the row has no code size (a JPEG file, a set
    of generated images); otherwise the recorded ``latent_dim`` must equal
    it, or, with ``latent_dim=0``, merely be recorded.
    """

    chapter: str
    model: str
    metrics: tuple[str, ...]
    latent_dim: int | None = 32


_PROBE = ("probe_accuracy", "probe_train_size")

#: The contract between the chapters and the closing page (also written out
#: in the developers' notes): every row the synthesis reads, by chapter.
CLOSING_ROWS = (
    Required("01_pca", "PCA", ("test_mse",)),
    Required("02_linear_autoencoder", "linear AE", ("test_mse",)),
    Required("03_deep_autoencoder", "MLP AE", ("test_mse", "parameters")),
    Required("04_convolutional_autoencoder", "conv AE", ("test_mse", "parameters")),
    Required(
        "05_denoising_autoencoder",
        "denoising AE",
        ("test_mse", *_PROBE, "psnr_gain_db"),
    ),
    Required("06_sparse_contractive", "sparse AE", ("test_mse", *_PROBE), 0),
    Required("07_codes_as_features", "PCA", _PROBE),
    Required("07_codes_as_features", "MLP AE", _PROBE),
    Required("07_codes_as_features", "pixels", _PROBE, 784),
    Required(
        "08_compression",
        "AE codec",
        ("bytes_per_image", "psnr_db", "shared_bytes"),
    ),
    Required("08_compression", "JPEG", ("bytes_per_image", "psnr_db"), None),
    Required("09_anomaly_images", "MLP AE", ("mean_auroc",), 0),
    Required("09_anomaly_images", "PCA", ("mean_auroc",), 0),
    Required(
        "12_variational_autoencoder",
        "VAE",
        (
            "test_mse",
            *_PROBE,
            "negative_elbo",
            "shirt_auroc_elbo",
            "shirt_auroc_mse",
        ),
        0,
    ),
    Required("13_latent_diffusion", "latent diffusion", ("frechet_distance",), None),
    Required("13_latent_diffusion", "VAE samples", ("frechet_distance",), None),
)


def _problems(required: Required, rows: list[dict]) -> list[str]:
    where = f"{required.chapter}: model={required.model!r}"
    found = [row for row in rows if row.get("model") == required.model]
    if not found:
        names = sorted(row.get("model", "?") for row in rows)
        return [f"{where} not recorded (it recorded {names})"]
    row = found[0]
    wanted = list(required.metrics)
    if required.latent_dim is not None:
        wanted.append("latent_dim")
    problems = [f"{where} lacks {m}" for m in wanted if m not in row]
    if required.latent_dim and row.get("latent_dim", required.latent_dim) != (
        required.latent_dim
    ):
        problems.append(
            f"{where} has latent_dim={row['latent_dim']}, the closing page "
            f"compares at k = {required.latent_dim}"
        )
    size = row.get("probe_train_size", PROBE_TRAIN_SIZE)
    if size != PROBE_TRAIN_SIZE:
        problems.append(
            f"{where} probed on {size} training codes; the course protocol "
            f"uses probes.PROBE_TRAIN_SIZE = {PROBE_TRAIN_SIZE}"
        )
    return problems


def closing_rows(
    results: dict[str, list[dict]],
    *,
    required: tuple[Required, ...] = CLOSING_ROWS,
    pending: tuple[str, ...] | list[str] = (),
) -> pd.DataFrame:
    """The rows of ``required``, checked, one per (chapter, model).

    Parameters
    ----------
    results
        What :func:`load_results` returns.
    required
        The contract; by default :data:`CLOSING_ROWS`.
    pending
        Chapters not written yet (no notebook in the book): their rows may
        be missing. Every other chapter of ``required`` must have recorded
        every row and metric it owes.

    Returns
    -------
    pandas.DataFrame
        Index (chapter, model); ``latent_dim`` and the required metrics as
        columns in :data:`METRICS` order; only the required metrics of each
        row are filled in. Rows of pending chapters are left out.

    Raises
    ------
    ValueError
        Listing every missing chapter, row or metric, and every probe that
        did not follow the course protocol.
    """
    results = validate_mapping(
        results, name="results", example="{chapter: rows} from load_results"
    )
    unknown = sorted(set(pending) - {r.chapter for r in required})
    if unknown:
        raise ValueError(f"pending chapters {unknown} are not in required.")
    problems, rows = [], []
    for need in required:
        if need.chapter not in results:
            if need.chapter not in pending:
                problems.append(f"{need.chapter}: recorded nothing")
            continue
        chapter_rows = results[need.chapter]
        found = _problems(need, chapter_rows)
        if found:
            problems += found
            continue
        row = next(r for r in chapter_rows if r["model"] == need.model)
        keep = [*need.metrics, "latent_dim"]
        rows.append(
            {"chapter": need.chapter, "model": need.model}
            | {m: row[m] for m in keep if m in row}
        )
    if problems:
        raise ValueError(
            "The closing page needs rows the chapters have not recorded "
            "(record_result calls; see aeutils.results.CLOSING_ROWS):\n  "
            + "\n  ".join(problems)
        )
    columns = [m for m in METRICS if any(m in row for row in rows)]
    table = pd.DataFrame(rows, columns=["chapter", "model", *columns])
    return table.set_index(["chapter", "model"])


def read_closing_rows(book: str | os.PathLike = ".") -> pd.DataFrame:
    """Load and check the rows of :data:`CLOSING_ROWS` for the closing page.

    Parameters
    ----------
    book
        The folder of the book's notebooks. A chapter of the contract with
        no notebook there is not written yet: its rows may be missing, and
        ``table.attrs["pending"]`` lists it. Every chapter whose notebook is
        there must have recorded all it owes.

    Returns
    -------
    pandas.DataFrame
        What :func:`closing_rows` returns.

    Raises
    ------
    FileNotFoundError
        If a written chapter recorded nothing (it was not executed).
    ValueError
        If a chapter's rows or metrics are missing (see :func:`closing_rows`).
    """
    folder = validate_path(book, name="book")
    if not folder.is_dir():
        raise FileNotFoundError(f"book={str(folder)!r} is not a folder.")
    chapters = sorted({need.chapter for need in CLOSING_ROWS})
    pending = [c for c in chapters if not (folder / f"{c}.ipynb").is_file()]
    recorded = load_results([c for c in chapters if c not in pending])
    for chapter in pending:  # recorded by a copy of the chapter elsewhere
        if (results_dir() / f"{chapter}.json").is_file():
            recorded |= load_results([chapter])
    pending = [c for c in pending if c not in recorded]
    table = closing_rows(recorded, pending=pending)
    table.attrs["pending"] = pending
    return table
