"""Reading a submission into code cells, without running any of it.

A `.ipynb` notebook gives its code cells in order (an nbformat 3 notebook is upgraded
first; saved outputs are never kept). A `.py` file is read through jupytext: a percent
(`# %%`), light (`# +`, or a jupytext header) or nbconvert (`# In[ ]:`) script gives the
same code cells as its notebook; a plain script is one cell, run as is. In cells, IPython
syntax (`%magic`, `!shell`, `x = !ls`, `obj?`, `%%bash` cells, and the `get_ipython()`
calls nbconvert writes for them) is dropped with a note, because the grader runs plain
Python; a `%`/`!` is IPython syntax only where IPython says so (the start of a logical
line), never a continuation line inside brackets.

>>> sub = read_source("lab01.py", b"def softmax(x):\\n    return x\\n")
>>> sub.cells, sub.problem
([('def softmax(x):\\n    return x\\n', 'lab01.py')], '')

Nothing here raises for a bad file: an unreadable one comes back with `problem` set
(one sentence for the learner), and the runner grades it as zero.
"""

from __future__ import annotations

import ast
import io
import json
import re
import tokenize
import warnings
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

MAX_BYTES = 20 * 2**20  # of code: a lab01 submission's code is a few kB; 20 MB is suspicious
MAX_FILE_BYTES = 200 * 2**20  # a notebook file, saved outputs included; larger: left unread
MAX_JSON_VALUES = 5_000_000  # commas and brackets in a notebook: bounds the parse's memory
KEEP_CELL_MAGICS = {"time", "timeit", "capture", "prun"}  # their body is plain Python
SCRIPT_FORMS = ("percent", "hydrogen", "light", "sphinx")  # jupytext .py forms read as cells
ESCAPES = "!?%,;/"  # IPython's escapes at the start of a logical line
OPERATORS = ("!=", "%=", "//", "/=")  # ... which these Python operators are not
IPYTHON_WORK = 500_000  # IPython retokenizes a cell per magic found: past this many
#                        characters tokenized, tokenize alone does it (in one pass)
JUPYTEXT_MAX_BYTES = 2**18  # a lab .py is ~20 kB; a larger one is read as a plain script
MAX_PADDING = 20 * 2**20  # the empty lines that keep a .py's cells at their line numbers
MATCH_BUDGET = 2_000_000  # line comparisons spent placing a jupytext file's cells
_HEADER_END = 300  # a jupytext header ends within this many lines
_LIGHT_MARKER = re.compile(r"^# \+(\s|$)", re.M)
_PERCENT_MARKER = re.compile(r"^#( ?%%(\s|$)| <codecell>| In\[[0-9 ]*\]:?)", re.M)
_FORMAT_NAME = re.compile(r"^#\s+(?:format_name:\s*|formats:.*\bpy:)([\w-]+)")
_COMMENT = re.compile(r"^(\s*)# ?")
_CANDIDATE = re.compile(r"^[ \t]*[!?%,;/]|=[ \t]*[!%]|\?\s*$|get_ipython", re.M)  # or none
_HELP_END = re.compile(r"(%{0,2}(?!\d)[\w*]+(\.(?!\d)[\w*]+|\[-?[0-9]+\])*)(\?\??)$")
_IPYTHON_CALL = ["get_ipython", "(", ")", "."]
_SKIPPED = {tokenize.COMMENT, tokenize.NL, tokenize.INDENT, tokenize.DEDENT}
_OPENING, _CLOSING = {"(", "[", "{"}, {")", "]", "}"}


@dataclass
class Submission:
    display: str  # the file's name as the learner knows it, e.g. "lab01.ipynb"
    kind: str  # "py" or "ipynb"
    cells: list[tuple[str, str]] = field(default_factory=list)  # (source, filename) pairs
    notes: list[str] = field(default_factory=list)
    problem: str = ""  # set when the file cannot be read at all
    percent: bool = False  # a .py in a jupytext form with cells: they run like a notebook's
    form: str = ""  # "ipynb", or the .py's form: "plain", "percent", "light", ...

    @property
    def module(self) -> str:
        """__name__ the code runs under: a notebook is __main__, a .py file is imported."""
        return "__main__" if self.kind == "ipynb" else "submission"

    @property
    def stop_on_error(self) -> bool:
        """A plain .py file stops at its first error, as Python does; notebook cells go on,
        and so do the cells of a jupytext .py (the same notebook, so the same grade)."""
        return self.kind == "py" and not self.percent


