"""Keep what nbval executed: a pytest plugin that writes executed notebooks.

nbval runs every notebook of the course once per test run and checks it. It
has no option to save what it executed (computationalmodelling/nbval#112),
so this plugin records every kernel message nbval reads for a cell and turns
the messages into outputs with nbclient's own message handling (the code
that ``jupyter-book build`` and ``nbconvert --execute`` use): display
updates (the training progress line), ``clear_output`` and Output widgets
come out exactly as in a book build that executes. The test build of the
book then renders those notebooks with ``execute_notebooks: off``
(:mod:`course.prebuilt`).

Usage::

    python -m pytest book --nbval-lax --nbval-current-env \\
        -p course.executed --executed-dir _build/executed

Each notebook whose cells all pass is written to
``<executed-dir>/<path relative to the rootdir>`` with its outputs; a MyST
Markdown notebook (``instructor_guide.md``) is collected too and written as
``.ipynb``. ``metadata.course_execution`` records the seconds nbval took for
the notebook (kernel start to kernel stop), the SHA-256 of the source it ran
and the nbval version. A notebook with a failing cell is not written (and an
older copy is removed), so a book can never be built from a failed run.

nbval internals this relies on (nbval is pinned in ``requirements.txt``;
``tests/test_executed.py`` runs the plugin on a fixture notebook, so a
change fails there): cells are ``nbval.plugin.IPyNbCell`` items with
``cell`` and ``cell_num``, children of an ``IPyNbFile`` that reads the
kernel's iopub messages through its ``get_kernel_message`` method. If a
cell passes but no message of its execution was seen, the cell fails with a
message that says so, instead of a notebook without outputs being written.

``python -m course.executed --part 1/2`` prints the notebooks of one part
of ``book/`` for parallel CI jobs (``--part gather`` prints the pages that
read other chapters' results; they run after the others).
"""

from __future__ import annotations

import argparse
import copy
import hashlib
import json
import re
import time
from pathlib import Path
from unittest import mock

import nbformat
import nbval
import nbval.plugin
import pytest
from nbval.plugin import IPyNbCell, IPyNbFile

ROOT = Path(__file__).resolve().parents[1]
#: Notebook metadata key with what the test run recorded.
METADATA_KEY = "course_execution"
#: A page that reads other chapters' results runs after them.
_GATHERS = re.compile(r"\b(?:load_results|read_closing_rows)\(")


