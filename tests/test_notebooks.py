"""The lab notebooks in a real Jupyter kernel, and the check cells' helpers in process.

- the solution notebook runs top to bottom, each demo cell drawing its picture;
- the exercise notebook runs up to the first stub and stops there, NotImplementedError;
- the master notebook (nbgrader's source) gives full partial credit in every grade cell;
- check_tool / grade_tool report a learner's mistakes without raising.
"""

from __future__ import annotations

import os
from pathlib import Path

import nbformat
import numpy as np
import pytest

from autograder import notebook
from autograder.labs import LAB01
from mindlab_core.lab01 import reference as ref
from mindlab_labs import lab_file

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def kernel_name(tmp_path_factory):
    """'python3', installing ipykernel's kernelspec (in a temporary prefix) if it is missing."""
    pytest.importorskip("nbclient")
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

    try:
        KernelSpecManager().get_kernel_spec("python3")
    except NoSuchKernel:  # a fresh venv: ipykernel is installed but its spec is not
        from ipykernel import kernelspec

        prefix = tmp_path_factory.mktemp("jupyter")
        kernelspec.install(kernel_name="python3", prefix=str(prefix))
        share = str(prefix / "share" / "jupyter")
        os.environ["JUPYTER_PATH"] = os.pathsep.join(
            p for p in (share, os.environ.get("JUPYTER_PATH")) if p)
        KernelSpecManager().get_kernel_spec("python3")
    return "python3"


def _execute(kind: str, kernel_name: str) -> tuple[nbformat.NotebookNode, Exception | None]:
    """Run a lab notebook from the repository root; return it and the error that stopped it."""
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    nb = nbformat.read(lab_file(kind, "lab01", ".ipynb"), as_version=4)
    client = NotebookClient(nb, kernel_name=kernel_name, timeout=120,
                            resources={"metadata": {"path": str(ROOT)}})
    try:
        client.execute()
        return nb, None
    except CellExecutionError as error:
        return nb, error


def _errors(cell) -> list:
    return [o for o in cell.get("outputs", []) if o.output_type == "error"]


def test_solution_notebook_runs_top_to_bottom(kernel_name):
    nb, error = _execute("solutions", kernel_name)
    assert error is None, str(error)[-2000:]
    pictures = [c.id for c in nb.cells if c.cell_type == "code"
                and any("image/png" in o.get("data", {}) for o in c.outputs)]
    assert {"patient_heatmap", "tool01_demo", "tool02_demo", "tool03_demo_rules",
            "tool03_demo_greedy"} <= set(pictures)
    grade_cells = [c for c in nb.cells if c.metadata["nbgrader"]["grade"]]
    for cell in grade_cells:  # nbgrader scores a grade cell that wrote to stderr as zero
        assert not [o for o in cell.outputs if o.get("name") == "stderr"]
        printed = "".join(o.get("text", "") for o in cell.outputs)
        assert "public checks" in printed  # the checks ran, in the kernel


def test_exercise_notebook_stops_at_the_first_stub(kernel_name):
    nb, error = _execute("exercises", kernel_name)
    assert error is not None and "NotImplementedError" in str(error)
    code = [c for c in nb.cells if c.cell_type == "code"]
    failed = [c.id for c in code if _errors(c)]
    assert failed == ["tool01_demo"]  # the first cell that calls a learner's function
    before = code[:[c.id for c in code].index("tool01_demo")]
    assert all(c.execution_count for c in before)  # everything earlier ran, cleanly


def test_master_notebook_gives_full_credit_to_the_reference(kernel_name):
    from autograder.judge import suite_modules

    if len(suite_modules(LAB01, "hidden")) < len(LAB01.tools):
        pytest.skip("the hidden suite is not complete yet")
    nb, error = _execute("masters", kernel_name)
    assert error is None, str(error)[-2000:]
    for cell in nb.cells:
        meta = cell.metadata["nbgrader"]
        if meta["grade"]:
            results = [o for o in cell.outputs if o.output_type == "execute_result"]
            assert float(results[-1].data["text/plain"]) == meta["points"]


# ---------------------------------------------------------------- check_tool / grade_tool


def _stub(*args, **kwargs):
    raise NotImplementedError()


def _naive_softmax(logits):
    e = np.exp(np.asarray(logits, dtype=float))  # overflows on 1e4: warnings, nan
    return e / e.sum(axis=-1, keepdims=True)


def test_run_tool_reports_what_the_learner_got_wrong():
    namespace = {name: getattr(ref, name) for name in LAB01.functions}
    passing = notebook.run_tool("lab01", "tool01", "hidden", namespace)
    assert passing.tests and passing.score == passing.max_score
    namespace["softmax"] = _stub
    failing = notebook.run_tool("lab01", "tool01", "hidden", namespace)
    softmax_checks = [t for t in failing.tests if t.function == "softmax"]
    assert softmax_checks and not any(t.passed for t in softmax_checks)
    assert "NotImplementedError" in softmax_checks[0].feedback
    text = notebook.format_tool(failing, "hidden checks")
    assert "✗" in text and softmax_checks[0].feedback in text
    assert text.splitlines()[-1].startswith("tool01 Read its mind: ")


def test_check_cells_never_raise_and_keep_stderr_clean(capsys, monkeypatch):
    namespace = {"softmax": _naive_softmax}  # every other function is missing
    notebook.check_tool("lab01", "tool01", namespace)
    score = notebook.grade_tool("lab01", "tool01", namespace)
    out, err = capsys.readouterr()
    assert err == "" and "points" in out
    assert 0 <= score < LAB01.tool("tool01").points


def test_a_missing_suite_is_reported(capsys, monkeypatch):
    monkeypatch.setattr(notebook, "suite_modules", lambda lab, kind: {})
    notebook.check_tool("lab01", "tool02", {})
    assert "No public checks" in capsys.readouterr().out
    with pytest.raises(LookupError, match="hidden/test_tool02.py"):
        notebook.grade_tool("lab01", "tool02", {})


def test_check_cells_stay_quiet_while_the_grader_loads_a_file(capsys, monkeypatch):
    monkeypatch.setenv(notebook.GRADING_ENV, "1")
    assert notebook.check_tool("lab01", "tool01", {}) is None
    assert notebook.grade_tool("lab01", "tool01", {}) is None
    assert capsys.readouterr().out == ""
