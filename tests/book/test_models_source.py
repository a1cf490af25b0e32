"""Chapter 3 teaches the autoencoders that aeutils.models holds: same code.

The chapter defines each class in a visible cell; later chapters import it
from aeutils.models. This test fails as soon as the two copies drift.
"""

from __future__ import annotations

import inspect
import json
from pathlib import Path

import pytest

from aeutils import models

ROOT = Path(__file__).resolve().parents[2]
CHAPTER = ROOT / "book" / "03_deep_autoencoder.ipynb"


def _class_cell(name: str) -> str:
    cells = json.loads(CHAPTER.read_text())["cells"]
    found = [
        "".join(cell["source"])
        for cell in cells
        if cell["cell_type"] == "code"
        and "".join(cell["source"]).startswith(f"class {name}(")
    ]
    assert len(found) == 1, f"expected one cell defining {name}, got {len(found)}"
    return found[0]


@pytest.mark.parametrize("name", ["MLPAutoencoder", "ConvAutoencoder"])
def test_chapter_shows_the_library_source(name):
    library = inspect.getsource(getattr(models, name)).rstrip("\n")
    assert _class_cell(name).rstrip("\n") == library, (
        f"book/03_deep_autoencoder.ipynb defines {name} differently from "
        "aeutils/models.py; change both together."
    )


@pytest.mark.parametrize("name", ["MLPAutoencoder", "ConvAutoencoder"])
def test_taught_source_fits_the_book_column(name):
    long = [line for line in _class_cell(name).splitlines() if len(line) > 79]
    assert not long, long
