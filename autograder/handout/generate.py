"""One master per lab, every other lab file generated from it: `mindlab sync`.

The master `labs/<lab>.py` is a jupytext percent notebook with nbgrader metadata on
every cell. Solution bodies sit between `### BEGIN SOLUTION` / `### END SOLUTION`,
and each tool's grade cell ends in a `### BEGIN HIDDEN TESTS` region. From it:

    labs/<lab>.ipynb       the master as a notebook (nbgrader's source version)
    exercises/<lab>.py     solution regions -> "# YOUR CODE HERE / raise NotImplementedError()"
    exercises/<lab>.ipynb  (hidden tests removed)
    solutions/<lab>.py     markers removed, solution code kept (hidden tests removed)
    solutions/<lab>.ipynb

>>> replace_regions("def f():\\n    ### BEGIN SOLUTION\\n    return 1\\n    ### END SOLUTION",
...                 "### BEGIN SOLUTION", "### END SOLUTION", "stub")
'def f():\\n    # YOUR CODE HERE\\n    raise NotImplementedError("write f: see its docstring")'

The stub is nbgrader's own (`# YOUR CODE HERE`, `raise NotImplementedError(...)`) with a
message naming the function to write, so a learner whose notebook stops there reads
`NotImplementedError: write softmax (TOOL 01): see its docstring; ...` rather than a bare
exception. `nbgrader generate_assignment` on labs/<lab>.ipynb gives the same code as
exercises/<lab>.ipynb except for that message (nbgrader has one stub for every cell);
both raise NotImplementedError, which is what the graders and nbgrader score as a stub.
Output is deterministic (cell ids are
the grade ids, no versions or timestamps), so a test can check the files are in sync.
"""

from __future__ import annotations

import copy
import re
from pathlib import Path

import jupytext
from nbformat import NotebookNode

from mindlab_labs import lab_file

from ..labs import Lab, get_lab

BEGIN_SOLUTION, END_SOLUTION = "### BEGIN SOLUTION", "### END SOLUTION"
BEGIN_HIDDEN, END_HIDDEN = "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"
STUB = ("# YOUR CODE HERE", "raise NotImplementedError()")  # nbgrader's python code_stub
DEF = re.compile(r"^\s*def (\w+)\(")
GRADE_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")  # also a valid nbformat cell id
KINDS = ("masters", "exercises", "solutions")


class MasterError(ValueError):
    """The master source breaks a rule the generator relies on; the message names the cell."""


def stub_message(function: str, tool: str = "") -> str:
    """What a stub says when it runs: which function to write, and where to look.

    >>> stub_message("softmax", "tool01")
    'write softmax (TOOL 01): see its docstring; a hint: mindlab hint softmax'
    """
    where = f" ({tool.upper().replace('TOOL', 'TOOL ')})" if tool else ""
    return f"write {function}{where}: see its docstring; a hint: mindlab hint {function}"


def replace_regions(source: str, begin: str, end: str, mode: str,
                    tools: dict[str, str] | None = None) -> str:
    """Rewrite every begin..end region of `source`: 'stub' it, 'keep' its body, or 'drop' it.

    The marker lines go in every mode; a stub is indented like the begin marker and its
    NotImplementedError names the enclosing function (with its tool, from `tools`:
    function -> tool id; without it, a short message). Unclosed, nested or stray markers
    raise MasterError.
    """
    out: list[str] = []
    inside = False
    enclosing: list[tuple[int, str]] = []  # (indent, name) of each def around this line
    for line in source.split("\n"):
        indent = line[: len(line) - len(line.lstrip())]
        if line.strip() and not inside:
            enclosing = [(n, f) for n, f in enclosing if n < len(indent)]
            if match := DEF.match(line):
                enclosing.append((len(indent), match.group(1)))
        if begin in line:
            if inside:
                raise MasterError(f"nested {begin!r}: close the first region with {end!r}")
            inside = True
            if mode == "stub":
                out += [indent + stub for stub in _stub(enclosing, tools)]
        elif end in line:
            if not inside:
                raise MasterError(f"{end!r} without a {begin!r} before it")
            inside = False
        elif not inside or mode == "keep":
            out.append(line)
    if inside:
        raise MasterError(f"{begin!r} is never closed: add {end!r}")
    return "\n".join(out).rstrip()


def _stub(enclosing: list[tuple[int, str]], tools: dict[str, str] | None) -> tuple[str, ...]:
    """nbgrader's stub lines, the raise naming the innermost enclosing function (if any)."""
    if not enclosing:
        return STUB
    function = enclosing[-1][1]
    if tools is None:
        message = f"write {function}: see its docstring"
    else:
        message = stub_message(function, tools.get(function, ""))
    return STUB[0], f'raise NotImplementedError("{message}")'