def read_submission(path: Path | str) -> Submission:
    """Read a .py or .ipynb file from disk (OSError / ValueError only for a missing file or
    an unknown suffix, which are usage errors, not learner faults). A file over its limit
    is refused without being read whole."""
    path = Path(path)
    if path.suffix not in (".py", ".ipynb"):
        raise ValueError(f"{path.name}: a submission is a .py file or a .ipynb notebook")
    limit = MAX_FILE_BYTES if path.suffix == ".ipynb" else MAX_BYTES
    size = path.stat().st_size
    if size <= limit:
        with path.open("rb") as file:
            data = file.read(limit + 1)  # the size on disk may have changed meanwhile
        size = len(data)
    if size > limit:
        return Submission(path.name, path.suffix[1:], problem=_too_large(path.name, size))
    return read_source(path.name, data)


def read_source(display: str, data: bytes) -> Submission:
    """The cells of a submission given its file name and bytes."""
    if display.endswith(".ipynb"):
        return _read_notebook(display, data)
    sub = Submission(display, "py")
    if len(data) > MAX_BYTES:
        sub.problem = _too_large(display, len(data))
        return sub
    try:
        text = _decode_python(data)
    except (SyntaxError, UnicodeDecodeError, LookupError) as exc:
        sub.problem = _encoding_problem(display, data, exc)
        return sub
    cells, sub.form = script_cells(text, display)
    sub.percent = sub.form != "plain"
    if sub.percent:
        _add_cells(sub, cells)
    else:
        sub.cells = cells
    return sub


def _too_large(display: str, size: int) -> str:
    if display.endswith(".ipynb"):
        return (f"{display} is {size / 2**20:.0f} MB, far too large to read even with its "
                "saved outputs: clear the notebook's outputs (Edit > Clear Outputs of All "
                "Cells) and save it again.")
    return (f"{display} is {size / 2**20:.0f} MB, far too large for a lab submission (a "
            "few kB of code): submit your lab file itself.")


# ---------------------------------------------------------------- .py files


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


def _decode_python(data: bytes) -> str:
    """Decode as Python would: a BOM or coding cookie if present, else UTF-8 (strict)."""
    encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    return data.decode(encoding)


def _encoding_problem(display: str, data: bytes, exc: Exception) -> str:
    if isinstance(exc, UnicodeDecodeError):
        line = data[: exc.start].count(b"\n") + 1
        return (f"{display} is not valid {exc.encoding} text (byte 0x{data[exc.start]:02x} on "
                f"line {line}), so Python cannot read it: save the file as UTF-8 and "
                "submit it again.")
    return (f"{display} could not be read as Python text ({exc}): save the file as UTF-8 "
            "and submit it again.")


# ---------------------------------------------------------------- notebooks


def _read_notebook(display: str, data: bytes) -> Submission:
    sub = Submission(display, "ipynb", form="ipynb")
    values = data.count(b",") + data.count(b"[") + data.count(b"{")
    if len(data) > MAX_FILE_BYTES or values > MAX_JSON_VALUES:
        sub.problem = (_too_large(display, len(data)) if len(data) > MAX_FILE_BYTES else
                       f"{display} holds {values / 1e6:.0f} million JSON values, far too many "
                       "for a notebook: clear its outputs (Edit > Clear Outputs of All Cells) "
                       "and save it again.")
        return sub
    try:
        notebook = json.loads(data, object_pairs_hook=_without_outputs)
    except (ValueError, RecursionError) as exc:  # JSON or encoding errors, deep nesting
        where = f" at line {exc.lineno}" if isinstance(exc, json.JSONDecodeError) else ""
        sub.problem = (f"{display} is not a readable notebook (its JSON is broken{where}; the "
                       "file may be truncated or not a notebook at all): open it in Jupyter, "
                       "save it, and submit it again.")
        return sub
    notebook = _upgraded(notebook)
    cells = notebook.get("cells") if isinstance(notebook, dict) else None
    if not isinstance(cells, list):
        sub.problem = (f"{display} is valid JSON but not a Jupyter notebook (version 4, or "
                       "an older one nbformat can upgrade) with a list of cells: submit the "
                       ".ipynb file that Jupyter saved.")
        return sub
    sources = list(_code_sources(cells))
    size = sum(len(s) for s in sources)
    if size > MAX_BYTES:
        sub.problem = (f"The code cells of {display} hold {size / 2**20:.0f} MB of text, far "
                       "too much for a lab submission (a few kB): submit your lab notebook.")
        return sub
    _add_cells(sub, [(s, f"{display} [cell {n}]") for n, s in enumerate(sources, 1)])
    return sub


