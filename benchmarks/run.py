"""Benchmark the course: chapters, the whole book, the training loop, quality.

Usage: ``python benchmarks/run.py [--skip-chapters] [--skip-book] [--epochs N]
[--json PATH] [--record LABEL]`` (``make benchmark`` runs everything;
``make benchmark RECORD=LABEL`` records).
``--record LABEL`` also stores the chapter times in ``benchmarks/chapter_times.json``
under ``LABEL``; the intro's chapter map and the instructor guide show them.

Prints one table per part and writes all figures to JSON
(``_build/benchmark.json`` by default):

0. the stages of the last ``make test`` (``_build/stages.json``, written by
   ``course/stages.py``) and each notebook's seconds under nbval in it;
1. each chapter notebook in ``book/`` executed on its own: seconds and peak
   memory (largest resident set of the kernel), against the 60 s goal;
2. the whole book built from scratch (``jupyter-book build``, -W) into a
   temporary folder: seconds and peak memory, against the 12 minute goal;
3. the training loop (``aeutils.train.fit``) against a conventional PyTorch
   pipeline on the same 784-512-256-32 MLP autoencoder, batch 256: a
   torchvision ``FashionMNIST`` with ``ToTensor`` through a ``DataLoader``,
   as in the official examples. Seconds per epoch, the ratio, and each
   loop's fraction of the machine's measured sgemm peak;
4. the course's quality figures recorded by the chapters
   (``aeutils.results``) next to the published anchors they quote.

This is a benchmark, not a test: it asserts nothing. Timings on a shared
machine are noisy; the machine and its load average are printed with them.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # the course tooling (course/), not installed

from course import stages  # noqa: E402

# Chapter times per machine, shown in the intro's chapter map and the
# instructor guide.
TIMES = ROOT / "benchmarks" / "chapter_times.json"
# The last `make test`: its stages and each notebook's seconds under nbval.
LAST_TEST = ROOT / "_build" / "stages.json"
CHAPTER_GOAL_S = stages.CHAPTER_BUDGET_S
BOOK_GOAL_S = 720.0
PEAK_GOAL = 0.75
LAYERS = (784, 512, 256, 32)
BATCH = 256

# Published anchors for the quality figures (see the chapters and
# shared reference numbers): (anchor, source).
ANCHORS = {
    "linear AE / PCA test MSE": (1.0, "Baldi & Hornik 1989: the optimum is PCA's subspace"),
    "largest principal angle (deg)": (0.0, "Baldi & Hornik 1989: same subspace"),
    "deep AE / PCA test MSE": (0.0132 / 0.0151, "Géron 3e ch. 17 (0.0132) / PCA-32 (0.0151)"),
    "psnr_gain_db": (None, "no published anchor for this setting"),
    "probe_accuracy": (0.883, "Fashion-MNIST README, MLP classifier on pixels"),
    "mean_auroc": (0.917, "CAE + OC-SVM (Golan & El-Yaniv 2018); GEOM 0.935"),
    "negative_elbo": (104.0, "MLP VAE on MNIST, 10 epochs (flax example)"),
}


# ---------------------------------------------------------------- machine


def machine() -> dict:
    import torch

    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "torch_threads": torch.get_num_threads(),
        "torch": torch.__version__,
        "cuda": torch.cuda.get_device_name(0) if torch.cuda.is_available() else None,
        "load_average_1m": round(os.getloadavg()[0], 2),
        "date_utc": time.strftime("%Y-%m-%d %H:%M", time.gmtime()),
    }


# ---------------------------------------------------------------- chapters


def _execute_one(path: str) -> None:
    """Child process: execute one notebook, print seconds and peak RSS as JSON."""
    import nbformat
    from nbclient import NotebookClient

    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(
        notebook,
        timeout=600,
        kernel_name="python3",
        resources={"metadata": {"path": str(Path(path).parent)}},
    )
    start = time.perf_counter()
    client.execute()
    seconds = time.perf_counter() - start
    peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    print(json.dumps({"seconds": seconds, "peak_mib": peak_kib / 1024}))


def _run_measured(command: list[str], env: dict) -> tuple[float, float, str]:
    """Run ``command`` in a fresh process; seconds, peak MiB of its largest process."""
    wrapper = (
        "import resource, subprocess, sys, time\n"
        "start = time.perf_counter()\n"
        "code = subprocess.call(sys.argv[1:])\n"
        "peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024\n"
        "print(f'@@ {time.perf_counter() - start} {peak} {code}')\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", wrapper, *command],
        capture_output=True, text=True, env=env, cwd=ROOT,
    )
    last = [line for line in result.stdout.splitlines() if line.startswith("@@ ")][-1]
    _, seconds, peak, code = last.split()
    if code != "0":
        raise RuntimeError(f"{command} failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
    return float(seconds), float(peak), result.stdout


def time_chapters(results_dir: Path) -> list[dict]:
    """Execute every chapter notebook in a fresh kernel, in order."""
    env = {**os.environ, "AEUTILS_RESULTS_DIR": str(results_dir)}
    rows = []
    for path in sorted((ROOT / "book").glob("*.ipynb")):
        out = subprocess.run(
            [sys.executable, __file__, "--execute-one", str(path)],
            capture_output=True, text=True, env=env, cwd=ROOT,
        )
        if out.returncode != 0:
            raise RuntimeError(f"{path.name} failed:\n{out.stderr[-3000:]}")
        figures = json.loads(out.stdout.strip().splitlines()[-1])
        rows.append({"chapter": path.name, **figures,
                     "within_goal": figures["seconds"] <= CHAPTER_GOAL_S})
        print(f"  {path.name:<34} {figures['seconds']:7.1f} s {figures['peak_mib']:8.0f} MiB",
              flush=True)
    return rows


def record(label: str, times: list[tuple[str, float]]) -> None:
    """Merge chapter times into ``chapter_times.json`` under ``label``."""
    table = json.loads(TIMES.read_text()) if TIMES.is_file() else {}
    table.setdefault(label, {}).update({name: round(seconds, 1) for name, seconds in times})
    TIMES.write_text(json.dumps(table, indent=1, sort_keys=True) + "\n")


def time_book() -> dict:
    """Build the whole book from scratch (-W) in a temporary folder."""
    output = Path(tempfile.mkdtemp(prefix="benchmark-book-"))
    try:
        jupyter_book = str(Path(sys.executable).with_name("jupyter-book"))
        seconds, peak, _ = _run_measured(
            [jupyter_book, "build", ".", "--warningiserror", "--keep-going",
             "--path-output", str(output)],
            env={**os.environ, "AEUTILS_RESULTS_DIR": str(output / "results")},
        )
    finally:
        shutil.rmtree(output, ignore_errors=True)
    return {"seconds": seconds, "peak_mib": peak, "within_goal": seconds <= BOOK_GOAL_S}


# ---------------------------------------------------------------- training loop


def _mlp_autoencoder():
    from torch import nn

    encoder, decoder = [nn.Flatten()], []
    for a, b in zip(LAYERS, LAYERS[1:]):
        encoder += [nn.Linear(a, b), nn.ReLU()]
    encoder.pop()  # linear code
    widths = LAYERS[::-1]
    for a, b in zip(widths, widths[1:]):
        decoder += [nn.Linear(a, b), nn.ReLU()]
    decoder[-1] = nn.Sigmoid()
    return nn.Sequential(*encoder, *decoder, nn.Unflatten(1, (1, 28, 28)))


def _flops_per_epoch(n_images: int) -> float:
    """Multiply-add FLOPs of one epoch: forward 2·N·Σ(in·out), backward twice
    that, minus the input gradient of the first layer (not needed)."""
    widths = LAYERS + LAYERS[-2::-1]
    macs = sum(a * b for a, b in zip(widths, widths[1:]))
    return 2 * n_images * (3 * macs - LAYERS[0] * LAYERS[1])


def sgemm_peak(device) -> float:
    """Best FLOP/s of float32 matrix multiplies the size of the MLP's layers."""
    import torch

    shapes = [(BATCH, 784, 512), (BATCH, 512, 784), (784, BATCH, 512), (1024, 1024, 1024)]
    best = 0.0
    for m, k, n in shapes:
        a = torch.randn(m, k, device=device)
        b = torch.randn(k, n, device=device)
        for _ in range(3):
            a @ b
        repeats = 50 if device.type == "cpu" else 500
        for _ in range(3):
            _sync(device)
            start = time.perf_counter()
            for _ in range(repeats):
                a @ b
            _sync(device)
            best = max(best, 2 * m * k * n * repeats / (time.perf_counter() - start))
    return best


