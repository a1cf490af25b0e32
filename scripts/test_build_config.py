"""Write the configuration of the book build that the browser test reads.

It is ``_config.yml`` with one change: MathJax comes from the test server
(Debian's ``libjs-mathjax``, MathJax 2, served under ``/_mathjax/``) instead
of the CDN, because the test machine has no network. The published book
(``make book``) keeps the CDN default.

Usage: ``python scripts/test_build_config.py OUTPUT.yml``
"""

from __future__ import annotations

import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
MATHJAX_PATH = "_mathjax/MathJax.js?config=TeX-AMS_CHTML"
# MathJax 2 reads its own configuration; process only the math nodes that
# Sphinx writes (myst-nb marks the surrounding text "mathjax_ignore").
MATHJAX2_CONFIG = {
    "tex2jax": {
        "inlineMath": [["\\(", "\\)"]],
        "displayMath": [["\\[", "\\]"]],
        "processRefs": False,
        "processEnvironments": False,
        "processClass": "tex2jax_process|mathjax_process|math|output_area",
        "ignoreClass": "tex2jax_ignore|mathjax_ignore|document",
    },
    "messageStyle": "none",
}


def main(output: str) -> None:
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    # Paths in the configuration are read relative to the file's folder.
    local = config.get("sphinx", {}).get("local_extensions") or {}
    for name, path in local.items():
        local[name] = str((ROOT / path).resolve())
    sphinx_config = config.setdefault("sphinx", {}).setdefault("config", {})
    sphinx_config["mathjax_path"] = MATHJAX_PATH
    sphinx_config["mathjax2_config"] = MATHJAX2_CONFIG
    sphinx_config["mathjax3_config"] = None
    sphinx_config["myst_update_mathjax"] = False
    Path(output).parent.mkdir(parents=True, exist_ok=True)
    Path(output).write_text(yaml.safe_dump(config, sort_keys=False))


if __name__ == "__main__":
    main(sys.argv[1])
