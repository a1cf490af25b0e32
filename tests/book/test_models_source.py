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


def test_chapter_10_shows_the_library_feature_autoencoder():
    chapter = ROOT / "book" / "10_anomaly_tables_sensors.ipynb"
    cells = [
        "".join(cell["source"])
        for cell in json.loads(chapter.read_text())["cells"]
        if cell["cell_type"] == "code"
        and "".join(cell["source"]).startswith("class FeatureAutoencoder(")
    ]
    library = inspect.getsource(models.FeatureAutoencoder).rstrip("\n")
    assert [cell.rstrip("\n") for cell in cells] == [library], (
        "book/10_anomaly_tables_sensors.ipynb defines FeatureAutoencoder "
        "differently from aeutils/models.py; change both together."
    )


SAE_CHAPTER = ROOT / "book" / "11_sparse_autoencoders_interpretability.ipynb"


def test_sae_chapter_shows_the_library_source():
    cells = json.loads(SAE_CHAPTER.read_text())["cells"]
    found = [
        "".join(cell["source"]).rstrip("\n")
        for cell in cells
        if cell["cell_type"] == "code"
        and "".join(cell["source"]).startswith("class TopKSparseAutoencoder(")
    ]
    library = inspect.getsource(models.TopKSparseAutoencoder).rstrip("\n")
    assert found == [library], (
        f"{SAE_CHAPTER.name} must define TopKSparseAutoencoder once, exactly as "
        "aeutils/models.py does; change both together."
    )
    assert all(len(line) <= 79 for line in library.splitlines())


LATENT_DIFFUSION = ROOT / "book" / "13_latent_diffusion.ipynb"


@pytest.mark.parametrize(
    "name, module",
    [("SpatialVAE", "aeutils.models"), ("Denoiser", "aeutils.diffusion")],
)
def test_latent_diffusion_chapter_shows_the_library_source(name, module):
    import importlib

    cells = json.loads(LATENT_DIFFUSION.read_text())["cells"]
    found = [
        "".join(cell["source"]).rstrip("\n")
        for cell in cells
        if cell["cell_type"] == "code"
        and "".join(cell["source"]).startswith(f"class {name}(")
    ]
    library = inspect.getsource(getattr(importlib.import_module(module), name))
    assert found == [library.rstrip("\n")], (
        f"book/13_latent_diffusion.ipynb must define {name} once, exactly as "
        f"{module} does; change both together."
    )
    assert all(len(line) <= 79 for line in found[0].splitlines())