def _sync(device) -> None:
    import torch

    if device.type == "cuda":
        torch.cuda.synchronize()


def _torchvision_root() -> Path:
    """Folder with the raw Fashion-MNIST files where torchvision expects them."""
    from aeutils.data import FASHION_MNIST, find_dataset_dir

    source = find_dataset_dir(FASHION_MNIST, download=False)
    root = Path(tempfile.mkdtemp(prefix="benchmark-torchvision-"))
    raw = root / "FashionMNIST" / "raw"
    raw.mkdir(parents=True)
    for name in FASHION_MNIST.files.values():
        packed, plain = source / f"{name}.gz", source / name
        data = gzip.decompress(packed.read_bytes()) if packed.exists() else plain.read_bytes()
        (raw / name).write_bytes(data)
    return root


def conventional_epoch_seconds(epochs: int, device) -> float:
    """The official examples' pipeline: torchvision dataset, ToTensor, DataLoader."""
    import torch
    from torch.nn import functional as F
    from torchvision import datasets, transforms

    from aeutils.train import seed_everything

    root = _torchvision_root()
    try:
        dataset = datasets.FashionMNIST(root, train=True, transform=transforms.ToTensor())
        loader = torch.utils.data.DataLoader(dataset, batch_size=BATCH, shuffle=True)
        seed_everything(0)
        model = _mlp_autoencoder().to(device)
        optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
        times = []
        for _ in range(epochs):
            start = time.perf_counter()
            for index, (images, _) in enumerate(loader):
                images = images.to(device)
                optimizer.zero_grad()
                loss = F.mse_loss(model(images), images)
                loss.backward()
                optimizer.step()
                if index % 100 == 0:
                    loss.item()  # the examples log every log_interval batches
            _sync(device)
            times.append(time.perf_counter() - start)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    return min(times)