def _without_outputs(pairs: list[tuple[str, object]]) -> dict:
    """A JSON object as read, its saved outputs dropped at once: graded on its code.

    >>> _without_outputs([("output_type", "stream"), ("text", "x" * 9)])
    {}
    >>> _without_outputs([("cell_type", "code"), ("outputs", [{}]), ("source", "x")])
    {'cell_type': 'code', 'outputs': [], 'source': 'x'}
    """
    if any(key == "output_type" for key, _ in pairs):
        return {}
    return {key: [] if key == "outputs" else value for key, value in pairs
            if key != "attachments"}


def _upgraded(notebook: object) -> object:
    """An nbformat 1-3 notebook as version 4 (nbformat's own upgrade); others as they are.

    >>> v3 = {"nbformat": 3, "nbformat_minor": 0, "metadata": {}, "worksheets": [{"cells": [
    ...     {"cell_type": "code", "input": "x = 1", "outputs": [], "language": "python"}]}]}
    >>> _upgraded(v3)["cells"][0]["source"]
    'x = 1'
    """
    version = notebook.get("nbformat") if isinstance(notebook, dict) else None
    if not isinstance(version, int) or version >= 4 or "cells" in notebook:
        return notebook
    try:
        import nbformat

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # nbformat warns about an invalid old notebook
            return nbformat.convert(nbformat.from_dict(notebook), 4)
    except Exception:  # noqa: BLE001 - not upgradable: reported as not a notebook
        return notebook


def _code_sources(cells: list) -> Iterator[str]:
    """Each code cell's source, numbered as Jupyter numbers code cells (empty ones too)."""
    for cell in cells:
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        source = cell.get("source", "")
        if isinstance(source, list):
            source = "".join(s for s in source if isinstance(s, str))
        yield source if isinstance(source, str) else ""


def _add_cells(sub: Submission, cells: list[tuple[str, str]]) -> None:
    """Append the cells, IPython syntax dropped, with one note counting what was dropped."""
    dropped = 0
    for source, filename in cells:
        source, n = strip_magics(source)
        dropped += n
        if source.strip():
            sub.cells.append((source, filename))
    if dropped:
        sub.notes.append(f"{dropped} IPython magic or shell line(s) (such as %matplotlib, "
                         f"!pip or obj?) were skipped in {sub.display}: the grader runs "
                         "plain Python.")


# ---------------------------------------------------------------- IPython syntax


def strip_magics(source: str) -> tuple[str, int]:
    """Drop IPython syntax where IPython sees it (and whole `%%bash`-style cells); keep
    line numbers stable. A `%` inside brackets is Python's operator, not a magic.

    >>> strip_magics("%matplotlib inline\\nx = 1\\n!pip install numpy\\n")
    ('\\nx = 1\\n\\n', 2)
    >>> strip_magics("print('%s: %d'\\n      % (letter, n))\\n")
    ("print('%s: %d'\\n      % (letter, n))\\n", 0)
    """
    code = source.lstrip("\n")  # a .py cell's padding: kept, never tokenized
    if not _CANDIDATE.search(code):
        return source, 0
    pad = "\n" * (len(source) - len(code))
    lines = _lines(code)
    first = next((i for i, line in enumerate(lines) if line.strip()), 0)
    head = lines[first].lstrip()
    if head.startswith("%%") or head.startswith("get_ipython().run_cell_magic("):
        name, body = _cell_magic(head)
        if name not in KEEP_CELL_MAGICS:
            return "", len(lines)
        lines[first:first + 1] = _lines(body) if body is not None else ["\n"]
        kept, n = _strip_lines(lines)
        return pad + kept, n + 1
    kept, n = _strip_lines(lines)
    return pad + kept, n


