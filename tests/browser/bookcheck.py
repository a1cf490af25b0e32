"""Check the built book in a real browser: what a reader sees, page by page.

:func:`check_book` serves a built ``_build/html`` on 127.0.0.1, opens every
page of ``_toc.yml`` in headless Chromium (Debian's ``chromium``, driven by
Playwright's Python client; no browser download) and returns the problems it
finds on each page. A page passes when it has none:

* it loads (HTTP 200) with no console error and no uncaught exception;
* every ``<img>`` has loaded with a non-zero natural size, and every image in
  the chapter text has alt text;
* every math node is typeset by MathJax, with no MathJax error;
* a chapter's Colab launch link opens that chapter's notebook on GitHub;
* each exercise solution dropdown opens when clicked;
* each slider of an ``aeutils.viz.interactive`` stand-in changes the frame shown;
* no code block scrolls sideways at a 1280-pixel window;
* in the dark theme every figure still shows an opaque white background;
* every internal link and cross-reference points at an existing page and
  anchor, and no address outside the loopback range is requested (such
  requests are blocked and reported).

A full-page screenshot of each page is saved (a build artifact; not
committed). The book build for this test serves MathJax from Debian's
``libjs-mathjax`` (see ``course/prebuilt.py``).
"""

from __future__ import annotations

import functools
import http.server
import ipaddress
import os
import re
import shutil
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import yaml

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
MATHJAX_DIR = Path(os.environ.get("MATHJAX_DIR", "/usr/share/javascript/mathjax"))
WINDOW = {"width": 1280, "height": 900}
# Flags for a machine without network: no sandbox (CI runs as root), no GPU,
# nothing that phones home, and a fresh profile per run.
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


# Console errors from the theme's own scripts on every page, not from the
# course: sphinx-thebe's inline configuration is emitted twice by this
# jupyter-book / sphinx-thebe pair, and pydata-sphinx-theme logs an empty
# default mode on a first visit. Listed exactly, so anything else still fails.
KNOWN_THEME_ERRORS = (
    "uncaught: Identifier 'THEBE_JS_URL' has already been declared",
    "Got invalid theme mode: . Resetting to auto.",
)


@dataclass
class PageReport:
    """What :func:`check_page` found on one page."""

    page: str
    problems: list[str] = field(default_factory=list)
    screenshot: Path | None = None


def toc_pages(root: Path = ROOT) -> list[str]:
    """Every page of ``_toc.yml`` as a path relative to the HTML root."""
    toc = yaml.safe_load((root / "_toc.yml").read_text())
    files = [toc["root"]]

    def walk(entries: list[dict]) -> None:
        for entry in entries:
            if "file" in entry:
                files.append(entry["file"])
            for key in ("chapters", "sections", "parts"):
                walk(entry.get(key, []))

    walk(toc.get("parts", []) + toc.get("chapters", []))
    return [f"{name}.html" for name in files]


def expected_colab_url(page: str, root: Path = ROOT) -> str | None:
    """The Colab launch URL for a notebook page, from ``_config.yml``; else None."""
    stem = page.removesuffix(".html")
    if not (root / f"{stem}.ipynb").exists():
        return None
    config = yaml.safe_load((root / "_config.yml").read_text())
    repo = config["repository"]
    org_repo = urlsplit(repo["url"]).path.strip("/")
    prefix = repo.get("path_to_book") or ""
    prefix = f"{prefix.strip('/')}/" if prefix else ""
    colab = config["launch_buttons"]["colab_url"].rstrip("/")
    return f"{colab}/github/{org_repo}/blob/{repo['branch']}/{prefix}{stem}.ipynb"


class _Handler(http.server.SimpleHTTPRequestHandler):
    """Serves the book, and Debian's MathJax under ``/_mathjax/``."""

    def translate_path(self, path: str) -> str:
        clean = unquote(urlsplit(path).path)
        if "/_mathjax/" in clean:  # Sphinx puts it under _static/
            return str(MATHJAX_DIR / clean.split("/_mathjax/", 1)[1])
        return super().translate_path(path)

    def log_message(self, format: str, *args: object) -> None:  # quiet
        pass


@contextmanager
def serve(html_dir: Path) -> Iterator[str]:
    """Serve ``html_dir`` on 127.0.0.1 (a free port); yield the base URL."""
    handler = functools.partial(_Handler, directory=str(html_dir))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def _is_loopback(url: str) -> bool:
    host = urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@contextmanager
