"""The stage runner of `make test` and `.ci/run`: tables, and failures that stop."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from course import executed, stages

ROOT = Path(__file__).resolve().parents[1]


def _executed_notebook(folder: Path, name: str, seconds: float) -> None:
    notebook = nbformat.v4.new_notebook()
    notebook.metadata[executed.METADATA_KEY] = {"source": name, "seconds": seconds}
    folder.mkdir(parents=True, exist_ok=True)
    nbformat.write(notebook, folder / name)


def test_a_failing_stage_stops_the_run_with_its_exit_code(tmp_path, capsys):
    _executed_notebook(tmp_path / "book", "02_slow.ipynb", 75.0)
    _executed_notebook(tmp_path / "book", "01_fast.ipynb", 12.5)
    # The first stage "writes" them: only this run's notebooks are reported.
    touch = f"import os; [os.utime(p) for p in {sorted(map(str, tmp_path.rglob('*.ipynb')))!r}]"
    code = stages.run(
        [("first", [sys.executable, "-c", touch]),
         ("second", [sys.executable, "-c", "raise SystemExit(3)"]),
         ("third", [sys.executable, "-c", "print('never')"])],
        executed_dir=tmp_path, json_path=tmp_path / "stages.json",
    )
    out = capsys.readouterr().out
    assert code == 3
    assert "never" not in out
    lines = {line.split()[0]: line for line in out.splitlines() if line.strip()}
    assert "passed" in lines["first"] and "FAILED (exit 3)" in lines["second"]
    assert "not run" in lines["third"]
    # Slowest notebook first, flagged over the chapter budget.
    table = out[out.index("notebook (nbval"):]
    assert table.index("02_slow.ipynb") < table.index("01_fast.ipynb")
    assert "75.0  over 60 s" in table and "12.5  over" not in table


def test_notebooks_from_an_earlier_run_are_not_reported(tmp_path):
    _executed_notebook(tmp_path, "01_old.ipynb", 10.0)
    os.utime(tmp_path / "01_old.ipynb", (1, 1))
    _executed_notebook(tmp_path, "02_new.ipynb", 20.0)
    assert stages.notebook_seconds(tmp_path, since=100.0) == {"02_new.ipynb": 20.0}


def test_a_stage_needs_a_name_and_a_command():
    assert stages.parse_stage("unit tests=make test-unit") == ("unit tests", ["make", "test-unit"])
    for bad in ("make test-unit", "=make", "unit="):
        with pytest.raises(ValueError, match="NAME=COMMAND"):
            stages.parse_stage(bad)


def test_ci_run_fails_when_make_test_fails_and_uses_a_fresh_model_cache(tmp_path):
    fake = tmp_path / "bin"
    fake.mkdir()
    (fake / "make").write_text(
        "#!/bin/sh\n"
        f'echo "$AEUTILS_MODEL_CACHE" > {tmp_path}/cache-dir\n'
        'ls -A "$AEUTILS_MODEL_CACHE" | wc -l > ' f"{tmp_path}/cache-count\n"
        "exit 7\n"
    )
    (fake / "make").chmod(0o755)
    env = {**os.environ, "PATH": f"{fake}{os.pathsep}{os.environ['PATH']}"}
    result = subprocess.run(["bash", str(ROOT / ".ci" / "run")], env=env,
                            capture_output=True, text=True, check=False)
    assert result.returncode == 7
    cache = Path((tmp_path / "cache-dir").read_text().strip())
    assert (tmp_path / "cache-count").read_text().strip() == "0"
    assert not cache.exists(), "the run's model cache is removed afterwards"


def test_make_test_runs_the_stages_in_order_each_notebook_once():
    text = (ROOT / "Makefile").read_text()
    recipe = text[text.index("\ntest: setup"):].split("\n\n")[0]
    order = ["test-unit", "test-notebooks", "build-test-book", "browser"]
    positions = [recipe.index(f"$(MAKE_STAGE) {target}\"") for target in order]
    assert positions == sorted(positions)
    build = text[text.index("\nbuild-test-book:"):].split("\n\n")[0]
    assert "jupyter-book build" not in build and "course.prebuilt" in build
