"""nbgrader, for real: the lab's master notebook is an nbgrader *source* notebook as is.

SLOW (about 90 s: nbgrader starts a Jupyter kernel per notebook), so one course is
generated once per module with the very commands docs/workflows.md gives (`nbgrader
generate_assignment lab01` on labs/lab01.ipynb) and copied twice:

- `nbgrader autograde lab01 --create` and `nbgrader export` (in the students' kernels):

    solved   every solution cell filled in                        30/30
    stub     the student version untouched                         0/30
    mistake  solved, but ablate_column writes -1e9 for -inf       tool02 < 10, others 10
    envvar   a stub that sets MINDLAB_GRADING=1                    0/30 (it used to be 30)
    looping  solved, but greedy_decode has no max_len cap         tool03 < 10, others 10,
             in 2 s per call, no KeyboardInterrupt

- the isolated path, `mindlab nbgrader-gradebook . --create`, `nbgrader generate_feedback`
  and `nbgrader export`: the gradebook holds `mindlab grade`'s scores, for a `hostile`
  stub that replaces grade_tool in its kernel too (0/30).

`nbgrader validate` fails on the student version (the check cells raise) and passes on
the solved one. The grade cells' hidden-tests region calls `grade_tool`, whose return
value (the cell's last output) nbgrader reads as partial credit:
nbgrader.utils.determine_grade takes an `execute_result` that casts to a float as the
score, gives 0 to a cell with an error or any stderr output, and full marks to a cell
with no result at all. Skipped only when nbgrader is not importable (it comes with the
`nbgrader` extra: pip install -e ".[nbgrader]").
"""

from __future__ import annotations

import copy
import csv
import json
import os
import re
import shutil
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

from mindlab_grader.labs import LAB01  # noqa: E402
from mindlab_labs import lab_file  # noqa: E402

STUDENTS = ("solved", "stub", "mistake", "envvar", "looping")  # autograded in a kernel
ISOLATED = ("solved", "stub", "mistake", "hostile")  # graded by mindlab nbgrader-gradebook
MISTAKE = ("ablated[:, index(letter)] = -np.inf", "ablated[:, index(letter)] = -1e9")
LOOPING = ("while len(letters) < max_len:", "while True:")  # greedy_decode without its cap
ENV_VAR = "import os\nos.environ['MINDLAB_GRADING'] = '1'\n"
HOSTILE = ("import mindlab_grader.notebook as _nb\n"
           "_nb.grade_tool = lambda *args: 10.0\n_nb.check_tool = lambda *args: None\n")


SCRIPT = "<script>fetch('/formgrader/api/grade/1', {method: 'PUT'}) /* mindlab-forged */</script>"


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


def _answers() -> dict[str, str]:
    solutions = nbformat.read(lab_file("solutions", "lab01", ".ipynb"), as_version=4)
    return {c.metadata["nbgrader"]["grade_id"]: c.source for c in solutions.cells
            if c.metadata.get("nbgrader", {}).get("solution")}


def _notebooks(release) -> dict:
    """{student: notebook}: every kind of submission these tests grade."""
    answers = _answers()
    wrong = dict(answers, ablate_column=answers["ablate_column"].replace(*MISTAKE))
    looping = dict(answers, greedy_decode=answers["greedy_decode"].replace(*LOOPING))
    envvar = {"softmax": ENV_VAR + _cell(release, "softmax")}  # a stub that sets it
    hostile = {"softmax": HOSTILE + _cell(release, "softmax")}  # a stub that patches
    assert wrong != answers and looping != answers
    hostile_nb = _filled(release, hostile)
    cell = next(c for c in hostile_nb.cells if c.cell_type == "code")  # a forged output: a
    cell.outputs = [nbformat.v4.new_output(  # script formgrader would run for the instructor
        "display_data", data={"text/html": SCRIPT, "text/plain": "x"})]
    hostile_nb.cells.append(nbformat.v4.new_markdown_cell(  # and in the student's own text,
        f"My notes {SCRIPT} <img src=x onerror=\"alert('mindlab-forged')\">"))  # with
    hostile_nb.cells[-1]["id"] = 'zz"><script>mindlab-forged</script>'  # a forged cell id
    for text in ['\\`<img src=x onerror="alert(1)">\\`', '~~~<img src=y onerror="alert(2)">~~~',
                 "[notes](javascript:alert(3))", "[n]\n\n[n]: javascript:alert(4)",
                 "<javascript:alert(5)>", "java&#115;cript"]:  # markdown a regex took for
        hostile_nb.cells.append(nbformat.v4.new_markdown_cell(text))  # code (from outside)
    hostile_nb.cells.append(nbformat.v4.new_code_cell("bonus = 1"))  # a grade cell of its
    hostile_nb.cells[-1].metadata["nbgrader"] = {  # own, and its solution cell made one:
        "grade": True, "grade_id": "bonus", "points": 50, "solution": False,  # found from
        "locked": False, "schema_version": 3}  # outside, generate_feedback then stopped
    solution = next(c for c in hostile_nb.cells  # with "No such grade" for that student
                    if c.metadata.get("nbgrader", {}).get("grade_id") == "softmax")
    solution.metadata["nbgrader"]["grade"] = True
    return {"solved": _filled(release, answers), "stub": release,
            "mistake": _filled(release, wrong), "envvar": _filled(release, envvar),
            "looping": _filled(release, looping), "hostile": hostile_nb}


