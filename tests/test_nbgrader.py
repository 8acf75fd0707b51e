"""nbgrader, for real: the lab's master notebook is an nbgrader *source* notebook as is.

SLOW (about 40 s: nbgrader starts a Jupyter kernel per notebook), so everything runs in
one course built once per module with the very commands docs/workflows.md gives
(`nbgrader generate_assignment lab01` on labs/lab01.ipynb, then `nbgrader autograde lab01
--create` of three students and `nbgrader export`), scores read from nbgrader's gradebook:

    solved   every solution cell filled in                       30/30
    stub     the student version untouched                        0/30
    mistake  solved, but ablate_column writes -1e9 for -inf      tool02 < 10, others 10

The grade cells' hidden-tests region calls `grade_tool`, whose return value (the cell's
last output) nbgrader reads as partial credit: nbgrader.utils.determine_grade takes an
`execute_result` that casts to a float as the score, gives 0 to a cell with an error or
any stderr output, and full marks to a cell with no result at all. Skipped only when
nbgrader is not importable (it comes with the `nbgrader` extra: pip install -e ".[nbgrader]").
"""

from __future__ import annotations

import copy
import csv
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

nbgrader = pytest.importorskip("nbgrader", reason="nbgrader is not installed: "
                               "pip install -e '.[test,nbgrader]' runs these tests")
nbformat = pytest.importorskip("nbformat")

from doc_commands import blocks  # noqa: E402
from nbgrader.api import Gradebook  # noqa: E402
from nbgrader.utils import determine_grade  # noqa: E402

from autograder.labs import LAB01  # noqa: E402
from mindlab_labs import lab_file  # noqa: E402

STUDENTS = ("solved", "stub", "mistake")
MISTAKE = ("ablated[:, index(letter)] = -np.inf", "ablated[:, index(letter)] = -1e9")


def _bash(lines: list[str], cwd: Path) -> None:
    """Run command lines as typed in a terminal (nbgrader is this Python's, first on PATH)."""
    env = {**os.environ, "PYTHONWARNINGS": "ignore",
           "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    result = subprocess.run(["bash", "-euo", "pipefail", "-c", "\n".join(lines)], cwd=cwd,
                            env=env, capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]


def _code(nb) -> list[str]:
    return [c.source for c in nb.cells if c.cell_type == "code"]


NAMED_STUB = re.compile(r'raise NotImplementedError\("write \w+ \(TOOL \d+\): [^"\n]*"\)')


def _nbgrader_stubs(sources: list[str]) -> list[str]:
    """mindlab's stubs name their function (see handout/generate.py); nbgrader's do not."""
    return [NAMED_STUB.sub("raise NotImplementedError()", s) for s in sources]


def _filled(release, answers: dict[str, str]):
    """The release notebook with solution cells replaced by `answers` (by grade id)."""
    nb = copy.deepcopy(release)
    for cell in nb.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if cell.metadata.get("nbgrader", {}).get("solution") and grade_id in answers:
            cell.source = answers[grade_id]
    return nb


@pytest.fixture(scope="module")
def course(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An autograded nbgrader course (see the module docstring)."""
    top = tmp_path_factory.mktemp("nbgrader")
    (top / "labs").mkdir()
    (top / "labs" / "lab01.ipynb").write_bytes(lab_file("masters", "lab01", ".ipynb").read_bytes())
    generate, grade = blocks("## 2.")  # exactly what docs/workflows.md tells instructors
    _bash(generate, top)
    course = top / "course"

    release = nbformat.read(course / "release" / "lab01" / "lab01.ipynb", as_version=4)
    solutions = nbformat.read(lab_file("solutions", "lab01", ".ipynb"), as_version=4)
    answers = {c.metadata["nbgrader"]["grade_id"]: c.source for c in solutions.cells
               if c.metadata.get("nbgrader", {}).get("solution")}
    wrong = dict(answers, ablate_column=answers["ablate_column"].replace(*MISTAKE))
    assert wrong["ablate_column"] != answers["ablate_column"]
    for student, nb in (("solved", _filled(release, answers)), ("stub", release),
                        ("mistake", _filled(release, wrong))):
        folder = course / "submitted" / student / "lab01"
        folder.mkdir(parents=True)
        nbformat.write(nb, folder / "lab01.ipynb")
    _bash(grade, course)
    return course


def _scores(course: Path, student: str) -> dict[str, float]:
    """{grade cell id: score} and 'total' for one student, from nbgrader's gradebook."""
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        submission = gradebook.find_submission_notebook("lab01", "lab01", student)
        scores = {grade.name: float(grade.score) for grade in submission.grades}
        scores["total"] = float(submission.score)
        scores["max"] = float(submission.max_score)
    return scores


def test_generate_assignment_gives_the_student_version_mindlab_ships(course: Path):
    release = nbformat.read(course / "release" / "lab01" / "lab01.ipynb", as_version=4)
    exercise = nbformat.read(lab_file("exercises", "lab01", ".ipynb"), as_version=4)
    assert _code(release) == _nbgrader_stubs(_code(exercise))
    text = json.dumps(release.dict())
    assert "grade_tool" not in text and "BEGIN SOLUTION" not in text


def test_points_per_tool_equal_mindlabs(course: Path):
    scores = _scores(course, "solved")
    for tool in LAB01.tools:
        assert f"check_{tool.id}" in scores
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        cells = {c.name: c.max_score for c in gradebook.find_notebook("lab01", "lab01").grade_cells}
    assert cells == {f"check_{tool.id}": tool.points for tool in LAB01.tools}
    assert scores["max"] == sum(tool.points for tool in LAB01.tools) == 30.0


def test_solved_notebook_gets_full_marks(course: Path):
    scores = _scores(course, "solved")
    assert scores["total"] == 30.0, scores


def test_stub_notebook_gets_zero(course: Path):
    scores = _scores(course, "stub")
    assert scores["total"] == 0.0, scores


def test_one_mistake_costs_only_its_tool(course: Path):
    scores = _scores(course, "mistake")
    assert scores["check_tool01"] == scores["check_tool03"] == 10.0, scores
    assert 0.0 < scores["check_tool02"] < 10.0, scores
    assert scores["total"] == scores["check_tool01"] + scores["check_tool02"] + 10.0


def test_grade_cells_show_the_learners_messages_and_the_score(course: Path):
    """The autograded notebook's tool02 cell: mindlab's hidden-check lines, then the score
    as the cell's result, which is exactly what nbgrader's determine_grade reads."""
    graded = nbformat.read(course / "autograded" / "mistake" / "lab01" / "lab01.ipynb",
                           as_version=4)
    cell = next(c for c in graded.cells
                if c.metadata.get("nbgrader", {}).get("grade_id") == "check_tool02")
    printed = "".join(o.get("text", "") for o in cell.outputs if o.output_type == "stream")
    assert "✗" in printed and "ablate_column" in printed and "(hidden checks)" in printed
    assert not [o for o in cell.outputs if o.get("name") == "stderr"]
    score, most = determine_grade(cell)
    assert most == 10.0 and score == _scores(course, "mistake")["check_tool02"]


def test_nbgrader_export_writes_the_same_totals(course: Path):
    with open(course / "grades.csv", newline="") as f:
        rows = {row["student_id"]: float(row["raw_score"]) for row in csv.DictReader(f)}
    assert rows == {student: _scores(course, student)["total"] for student in STUDENTS}
