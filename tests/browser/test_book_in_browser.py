"""Every page of the built book, opened in Chromium: see bookcheck.py for the checks."""

from __future__ import annotations

import pytest

from .bookcheck import check_page, serve, toc_pages
from .conftest import SCREENSHOTS


@pytest.fixture(scope="module")
def base_url(html_dir):
    with serve(html_dir) as url:
        yield url


@pytest.mark.parametrize("page_path", toc_pages(), ids=str)
def test_page_reads_well_in_a_browser(chromium, base_url, html_dir, page_path):
    report = check_page(chromium, base_url, html_dir, page_path, screenshot_dir=SCREENSHOTS)
    assert report.problems == [], f"{page_path}:\n  " + "\n  ".join(report.problems)
