#!/usr/bin/env bash
# The "Colab-like" check: a fresh virtual environment with the course package
# installed the way a Colab user gets it (`pip install .`, so the newest
# releases that pyproject.toml's loose ranges allow, not requirements.txt's
# pins), then every chapter executed cell by cell under nbval. No GPU needed.
#
# Usage: bash scripts/check_latest.sh   (or: make check-latest)
# It prints the versions it tested and exits non-zero if any chapter fails.
set -euo pipefail
cd "$(dirname "$0")/.."

VENV=${LATEST_VENV:-.venv-latest}
PYTHON=${PYTHON:-python3}

rm -rf "$VENV"
"$PYTHON" -m venv "$VENV"
"$VENV/bin/python" -m pip install --quiet --upgrade pip
# --upgrade-strategy eager: every dependency at its newest allowed release.
"$VENV/bin/python" -m pip install --quiet --progress-bar off \
  --upgrade --upgrade-strategy eager ".[test]"

"$VENV/bin/python" - <<'PY'
import importlib.metadata as md
names = ["torch", "torchvision", "numpy", "matplotlib", "scikit-learn", "pandas",
         "ipywidgets", "ipykernel", "nbval", "pytest"]
print("== newest allowed releases: " + ", ".join(f"{n} {md.version(n)}" for n in names))
import torchvision  # noqa: F401  (fails here if torch and torchvision do not fit)
PY

# Chapters import the installed package, not the source folder.
cd book
"../$VENV/bin/python" -m pytest . --nbval-lax --nbval-current-env \
  -p no:cacheprovider -o addopts="" -q