def _cell_magic(head: str) -> tuple[str, str | None]:
    """(name, body) of a `%%name` line (body None: it follows) or of nbconvert's
    `get_ipython().run_cell_magic(name, line, body)` call ('' when unreadable).

    >>> _cell_magic("%%timeit -n 3\\n")
    ('timeit', None)
    >>> _cell_magic("get_ipython().run_cell_magic('time', '', 'x = 1')")
    ('time', 'x = 1')
    """
    if head.startswith("%%"):
        words = head[2:].split()
        return (words[0] if words else ""), None
    try:
        call = ast.parse(head.strip(), mode="eval").body
        name, _, body = (ast.literal_eval(arg) for arg in call.args)  # type: ignore[attr-defined]
    except (SyntaxError, ValueError, TypeError, AttributeError, MemoryError, RecursionError):
        return "", None
    return (name, body) if isinstance(name, str) and isinstance(body, str) else ("", None)


def _lines(source: str) -> list[str]:
    """Physical lines as Python counts them (at "\\n" only), each keeping its end.

    >>> _lines("a\\x0cb\\nc")
    ['a\\x0cb\\n', 'c']
    """
    return re.findall(r"[^\n]*\n|[^\n]+$", source)


def _strip_lines(lines: list[str]) -> tuple[str, int]:
    spans = _ipython_spans(lines)
    if spans is None:
        spans = _token_spans(lines, escapes=True)
    else:  # IPython leaves nbconvert's get_ipython() calls alone: they are Python
        spans += _token_spans(_blanked(lines, spans), escapes=False)
    return "".join(_blanked(lines, spans, placeholders=True)), len(spans)


def _blanked(lines: list[str], spans: list[tuple[int, int]],
             placeholders: bool = False) -> list[str]:
    """The lines with each (first, last) span emptied; with placeholders, a dropped line
    that was a block's whole body becomes `pass` (`for ...:` then `!echo` stays valid)."""
    out = list(lines)
    for first, last in sorted(spans):
        for row in range(first, last + 1):
            out[row] = "\n" if lines[row].endswith("\n") else ""
        indent = lines[first][: len(lines[first]) - len(lines[first].lstrip())]
        if placeholders and indent and _opens_block(out, first):
            out[first] = indent + "pass" + out[first]
    return out


def _opens_block(lines: list[str], row: int) -> bool:
    """Whether the nearest code line above `row` ends with ':' (a comment aside)."""
    for above in range(row - 1, max(-1, row - 100), -1):
        code = re.sub(r"#[^'\"]*$", "", lines[above]).strip()
        if code:
            return code.endswith(":")
    return False


