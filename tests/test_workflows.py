"""The GitHub workflows: valid, linted, and calling only what the repository has."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
CONFIG = yaml.safe_load((ROOT / "_config.yml").read_text())
BIN = Path(sys.executable).parent


def _load(path: Path) -> dict:
    workflow = yaml.safe_load(path.read_text())
    # YAML 1.1 reads the key `on` as True.
    workflow["on"] = workflow.pop(True, workflow.get("on"))
    return workflow


def _make_targets() -> set[str]:
    text = (ROOT / "Makefile").read_text()
    return set(re.findall(r"^([\w-]+):", text, flags=re.M))


def undefined_commands(workflow: dict, *, root: Path = ROOT) -> list[str]:
    """Run steps that call anything but a Makefile target or a script in the repo."""
    targets = _make_targets()
    problems = []
    for job_name, job in workflow["jobs"].items():
        for step in job.get("steps", []):
            if "run" not in step:
                continue
            for line in step["run"].strip().splitlines():
                words = line.split()
                if words[:1] == ["make"] and len(words) == 2 and words[1] in targets:
                    continue
                if words[:1] == ["bash"] and len(words) == 2 and (root / words[1]).is_file():
                    continue
                problems.append(f"{job_name}: {line!r}")
    return problems


def _uses(workflow: dict) -> list[dict]:
    return [
        step
        for job in workflow["jobs"].values()
        for step in job.get("steps", [])
        if "uses" in step
    ]


def test_the_three_workflows_exist():
    assert {p.name for p in WORKFLOWS} == {"test.yml", "pages.yml", "newest-versions.yml"}


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_workflow_steps_call_only_what_the_repository_has(path):
    assert undefined_commands(_load(path)) == []


def test_the_command_check_catches_a_step_the_repository_does_not_have(tmp_path):
    workflow = {
        "jobs": {
            "build": {
                "steps": [
                    {"run": "make no-such-target"},
                    {"run": "bash scripts/missing.sh"},
                    {"run": "pip install -r requirements.txt"},
                    {"run": "make test"},
                ]
            }
        }
    }
    assert undefined_commands(workflow) == [
        "build: 'make no-such-target'",
        "build: 'bash scripts/missing.sh'",
        "build: 'pip install -r requirements.txt'",
    ]


def _test_stages() -> list[str]:
    """The Makefile targets `make test` runs as its stages, in order."""
    text = (ROOT / "Makefile").read_text()
    recipe = text[text.index("\ntest: setup"):].split("\n\n")[0]
    return re.findall(r"\$\(MAKE_STAGE\) ([\w-]+)", recipe)


def _runs(job: dict) -> list[str]:
    return [s["run"].strip() for s in job["steps"] if "run" in s]


def test_ci_run_is_the_readme_test_command():
    assert "make test" in (ROOT / ".ci/run").read_text()
    assert _test_stages() == ["test-unit", "test-notebooks", "build-test-book", "browser"]


def test_pull_requests_run_every_stage_of_make_test_in_parallel_jobs():
    workflow = _load(ROOT / ".github/workflows/test.yml")
    assert "pull_request" in workflow["on"] and "push" in workflow["on"]
    jobs = workflow["jobs"]
    called = {run.split()[1] for job in jobs.values() for run in _runs(job)}
    assert set(_test_stages()) <= called
    assert _runs(jobs["unit"]) == ["make setup", "make test-unit"]
    # The chapters: every part i/n of book/ once, each kernel within the cores.
    chapters = jobs["chapters"]
    parts = chapters["strategy"]["matrix"]["part"]
    assert parts == [f"{i}/{len(parts)}" for i in range(1, len(parts) + 1)]
    assert chapters["env"]["CHAPTERS_PART"] == "${{ matrix.part }}"
    assert chapters["env"]["OMP_NUM_THREADS"]
    assert _runs(chapters) == ["make setup", "make test-notebooks"]
    upload = next(s for s in chapters["steps"] if "upload-artifact" in s.get("uses", ""))
    assert upload["with"]["path"].split() == ["_build/executed", "_build/course-results"]
    # The book job: after both parts, on their executed notebooks.
    book = jobs["book"]
    assert book["needs"] == "chapters" and book["env"]["CHAPTERS_PART"] == "gather"
    download = next(s for s in book["steps"] if "download-artifact" in s.get("uses", ""))
    assert download["with"]["path"] == "_build" and download["with"]["merge-multiple"]
    assert download["with"]["pattern"].rstrip("*") == upload["with"]["name"].split("$")[0]
    assert _runs(book) == [
        "make setup", "make test-notebooks", "make build-test-book", "make browser"
    ]


def test_pages_deploys_the_folder_the_book_build_writes():
    workflow = _load(ROOT / ".github/workflows/pages.yml")
    assert workflow["on"]["push"]["branches"] == ["main"]
    build, deploy = workflow["jobs"]["build"], workflow["jobs"]["deploy"]
    assert [s["run"] for s in build["steps"] if "run" in s] == ["make book"]
    upload = next(s for s in build["steps"] if "upload-pages-artifact" in s.get("uses", ""))
    assert upload["with"]["path"] == "_build/html"
    # `make book` builds the repository root with Jupyter Book, whose HTML goes
    # to _build/html.
    assert re.search(r"jupyter-book build \.", (ROOT / "Makefile").read_text())
    assert deploy["needs"] == "build"
    assert any("deploy-pages" in s["uses"] for s in deploy["steps"])
    assert deploy["permissions"]["pages"] == "write"
    assert deploy["permissions"]["id-token"] == "write"


def test_newest_versions_runs_weekly_and_executes_every_chapter():
    workflow = _load(ROOT / ".github/workflows/newest-versions.yml")
    assert re.fullmatch(r"[\d*]+ [\d*]+ \* \* \d", workflow["on"]["schedule"][0]["cron"])
    script = (ROOT / "scripts/check_latest.sh").read_text()
    assert 'pip install' in script and '".[test]"' in script
    assert "requirements.txt" not in script.split("set -euo pipefail")[1]
    assert "--nbval-lax" in script


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_actions_are_pinned_to_a_commit(path):
    for step in _uses(_load(path)):
        assert re.fullmatch(r"[\w.-]+/[\w.-]+@[0-9a-f]{40}", step["uses"]), step["uses"]


def test_workflows_match_the_github_workflow_schema():
    check = BIN / "check-jsonschema"
    result = subprocess.run(
        [str(check), "--builtin-schema", "vendor.github-workflows", *map(str, WORKFLOWS)],
        capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_workflows_pass_the_zizmor_linter():
    result = subprocess.run(
        [str(BIN / "zizmor"), "--offline", "--no-progress", str(ROOT / ".github/workflows")],
        capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_linter_rejects_a_workflow_with_problems(tmp_path):
    bad = tmp_path / ".github" / "workflows"
    bad.mkdir(parents=True)
    (bad / "bad.yml").write_text(
        "on: push\njobs:\n  x:\n    runs-on: ubuntu-24.04\n"
        "    steps:\n      - uses: actions/checkout@v4\n"
    )
    lint = subprocess.run(
        [str(BIN / "zizmor"), "--offline", "--no-progress", str(bad)],
        capture_output=True, text=True,
    )
    assert lint.returncode != 0 and "unpinned" in lint.stdout + lint.stderr
    (bad / "bad.yml").write_text("on: push\njobs:\n  x:\n    steps: []\n")
    schema = subprocess.run(
        [str(BIN / "check-jsonschema"), "--builtin-schema", "vendor.github-workflows",
         str(bad / "bad.yml")],
        capture_output=True, text=True,
    )
    assert schema.returncode != 0


def test_readme_names_the_published_url_and_badge_of_the_configured_repository():
    owner, name = re.fullmatch(
        r"https://github\.com/([\w.-]+)/([\w.-]+)", CONFIG["repository"]["url"]
    ).groups()
    readme = (ROOT / "README.md").read_text()
    assert f"https://{owner.lower()}.github.io/{name}/" in readme
    badge = f"{CONFIG['repository']['url']}/actions/workflows/test.yml/badge.svg"
    assert badge in readme


def test_linters_are_installed():
    assert shutil.which("zizmor", path=str(BIN)) and shutil.which("check-jsonschema", path=str(BIN))
