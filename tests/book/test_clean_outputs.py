"""Rendered output stays clean (issue 19): no stderr, warning or traceback.

A chapter's page shows its outputs; a ``UserWarning`` with a temporary
path, a traceback or anything a cell wrote to stderr is a bug the reader
sees. The scanner is tested on small notebooks built here; the book test
runs it over every executed chapter in ``_build/executed`` (written by the
nbval stage of ``make test``), and is skipped when there is none.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[2]
EXECUTED = ROOT / "_build" / "executed"
#: Text a clean output never contains (Python's warning and traceback forms).
_DIRTY = re.compile(
    r"Traceback \(most recent call last\)|\b\w*(Warning|Error): |/tmp/ipykernel_|"
    r"\bwarnings\.warn\b"
)


def output_problems(notebook: dict) -> list[str]:
    """``"cell N: why"`` for every output a reader should not see."""
    problems = []
    for number, cell in enumerate(notebook.get("cells", []), start=1):
        for output in cell.get("outputs", []):
            kind = output.get("output_type")
            if kind == "error":
                problems.append(f"cell {number}: {output.get('ename')} raised")
            elif kind == "stream" and output.get("name") == "stderr":
                text = "".join(output.get("text", ""))
                problems.append(f"cell {number}: stderr output {text[:120]!r}")
            else:
                text = "".join(output.get("text", "")) + "".join(
                    output.get("data", {}).get("text/plain", "")
                )
                found = _DIRTY.search(text)
                if found:
                    problems.append(f"cell {number}: {found.group(0)!r} in the output")
    return problems


def _notebook(*outputs) -> dict:
    cell = nbformat.v4.new_code_cell("x = 1")
    cell.outputs = list(outputs)
    return nbformat.v4.new_notebook(cells=[cell])


@pytest.mark.parametrize(
    ("output", "expected"),
    [
        (nbformat.v4.new_output("stream", name="stderr", text="careful\n"), "stderr output"),
        (
            nbformat.v4.new_output(
                "stream", name="stdout",
                text="cell.py:9: UserWarning: Converting a tensor\n",
            ),
            "UserWarning: ",
        ),
        (
            nbformat.v4.new_output("stream", name="stdout", text="saved /tmp/ipykernel_7/a.py\n"),
            "/tmp/ipykernel_",
        ),
        (nbformat.v4.new_output("error", ename="ValueError", evalue="x", traceback=[]),
         "ValueError raised"),
        (
            nbformat.v4.new_output(
                "execute_result", data={"text/plain": "Traceback (most recent call last):"}
            ),
            "Traceback",
        ),
    ],
)
def test_the_scanner_finds_what_a_reader_should_not_see(output, expected):
    problems = output_problems(_notebook(output))
    assert len(problems) == 1 and expected in problems[0]


def test_clean_outputs_pass_the_scanner():
    clean = [
        nbformat.v4.new_output("stream", name="stdout", text="epoch 3/3 loss 0.0123\n"),
        nbformat.v4.new_output("execute_result", data={"text/plain": "tensor(0.5)"}),
        nbformat.v4.new_output("display_data", data={"image/png": "iVBOR"}),
    ]
    assert output_problems(_notebook(*clean)) == []


@pytest.mark.parametrize(
    "path",
    sorted(EXECUTED.rglob("*.ipynb")) if EXECUTED.is_dir() else [],
    ids=lambda p: p.name,
)
def test_executed_chapters_have_clean_outputs(path):
    assert output_problems(nbformat.read(path, as_version=4)) == []