def _ipython_spans(lines: list[str]) -> list[tuple[int, int]] | None:
    """The (first, last) lines of each piece of IPython syntax, found by IPython's own
    transformer one at a time as it does; None without IPython (or past IPYTHON_WORK)."""
    try:
        from IPython.core import inputtransformer2 as it2
    except Exception:  # noqa: BLE001 - not installed, or broken: tokenize does it
        return None
    finders = (it2.MagicAssign, it2.SystemAssign, it2.EscapedCommand, it2.HelpEnd)
    work, spans, size = list(lines), [], sum(map(len, lines))
    try:
        for _ in range(max(1, IPYTHON_WORK // max(1, size))):
            groups = it2.make_tokens_by_line(work)
            found = sorted((f for f in (c.find(groups) for c in finders) if f),
                           key=it2.TokenTransformBase.sortby)
            span = next((s for s in (_ipython_span(t, groups, work, it2) for t in found) if s),
                        None)
            if span is None:
                return spans
            spans.append(span)
            work = _blanked(work, [span])
    except Exception:  # noqa: BLE001 - IPython failed on this text: tokenize does it
        return None
    return None


def _ipython_span(found, groups: list, work: list[str], it2) -> tuple[int, int] | None:
    """The lines IPython's transform `found` replaces (None if IPython rejects it)."""
    try:
        found.transform(work)  # IPython's own word that this is its syntax (obj? targets)
    except SyntaxError:
        return None
    row = found.start_line
    first = next((g[0].start[0] - 1 for g in groups
                  if any(t.start == (row + 1, found.start_col) for t in g)), row)
    if isinstance(found, it2.HelpEnd):
        return first, found.q_line
    return first, min(len(work) - 1, it2.find_end_of_continued_line(work, row))


def _token_spans(lines: list[str], escapes: bool) -> list[tuple[int, int]]:
    """IPython syntax found with `tokenize` alone, as IPython finds it (escapes False:
    only `get_ipython()` statements).

    >>> _token_spans(["x = (1,\\n", "  % 2)\\n", "%time f()\\n"], escapes=True)
    [(2, 2)]
    """
    spans, row, helps = [], 0, escapes
    while row < len(lines):
        text = lines[row].lstrip()
        if not text.strip() or text.startswith("#"):
            row += 1
            continue
        if escapes and text[:1] in ESCAPES and not text.startswith(OPERATORS):
            last, special = _continued(lines, row), True
        else:
            last, special = _statement(lines, row, escapes, helps)
            helps = helps and special is not None  # IPython's HelpEnd is stuck on a bad one
        if special:
            spans.append((row, last))
        row = last + 1
    return spans


def _continued(lines: list[str], row: int) -> int:
    """The last line of a line continued with backslashes."""
    while row + 1 < len(lines) and lines[row].endswith("\\\n"):
        row += 1
    return row


def _statement(lines: list[str], row: int, escapes: bool,
               helps: bool) -> tuple[int, bool | None]:
    """(last line, whether it is IPython syntax) of the logical line starting at `row`:
    `x = %magic`, `x = !cmd` (up to its line's end), `obj?` (None: a `?` IPython rejects),
    or a get_ipython() call. Only a few tokens are kept, however long the line."""
    rows = iter(range(row, len(lines)))

    def readline() -> str:
        at = next(rows, None)
        return "" if at is None else lines[at].lstrip() if at == row else lines[at]

    head: list[str] = []  # the first four tokens
    assign: tokenize.TokenInfo | None = None  # the first '=' outside brackets
    after: list[tokenize.TokenInfo] = []  # ... and up to four tokens after it
    tail: deque[tokenize.TokenInfo] = deque(maxlen=2)  # where IPython looks for `obj?`
    depth = count = 0
    try:
        for token in tokenize.generate_tokens(readline):
            at = row + token.start[0] - 1
            if token.type in (tokenize.NEWLINE, tokenize.ENDMARKER):
                return at, _is_call(head, after) or (
                    helps and count > 1 and _is_help(lines, row, tail[-1]))
            count += 1
            tail.append(token)
            if token.type in _SKIPPED or (token.type == tokenize.ERRORTOKEN
                                          and token.string.isspace()):
                continue
            if assign is None:
                head += [token.string] if len(head) < 4 else []
                assign = token if token.string == "=" and depth == 0 else None
            elif len(after) < 4:
                after.append(token)
                if escapes and _is_magic_assign(assign, after):
                    return _continued(lines, at), True
            if token.type == tokenize.OP:
                depth += (token.string in _OPENING) - (token.string in _CLOSING)
    except (tokenize.TokenError, SyntaxError) as exc:
        if "EOF" in str(exc.args[0]):  # an open bracket or string runs to the cell's end
            return len(lines) - 1, helps and count > 2 and _is_help(lines, row, tail[-2])
        where = exc.lineno if isinstance(exc, SyntaxError) else exc.args[1][0]
        at = min(len(lines) - 1, row + max(1, where or 1) - 1)
        return at, helps and lines[at].rstrip().endswith("?") and _is_help(lines, row, None)
    return len(lines) - 1, False


def _is_magic_assign(assign: tokenize.TokenInfo, after: list[tokenize.TokenInfo]) -> bool:
    """`x = %magic` (a NAME after the %) or `x = !cmd`, as IPython's finders see them."""
    if len(after) == 1 and after[0].string == "!":
        return not assign.line.strip().startswith("=")
    return len(after) == 2 and after[0].string == "%" and after[1].type == tokenize.NAME


def _is_call(head: list[str], after: list[tokenize.TokenInfo]) -> bool:
    """A statement starting `get_ipython().` or `x = get_ipython().` (nbconvert's form)."""
    return _IPYTHON_CALL in (head, [t.string for t in after])


def _is_help(lines: list[str], row: int, mark: tokenize.TokenInfo | None) -> bool | None:
    """Whether the logical line from `row` to its `?` token (`mark`; None: the line's end)
    is IPython's `obj?`: True, or None when IPython's HelpEnd finds but rejects it."""
    if mark is not None and mark.string != "?":
        return False
    last = row + mark.start[0] - 1 if mark is not None else row
    content = (lines[row].lstrip() + "".join(lines[row + 1:last + 1])).rstrip("\n")
    return True if _HELP_END.search(content) else None