def browser(playwright) -> Iterator[object]:
    """A headless Chromium context with a fresh profile; loopback only."""
    profile = tempfile.mkdtemp(prefix="bookcheck-profile-")
    context = playwright.chromium.launch_persistent_context(
        profile,
        executable_path=CHROMIUM,
        headless=True,
        args=CHROMIUM_FLAGS,
        viewport=WINDOW,
    )
    context.blocked = []

    def only_loopback(route) -> None:
        if _is_loopback(route.request.url) or route.request.url.startswith("data:"):
            route.continue_()
        else:
            context.blocked.append(route.request.url)
            route.abort()

    context.route("**/*", only_loopback)
    try:
        yield context
    finally:
        context.close()
        shutil.rmtree(profile, ignore_errors=True)


_FILE_NAME = re.compile(r"\S*\.(png|jpe?g|svg|gif|webp)", re.IGNORECASE)
_IMAGES_JS = """async () => {
  const images = Array.from(document.images);
  images.forEach(im => { im.loading = "eager"; });
  await Promise.all(images.map(im => im.decode().catch(() => null)));
  const article = document.querySelector("article") || document.body;
  return images.map(im => ({
    src: im.getAttribute("src").slice(0, 80),
    width: im.naturalWidth, height: im.naturalHeight,
    alt: (im.getAttribute("alt") || "").trim(),
    inArticle: article.contains(im),
  }));
}"""

_MATH_JS = """() => {
  const rendered = ".MathJax, .MathJax_Display, .MathJax_CHTML, mjx-container";
  const nodes = Array.from(document.querySelectorAll("span.math, div.math"))
    .filter(n => !n.parentElement.closest(rendered));
  const done = n => n.querySelector(".MathJax, .MathJax_Display, .MathJax_CHTML, "
    + "mjx-container") !== null
    || (n.previousElementSibling && n.previousElementSibling.matches(
        ".MathJax_Preview, .MathJax, .MathJax_Display, .MathJax_CHTML")
        && n.previousElementSibling.textContent !== "");
  const errors = document.querySelectorAll(".MathJax_Error, mjx-merror, merror");
  return {total: nodes.length, typeset: nodes.filter(done).length,
          errors: errors.length};
}"""


def _check_images(page, report: PageReport) -> None:
    for image in page.evaluate(_IMAGES_JS):
        if image["width"] == 0 or image["height"] == 0:
            report.problems.append(f"image did not load: {image['src']}")
        # Sphinx writes the file name as alt when a figure has none.
        if image["inArticle"] and (not image["alt"] or _FILE_NAME.fullmatch(image["alt"])):
            report.problems.append(f"image without alt text: {image['src']}")


def _check_math(page, report: PageReport) -> None:
    state = page.evaluate(_MATH_JS)
    for _ in range(60):
        if state["typeset"] >= state["total"]:
            break
        page.wait_for_timeout(250)
        state = page.evaluate(_MATH_JS)
    if state["typeset"] < state["total"]:
        report.problems.append(
            f"math not rendered: {state['total'] - state['typeset']} of "
            f"{state['total']} math nodes were not typeset by MathJax"
        )
    if state["errors"]:
        report.problems.append(f"MathJax reported {state['errors']} errors")


def _check_colab(page, report: PageReport, expected: str | None) -> None:
    if expected is None:
        return
    links = page.eval_on_selector_all(
        "a[href*='colab.research.google.com']", "els => els.map(e => e.href)"
    )
    if expected not in links:
        report.problems.append(
            f"Colab launch link is {links or 'missing'}; expected {expected}"
        )


def _check_dropdowns(page, report: PageReport) -> None:
    solutions = page.locator(".solution.dropdown, details.solution")
    for i in range(solutions.count()):
        solution = solutions.nth(i)
        label = solution.get_attribute("id") or f"solution {i + 1}"
        body = solution.locator(":scope > :not(.admonition-title):not(summary)")
        if body.count() == 0:
            report.problems.append(f"solution dropdown {label} is empty")
            continue
        if body.first.is_visible():
            report.problems.append(f"solution dropdown {label} is open before a click")
            continue
        title = solution.locator(":scope > summary, :scope > .admonition-title")
        title.first.click()
        try:
            body.first.wait_for(state="visible", timeout=3000)
        except Exception:
            report.problems.append(f"solution dropdown {label} did not open when clicked")


_VISIBLE_FRAME_JS = """el => {
  const shown = Array.from(el.querySelectorAll("img[data-frame]"))
    .filter(im => getComputedStyle(im).display !== "none");
  return shown.map(im => [im.dataset.frame, im.naturalWidth]);
}"""


