"""Isolated grades into nbgrader's own gradebook: formgrader, feedback and export read them.

`mindlab grade-batch` grades an nbgrader course's submitted/ in mindlab's sandbox; this
module writes those grades where nbgrader keeps its own, through nbgrader's Gradebook
API, so no student's kernel ever runs a grade cell and nothing in a notebook can move a
verdict. For each graded student of the assignment:

- the Grade of each grade cell `check_<tool>` (the master's grade ids, labs/lab01.py)
  gets auto_score = the tool's hidden-check score, needs_manual_grade False (a manual
  score an instructor gave later still takes precedence, as in nbgrader);
- the Comment of each function's solution cell (grade id = the function's name) gets
  auto_comment = the lines of that function's checks (✓/✗, feedback, its points);
- autograded/<student>/<assignment>/<notebook>.ipynb is the submitted notebook with each
  grade cell's source and metadata restored from the gradebook and its outputs replaced
  by mindlab's verdict (the lines, then the score as the cell's result), which is what
  `nbgrader generate_feedback` renders and formgrader shows; every other code cell's
  outputs are cleared (a submission's outputs are the student's to forge: a script in
  one would run in the instructor's browser). No cell is executed.

A student the gradebook does not know is skipped with a message (or added, `create`),
as `nbgrader autograde --create` does; a missing submission is created. Needs nbgrader
(the `nbgrader` extra). Never imports click: cli/nbgrader.py is the command.

>>> sqlite_url(Path("course/gradebook.db")).startswith("sqlite:///")
True
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..labs import Lab, get_lab
from ..loader import notebook_without_outputs
from ..notebook import format_tool
from ..report import Report, tool_result


class GradebookError(ValueError):
    """The gradebook cannot take mindlab's grades (a usage error: the message says why)."""


@dataclass
class Written:
    """What write_gradebook did: the students written, and a line per thing worth saying."""

    students: list[str] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)


def sqlite_url(db: Path | str) -> str:
    """A gradebook's SQLAlchemy URL: a URL as is, a file path as sqlite:///<absolute path>."""
    text = str(db)
    return text if "://" in text else f"sqlite:///{Path(text).resolve()}"


def open_gradebook(db: Path | str) -> Any:
    """nbgrader's Gradebook on `db`; GradebookError if nbgrader or the file is missing."""
    try:
        from nbgrader.api import Gradebook
    except ImportError:
        raise GradebookError("writing nbgrader's gradebook needs nbgrader: "
                             "pip install 'mindlab-interp[nbgrader]'") from None
    url = sqlite_url(db)
    if url.startswith("sqlite:///") and not Path(url.removeprefix("sqlite:///")).is_file():
        raise GradebookError(f"no gradebook at {url.removeprefix('sqlite:///')}: run `nbgrader "
                             "generate_assignment <assignment>` in the course folder first")
    return Gradebook(url)


def mindlab_notebook(gradebook: Any, assignment: str, lab: Lab) -> str:
    """The assignment's notebook holding a grade cell check_<tool> for every tool of `lab`."""
    from nbgrader.api import MissingEntry

    try:
        notebooks = gradebook.find_assignment(assignment).notebooks
    except MissingEntry:
        raise GradebookError(f"nbgrader's gradebook has no assignment {assignment}: run "
                             f"`nbgrader generate_assignment {assignment}` first") from None
    wanted = {f"check_{tool.id}" for tool in lab.tools}
    for notebook in notebooks:
        if wanted <= {cell.name for cell in notebook.grade_cells}:
            return notebook.name
    raise GradebookError(f"no notebook of {assignment} has the grade cells "
                         f"{', '.join(sorted(wanted))}: was it generated from mindlab's "
                         f"labs/{lab.id}.ipynb?")


