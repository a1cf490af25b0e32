#!/usr/bin/env bash
# Install everything a fresh Debian/Ubuntu machine lacks to build the book and
# run the tests: the offline Fashion-MNIST package, a virtual environment, and
# the Python requirements. Safe to run again: each step is skipped when done.
set -euo pipefail
cd "$(dirname "$0")/.."

VENV=${VENV:-.venv}
PYTHON=${PYTHON:-python3}
DATA_DIR=/usr/share/datasets/fashion-mnist

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else return 1; fi
}

# 1. Fashion-MNIST from Debian's package, so nothing needs the internet.
if [ ! -f "$DATA_DIR/train-images-idx3-ubyte.gz" ]; then
  if command -v apt-get >/dev/null && as_root true 2>/dev/null; then
    echo "== Installing dataset-fashion-mnist (Debian package)"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq dataset-fashion-mnist
  else
    echo "== No apt-get (or no root): Fashion-MNIST will be downloaded by torchvision on first use."
  fi
fi

# 2. Debian packages for the browser test of the built book: Chromium (driven
#    by Playwright's client; no browser download), MathJax for pages served
#    offline, and a font.
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
[ -f /usr/share/javascript/mathjax/MathJax.js ] || missing+=(libjs-mathjax)
[ -d /usr/share/fonts/truetype/dejavu ] || missing+=(fonts-dejavu-core)
if [ ${#missing[@]} -gt 0 ]; then
  if command -v apt-get >/dev/null && as_root true 2>/dev/null; then
    echo "== Installing ${missing[*]} (Debian packages)"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
  else
    echo "== Missing ${missing[*]}: the browser test needs them (apt-get install ${missing[*]})."
  fi
fi

# 3. A virtual environment with the requirements; reinstalled when they change.
if [ ! -x "$VENV/bin/python" ]; then
  if ! "$PYTHON" -m venv "$VENV" 2>/dev/null; then
    echo "== python3 -m venv failed; installing python3-venv"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv
    "$PYTHON" -m venv "$VENV"
  fi
fi
stamp="$VENV/.requirements.sha256"
wanted=$(cat requirements.txt pyproject.toml | sha256sum | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$wanted" ]; then
  echo "== Installing Python requirements into $VENV (torch is large: a few GB)"
  "$VENV/bin/python" -m pip install --quiet --upgrade pip
  "$VENV/bin/python" -m pip install --quiet --progress-bar off -r requirements.txt
  echo "$wanted" > "$stamp"
fi

# 4. Fail early and clearly if torch and torchvision do not fit together.
"$VENV/bin/python" -c "import torch, torchvision; print(f'== torch {torch.__version__}, torchvision {torchvision.__version__}')"
