"""Run the stages of ``make test`` in order and say how long each took.

Usage::

    python -m course.stages [--json PATH] [--executed DIR] "NAME=COMMAND" ...

Each stage runs to completion before the next; the first that fails stops
the run. At the end (also after a failure) it prints a table of stages and
seconds, then each notebook's execution seconds from the nbval run (read
from the executed notebooks that :mod:`course.executed` wrote during this
run), slowest first, marking those over the chapter budget, so a slow
chapter is seen at once. The exit status is the failing stage's (non-zero),
else 0. ``--json`` also writes the figures (``make benchmark`` shows them).
"""

from __future__ import annotations

import argparse
import json
import shlex
import subprocess
import sys
import time
from pathlib import Path

import nbformat

from .executed import METADATA_KEY

#: A chapter should execute within this on two idle cores (the course plan).
CHAPTER_BUDGET_S = 60.0


def parse_stage(text: str) -> tuple[str, list[str]]:
    """``"NAME=COMMAND"`` as a name and an argument list."""
    name, sep, command = text.partition("=")
    if not sep or not name.strip() or not command.strip():
        raise ValueError(f"a stage is 'NAME=COMMAND', got {text!r}.")
    return name.strip(), shlex.split(command)


def notebook_seconds(executed_dir: Path, since: float) -> dict[str, float]:
    """Seconds nbval took per notebook, for copies written after ``since``."""
    seconds = {}
    for path in sorted(Path(executed_dir).rglob("*.ipynb")):
        if path.stat().st_mtime < since:
            continue
        record = nbformat.read(path, as_version=4).metadata.get(METADATA_KEY, {})
        if "seconds" in record:
            seconds[record.get("source", path.name)] = float(record["seconds"])
    return seconds


def stage_table(rows: list[dict]) -> str:
    lines = [f"{'stage':<34} {'seconds':>8}  result", "-" * 54]
    for row in rows:
        seconds = "" if row["seconds"] is None else f"{row['seconds']:8.1f}"
        lines.append(f"{row['stage']:<34} {seconds:>8}  {row['result']}")
    total = sum(r["seconds"] or 0.0 for r in rows)
    lines.append(f"{'total':<34} {total:8.1f}")
    return "\n".join(lines)


def chapter_table(seconds: dict[str, float], budget: float = CHAPTER_BUDGET_S) -> str:
    lines = [f"{'notebook (nbval, kernel start to stop)':<40} {'seconds':>8}", "-" * 50]
    for name, value in sorted(seconds.items(), key=lambda kv: -kv[1]):
        flag = f"  over {budget:.0f} s" if value > budget else ""
        lines.append(f"{name:<40} {value:8.1f}{flag}")
    return "\n".join(lines)


def run(stages: list[tuple[str, list[str]]], executed_dir: Path | None = None,
        json_path: Path | None = None) -> int:
    start = time.time()
    rows, code = [], 0
    for name, command in stages:
        if code:
            rows.append({"stage": name, "seconds": None, "result": "not run"})
            continue
        print(f"\n== {name}: {shlex.join(command)}", flush=True)
        began = time.perf_counter()
        code = subprocess.call(command)
        rows.append({"stage": name, "seconds": time.perf_counter() - began,
                     "result": "passed" if code == 0 else f"FAILED (exit {code})"})
    chapters = notebook_seconds(executed_dir, start) if executed_dir else {}
    print("\n" + stage_table(rows))
    if chapters:
        print("\n" + chapter_table(chapters))
    if json_path:
        json_path.parent.mkdir(parents=True, exist_ok=True)
        json_path.write_text(json.dumps({
            "date_utc": time.strftime("%Y-%m-%d %H:%M", time.gmtime(start)),
            "stages": rows, "notebook_seconds": chapters, "exit_code": code,
        }, indent=1))
    return code


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("stages", nargs="+", help="'NAME=COMMAND', in order")
    parser.add_argument("--executed", type=Path, help="where nbval writes notebooks")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args(argv)
    try:
        stages = [parse_stage(text) for text in args.stages]
    except ValueError as error:
        parser.error(str(error))
    sys.exit(run(stages, args.executed, args.json))


if __name__ == "__main__":
    main()