def write_gradebook(course: Path, records: list[dict], lab: str = "lab01",
                    assignment: str | None = None, db: Path | str | None = None,
                    create: bool = False) -> Written:
    """Write every graded record (batch/records.py) into the course's nbgrader gradebook."""
    the_lab = get_lab(lab)
    assignment = assignment or the_lab.id
    done = Written()
    with open_gradebook(db or Path(course) / "gradebook.db") as gradebook:
        notebook = mindlab_notebook(gradebook, assignment, the_lab)
        for record in records:  # one student's failure never keeps the others out
            try:
                line = write_student(gradebook, Path(course), record, the_lab, assignment,
                                     notebook, create)
            except Exception as exc:  # a bug of ours on one notebook (found from outside:
                gradebook.db.rollback()  # a cell with "output_type" stopped the class)
                line = (f"{record.get('student')}: not written: the grader failed on it "
                        f"({type(exc).__name__}); the others were written")
            if line is None:
                done.students.append(record["student"])
            else:
                done.messages.append(line)
    return done


def write_student(gradebook: Any, course: Path, record: dict, lab: Lab, assignment: str,
                  notebook: str, create: bool) -> str | None:
    """One student's grades, comments and autograded notebook; a message instead if not."""
    from nbgrader.api import MissingEntry

    student = record["student"]
    if record.get("status") != "graded" or not record.get("report"):
        return f"{student}: not written: {record.get('reason') or 'not graded'}"
    try:
        gradebook.find_student(student)
    except MissingEntry:
        if not create:
            return (f"{student}: not in nbgrader's gradebook, not written: add the student "
                    f"(nbgrader db student add {student}) or rerun with --create")
        gradebook.add_student(student)
    try:
        gradebook.find_submission(assignment, student)
    except MissingEntry:
        with warnings.catch_warnings():  # nbgrader's own add_submission warns (SAWarning)
            warnings.simplefilter("ignore")
            gradebook.add_submission(assignment, student, **_timestamp(course, student,
                                                                       assignment))
    report = Report.from_json(record["report"])
    tools = {tool.id: tool for tool in report.tools}
    for tool in lab.tools:
        grade = gradebook.find_grade(f"check_{tool.id}", notebook, assignment, student)
        grade.auto_score = float(tools[tool.id].score) if tool.id in tools else 0.0
        grade.needs_manual_grade = False
    notes = [f"Note: {n}" for n in report.notes + report.integrity]
    for function in lab.functions:
        try:
            comment = gradebook.find_comment(function, notebook, assignment, student)
        except MissingEntry:
            continue  # the master has no solution cell of that name: nowhere to say it
        comment.auto_comment = "\n".join([function_feedback(report, function), *notes])
        notes = []  # said once, on the first function
    gradebook.db.commit()
    try:
        write_autograded(gradebook, course, record, report, lab, assignment, notebook)
    except Exception:  # the student's notebook cannot be copied: the release's cells then
        write_autograded(gradebook, course, {**record, "submission": None}, report, lab,
                         assignment, notebook)
    return None


def function_feedback(report: Report, function: str) -> str:
    """The hidden checks of one function, as the grade cell would print them.

    ✗ sample_word stops at max_len letters
        sample_word did not finish in time (limit 2 s per call): ...
    sample_word: 4/6 points (hidden checks)
    """
    tests = [t for tool in report.tools for t in tool.tests if t.function == function]
    return format_tool(tool_result(function, "", tests), "hidden checks")


def _timestamp(course: Path, student: str, assignment: str) -> dict:
    """{"timestamp": ...} from nbgrader's submitted/<student>/<assignment>/timestamp.txt."""
    text = _stamp_text(course / "submitted" / student / assignment / "timestamp.txt")
    return {"timestamp": text} if text else {}


MAX_STAMP = 200  # bytes of a timestamp.txt (nbgrader writes about 30)