def _cell(nb, grade_id: str) -> str:
    return next(c.source for c in nb.cells
                if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id)


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A course after `nbgrader generate_assignment`, as docs/workflows.md gives it."""
    top = tmp_path_factory.mktemp("nbgrader")
    (top / "labs").mkdir()
    (top / "labs" / "lab01.ipynb").write_bytes(lab_file("masters", "lab01", ".ipynb").read_bytes())
    _bash(blocks("## 2.")[0], top)  # exactly what docs/workflows.md tells instructors
    return top / "course"


def _submit(generated: Path, name: str, students: tuple[str, ...]) -> Path:
    """A copy of the generated course with `students` in its submitted/ folder."""
    course = generated.parent / name
    shutil.copytree(generated, course)
    release = nbformat.read(course / "release" / "lab01" / "lab01.ipynb", as_version=4)
    notebooks = _notebooks(release)
    for student in students:
        folder = course / "submitted" / student / "lab01"
        folder.mkdir(parents=True)
        nbformat.write(notebooks[student], folder / "lab01.ipynb")
    return course


@pytest.fixture(scope="module")
def course(generated: Path) -> Path:
    """An nbgrader course autograded in the students' kernels (see the module docstring)."""
    course = _submit(generated, "autograded", STUDENTS)
    _bash(blocks("## 2.")[1], course)
    return course


@pytest.fixture(scope="module")
def isolated(generated: Path) -> Path:
    """The same course graded by the isolated path: mindlab nbgrader-gradebook."""
    course = _submit(generated, "isolated", ISOLATED)
    _bash(blocks("## 2.")[2], course)
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


# ---------------------------------------------------------------- what no kernel can move


def _grade_cell(course: Path, student: str, tool: str):
    graded = nbformat.read(course / "autograded" / student / "lab01" / "lab01.ipynb",
                           as_version=4)
    return next(c for c in graded.cells
                if c.metadata.get("nbgrader", {}).get("grade_id") == f"check_{tool}")


def _printed(cell) -> str:
    return "".join(o.get("text", "") for o in cell.outputs if o.output_type == "stream")


def test_setting_the_grading_variable_in_a_stub_still_scores_zero(course: Path):
    """os.environ['MINDLAB_GRADING'] = '1' used to make every grade_tool return None,
    which nbgrader scores as full marks (30/30 for a stub)."""
    scores = _scores(course, "envvar")
    assert scores["total"] == 0.0, scores
    cell = _grade_cell(course, "envvar", "tool01")
    assert "(hidden checks)" in _printed(cell)  # it graded, and said so
    assert [o.ename for o in cell.outputs if o.output_type == "error"] == ["NoCredit"]


def test_a_looping_function_costs_its_own_checks_within_the_limit(course: Path):
    scores = _scores(course, "looping")
    assert scores["check_tool01"] == scores["check_tool02"] == 10.0, scores
    assert 0.0 < scores["check_tool03"] < 10.0, scores  # rank_rules keeps its points
    cell = _grade_cell(course, "looping", "tool03")
    printed = _printed(cell)
    assert "greedy_decode did not finish in time (limit 2 s per call)" in printed
    assert "max_len cap" in printed
    assert not [o for o in cell.outputs if o.output_type == "error" or o.get("name") == "stderr"]
    assert "KeyboardInterrupt" not in json.dumps(cell.outputs)
    timing = cell.metadata.get("execution", {})
    if "iopub.execute_input" in timing and "shell.execute_reply" in timing:
        from datetime import datetime

        took = (datetime.fromisoformat(timing["shell.execute_reply"].rstrip("Z"))
                - datetime.fromisoformat(timing["iopub.execute_input"].rstrip("Z")))
        assert took.total_seconds() < 2 * 2.0 + 5.0  # public + hidden: one timeout each


def _validate(course: Path, notebook: Path) -> str:
    env = {**os.environ, "PYTHONWARNINGS": "ignore",
           "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    result = subprocess.run(["nbgrader", "validate", str(notebook)], cwd=course, env=env,
                            capture_output=True, text=True, timeout=300)
    return result.stdout + result.stderr


def test_nbgrader_validate_fails_on_the_stub_and_passes_on_the_solution(course: Path):
    stub = _validate(course, course / "release" / "lab01" / "lab01.ipynb")
    assert "VALIDATION FAILED ON 3 CELL(S)" in stub, stub[-3000:]
    assert "ChecksFailed" in stub and "public checks of tool01 fail" in stub
    assert "Success!" not in stub
    solved = _validate(course, course / "submitted" / "solved" / "lab01" / "lab01.ipynb")
    assert "Success! Your notebook passes all the tests." in solved, solved[-3000:]


