"""The chapters teach the autoencoders that aeutils.models holds: same code.

The chapter that teaches a class defines it in a visible cell; later chapters
import it from aeutils.models. This test fails as soon as the two copies drift.
A class that only its own chapter uses lives only there.
"""

from __future__ import annotations

import inspect
import json
from pathlib import Path

import pytest

from aeutils import models
from tests.book.chapter_code import chapter_definition, chapter_source

ROOT = Path(__file__).resolve().parents[2]
#: Which chapter teaches (and so shows the source of) each class.
TEACHING_CHAPTER = {
    "MLPAutoencoder": ROOT / "book" / "03_deep_autoencoder.ipynb",
}


def _class_cell(name: str) -> str:
    return chapter_source(TEACHING_CHAPTER[name].name, name)


@pytest.mark.parametrize("name", sorted(TEACHING_CHAPTER))
def test_chapter_shows_the_library_source(name):
    library = inspect.getsource(getattr(models, name)).rstrip("\n")
    assert _class_cell(name).rstrip("\n") == library, (
        f"{TEACHING_CHAPTER[name].name} defines {name} differently from "
        "aeutils/models.py; change both together."
    )


@pytest.mark.parametrize("name", sorted(TEACHING_CHAPTER))
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


#: Classes (and a loss) that live only in the chapter that teaches them:
#: the tests take them from the notebook (tests/book/chapter_code.py).
CHAPTER_ONLY = [
    ("04_convolutional_autoencoder.ipynb", "ConvAutoencoder"),
    ("11_sparse_autoencoders_interpretability.ipynb", "TopKSparseAutoencoder"),
    ("13_latent_diffusion.ipynb", "SpatialVAE"),
    ("13_latent_diffusion.ipynb", "Denoiser"),
    ("13_latent_diffusion.ipynb", "ddpm_loss"),
]


@pytest.mark.parametrize(("chapter", "name"), CHAPTER_ONLY)
def test_chapter_only_code_is_not_copied_into_the_library(chapter, name):
    from aeutils import diffusion

    assert chapter_definition(chapter, name).__name__ == name
    assert not hasattr(models, name) and not hasattr(diffusion, name)


@pytest.mark.parametrize(
    ("chapter", "name"), [c for c in CHAPTER_ONLY if c[1][0].isupper()]
)
def test_chapter_only_classes_fit_the_book_column(chapter, name):
    long = [
        line
        for line in chapter_source(chapter, name).splitlines()
        if len(line) > 79
    ]
    assert not long, long
