"""jupytext: every lab notebook has its paired percent-format .py, and a learner may hand
in either form of the same work and get the same grade, check by check.
"""

from __future__ import annotations

import json
from pathlib import Path

import jupytext
import nbformat
import pytest
from click.testing import CliRunner
from doc_commands import argv, blocks
from test_loader import export

from mindlab_grader.cli import main
from mindlab_grader.grader import Grader
from mindlab_grader.handout.generate import stale_files
from mindlab_grader.labs import LABS
from mindlab_grader.loader import read_source
from mindlab_labs import lab_dir, lab_file

KINDS = ("masters", "exercises", "solutions")
MISTAKE = ("ablated[:, index(letter)] = -np.inf", "ablated[:, index(letter)] = -1e9")
FILLED = ("softmax", "read_row", "data_row", "belief_gap", "rank_rules", "greedy_decode")


def _cells(nb) -> list[tuple[str, str]]:
    return [(c.cell_type, c.source.strip()) for c in nb.cells]


@pytest.mark.parametrize("kind", KINDS)
def test_every_notebook_has_its_paired_percent_py(kind: str):
    folder = lab_dir(kind)
    notebooks = {p.stem for p in folder.glob("*.ipynb")}
    scripts = {p.stem for p in folder.glob("*.py") if p.stem != "__init__"}
    assert notebooks and notebooks == scripts, f"unpaired in {folder}"
    for stem in sorted(notebooks):
        script = jupytext.read(folder / f"{stem}.py", fmt="py:percent")
        notebook = jupytext.read(folder / f"{stem}.ipynb")
        assert _cells(script) == _cells(notebook), f"{kind}/{stem} .py and .ipynb differ"
        assert (folder / f"{stem}.py").read_text(encoding="utf-8").count("\n# %%") > 10


def test_mindlab_sync_keeps_them_in_step():
    for lab in LABS:
        if lab_file("masters", lab).is_file():
            assert stale_files(lab) == [], f"run: mindlab sync --lab {lab}"
    [[write, check]] = blocks("## 0.")  # as docs/workflows.md types them
    assert argv(write) == ["sync", "--lab", "lab01"]
    result = CliRunner().invoke(main, argv(check))
    assert result.exit_code == 0, result.output


def _both_forms(text: str, folder: Path) -> tuple[Path, Path]:
    """The same work as lab01.py and, converted by jupytext, as lab01.ipynb."""
    (folder / "py").mkdir()
    (folder / "nb").mkdir()
    script = folder / "py" / "lab01.py"
    script.write_text(text, encoding="utf-8")
    notebook = folder / "nb" / "lab01.ipynb"
    jupytext.write(jupytext.reads(text, fmt="py:percent"), notebook)
    return script, notebook


def _partly_done_notebook() -> nbformat.NotebookNode:
    """The exercise with tools 01 and 03 written (tool02 still stubs, raising at load)."""
    answers = {c.metadata["nbgrader"]["grade_id"]: c.source
               for c in jupytext.read(lab_file("solutions", "lab01")).cells
               if c.metadata.get("nbgrader", {}).get("solution")}
    exercise = jupytext.read(lab_file("exercises", "lab01"))
    for cell in exercise.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id in FILLED:
            cell.source = answers[grade_id]
    return exercise


def _partly_done() -> str:
    return jupytext.writes(_partly_done_notebook(), fmt="py:percent")


def _one_mistake() -> str:
    text = lab_file("solutions", "lab01").read_text(encoding="utf-8")
    assert MISTAKE[0] in text
    return text.replace(*MISTAKE)


@pytest.fixture(scope="module")
def graders():
    with Grader(suite="hidden") as hidden, Grader(suite="public") as public:
        yield {"hidden": hidden, "public": public}


def _outcome(report) -> list[tuple[str, str, bool, float]]:
    return [(tool.id, t.name, t.passed, t.score) for tool in report.tools for t in tool.tests]


@pytest.mark.parametrize("work", ["one_mistake", "partly_done"])
def test_either_form_gets_the_same_grade_check_by_check(work: str, graders, tmp_path: Path):
    text = _one_mistake() if work == "one_mistake" else _partly_done()
    script, notebook = _both_forms(text, tmp_path)
    for suite, grader in graders.items():
        as_py, as_nb = grader.grade(script), grader.grade(notebook)
        assert as_py.status == as_nb.status == "graded"
        assert _outcome(as_py) == _outcome(as_nb), suite
        assert as_py.score == as_nb.score
    tools = {t.id: t.score for t in graders["hidden"].grade(script).tools}
    if work == "one_mistake":
        assert tools["tool01"] == tools["tool03"] == 10 > tools["tool02"]
    else:  # a stub raising in tool02's demo cell does not hide tool03's functions
        assert tools == {"tool01": 10, "tool02": 0, "tool03": 10}


def test_a_percent_py_keeps_its_line_numbers_in_feedback():
    text = "# %%\nimport math\n\n# %%\ndef softmax(x):\n    return x\n\n# %%\n1 / 0\n"
    cells = read_source("lab01.py", text.encode()).cells
    assert len(cells) == 3
    with pytest.raises(ZeroDivisionError) as raised:
        exec(compile(cells[2][0], "lab01.py", "exec"), {})
    assert raised.traceback[-1].lineno + 1 == 9  # pytest counts lines from 0


EXPORTS = ("percent", "light", "bare-light", "nbconvert")  # bare: light with no header


def test_every_export_of_a_half_done_notebook_gets_the_notebooks_grade(graders, tmp_path):
    """jupytext's percent and light forms and `jupyter nbconvert --to script` of the same
    half-done notebook: cell by cell like the notebook, so a stub raising in tool02's
    demo cell costs tool02 only, in every form (a one-cell read scored 10/30 here)."""
    notebook = _partly_done_notebook()
    notebook.cells[1].source = "%matplotlib inline\n" + notebook.cells[1].source
    (tmp_path / "ipynb").mkdir()
    as_nb = tmp_path / "ipynb" / "lab01.ipynb"
    jupytext.write(notebook, as_nb)
    expected = {suite: grader.grade(as_nb) for suite, grader in graders.items()}
    assert {t.id: t.score for t in expected["hidden"].tools} == {
        "tool01": 10, "tool02": 0, "tool03": 10}
    for form in EXPORTS:
        (tmp_path / form).mkdir()
        script = tmp_path / form / "lab01.py"
        script.write_text(export(notebook, form), encoding="utf-8")
        for suite, grader in graders.items():
            report = grader.grade(script)
            assert report.status == "graded", (form, suite)
            assert _outcome(report) == _outcome(expected[suite]), (form, suite)


@pytest.mark.parametrize("form", ["light", "nbconvert"])
def test_a_new_user_grading_an_export_gets_the_notebooks_score(form: str, tmp_path, monkeypatch):
    """As the README says to: `mindlab grade lab01.py --lab lab01 --json`."""
    notebook = _partly_done_notebook()
    (tmp_path / "lab01.py").write_text(export(notebook, form), encoding="utf-8")
    jupytext.write(notebook, tmp_path / "lab01.ipynb")
    monkeypatch.chdir(tmp_path)
    reports = []
    for name in ("lab01.py", "lab01.ipynb"):
        result = CliRunner().invoke(main, ["grade", name, "--lab", "lab01", "--json"])
        assert result.exit_code == 0, result.output
        reports.append(json.loads(result.stdout))
    as_py, as_nb = ({t["id"]: t["score"] for t in r["tools"]} for r in reports)
    assert as_py == as_nb == {"tool01": 10, "tool02": 0, "tool03": 10}
    assert reports[0]["score"] == reports[1]["score"] == 20
