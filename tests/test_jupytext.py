"""jupytext: every lab notebook has its paired percent-format .py, and a learner may hand
in either form of the same work and get the same grade, check by check.
"""

from __future__ import annotations

from pathlib import Path

import jupytext
import pytest
from click.testing import CliRunner
from doc_commands import argv, blocks

from autograder.cli import main
from autograder.handout.generate import stale_files
from autograder.labs import LABS
from autograder.loader import read_source
from autograder.grader import Grader
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


def _partly_done() -> str:
    """The exercise with tools 01 and 03 written (tool02 still stubs, raising at load)."""
    answers = {c.metadata["nbgrader"]["grade_id"]: c.source
               for c in jupytext.read(lab_file("solutions", "lab01")).cells
               if c.metadata.get("nbgrader", {}).get("solution")}
    exercise = jupytext.read(lab_file("exercises", "lab01"))
    for cell in exercise.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id in FILLED:
            cell.source = answers[grade_id]
    return jupytext.writes(exercise, fmt="py:percent")


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
