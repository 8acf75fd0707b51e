"""Lab 02's lab files: generated from the master, the solution notebook runs, grades are full."""

from __future__ import annotations

import ast
import re

import nbformat
import pytest
from nbclient import NotebookClient

from mindlab_grader.grader import grade_file
from mindlab_grader.handout import generate
from mindlab_grader.labs import LAB02
from mindlab_labs import lab_file


def test_generated_files_match_the_master():
    stale = generate.stale_files("lab02")
    assert not stale, f"run `mindlab sync --lab lab02`: {stale}"


def test_exercises_are_stubs_and_leak_no_solution():
    text = lab_file("exercises", "lab02").read_text(encoding="utf-8")
    tree = ast.parse(text)
    stubs = {node.name for node in tree.body if isinstance(node, ast.FunctionDef)
             and "NotImplementedError" in ast.unparse(node)}
    assert stubs == set(LAB02.functions)
    for kind in ("exercises", "solutions"):
        for suffix in (".py", ".ipynb"):
            generated = lab_file(kind, "lab02", suffix).read_text(encoding="utf-8")
            assert "BEGIN HIDDEN TESTS" not in generated and "grade_tool" not in generated
            assert "mindlab_core.lab02.reference" not in generated


def test_the_solution_notebook_runs_and_passes_every_public_check():
    nb = nbformat.read(lab_file("solutions", "lab02", ".ipynb"), as_version=4)
    NotebookClient(nb, timeout=120, kernel_name="python3",
                   resources={"metadata": {"path": str(lab_file("solutions", "lab02").parent)}}
                   ).execute()
    text = "\n".join(out.get("text", "") for cell in nb.cells if cell.cell_type == "code"
                     for out in cell.get("outputs", []))
    for tool in LAB02.tools:
        assert re.search(rf"{tool.id} .*: 10/10 points", text), f"{tool.id} not full marks"
    assert "induction heads: [(1, 2)]" in text and "previous-token heads: [(0, 1)]" in text
    assert "the last layer's lens is the model's output: True" in text


@pytest.mark.parametrize("suffix", [".py", ".ipynb"])
def test_the_solutions_get_full_marks_through_the_isolated_runner(suffix):
    report = grade_file(lab_file("solutions", "lab02", suffix), "lab02", "hidden", "process")
    assert report.score == report.max_score == sum(t.points for t in LAB02.tools)
