"""Fixtures for the browser tests: the built book, a server and Chromium.

The tests need a built book (``make test`` builds it first). Without one
they are skipped, unless ``REQUIRE_BOOK=1`` (set by ``make test`` and CI),
where a missing build is an error.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from .bookcheck import ROOT, browser

HTML_DIR = Path(os.environ.get("BOOK_HTML", ROOT / "_build" / "html"))
SCREENSHOTS = Path(os.environ.get("BOOK_SCREENSHOTS", ROOT / "_build" / "screenshots"))


@pytest.fixture(scope="session")
def html_dir() -> Path:
    if not (HTML_DIR / "book").is_dir():
        message = f"no built book in {HTML_DIR}: run `make test` (or build the book first)"
        if os.environ.get("REQUIRE_BOOK") == "1":
            pytest.fail(message)
        pytest.skip(message)
    return HTML_DIR


@pytest.fixture(scope="session")
def chromium(html_dir):
    if shutil.which(os.environ.get("CHROMIUM", "/usr/bin/chromium")) is None:
        pytest.fail("Chromium is missing: `apt-get install chromium` (scripts/setup.sh does)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright, browser(playwright) as context:
        yield context
