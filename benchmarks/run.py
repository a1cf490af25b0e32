"""Print how long each chapter takes to execute and how fast the training loop is.

Usage: ``python benchmarks/run.py [--epochs N] [--skip-chapters]
[--skip-training] [--chapters 01_pca ...] [--record LABEL]``

``--record LABEL`` also stores the chapter times in
``benchmarks/chapter_times.json`` under ``LABEL`` (e.g. "laptop CPU" or
"Colab T4 GPU"); the instructor guide shows that file as a table.

This is a benchmark, not a test: it prints figures to compare against the
course's budget (each chapter in about a minute on 2 CPU cores) and asserts
nothing about them.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import nbformat
import torch
from nbclient import NotebookClient
from torch import nn

from aeutils.data import load_fashion_mnist
from aeutils.train import fit, seed_everything

ROOT = Path(__file__).resolve().parents[1]
TIMES = ROOT / "benchmarks" / "chapter_times.json"


def time_chapters(
    names: list[str] | None = None, *, label: str | None = None, timeout: int = 600
) -> list[tuple[str, float]]:
    """Execute the chapter notebooks (all, or those named) once; return (name, seconds).

    With ``label``, each time is stored in ``chapter_times.json`` as soon as
    it is measured.
    """
    results = []
    for path in sorted((ROOT / "book").glob("*.ipynb")):
        if names and path.stem not in names:
            continue
        notebook = nbformat.read(path, as_version=4)
        client = NotebookClient(
            notebook, timeout=timeout, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}
        )
        start = time.perf_counter()
        client.execute()
        results.append((path.name, time.perf_counter() - start))
        print(f"  {path.name:<28} {results[-1][1]:6.1f} s", flush=True)
        if label:
            record(label, results[-1:])
    return results


def _mlp_autoencoder(latent_dim: int = 32) -> nn.Module:
    return nn.Sequential(
        nn.Flatten(),
        nn.Linear(784, 256), nn.ReLU(),
        nn.Linear(256, latent_dim),
        nn.Linear(latent_dim, 256), nn.ReLU(),
        nn.Linear(256, 784), nn.Sigmoid(),
        nn.Unflatten(1, (1, 28, 28)),
    )  # fmt: skip


def time_training(epochs: int) -> list[tuple[str, float]]:
    """Seconds per epoch of `fit` over the 60k training images, for two model sizes."""
    images = load_fashion_mnist("train").images
    models = {
        "linear AE 784-32-784": lambda: nn.Sequential(
            nn.Flatten(), nn.Linear(784, 32), nn.Linear(32, 784), nn.Unflatten(1, (1, 28, 28))
        ),
        "MLP AE 784-256-32-256-784": _mlp_autoencoder,
    }
    results = []
    for name, build in models.items():
        seed_everything(0)
        history = fit(build(), images, epochs=epochs, batch_size=256, progress=False)
        results.append((name, history.total_seconds / epochs))
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=3, help="epochs per training benchmark")
    parser.add_argument("--skip-chapters", action="store_true", help="only time the training loop")
    parser.add_argument("--skip-training", action="store_true", help="only time the chapters")
    parser.add_argument("--chapters", nargs="*", help="chapter stems to time (default: all)")
    parser.add_argument("--cell-timeout", type=int, default=600, help="seconds per cell")
    parser.add_argument("--record", metavar="LABEL", help=f"store chapter times in {TIMES.name}")
    args = parser.parse_args()

    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, "
          f"CUDA {'available' if torch.cuda.is_available() else 'not available'}")
    if not args.skip_training:
        print("\nTraining loop (aeutils.train.fit, 60 000 images, batch 256)")
        for name, seconds in time_training(args.epochs):
            print(f"  {name:<28} {seconds:6.2f} s/epoch")
    if not args.skip_chapters:
        print("\nChapter execution (budget: about 60 s each on 2 CPU cores)")
        time_chapters(args.chapters, label=args.record, timeout=args.cell_timeout)


def record(label: str, times: list[tuple[str, float]]) -> None:
    """Merge chapter times into ``chapter_times.json`` under ``label``."""
    table = json.loads(TIMES.read_text()) if TIMES.is_file() else {}
    table.setdefault(label, {}).update({name: round(seconds, 1) for name, seconds in times})
    TIMES.write_text(json.dumps(table, indent=1, sort_keys=True) + "\n")


if __name__ == "__main__":
    main()
