"""A .py submission's cells: the same code cells its notebook has, at the file's lines.

A percent (`# %%`) or nbconvert (`# In[ ]:`) script is split at its markers, a light
one (`# +`, or a jupytext header) by jupytext; a plain script is one cell, run as is.
Code Python would run that no cell holds (appended after a markdown cell) is a cell too.
"""

from __future__ import annotations

import io
import re
import tokenize
from collections.abc import Iterator

SCRIPT_FORMS = ("percent", "hydrogen", "light", "sphinx")  # jupytext .py forms read as cells
JUPYTEXT_MAX_BYTES = 2**18  # a lab .py is ~20 kB; a larger one is read as a plain script
MAX_PADDING = 20 * 2**20  # the empty lines that keep a .py's cells at their line numbers
MATCH_BUDGET = 2_000_000  # line comparisons spent placing a jupytext file's cells
_HEADER_END = 300  # a jupytext header ends within this many lines
_LIGHT_MARKER = re.compile(r"^# \+(\s|$)", re.M)
_PERCENT_MARKER = re.compile(r"^#( ?%%(\s|$)| <codecell>| In\[[0-9 ]*\]:?)", re.M)
_FORMAT_NAME = re.compile(r"^#\s+(?:format_name:\s*|formats:.*\bpy:)([\w-]+)")
_COMMENT = re.compile(r"^(\s*)# ?")



def script_cells(text: str, display: str) -> tuple[list[tuple[str, str]], str]:
    """A .py file's code cells and its form: percent and nbconvert scripts split at their
    markers (as jupytext splits them), light ones by jupytext; each cell is padded with
    empty lines so tracebacks keep the file's line numbers. A plain script (no cell
    markers, no jupytext header) is one cell, its text as is.

    >>> script_cells("# %%\\nx = 1\\n# %%\\ny = 2\\n", "a.py")
    ([('# %%\\nx = 1', 'a.py'), ('\\n\\n# %%\\ny = 2\\n', 'a.py')], 'percent')
    >>> script_cells("x = 1\\n\\ny = 2\\n", "a.py")
    ([('x = 1\\n\\ny = 2\\n', 'a.py')], 'plain')
    """
    lines = text.replace("\r\n", "\n").split("\n")  # as Python counts lines
    declared, body = _without_header(lines)
    form = _script_form("\n".join(body), declared) if len(text) <= JUPYTEXT_MAX_BYTES else ""
    if form in ("plain", ""):
        return [(text, display)], "plain"
    if form in ("percent", "hydrogen"):  # split here: importing jupytext takes seconds
        marked = _marked_cells(body, display)
        return ([(text, display)], "plain") if marked is None else (marked, "percent")
    try:
        import jupytext

        notebook = jupytext.reads("\n".join(body), fmt=f"py:{form}")
        sources = [c.source for c in notebook.cells if c.cell_type == "code"]
    except Exception:  # jupytext could not split it: Python reads it as one file  # noqa: BLE001
        return [(text, display)], "plain"
    placed = list(_placed(sources, lines))
    placed = sorted(placed + _left_out(lines, placed))
    if sum(start for start, _ in placed) > MAX_PADDING:  # thousands of cells: one script
        return [(text, display)], "plain"
    return [("\n" * start + source, display) for start, source in placed], form


def percent_cells(text: str, display: str) -> list[tuple[str, str]]:
    """The code cells of a .py file in any jupytext form (see script_cells).

    >>> [c for c, _ in percent_cells("# %%\\nx = 1\\n# %%\\ny = 2\\n", "a.py")]
    ['# %%\\nx = 1', '\\n\\n# %%\\ny = 2\\n']
    """
    return script_cells(text, display)[0]


def _without_header(lines: list[str]) -> tuple[str, list[str]]:
    """The form a jupytext header declares ('' if none) and the lines with the header
    blanked (its YAML is never parsed: only its format_name or formats line is read).

    >>> _without_header(["# ---", "# jupyter:", "#     format_name: light", "# ---", "x"])
    ('light', ['', '', '', '', 'x'])
    """
    first = 0
    while first < min(2, len(lines)) and (lines[first].startswith("#!")
                                          or "coding" in lines[first]):
        first += 1
    if first >= len(lines) or lines[first].rstrip() != "# ---":
        return "", lines
    for end in range(first + 1, min(len(lines), first + _HEADER_END)):
        if lines[end].rstrip() == "# ---":
            header = lines[first:end + 1]
            if not any(line.startswith("# jupyter:") for line in header):
                return "", lines
            names = [m[1] for m in map(_FORMAT_NAME.match, header) if m]
            blanked = lines[:first] + [""] * len(header) + lines[end + 1:]
            return (names[0] if names else ""), blanked
        if not lines[end].startswith("#"):
            break
    return "", lines