def _check_sliders(page, report: PageReport) -> None:
    widgets = page.locator(".aeutils-interactive")
    for w in range(widgets.count()):
        widget = widgets.nth(w)
        sliders = widget.locator("input[type=range]")
        frames = widget.locator("img[data-frame]").count()
        sizes = [int(sliders.nth(s).get_attribute("max")) + 1 for s in range(sliders.count())]
        expected_frames = 1
        for size in sizes:
            expected_frames *= size
        if sliders.count() == 0 or frames != expected_frames:
            report.problems.append(
                f"slider figure {w + 1}: {sliders.count()} sliders over {frames} "
                f"frames (expected {expected_frames})"
            )
            continue
        widget.scroll_into_view_if_needed()
        for s, size in enumerate(sizes):
            if size < 2:
                continue
            slider = sliders.nth(s)
            before = widget.evaluate(_VISIBLE_FRAME_JS)
            value = int(slider.input_value())
            slider.fill(str(value - 1 if value > 0 else value + 1))
            after = widget.evaluate(_VISIBLE_FRAME_JS)
            if len(after) != 1 or after == before or after[0][1] == 0:
                report.problems.append(
                    f"slider figure {w + 1}, slider {s + 1}: moving it did not change "
                    f"the frame shown (before {before}, after {after})"
                )
            slider.fill(str(value))


def _check_code_width(page, report: PageReport) -> None:
    wide = page.evaluate(
        """() => Array.from(document.querySelectorAll("div.highlight pre"))
          .filter(pre => !pre.closest(".cell_output"))
          .filter(pre => pre.scrollWidth > pre.clientWidth + 1)
          .map(pre => pre.textContent.split("\\n").reduce(
               (a, b) => a.length >= b.length ? a : b, "").slice(0, 60))"""
    )
    for line in wide:
        report.problems.append(
            f"code block scrolls sideways at {WINDOW['width']} px (longest line: {line!r})"
        )


def _check_dark_mode(page, report: PageReport) -> None:
    """In the dark theme, every figure sits on opaque white and is not dimmed."""
    page.evaluate(
        """() => { document.documentElement.dataset.theme = "dark";
                   document.documentElement.dataset.mode = "dark"; }"""
    )
    looks = page.eval_on_selector_all(
        ".cell_output img",
        """els => els.map(im => { const s = getComputedStyle(im);
             return {src: (im.getAttribute("src") || "").slice(0, 60),
                     background: s.backgroundColor, filter: s.filter,
                     opacity: s.opacity}; })""",
    )
    for look in looks:
        if (look["background"] != "rgb(255, 255, 255)" or look["filter"] != "none"
                or look["opacity"] != "1"):
            report.problems.append(
                f"figure not on an opaque white background in dark mode: {look['src']} "
                f"(background {look['background']}, filter {look['filter']}, "
                f"opacity {look['opacity']})"
            )


def _internal_links(page, base: str) -> list[str]:
    hrefs = page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)")
    return sorted({h for h in hrefs if h.startswith(base)})


def _check_links(links: list[str], base: str, html_dir: Path, report: PageReport) -> None:
    for link in links:
        parts = urlsplit(link)
        relative = unquote(parts.path)[len(urlsplit(base).path) :]
        target = html_dir / relative
        if target.is_dir():
            target = target / "index.html"
        if not target.is_file():
            report.problems.append(f"broken internal link: {relative}")
            continue
        if parts.fragment and target.suffix == ".html":
            text = target.read_text(errors="replace")
            anchor = re.escape(unquote(parts.fragment))
            if not re.search(rf'(id|name)="{anchor}"', text):
                report.problems.append(f"broken anchor: {relative}#{parts.fragment}")


def check_page(
    context, base: str, html_dir: Path, page_path: str, *,
    screenshot_dir: Path | None = None, root: Path = ROOT,
) -> PageReport:
    """Open one page and return everything wrong with it."""
    report = PageReport(page=page_path)
    page = context.new_page()
    messages: list[str] = []
    page.on("console", lambda m: messages.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: messages.append(f"uncaught: {e}"))
    blocked_before = len(context.blocked)
    try:
        response = page.goto(urljoin(base, page_path), wait_until="load")
        if response is None or response.status != 200:
            status = response.status if response is not None else "no response"
            report.problems.append(f"page did not load (HTTP {status})")
            return report
        _check_images(page, report)
        _check_math(page, report)
        _check_colab(page, report, expected_colab_url(page_path, root))
        _check_code_width(page, report)
        _check_links(_internal_links(page, base), base, html_dir, report)
        if screenshot_dir is not None:
            screenshot_dir.mkdir(parents=True, exist_ok=True)
            report.screenshot = screenshot_dir / (page_path.replace("/", "__") + ".png")
            page.screenshot(path=str(report.screenshot), full_page=True)
        _check_dropdowns(page, report)
        _check_sliders(page, report)
        _check_dark_mode(page, report)
        page.wait_for_timeout(100)
        report.problems += [
            f"console error: {m}" for m in messages if m not in KNOWN_THEME_ERRORS
        ]
        report.problems += [
            f"requested an external address: {url}" for url in context.blocked[blocked_before:]
        ]
        return report
    finally:
        page.close()