def test_the_isolated_path_gives_mindlab_grades_in_nbgraders_gradebook(isolated: Path):
    """mindlab nbgrader-gradebook: nbgrader's gradebook holds `mindlab grade`'s scores,
    for the student who replaced grade_tool in their kernel too."""
    from mindlab_grader.grader import Grader

    with Grader(lab="lab01", suite="hidden") as grader:
        reports = {s: grader.grade(isolated / "submitted" / s / "lab01" / "lab01.ipynb")
                   for s in ISOLATED}
    for student, report in reports.items():
        scores = _scores(isolated, student)
        assert scores == {**{f"check_{t.id}": t.score for t in report.tools},
                          "total": report.score, "max": 30.0}, student
    assert _scores(isolated, "solved")["total"] == 30.0
    assert _scores(isolated, "hostile")["total"] == _scores(isolated, "stub")["total"] == 0.0
    assert 0.0 < _scores(isolated, "mistake")["check_tool02"] < 10.0
    with open(isolated / "grades.csv", newline="") as f:  # nbgrader export
        rows = {row["student_id"]: float(row["raw_score"]) for row in csv.DictReader(f)}
    assert rows == {s: reports[s].score for s in ISOLATED}


def test_the_isolated_path_keeps_no_output_a_student_forged(isolated: Path):
    """A submitted notebook's outputs are the student's to write: one holding a script
    (which formgrader would run in the instructor's browser) was kept as it was in
    autograded/ (found from outside). Now every code cell's outputs are cleared there and
    only mindlab's verdicts fill the grade cells."""
    graded = nbformat.read(isolated / "autograded" / "hostile" / "lab01" / "lab01.ipynb",
                           as_version=4)
    text = nbformat.writes(graded)
    assert "<script" not in text and "<img" not in text
    assert "My notes &lt;script>" in text  # the student's words stay, as text
    nbformat.validate(graded)  # every cell id valid: generate_feedback renders it
    outputs = [c for c in graded.cells if c.cell_type == "code" and c.outputs]
    assert {c.metadata["nbgrader"]["grade_id"] for c in outputs} == {
        "check_tool01", "check_tool02", "check_tool03"}
    claims = {c.metadata.get("nbgrader", {}).get("grade_id"): c.metadata["nbgrader"]
              for c in graded.cells if "nbgrader" in c.metadata}
    assert "bonus" not in claims and claims["softmax"]["grade"] is False
    assert claims["softmax"]["solution"] is True and claims["check_tool01"]["points"] == 10
    pages = list((isolated / "feedback" / "hostile").rglob("*.html"))
    assert pages  # (generate_feedback failed on a forged cell id, and on forged grade cells)
    for page in pages:
        html = page.read_text(encoding="utf-8")
        assert "<script>fetch" not in html and "<img src=" not in html
        assert _live_html(html) == [], page  # no tag, handler or link of the student's


def _live_html(html: str) -> list:
    """What in a page would run or link: event handlers, javascript: links, img tags."""
    from html.parser import HTMLParser

    found = []

    class Scan(HTMLParser):
        def handle_starttag(self, tag, attrs):
            for name, value in attrs:
                if name.startswith("on") or (name in ("href", "src") and (value or "").replace(
                        " ", "").lower().startswith(("javascript:", "data:", "vbscript:"))):
                    found.append((tag, name, value))
            if tag == "img":
                found.append((tag, attrs))

    Scan().feed(html)
    return found


def test_the_isolated_path_writes_feedback_nbgrader_shows(isolated: Path):
    with Gradebook(f"sqlite:///{isolated / 'gradebook.db'}") as gradebook:
        comment = gradebook.find_comment("ablate_column", "lab01", "lab01", "mistake").comment
        grade = gradebook.find_grade("check_tool02", "lab01", "lab01", "mistake")
        assert not grade.needs_manual_grade
    assert "✗" in comment and comment.splitlines()[-1].startswith("ablate_column: ")
    cell = _grade_cell(isolated, "mistake", "tool02")
    assert "grade_tool" in cell.source  # the master's grade cell, hidden tests and all
    score, most = determine_grade(cell)
    assert most == 10.0 and score == _scores(isolated, "mistake")["check_tool02"]
    assert "ablate_column" in _printed(cell) and "outside the notebook" in _printed(cell)
    html = (isolated / "feedback" / "mistake" / "lab01" / "lab01.html").read_text()
    assert "outside the notebook" in html and "ablate_column" in html


def test_students_the_gradebook_lacks_are_named_not_written(generated: Path):
    from click.testing import CliRunner

    from mindlab_grader.cli import main

    course = _submit(generated, "unknown", ("solved",))
    result = CliRunner().invoke(main, ["nbgrader-gradebook", str(course)])
    assert result.exit_code == 0, result.output
    assert "solved: not in nbgrader's gradebook" in result.output
    assert "nbgrader db student add solved" in result.output and "--create" in result.output
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        assert [s.id for s in gradebook.students] == []
    missing = CliRunner().invoke(main, ["nbgrader-gradebook", str(course), "--db",
                                        str(course / "nowhere.db")])
    assert missing.exit_code == 2 and "generate_assignment" in missing.output