def _stamp_text(path: Path) -> str:
    """A timestamp.txt's text, or '' when it is missing, unreadable, not a plain file or
    longer than MAX_STAMP: a 2 GB one (sparse: 4 KB on disk) held the grader at 12.7 GB
    and was copied whole into autograded/ (found from outside)."""
    try:
        if not path.is_file() or path.is_symlink() or path.stat().st_size > MAX_STAMP:
            return ""
        with path.open("rb") as f:
            return f.read(MAX_STAMP).decode("utf-8", "replace").strip()
    except OSError:
        return ""


# ---------------------------------------------------------------- autograded/ notebooks


def write_autograded(gradebook: Any, course: Path, record: dict, report: Report, lab: Lab,
                     assignment: str, notebook: str) -> None:
    """autograded/<student>/<assignment>/<notebook>.ipynb with mindlab's verdicts in it."""
    import nbformat

    student = record["student"]
    nb = _base_notebook(course, record, assignment, notebook)
    for cell in nb.cells:  # the course's own locked cells as the gradebook keeps them (not
        meta = cell.metadata.get("nbgrader", {})  # escaped, nor as a student changed them)
        if meta.get("locked") and not meta.get("solution") and meta.get("grade_id"):
            try:
                cell.source = gradebook.find_source_cell(meta["grade_id"], notebook,
                                                         assignment).source
            except Exception:  # (nbgrader's MissingEntry: a cell the course does not have)
                continue
    for cell in nb.cells:  # every other cell's nbgrader metadata as the course made it
        _course_metadata(gradebook, cell, notebook, assignment)
    by_id = {c.metadata.get("nbgrader", {}).get("grade_id"): c for c in nb.cells}
    tools = {tool.id: tool for tool in report.tools}
    for tool in lab.tools:
        grade_id = f"check_{tool.id}"
        cell = by_id.get(grade_id)
        if cell is None or cell.cell_type != "code":
            cell = nbformat.v4.new_code_cell()
            nb.cells.append(cell)
        master = gradebook.find_grade_cell(grade_id, notebook, assignment)
        cell.source = gradebook.find_source_cell(grade_id, notebook, assignment).source
        cell.metadata["nbgrader"] = {"grade": True, "grade_id": grade_id, "locked": True,
                                     "points": float(master.max_score), "schema_version": 3,
                                     "solution": False, "task": False}
        cell.outputs = _verdict(tools.get(tool.id), tool.points, report)
        cell.execution_count = None
    folder = course / "autograded" / student / assignment
    folder.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, folder / f"{notebook}.ipynb")
    stamp = _stamp_text(course / "submitted" / student / assignment / "timestamp.txt")
    if stamp:  # (what was read, not the file: it may have grown since)
        (folder / "timestamp.txt").write_text(stamp + "\n", encoding="utf-8")


def _course_metadata(gradebook: Any, cell: Any, notebook: str, assignment: str) -> None:
    """The cell's nbgrader metadata as the gradebook has it: a student's own cell loses
    what it claims (a forged grade cell of 50 points, found from outside, stopped
    `nbgrader generate_feedback` for that student with "No such grade"); a course cell
    keeps its id and gets the course's flags and points back."""
    meta = cell.metadata.get("nbgrader")
    if meta is None:
        return
    grade_id = meta.get("grade_id") if isinstance(meta, dict) else None
    found = {}
    for kind in ("source", "grade", "solution"):
        try:
            found[kind] = getattr(gradebook, f"find_{kind}_cell")(str(grade_id), notebook,
                                                                  assignment)
        except Exception:  # nbgrader's MissingEntry: the course has no such cell
            continue
    if grade_id is None or "source" not in found:
        cell.metadata.pop("nbgrader", None)
        return
    restored = {"grade": "grade" in found, "grade_id": grade_id,
                "locked": bool(found["source"].locked), "schema_version": 3,
                "solution": "solution" in found, "task": False}
    if "grade" in found:
        restored["points"] = float(found["grade"].max_score)
    cell.metadata["nbgrader"] = restored


