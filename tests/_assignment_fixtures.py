"""A two-exercise chapter and its submissions, built in a temporary folder.

The chapter follows the book's conventions (gated sphinx-exercise markers,
folded solution cells, ``remove-cell`` tests) and calls the real checks of
chapter 1, so grading it takes seconds instead of a chapter's minute.
"""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

SETUP = """\
import torch

from aeutils import exercises

ratio = torch.tensor([0.5, 0.3, 0.15, 0.05])"""

RECONSTRUCT_STUB = '''\
def pca_reconstruct(x, mean, components):
    raise NotImplementedError


exercises.check_pca_reconstruction(pca_reconstruct)'''

RECONSTRUCT_SOLUTION = '''\
# @title Solution
def pca_reconstruct(x, mean, components):
    return mean + (x - mean) @ components.T @ components


exercises.check_pca_reconstruction(pca_reconstruct)'''

RECONSTRUCT_MISTAKE = '''\
def pca_reconstruct(x, mean, components):
    return (x - mean) @ components.T @ components'''

K_STUB = """\
k_90 = None  # your answer: an int

exercises.check_components_for_variance(k_90, ratio, threshold=0.9)"""

K_SOLUTION = "# @title Solution\nk_90 = 3"

FOLDED = {"cellView": "form", "jupyter": {"source_hidden": True}}


def _hidden(code: str):
    return new_code_cell(code, metadata={"tags": ["remove-cell"]})


def chapter() -> nbformat.NotebookNode:
    """The instructor's chapter: 3 exercises, 2 of them autograded."""
    return new_notebook(
        metadata={
            "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
            "language_info": {"name": "python"},
        },
        cells=[
            new_markdown_cell("# 1. A small chapter"),
            new_code_cell(SETUP),
            new_markdown_cell(
                "## Exercises\n\n```{exercise-start}\n:label: ex-reconstruct\n```\n\n"
                "**Reconstruct.** Write `pca_reconstruct`."
            ),
            new_code_cell(RECONSTRUCT_STUB),
            new_markdown_cell(
                "```{exercise-end}\n```\n\n```{solution-start} ex-reconstruct\n"
                ":class: dropdown\n```\n\nCentre, encode, decode, add the mean."
            ),
            new_code_cell(RECONSTRUCT_SOLUTION, metadata=FOLDED),
            new_markdown_cell("```{solution-end}\n```"),
            _hidden("assert exercises.check_pca_reconstruction(pca_reconstruct).passed"),
            new_markdown_cell(
                "```{exercise-start}\n:label: ex-k90\n```\n\n**90 %.** Find `k_90`."
            ),
            new_code_cell(K_STUB),
            new_markdown_cell(
                "```{exercise-end}\n```\n\n```{solution-start} ex-k90\n:class: dropdown\n```"
            ),
            new_code_cell(K_SOLUTION, metadata=FOLDED),
            new_markdown_cell("The cumulative sum crosses 0.9 at k = 3.\n```{solution-end}\n```"),
            # Like the book's: the check, then the chapter's own claims.
            _hidden(
                "assert exercises.check_components_for_variance(\n"
                "    k_90, ratio, threshold=0.9\n).passed\n"
                "assert float(ratio.sum()) == 1.0"
            ),
            new_markdown_cell(
                "```{exercise-start}\n:label: ex-think\n```\n\n**Think.** Why?\n"
                "```{exercise-end}\n```\n\n```{solution-start} ex-think\n:class: dropdown\n"
                "```\n\nBecause.\n```{solution-end}\n```"
            ),
            new_markdown_cell("That is all."),
        ]
    )


def write(notebook, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(notebook, path)
    return path


def fill(student_edition: dict, answers: dict[str, str]) -> dict:
    """A student's copy: the stub cells whose first line matches get answers."""
    notebook = json.loads(json.dumps(student_edition))
    for cell in notebook["cells"]:
        text = "".join(cell["source"])
        for start, answer in answers.items():
            if cell["cell_type"] == "code" and text.startswith(start):
                cell["source"] = answer
    return notebook