def aeutils_epoch_seconds(epochs: int, device) -> float:
    from aeutils.data import load_fashion_mnist
    from aeutils.train import fit, seed_everything

    images = load_fashion_mnist("train").images
    seed_everything(0)
    history = fit(_mlp_autoencoder(), images, epochs=epochs, batch_size=BATCH,
                  device=device, progress=False)
    return min(history.epoch_seconds)


def time_training(epochs: int) -> list[dict]:
    import torch

    devices = [torch.device("cpu")]
    if torch.cuda.is_available():
        devices.append(torch.device("cuda"))
    rows = []
    for device in devices:
        peak = sgemm_peak(device)
        flops = _flops_per_epoch(60_000)
        ours = aeutils_epoch_seconds(epochs, device)
        theirs = conventional_epoch_seconds(epochs, device)
        rows.append({
            "device": str(device),
            "model": "-".join(map(str, LAYERS)) + " MLP AE",
            "batch": BATCH,
            "sgemm_peak_gflops": peak / 1e9,
            "aeutils_epoch_s": ours,
            "conventional_epoch_s": theirs,
            "speedup": theirs / ours,
            "aeutils_fraction_of_peak": flops / ours / peak,
            "conventional_fraction_of_peak": flops / theirs / peak,
            "max_speedup_at_peak": theirs / (flops / peak),
        })
    return rows


# ---------------------------------------------------------------- quality


def quality_figures(results_dir: Path) -> list[dict]:
    """Rows recorded by the chapters, with ratios to PCA and the anchors."""
    rows = []
    recorded = {p.stem: json.loads(p.read_text()) for p in sorted(results_dir.glob("*.json"))}
    pca_mse = {
        r.get("latent_dim"): r["test_mse"]
        for chapter in recorded.values() for r in chapter
        if r["model"].lower().startswith("pca") and "test_mse" in r
    }
    for chapter, chapter_rows in recorded.items():
        for row in chapter_rows:
            baseline = pca_mse.get(row.get("latent_dim"))
            if "test_mse" in row and baseline and not row["model"].lower().startswith("pca"):
                kind = "linear" if "linear" in row["model"].lower() else "deep"
                figure = f"{kind} AE / PCA test MSE"
                anchor, source = ANCHORS[figure]
                rows.append({"chapter": chapter, "model": row["model"], "figure": "MSE / PCA",
                             "value": row["test_mse"] / baseline, "anchor": anchor,
                             "source": source})
    for chapter, chapter_rows in recorded.items():
        path = Path(chapter)
        for row in chapter_rows:
            for metric, value in row.items():
                if metric in ("model", "train_seconds", "parameters", "latent_dim"):
                    continue
                anchor, source = ANCHORS.get(metric, (None, ""))
                rows.append({"chapter": path.name, "model": row["model"], "figure": metric,
                             "value": value, "anchor": anchor, "source": source})
    return rows