def source_sha256(path: Path) -> str:
    """SHA-256 of a notebook's file: ties an executed copy to its source."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def is_myst_notebook(path: Path) -> bool:
    """True for a MyST Markdown notebook (front matter with a kernelspec)."""
    from myst_nb.core.read import is_myst_markdown_notebook

    text = Path(path).read_text(encoding="utf8")
    return is_myst_markdown_notebook(text) and "kernelspec" in text.split("---")[1]


def read_notebook(path: Path) -> nbformat.NotebookNode:
    """Read an ``.ipynb`` or a MyST Markdown notebook as myst-nb reads it."""
    path = Path(path)
    if path.suffix == ".md":
        from myst_nb.core.read import read_myst_markdown_notebook

        return read_myst_markdown_notebook(
            path.read_text(encoding="utf8"), path=path
        )
    return nbformat.read(path, as_version=4)


def executed_path(executed_dir: Path, source: Path, root: Path) -> Path:
    """Where the executed copy of ``source`` goes (always ``.ipynb``)."""
    relative = Path(source).resolve().relative_to(Path(root).resolve())
    return Path(executed_dir) / relative.with_suffix(".ipynb")


# ------------------------------------------------------------ the recorder


class NbvalInternalsChanged(RuntimeError):
    """nbval no longer runs cells the way this plugin records them."""


def _client_for(notebook: nbformat.NotebookNode):
    """An nbclient NotebookClient used only to turn messages into outputs."""
    from nbclient import NotebookClient
    from nbclient.output_widget import OutputWidget

    class RecordedOutputWidget(OutputWidget):
        # nbclient mirrors an Output widget's state back to the kernel; the
        # kernel here belongs to nbval, so the state is only recorded.
        def sync_state(self) -> None:
            pass

    client = NotebookClient(notebook, record_timing=False)
    client.widget_registry = {
        "@jupyter-widgets/output": {"OutputModel": RecordedOutputWidget}
    }
    return client


class NotebookRecorder:
    """Outputs of one notebook, built from the messages nbval reads."""

    def __init__(self, path: Path, notebook: nbformat.NotebookNode) -> None:
        self.path = path
        self.notebook = copy.deepcopy(notebook)
        self.code_cells = [
            index
            for index, cell in enumerate(self.notebook.cells)
            if cell.cell_type == "code"
        ]
        for index in self.code_cells:
            self.notebook.cells[index].outputs = []
            self.notebook.cells[index].execution_count = None
        self.client = _client_for(self.notebook)
        self.failed = False
        self.executed = 0
        self.start: float | None = None
        self.seconds = 0.0
        self.cell_seconds: dict[int, float] = {}
        self._current: int | None = None
        self._msg_id: str | None = None
        self._done = False

    def begin(self, cell_num: int, source: str) -> None:
        index = self.code_cells[cell_num]
        if self.notebook.cells[index].source != source:
            raise NbvalInternalsChanged(
                f"{self.path.name}: nbval's cell {cell_num} is not the "
                f"notebook's code cell {cell_num}; the recorder cannot map "
                "outputs to cells (was nbval upgraded?)."
            )
        self._current, self._msg_id, self._done = index, None, False
        # What nbclient resets before each cell (NotebookClient.execute_cell).
        self.client.clear_before_next_output = False

    def feed(self, msg: dict) -> None:
        """Take one iopub message that nbval has just read."""
        from nbclient.exceptions import CellExecutionComplete

        if self._current is None:
            return
        cell = self.notebook.cells[self._current]
        parent = msg.get("parent_header", {}).get("msg_id")
        if (
            self._msg_id is None
            and msg["msg_type"] == "execute_input"
            and msg["content"].get("code") == cell.source
        ):
            self._msg_id = parent
        if parent is None or parent != self._msg_id:
            return
        try:
            self.client.process_message(msg, cell, self._current)
        except CellExecutionComplete:
            self._done = True

    def end(self, cell_num: int, passed: bool, seconds: float) -> None:
        index, self._current = self._current, None
        self.cell_seconds[cell_num] = seconds
        if not passed:
            self.failed = True
            return
        # nbval runs cells without storing history, so the kernel numbers
        # them all 1; number them in order, as nbclient does.
        self.executed += 1
        if not self._done:
            raise NbvalInternalsChanged(
                f"{self.path.name}, cell {cell_num}: nbval ran the cell but "
                "the recorder saw no kernel message of its execution, so its "
                "outputs are unknown. nbval's internals changed (the plugin "
                "is written for the nbval pinned in requirements.txt); see "
                "course/executed.py."
            )
        cell = self.notebook.cells[index]
        cell.execution_count = self.executed
        for output in cell.outputs:
            if output.output_type == "execute_result":
                output.execution_count = self.executed

    def skipped(self, cell_num: int) -> None:
        self._current = None

    def write(self, target: Path, *, source: Path) -> None:
        self.seconds = time.perf_counter() - (self.start or time.perf_counter())
        self.client.set_widgets_metadata()
        self.notebook.metadata[METADATA_KEY] = {
            "source": source.name,
            "source_sha256": source_sha256(source),
            "seconds": round(self.seconds, 2),
            "cell_seconds": [
                round(self.cell_seconds.get(i, 0.0), 3)
                for i in range(len(self.code_cells))
            ],
            "executor": f"nbval {nbval.__version__}",
        }
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary = target.with_suffix(".ipynb.part")
        nbformat.write(self.notebook, temporary)
        temporary.replace(target)


# ------------------------------------------------------------ pytest hooks


def pytest_addoption(parser) -> None:
    group = parser.getgroup("course", "executed notebooks for the test book")
    group.addoption(
        "--executed-dir",
        default=None,
        help="write each notebook nbval executed, with its outputs, here",
    )


def _active(config) -> bool:
    option = config.option
    return bool(getattr(option, "nbval", False) or option.nbval_lax)


def pytest_collect_file(file_path: Path, parent):
    """Collect MyST Markdown notebooks too (nbval collects ``.ipynb``)."""
    if not _active(parent.config) or file_path.suffix != ".md":
        return None
    if not is_myst_notebook(file_path):
        return None
    return MystNotebookFile.from_parent(parent, path=file_path)


class MystNotebookFile(IPyNbFile):
    """nbval's notebook collector, reading a MyST Markdown notebook."""

    def collect(self):
        notebook = read_notebook(self.path)
        # nbval reads the file with nbformat.read; hand it the notebook that
        # myst-nb builds from the Markdown instead.
        with mock.patch.object(
            nbval.plugin.nbformat, "read", lambda *a, **k: notebook
        ):
            yield from super().collect()