def read_master(lab: Lab) -> NotebookNode:
    """labs/<lab>.py as a notebook, after checking it against the lab's rules."""
    path = lab_file("masters", lab.id, ".py")
    if not path.is_file():
        raise MasterError(f"no master for {lab.id}: expected {path}")
    nb = jupytext.reads(path.read_text(encoding="utf-8"), fmt="py:percent")
    check_master(nb, lab)
    return nb


def check_master(nb: NotebookNode, lab: Lab) -> None:
    """Every cell has nbgrader metadata with a unique grade id; solution and grade cells
    are where the lab expects them, and each grade cell is worth its tool's points."""
    seen: set[str] = set()
    defined: set[str] = set()
    for number, cell in enumerate(nb.cells, 1):
        meta = cell.metadata.get("nbgrader")
        where = f"cell {number} ({cell.source.strip()[:40]!r})"
        if not meta or meta.get("schema_version") != 3:
            raise MasterError(f"{where} has no nbgrader metadata (schema_version 3): add "
                              "nbgrader={...} to its '# %%' line")
        grade_id = meta.get("grade_id", "")
        if not GRADE_ID.match(grade_id) or grade_id in seen:
            raise MasterError(f"{where}: grade_id {grade_id!r} must be unique and made of "
                              "letters, digits, '_' and '-'")
        seen.add(grade_id)
        has_solution = BEGIN_SOLUTION in cell.source
        if has_solution != bool(meta.get("solution")) or (
                has_solution and cell.cell_type != "code"):
            raise MasterError(f"{where}: a code cell is a solution cell (solution: true) "
                              f"exactly when it holds a {BEGIN_SOLUTION!r} region")
        if has_solution:
            defined |= set(re.findall(r"^def (\w+)\(", cell.source, flags=re.M))
        if meta.get("grade"):
            _check_grade_cell(lab, grade_id, meta, where, cell.source)
    missing = [f for f in lab.functions if f not in defined]
    if missing:
        raise MasterError(f"the master defines no solution for {', '.join(missing)}: add a "
                          "solution cell for each graded function")
    graded = {f"check_{tool.id}" for tool in lab.tools}
    if not graded <= seen:
        raise MasterError(f"missing grade cells: {', '.join(sorted(graded - seen))}")


def _check_grade_cell(lab: Lab, grade_id: str, meta: dict, where: str, source: str) -> None:
    tool_id = grade_id.removeprefix("check_")
    try:
        tool = lab.tool(tool_id)
    except KeyError:
        raise MasterError(f"{where}: a grade cell's grade_id is check_<tool>, one per tool "
                          f"of {lab.id}; got {grade_id!r}") from None
    if float(meta.get("points", -1)) != tool.points:
        raise MasterError(f"{where}: worth {meta.get('points')} points but {tool.id} is "
                          f"worth {tool.points:g} (autograder/labs.py): make them equal")
    if f'grade_tool("{lab.id}", "{tool.id}", globals())' not in source:
        raise MasterError(f"{where}: its {BEGIN_HIDDEN!r} region must call "
                          f'grade_tool("{lab.id}", "{tool.id}", globals())')


def variant(master: NotebookNode, kind: str, lab: Lab | None = None) -> NotebookNode:
    """The master as `kind`: 'masters' (as is), 'exercises' or 'solutions'.

    With `lab`, an exercise's stub names its function's tool (TOOL 01) and the hint command.
    """
    if kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}: use one of {', '.join(KINDS)}")
    nb = copy.deepcopy(master)
    tools = None if lab is None else {f: t.id for t in lab.tools for f in t.functions}
    for cell in nb.cells:
        cell.id = cell.metadata["nbgrader"]["grade_id"]  # stable ids: no random churn
        if kind == "masters" or cell.cell_type != "code":
            continue
        source = replace_regions(cell.source, BEGIN_HIDDEN, END_HIDDEN, "drop")
        mode = "stub" if kind == "exercises" else "keep"
        cell.source = replace_regions(source, BEGIN_SOLUTION, END_SOLUTION, mode, tools)
    return nb


def render(lab_id: str) -> dict[Path, str]:
    """Every generated file of a lab and the text it should hold."""
    lab = get_lab(lab_id)
    master = read_master(lab)
    files = {}
    for kind in KINDS:
        nb = variant(master, kind, lab)
        if kind != "masters":  # the master .py is written by hand
            files[lab_file(kind, lab.id, ".py")] = jupytext.writes(nb, fmt="py:percent")
        files[lab_file(kind, lab.id, ".ipynb")] = jupytext.writes(nb, fmt="ipynb") + "\n"
    return files


def _differs(path: Path, text: str) -> bool:
    return not path.is_file() or path.read_text(encoding="utf-8") != text


def stale_files(lab_id: str) -> list[Path]:
    """The generated files whose content differs from what the master gives."""
    return [path for path, text in render(lab_id).items() if _differs(path, text)]


def sync(lab_id: str) -> list[Path]:
    """Write the lab's stale generated files; return the paths written."""
    written = []
    for path, text in render(lab_id).items():
        if _differs(path, text):
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            written.append(path)
    return written