# ---------------------------------------------------------------- make test


def last_test_run(path: Path = LAST_TEST) -> dict | None:
    """The stages and nbval notebook seconds of the last ``make test``."""
    if not path.is_file():
        return None
    return json.loads(path.read_text())


def _print_last_test(run: dict | None) -> None:
    if run is None:
        print(f"\nLast `make test`: none recorded ({LAST_TEST.relative_to(ROOT)} is written by it)")
        return
    print(f"\nLast `make test` ({run['date_utc']} UTC, exit code {run['exit_code']})")
    print(stages.stage_table(run["stages"]))
    if run["notebook_seconds"]:
        print("\n" + stages.chapter_table(run["notebook_seconds"]))


# ---------------------------------------------------------------- main


def _print_training(rows: list[dict]) -> None:
    print(f"\nTraining loop vs torchvision + DataLoader ({rows[0]['model']}, batch {BATCH},"
          " best epoch over 60 000 images)")
    print(f"  {'device':<6} {'sgemm peak':>11} {'aeutils':>9} {'DataLoader':>11} {'ratio':>6}"
          f" {'aeutils/peak':>13} {'DataLoader/peak':>16} {'ratio at peak':>14}")
    for r in rows:
        print(f"  {r['device']:<6} {r['sgemm_peak_gflops']:8.1f} GF/s {r['aeutils_epoch_s']:7.2f} s"
              f" {r['conventional_epoch_s']:9.2f} s {r['speedup']:5.2f}x"
              f" {r['aeutils_fraction_of_peak']:13.2f} {r['conventional_fraction_of_peak']:16.2f}"
              f" {r['max_speedup_at_peak']:13.2f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=3, help="epochs per training benchmark")
    parser.add_argument("--skip-chapters", action="store_true", help="do not execute chapters")
    parser.add_argument("--skip-book", action="store_true", help="do not build the whole book")
    parser.add_argument("--skip-training", action="store_true", help="no training-loop figures")
    parser.add_argument("--json", default=str(ROOT / "_build" / "benchmark.json"))
    parser.add_argument("--execute-one", help=argparse.SUPPRESS)
    parser.add_argument("--record", metavar="LABEL",
                        help=f"also store the chapter times in {TIMES.name} under LABEL")
    args = parser.parse_args()
    if args.execute_one:
        _execute_one(args.execute_one)
        return

    report: dict = {"machine": machine(), "last_test": last_test_run()}
    m = report["machine"]
    print(f"{m['cpu']}, {m['cores']} cores, torch {m['torch']} ({m['torch_threads']} threads), "
          f"CUDA: {m['cuda'] or 'none'}, load average {m['load_average_1m']} at {m['date_utc']} UTC")
    _print_last_test(report["last_test"])
    if not args.skip_training:
        report["training"] = time_training(args.epochs)
        _print_training(report["training"])
    results_dir = Path(tempfile.mkdtemp(prefix="benchmark-results-"))
    if not args.skip_chapters:
        print(f"\nChapters, each in a fresh kernel (goal: <= {CHAPTER_GOAL_S:.0f} s)")
        report["chapters"] = time_chapters(results_dir)
        if args.record:
            record(args.record, [(r["chapter"], r["seconds"]) for r in report["chapters"]])
        report["quality"] = quality_figures(results_dir)
        print("\nQuality figures recorded by the chapters, next to the published anchors")
        for q in report["quality"]:
            anchor = "-" if q["anchor"] is None else f"{q['anchor']:.4g}"
            print(f"  {q['chapter']:<26} {q['model']:<22} {q['figure']:<16}"
                  f" {q['value']:9.4g}  anchor {anchor:>7}  {q['source']}")
        if not report["quality"]:
            print("  (no chapter has recorded results yet)")
    if not args.skip_book:
        print(f"\nWhole book from scratch (goal: <= {BOOK_GOAL_S / 60:.0f} min)", flush=True)
        report["book"] = time_book()
        print(f"  jupyter-book build -W: {report['book']['seconds']:.1f} s, "
              f"{report['book']['peak_mib']:.0f} MiB")
    shutil.rmtree(results_dir, ignore_errors=True)
    Path(args.json).parent.mkdir(parents=True, exist_ok=True)
    Path(args.json).write_text(json.dumps(report, indent=1))
    print(f"\nWritten to {args.json}")


if __name__ == "__main__":
    main()