def _script_form(text: str, declared: str) -> str:
    """The jupytext form a .py is read in: its header's, else what its markers say.

    >>> _script_form("# In[1]:\\nx = 1\\n", ""), _script_form("# +\\nx = 1\\n# -\\n", "")
    ('percent', 'light')
    >>> _script_form("x = 1\\n", ""), _script_form("x = 1\\n", "light")
    ('plain', 'light')
    """
    if declared:
        return declared if declared in SCRIPT_FORMS else "plain"
    if _PERCENT_MARKER.search(text):  # `# %%`, or nbconvert's `# In[ ]:` (as jupytext sees)
        return "percent"
    if _LIGHT_MARKER.search(text):
        return "light"
    return "plain"  # no markers: a script (sphinx-like #### rules are often just rules)


def _marked_cells(lines: list[str], display: str) -> list[tuple[str, str]] | None:
    """A percent (or nbconvert) script's cells, split at its marker lines, each padded
    to its line numbers (None past MAX_PADDING); a marker is its cell's first line.

    >>> _marked_cells(["x = 0", "# %%", "x = 1", "# In[2]:", "y = 2"], "a.py")
    [('x = 0', 'a.py'), ('\\n# %%\\nx = 1', 'a.py'), ('\\n\\n\\n# In[2]:\\ny = 2', 'a.py')]
    """
    starts = [i for i, line in enumerate(lines) if _PERCENT_MARKER.match(line)]
    bounds = [0, *starts] if not starts or starts[0] > 0 else starts
    if sum(bounds) > MAX_PADDING:  # thousands of cells: one script
        return None
    cells = []
    for begin, end in zip(bounds, [*bounds[1:], len(lines)]):
        source = "\n".join(lines[begin:end])
        if source.strip():
            cells.append(("\n" * begin + source, display))
    return cells


def _placed(sources: list[str], lines: list[str]) -> Iterator[tuple[int, str]]:
    """(first line, source) of each non-empty cell, found in the file's lines in order
    (jupytext uncomments `# %magic` lines); a cell not found starts where the last ended.

    >>> list(_placed(["x = 1", "%time y"], ["# %%", "x = 1", "# %%", "# %time y"]))
    [(1, 'x = 1'), (3, '%time y')]
    """
    cursor, budget = 0, MATCH_BUDGET
    for source in sources:
        if not source.strip():
            continue
        body = source.split("\n")
        start = cursor
        for at in range(cursor, len(lines) - len(body) + 1):
            k = 0
            while k < len(body) and _same_line(lines[at + k], body[k]):
                k += 1
            budget -= k + 1
            if k == len(body) or budget <= 0:
                start = at if k == len(body) else cursor
                break
        yield start, source
        cursor = start + len(body)


def _left_out(lines: list[str], placed: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """Code Python would run that jupytext put in no code cell (a line appended after a
    markdown cell without a `# %%` of its own): each run of it becomes a cell, so what is
    graded is what Python runs.

    >>> _left_out(["# %% [markdown]", "# text", "x = 1", "", "y = 2"], [])
    [(2, 'x = 1\\n\\ny = 2')]
    """
    covered = {start + k for start, source in placed for k in range(source.count("\n") + 1)}
    runs: list[list[int]] = []
    for row in sorted(_code_rows(lines) - covered):
        if runs and all(not lines[r].strip() or lines[r].lstrip().startswith("#")
                        for r in range(runs[-1][-1] + 1, row)):
            runs[-1].append(row)
        else:
            runs.append([row])
    return [(run[0], "\n".join(lines[run[0]:run[-1] + 1])) for run in runs]


def _code_rows(lines: list[str]) -> set[int]:
    """0-based rows holding code (not only comments or blanks), strings spanning rows
    included; without a clean tokenize, every row that is neither blank nor a comment."""
    rows: set[int] = set()
    quiet = (tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.INDENT,
             tokenize.DEDENT, tokenize.ENDMARKER)
    try:
        for tok in tokenize.generate_tokens(io.StringIO("\n".join(lines)).readline):
            if tok.type not in quiet:
                rows.update(range(tok.start[0] - 1, tok.end[0]))
    except (tokenize.TokenError, SyntaxError, IndentationError):
        rows = {r for r, line in enumerate(lines)
                if line.strip() and not line.lstrip().startswith(("#", "%", "!"))}
    return rows


def _same_line(original: str, read: str) -> bool:
    return (original == read or original.rstrip() == read.rstrip()
            or _COMMENT.sub(r"\1", original, count=1).rstrip() == read.rstrip())