def _base_notebook(course: Path, record: dict, assignment: str, notebook: str) -> Any:
    """The submitted notebook, or the released one when the submission is no notebook:
    read as a graded notebook is (loader.notebook_without_outputs: its outputs dropped as
    it is read, within the same limits; nbformat.read of 2.4 million `{}` in one output
    held the judge at 1.3 GB, found from outside), its cells made safe to show."""
    import nbformat

    for path in (record.get("submission"), course / "release" / assignment / f"{notebook}.ipynb"):
        if path and str(path).endswith(".ipynb"):
            try:
                found = notebook_without_outputs(Path(path).read_bytes())
                if found is not None:
                    return _safe_to_show(nbformat.from_dict(found))
            except Exception:  # unreadable (the report says so): fall back to the release
                continue
    return nbformat.v4.new_notebook()


_CELL_ID = re.compile(r"[a-zA-Z0-9_-]{1,64}")  # nbformat 4.5's cell id
_OPEN_BRACKET = re.compile(r"(?<!\\)((?:\\\\)*)\[")  # a "[" no backslash escapes


def _safe_to_show(nb: Any) -> Any:
    """The notebook with what a student wrote made safe for formgrader's page: no widget
    state and no execution counts (outputs are gone already), no HTML of theirs in
    markdown or raw cells (_inert: a `<script>`, an `<img onerror>` or a
    `[link](javascript:...)` shows as text instead of running in the instructor's
    browser; nbgrader's own autograde keeps them), and every cell id valid and unique
    (one like `x"><script>` made `generate_feedback` fail for that student)."""
    nb.metadata.pop("widgets", None)  # (widget state: scripts' data, also the student's)
    if isinstance(nb.metadata.get("jupyter"), dict):
        nb.metadata["jupyter"].pop("widgets", None)
    seen: set[str] = set()
    for n, cell in enumerate(nb.cells):
        kind = cell.get("cell_type")
        if kind == "code":  # (its outputs were dropped as the file was read)
            cell.execution_count = None
        if kind in ("markdown", "raw"):
            source = cell.get("source", "")
            source = "".join(source) if isinstance(source, list) else str(source)
            cell.source = _inert(source, markdown=kind == "markdown")
            cell.pop("attachments", None)
        if "id" in cell or nb.get("nbformat_minor", 0) >= 5:
            given = cell.get("id")
            if not (isinstance(given, str) and _CELL_ID.fullmatch(given)) or given in seen:
                given, k = f"mindlab-{n}", 0
                while given in seen:
                    k += 1
                    given = f"mindlab-{n}-{k}"
                cell["id"] = given
            seen.add(given)
    return nb


def _inert(text: str, markdown: bool = True) -> str:
    r"""A student's markdown (or raw) text that renders as the words they wrote and never
    as HTML or a link: every `&` and `<` an entity (no tag, no entity that spells one,
    no `<javascript:...>` autolink) and, in markdown, every `[` escaped (no link, image
    or link definition can start). Code spans show the entities as written: a cosmetic
    loss, where telling code from text by a regex let "\`<img onerror>\`" through.

    >>> print(_inert(r'<b>x</b> [a](javascript:1) \[b] \\[c]'))
    &lt;b>x&lt;/b> \[a](javascript:1) \[b] \\\[c]
    """
    text = text.replace("&", "&amp;").replace("<", "&lt;")
    return _OPEN_BRACKET.sub(lambda m: m.group(1) + "\\[", text) if markdown else text


def _verdict(tool: Any, points: float, report: Report) -> list:
    """A grade cell's outputs: mindlab's lines on stdout, then the score as its result."""
    import nbformat

    if tool is None:
        text = "This tool was not graded: " + ("; ".join(report.notes) or "see the notes")
        score = 0.0
    else:
        text = format_tool(tool, "hidden checks, graded by mindlab outside the notebook")
        score = float(tool.score)
    return [nbformat.v4.new_output("stream", name="stdout", text=text + "\n"),
            nbformat.v4.new_output("execute_result", data={"text/plain": f"{score:g}"},
                                   execution_count=None)]
