"""Results gathering for the closing page (book/14_course_results).

The chapters record their numbers with :func:`aeutils.results.record_result`;
this module knows the book: the chapters, read from ``_toc.yml``, that call
``record_result`` (:func:`chapters_with_results`), reading what they
recorded (:func:`load_results`, :func:`results_table`), and the contract of
the rows the closing page reads (:data:`CLOSING_ROWS`,
:func:`read_closing_rows`).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

import pandas as pd

from aeutils.probes import PROBE_TRAIN_SIZE
from aeutils.results import recorded_rows, results_dir
from aeutils.validation import validate_mapping, validate_path

from .notebooks import chapters, read_notebook, source

__all__ = [
    "CLOSING_ROWS",
    "METRICS",
    "Required",
    "chapters_with_results",
    "closing_rows",
    "load_results",
    "read_closing_rows",
    "results_table",
]


#: What each recorded number means (the keys and order of
#: :data:`aeutils.results.METRIC_KINDS`, which record_result checks).
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
    "shirt_auroc_elbo": "AUROC with Shirt as the normal class, "
    "negative-ELBO score",
    "shirt_auroc_mse": "AUROC with Shirt as the normal class, "
    "reconstruction-MSE score",
    "frechet_distance": "Fréchet distance of generated images to the test "
    "images in a small classifier's features",
}


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
    found = []
    for path in chapters(root):
        notebook = read_notebook(path)
        code = "\n".join(
            source(c) for c in notebook["cells"] if c["cell_type"] == "code"
        )
        names = set(re.findall(r'record_result\(\s*"([^"]+)"', code))
        if not names:
            continue
        if names != {path.stem}:
            raise ValueError(
                f"{path.name} records results as {sorted(names)}; use its own "
                f"name, record_result({path.stem!r}, ...)."
            )
        found.append(path.stem)
    return found


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
    recorded = {c: recorded_rows(c) for c in chapters}
    missing = [c for c, rows in recorded.items() if not rows]
    if missing:
        raise FileNotFoundError(
            f"No results from chapter(s) {missing} in {folder}. Execute those "
            "chapters first (the book build runs them in order)."
        )
    return recorded


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
            "(record_result calls; see course.results.CLOSING_ROWS):\n  "
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
