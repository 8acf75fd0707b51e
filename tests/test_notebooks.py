"""The lab notebooks in a real Jupyter kernel, and the check cells' helpers in process.

- the solution notebook runs top to bottom, each demo cell drawing its picture;
- the exercise notebook runs up to the first stub and stops there, NotImplementedError;
- the master notebook (nbgrader's source) gives full partial credit in every grade cell;
- check_tool prints every public check, then raises when one fails (nbgrader validate);
  grade_tool returns the score as a number, or raises when it is 0, whatever the
  environment says; every call of a learner's function has the 2 s limit.
"""

from __future__ import annotations

import os
from pathlib import Path

import nbformat
import numpy as np
import pytest

from mindlab_core.lab01 import reference as ref
from mindlab_grader import notebook
from mindlab_grader.labs import LAB01
from mindlab_grader.learner import LearnerTimeout
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
    from mindlab_grader.judge import suite_modules

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


def test_check_tool_prints_every_line_then_raises_and_keeps_stderr_clean(capsys, monkeypatch):
    """A failing public check stops the cell the way nbgrader validate expects: an error
    (after the whole list is printed); the learner's overflow warnings never reach stderr."""
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    namespace = {"softmax": _naive_softmax}  # every other function is missing
    with pytest.raises(notebook.ChecksFailed, match=r"\d+ of \d+ public checks of tool01 fail"):
        notebook.check_tool("lab01", "tool01", namespace)
    out, err = capsys.readouterr()
    assert err == "" and "✗" in out and out.rstrip().endswith("(public checks)")


def test_check_tool_only_prints_under_nbgrader_autograde(capsys, monkeypatch):
    """The hidden grade_tool after check_tool in the same grade cell must still run."""
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    assert notebook.check_tool("lab01", "tool01", {"softmax": _naive_softmax}) is None
    assert "points (public checks)" in capsys.readouterr().out


def test_check_tool_passes_quietly_on_the_reference(capsys, monkeypatch):
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    namespace = {name: getattr(ref, name) for name in LAB01.functions}
    assert notebook.check_tool("lab01", "tool02", namespace) is None
    assert "✗" not in capsys.readouterr().out


def test_grade_tool_gives_partial_credit_as_a_number(capsys):
    namespace = {name: getattr(ref, name) for name in LAB01.functions}
    namespace["sample_word"] = _stub
    score = notebook.grade_tool("lab01", "tool02", namespace)
    out, err = capsys.readouterr()
    assert type(score) is float and 0 < score < LAB01.tool("tool02").points
    assert err == "" and "sample_word is still a stub" in out


@pytest.mark.parametrize("variable", ["MINDLAB_GRADING", "NBGRADER_EXECUTION"])
def test_no_environment_variable_changes_what_grade_tool_does(capsys, monkeypatch, variable):
    """A stub scores 0 whatever the kernel's environment says: grade_tool raises (nbgrader
    scores an error 0, and no cell-result setting can turn a raise into full marks)."""
    monkeypatch.setenv(variable, "1" if variable == "MINDLAB_GRADING" else "autograde")
    with pytest.raises(notebook.NoCredit, match="0/10"):
        notebook.grade_tool("lab01", "tool01", {})
    assert "(hidden checks)" in capsys.readouterr().out
    namespace = {name: getattr(ref, name) for name in LAB01.functions}
    assert notebook.grade_tool("lab01", "tool01", namespace) == 10.0


def _looping_greedy_decode(W, max_len=50):
    """The lab's greedy_decode without its max_len cap: a cycle a -> b -> a never ends."""
    probs = ref.softmax(np.asarray(W, dtype=float))
    letters, token = [], 0
    while True:
        token = int(probs[token].argmax())
        if token == 0:
            return "".join(letters)
        letters.append(ref.TOKENS[token])


def _swallowing_softmax(logits):
    """Loops, catching every Exception to loop on (the interruption is no Exception)."""
    while True:
        try:
            while True:
                pass
        except Exception:
            continue


def test_a_looping_function_costs_its_own_checks_within_the_limit(capsys):
    """Once per suite: the first timeout (limit 2 s per call) cuts the function off from
    its later checks, as the isolated grader does; the other function keeps its points."""
    import time

    namespace = {name: getattr(ref, name) for name in LAB01.functions}
    namespace["greedy_decode"] = _looping_greedy_decode
    start = time.monotonic()
    score = notebook.grade_tool("lab01", "tool03", namespace)
    seconds = time.monotonic() - start
    out = capsys.readouterr().out
    assert 2.0 <= seconds < 2.0 + 2.5, seconds
    assert "did not finish in time (limit 2 s per call)" in out and "max_len cap" in out
    assert "Traceback" not in out and "KeyboardInterrupt" not in out
    rank_rules = [t for t in notebook.run_tool("lab01", "tool03", "hidden", dict(
        namespace, greedy_decode=ref.greedy_decode)).tests if t.function == "rank_rules"]
    assert score == sum(t.max_score for t in rank_rules)  # rank_rules keeps all its points
    assert namespace["greedy_decode"] is _looping_greedy_decode  # the globals as they were
    assert namespace["softmax"] is ref.softmax


def test_a_loop_that_catches_every_exception_is_stopped_too():
    learner = notebook.TimedLocalLearner({"softmax": _swallowing_softmax}, limit=0.2)
    with pytest.raises(LearnerTimeout, match=r"limit 0.2 s per call\)"):
        learner.call("softmax", np.zeros(3))
    with pytest.raises(LearnerTimeout, match="other checks were not run"):
        learner.call("softmax", np.zeros(3))  # cut off: no second wait


def test_the_watchdog_interrupts_a_busy_loop_and_nothing_after_it():
    import threading
    import time

    start = time.monotonic()
    with pytest.raises(notebook.CallTimedOut):
        with notebook.Watchdog(0.2):
            while True:
                pass
    assert time.monotonic() - start < 1.0
    with notebook.Watchdog(0.2) as dog:  # restart() gives each call of a repeat its limit
        for _ in range(4):
            time.sleep(0.1)
            dog.restart()
    time.sleep(0.3)  # nothing is left pending to fire later, no watcher left running
    assert not [t for t in threading.enumerate() if t.name == "mindlab-watchdog"]


def test_check_prints_the_public_checks_of_one_function(capsys):
    """check("softmax"), Otter-style: the caller's globals, that function's checks only."""
    notebook.check("softmax", {"softmax": ref.softmax})
    lines = capsys.readouterr().out.splitlines()
    assert lines and all(line.startswith("✓") for line in lines[:-1])
    assert lines[-1].startswith("softmax: ") and lines[-1].endswith("points (public checks)")
    notebook.check("read_row", {"read_row": _stub})
    out = capsys.readouterr().out
    assert "read_row is still a stub" in out and "softmax" not in out.replace("read_row", "")
    with pytest.raises(ValueError, match="not a graded function"):
        notebook.check("no_such_function", {})


def test_check_reads_the_callers_globals(capsys):
    globals()["data_row"] = _stub
    try:
        notebook.check("data_row")
    finally:
        del globals()["data_row"]
    assert "data_row is still a stub" in capsys.readouterr().out


def test_a_missing_suite_is_reported(capsys, monkeypatch):
    monkeypatch.setattr(notebook, "suite_modules", lambda lab, kind: {})
    notebook.check_tool("lab01", "tool02", {})
    assert "No public checks" in capsys.readouterr().out
    with pytest.raises(LookupError, match="hidden/test_tool02.py"):
        notebook.grade_tool("lab01", "tool02", {})