def _cells(items):
    return [item for item in items if isinstance(item, IPyNbCell)]


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(session, config, items) -> None:
    if not _active(config):
        return
    out = config.getoption("executed_dir")
    recorders: dict[Path, NotebookRecorder] = {}
    for item in _cells(items):
        notebook_file = item.parent
        path = Path(notebook_file.path)
        if path in recorders:
            continue
        if not hasattr(notebook_file, "get_kernel_message"):
            raise NbvalInternalsChanged(
                "nbval's notebook collector has no get_kernel_message; the "
                "executed-notebook recorder needs it (see course/executed.py)."
            )
        recorder = NotebookRecorder(path, read_notebook(path))
        recorders[path] = recorder
        _tap(notebook_file, recorder)
        if out:
            stale = executed_path(Path(out), path, config.rootpath)
            stale.unlink(missing_ok=True)
    # Pages that read other chapters' results run after those chapters,
    # whatever their file names.
    gathers = {path for path in recorders if _gathers(path)}
    items.sort(key=lambda item: _notebook_of(item) in gathers)
    config.stash[_RECORDERS] = recorders
    config.stash[_FAILED] = set()
    config.stash[_TIMINGS] = {}


def _notebook_of(item) -> Path | None:
    return Path(item.parent.path) if isinstance(item, IPyNbCell) else None


_RECORDERS = pytest.StashKey[dict]()
_FAILED = pytest.StashKey[set]()
_TIMINGS = pytest.StashKey[dict]()


def _tap(notebook_file, recorder: NotebookRecorder) -> None:
    original = notebook_file.get_kernel_message

    def get_kernel_message(timeout=None, stream="iopub"):
        msg = original(timeout=timeout, stream=stream)
        if stream == "iopub":
            recorder.feed(msg)
        return msg

    notebook_file.get_kernel_message = get_kernel_message


