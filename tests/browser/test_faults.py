"""The browser test must fail on a broken book: each test breaks a copy of the
built HTML on purpose and checks that :func:`check_page` reports the fault.

The pages to break are found by what they contain (the first chapter with a
slider, a figure, a solution dropdown...), so these tests need no chapter list.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from .bookcheck import check_page, serve, toc_pages


@pytest.fixture
def broken_copy(html_dir, tmp_path) -> Path:
    copy = tmp_path / "html"
    shutil.copytree(html_dir, copy, ignore=shutil.ignore_patterns(".doctrees"))
    return copy


def _first_page_with(html: Path, needle: str) -> str:
    for page in toc_pages():
        if needle in (html / page).read_text():
            return page
    pytest.fail(f"no page of the book contains {needle!r}; nothing to break")


def _edit(path: Path, pattern: str, replacement: str) -> None:
    text = path.read_text()
    new, count = re.subn(pattern, replacement, text, count=1)
    assert count == 1, f"{pattern!r} not found in {path.name}"
    path.write_text(new)


def _problems(chromium, html: Path, page: str) -> str:
    with serve(html) as url:
        return "\n".join(check_page(chromium, url, html, page).problems)


def test_the_unbroken_copy_passes(chromium, broken_copy):
    page = _first_page_with(broken_copy, "aeutils-interactive")
    assert _problems(chromium, broken_copy, page) == ""


def test_fails_on_a_broken_image(chromium, broken_copy):
    page = _first_page_with(broken_copy, "_images/")
    _edit(broken_copy / page, r'(<img [^>]*?src=")[^"]*_images/[^"]+(")', r"\1../_images/missing.png\2")
    assert "image did not load: ../_images/missing.png" in _problems(chromium, broken_copy, page)


def test_fails_on_a_missing_page(chromium, broken_copy):
    pages = toc_pages()
    missing = pages[-1]
    (broken_copy / missing).unlink()
    assert "page did not load (HTTP 404)" in _problems(chromium, broken_copy, missing)
    # ... and the links to it from the other pages are reported as broken.
    assert f"broken internal link: {missing}" in _problems(chromium, broken_copy, pages[0])


def test_fails_on_a_wrong_colab_url(chromium, broken_copy):
    page = _first_page_with(broken_copy, "colab.research.google.com/github/")
    _edit(broken_copy / page, r"(colab\.research\.google\.com/github/[^\"]*/blob/)main/", r"\1master/")
    assert "Colab launch link is" in _problems(chromium, broken_copy, page)


def test_fails_on_a_dead_slider(chromium, broken_copy):
    page = _first_page_with(broken_copy, "aeutils-interactive")
    _edit(broken_copy / page, r'(<input type="range"[^>]*?) oninput="[^"]*"', r"\1")
    assert "did not change the frame shown" in _problems(chromium, broken_copy, page)


def test_fails_on_a_solution_that_does_not_open(chromium, broken_copy):
    page = _first_page_with(broken_copy, "solution")
    # Without the toggle script no dropdown can open.
    _edit(broken_copy / page, r'<script src="[^"]*togglebutton[^"]*"></script>', "")
    problems = _problems(chromium, broken_copy, page)
    assert "solution dropdown" in problems


def test_fails_on_a_figure_without_alt_text(chromium, broken_copy):
    page = _first_page_with(broken_copy, "_images/")
    _edit(broken_copy / page, r'(<img [^>]*?)alt="[^"]*"([^>]*?src="[^"]*_images/)', r"\1\2")
    assert "image without alt text" in _problems(chromium, broken_copy, page)


def test_fails_on_a_code_block_that_scrolls(chromium, broken_copy):
    page = _first_page_with(broken_copy, '<div class="highlight"><pre>')
    _edit(broken_copy / page, r'(<div class="highlight"><pre>)', r"\1" + "x = 1  # " + "wide " * 30 + "\n")
    assert "code block scrolls sideways" in _problems(chromium, broken_copy, page)


def test_fails_on_a_transparent_figure_in_dark_mode(chromium, broken_copy):
    page = _first_page_with(broken_copy, 'class="cell_output')
    style = "<style>.cell_output img{background-color:transparent!important;opacity:.5}</style>"
    _edit(broken_copy / page, r"</head>", style + "</head>")
    assert "opaque white background in dark mode" in _problems(chromium, broken_copy, page)


def test_fails_on_unrendered_math(chromium, broken_copy):
    page = _first_page_with(broken_copy, 'class="math')
    _edit(broken_copy / page, r'<script [^>]*src="[^"]*MathJax[^"]*"[^>]*></script>', "")
    assert "math not rendered" in _problems(chromium, broken_copy, page)


def test_fails_on_a_console_error_and_an_external_request(chromium, broken_copy):
    page = toc_pages()[0]
    script = '<script>console.error("boom")</script><img alt="x" src="https://example.org/a.png">'
    _edit(broken_copy / page, r"</body>", script + "</body>")
    problems = _problems(chromium, broken_copy, page)
    assert "console error: boom" in problems
    assert "requested an external address: https://example.org/a.png" in problems