def _recorder(item) -> NotebookRecorder | None:
    recorders = item.config.stash.get(_RECORDERS, {})
    return recorders.get(Path(item.parent.path)) if recorders else None


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item) -> None:
    recorder = _recorder(item)
    # The first cell's setup starts the kernel: the notebook's time starts.
    if recorder is not None and recorder.start is None:
        recorder.start = time.perf_counter()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    recorder = _recorder(item)
    if recorder is None:
        return (yield)
    recorder.begin(item.cell_num, item.cell.source)
    start = time.perf_counter()
    try:
        result = yield
    except BaseException as error:
        seconds = time.perf_counter() - start
        if isinstance(error, pytest.skip.Exception):
            recorder.skipped(item.cell_num)
        else:
            recorder.end(item.cell_num, False, seconds)
        raise
    recorder.end(item.cell_num, True, time.perf_counter() - start)
    return result


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    # A failure outside the call (setup: the kernel did not start) also
    # means the notebook must not be written.
    if report.failed and _recorder(item) is not None:
        item.config.stash[_FAILED].add(Path(item.parent.path))
    return report


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    result = yield
    recorder = _recorder(item)
    last = nextitem is None or getattr(nextitem, "parent", None) is not (
        item.parent
    )
    if recorder is None or not last:
        return result
    out = item.config.getoption("executed_dir")
    path = Path(item.parent.path)
    failed = recorder.failed or path in item.config.stash[_FAILED]
    if out and not failed:
        target = executed_path(Path(out), path, item.config.rootpath)
        recorder.write(target, source=path)
        seconds = recorder.notebook.metadata[METADATA_KEY]["seconds"]
        item.config.stash[_TIMINGS][path.name] = seconds
    return result


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:
    timings = config.stash.get(_TIMINGS, {})
    if not timings:
        return
    terminalreporter.section("notebook execution seconds (nbval)")
    for name, seconds in sorted(timings.items(), key=lambda kv: -kv[1]):
        terminalreporter.write_line(f"{seconds:8.1f} s  {name}")


# ------------------------------------------------------------ CI parts


def _gathers(path: Path) -> bool:
    notebook = read_notebook(path)
    return any(
        cell.cell_type == "code" and _GATHERS.search(cell.source)
        for cell in notebook.cells
    )


def notebooks(book: Path) -> list[Path]:
    """Every notebook nbval runs in ``book``: ``.ipynb`` and MyST ``.md``."""
    paths = sorted(Path(book).iterdir())
    return [
        p
        for p in paths
        if p.suffix == ".ipynb" or (p.suffix == ".md" and is_myst_notebook(p))
    ]


def split(book: Path, part: str, times: dict[str, float]) -> list[Path]:
    """The notebooks of one CI part: ``"i/n"`` or ``"gather"``.

    Pages that read other chapters' results (``load_results``,
    ``read_closing_rows``) form the
    ``gather`` part. The others are dealt longest first (``times``: seconds
    by file name; unmeasured ones count as the median) to the part
    with the least work so far, so the parts take about the same time.
    """
    paths = notebooks(book)
    gather = [p for p in paths if _gathers(p)]
    if part == "gather":
        return gather
    match = re.fullmatch(r"([1-9]\d*)/([1-9]\d*)", part)
    if not match or int(match.group(1)) > int(match.group(2)):
        raise ValueError(
            f"part must be 'i/n' with 1 <= i <= n (e.g. '1/2') or 'gather', "
            f"got {part!r}."
        )
    index, count = int(match.group(1)) - 1, int(match.group(2))
    measured = sorted(times.values())
    default = measured[len(measured) // 2] if measured else 60.0
    rest = sorted(
        (p for p in paths if p not in gather),
        key=lambda p: (-times.get(p.name, default), p.name),
    )
    loads, parts = [0.0] * count, [[] for _ in range(count)]
    for path in rest:
        lightest = loads.index(min(loads))
        parts[lightest].append(path)
        loads[lightest] += times.get(path.name, default)
    return sorted(parts[index])


def _reference_times(times_file: Path) -> dict[str, float]:
    if not times_file.is_file():
        return {}
    table = json.loads(times_file.read_text())
    return next(iter(table.values()), {}) if table else {}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Notebooks of one CI part.")
    parser.add_argument("--part", required=True, help="'1/2', '2/2', 'gather'")
    parser.add_argument("--book", type=Path, default=Path("book"))
    parser.add_argument(
        "--times",
        type=Path,
        default=ROOT / "benchmarks" / "chapter_times.json",
    )
    args = parser.parse_args(argv)
    chosen = split(args.book, args.part, _reference_times(args.times))
    print(" ".join(str(p) for p in chosen))


if __name__ == "__main__":
    main()
