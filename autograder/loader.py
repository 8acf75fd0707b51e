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

import io
import json
import os
import re
import stat
import tokenize
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .magics import Work, strip_magics
from .scripts import script_cells
from .submissions import inside, shown

MAX_BYTES = 20 * 2**20  # of code: a lab01 submission's code is a few kB; 20 MB is suspicious
MAX_FILE_BYTES = 200 * 2**20  # a notebook file, saved outputs included; larger: left unread
# (a batch reads 50 MB at most, batch/safety.py; one `mindlab grade` of a 190 MB notebook
# holds the judge at about 800 MB while it parses)
MAX_JSON_VALUES = 5_000_000  # commas and brackets in a notebook: bounds the parse's memory



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


def read_submission(path: Path | str, follow_links: bool = True) -> Submission:
    """Read a .py or .ipynb file from disk (OSError / ValueError only for a missing file or
    an unknown suffix, which are usage errors, not learner faults). A file over its limit
    is refused without being read whole. `follow_links=False` (grading) refuses a file
    that is a link to one outside its own folder: the judge reads it outside any sandbox,
    so a link to the solutions graded them as the student's work (found from outside,
    30/30); a link to a file beside it or below is read."""
    path = Path(path)
    if path.suffix not in (".py", ".ipynb"):
        raise ValueError(f"{path.name}: a submission is a .py file or a .ipynb notebook")
    name, suffix = shown(path.name), path.suffix
    if not follow_links:
        linked = linked_folder(path)
        if linked:
            raise ValueError(f"{linked} on the way to {name} is a symbolic link another user "
                             "made; the grader grades only a submission's own files: give "
                             "the path of the folder itself")
        path = within_own_folder(path, path.parent)
    limit = MAX_FILE_BYTES if suffix == ".ipynb" else MAX_BYTES
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    with os.fdopen(os.open(path, flags), "rb") as file:  # (a FIFO opens without a writer)
        info = os.fstat(file.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise ValueError(f"{name} is not a regular file (a pipe, a device?): "
                             "submit the .py or .ipynb file itself")
        size = info.st_size
        if size <= limit:
            data = file.read(limit + 1)  # the size on disk may have changed meanwhile
            size = len(data)
    if size > limit:
        return Submission(name, suffix[1:], problem=_too_large(name, size))
    return read_source(name, data)


def linked_folder(path: Path) -> str:
    """The first folder on the way to `path` that is a link made by another user than root
    and the grader (a student: `~mallory/lab01 -> the solutions`, found from outside, had
    the judge read the solutions as mallory's work), or ''. Links the system or the grader
    made (macOS's /tmp, an instructor's own shortcut) are followed.

    >>> linked_folder(Path("/")), linked_folder(Path(__file__))
    ('', '')
    """
    if not hasattr(os, "getuid"):  # (Windows: making links needs privileges there)
        return ""
    mine = {0, os.getuid()}
    for folder in Path(os.path.abspath(path)).parents:
        try:
            info = os.lstat(folder)
        except OSError:
            return ""
        if stat.S_ISLNK(info.st_mode) and info.st_uid not in mine:
            return str(folder)
    return ""


def within_own_folder(path: Path, folder: Path) -> Path:
    """The file `path` really is (every link on the way followed), when that is inside
    `folder`; else ValueError saying it is a link to a file elsewhere.

    >>> import tempfile; d = Path(tempfile.mkdtemp()); (d / "a.py").write_text("")
    0
    >>> within_own_folder(d / "a.py", d) == (d / "a.py").resolve()
    True
    """
    if not inside(path, folder):
        raise ValueError(f"{path.name} is a link to a file outside its own folder; the grader "
                         "grades only a submission's own files: submit the file itself, not "
                         "a link to it")
    return Path(os.path.realpath(path))


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


_TOKEN = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"|[][{}:]')  # a JSON string, or a bracket
_DROPPED_KEYS = (b'"outputs"', b'"attachments"')


def _key(token: bytes) -> bytes:
    """A short JSON string as its text would be written plainly: b'"outp\\u0075ts"' is
    b'"outputs"' (an escaped key is the same key to json.loads)."""
    if b"\\" not in token:
        return token
    try:
        return json.dumps(json.loads(token)).encode()
    except ValueError:
        return b""


_CUT_ABOVE = 2**20  # bytes of notebook from which outputs are cut before parsing


def _outputs_cut(data: bytes) -> bytes:
    """The JSON text with every "outputs" and "attachments" value emptied before it is
    parsed: a 190 MB image in one output held the judge at 630 MB while json.loads built
    it as a str only to drop it. Strings are skipped whole by the regex (C speed), never
    copied; what is cut is replaced by [] or {}, so the text stays JSON.

    >>> pad = b" " * _CUT_ABOVE
    >>> _outputs_cut(b'{"outputs": [{"text": "]"}], "source": "x"}' + pad).strip()
    b'{"outputs": [], "source": "x"}'
    >>> _outputs_cut(b'{"source": ["outputs", ["kept"]]}' + pad).strip()  # a string, not a key
    b'{"source": ["outputs", ["kept"]]}'
    """
    if len(data) < _CUT_ABOVE:
        return data  # (a small notebook: json.loads' hook drops its outputs as cheaply)
    pieces, start, depth, key, string, cut_from, cut_depth = [], 0, 0, b"", b"", -1, 0
    for match in _TOKEN.finditer(data):
        a, b = match.span()
        char = data[a]
        if char == 34:  # a string: a key if a ':' follows (short ones only are read)
            string, key = (_key(data[a:b]) if b - a <= 80 else b""), b""
            continue
        if char == 58:  # ':'
            key, string = string, b""
            continue
        if char in (91, 123):  # '[' '{'
            if cut_from < 0 and key in _DROPPED_KEYS:
                cut_from, cut_depth = a, depth
            depth += 1
        elif char in (93, 125):  # ']' '}'
            depth -= 1
            if cut_from >= 0 and depth == cut_depth:
                pieces += [data[start:cut_from], b"[]" if data[cut_from] == 91 else b"{}"]
                start, cut_from = b, -1
        key = string = b""
    if cut_from >= 0:  # unbalanced: json.loads will say the file is broken
        return data
    return b"".join([*pieces, data[start:]]) if pieces else data


def _json_values(data: bytes) -> int:
    """At most how many values a JSON text holds (its commas and opening brackets)."""
    return data.count(b",") + data.count(b"[") + data.count(b"{")


def notebook_without_outputs(data: bytes) -> dict | None:
    """A notebook file's JSON as version 4, every saved output and attachment dropped as it
    is read, within the limits a graded notebook is read with; None past them or when it
    is not a readable notebook (nbgrader's autograded/ copy is made from it).

    >>> notebook_without_outputs(b'{"cells": [], "nbformat": 4, "nbformat_minor": 5}')
    {'cells': [], 'nbformat': 4, 'nbformat_minor': 5}
    """
    if len(data) > MAX_FILE_BYTES or _json_values(data) > MAX_JSON_VALUES:
        return None
    try:
        notebook = _upgraded(json.loads(_outputs_cut(data), object_pairs_hook=_without_outputs))
    except (ValueError, RecursionError):
        return None
    return notebook if isinstance(notebook, dict) and isinstance(notebook.get("cells"),
                                                                 list) else None


def _read_notebook(display: str, data: bytes) -> Submission:
    sub = Submission(display, "ipynb", form="ipynb")
    values = _json_values(data)
    if len(data) > MAX_FILE_BYTES or values > MAX_JSON_VALUES:
        sub.problem = (_too_large(display, len(data)) if len(data) > MAX_FILE_BYTES else
                       f"{display} holds {values / 1e6:.0f} million JSON values, far too many "
                       "for a notebook: clear its outputs (Edit > Clear Outputs of All Cells) "
                       "and save it again.")
        return sub
    try:
        notebook = json.loads(_outputs_cut(data), object_pairs_hook=_without_outputs)
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
    >>> _without_outputs([("cell_type", "code"), ("output_type", "stream"), ("source", "x")])
    {'cell_type': 'code', 'source': 'x'}
    """
    keys = {key for key, _ in pairs}
    if "output_type" in keys and "cell_type" not in keys:  # an output (a cell saying it is
        return {}  # one too is still a cell: it kept none of its keys, found from outside)
    return {key: [] if key == "outputs" else value for key, value in pairs
            if key not in ("attachments", "output_type")}


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
    dropped, work = 0, Work()  # (IPython's share of the work: the whole file's)
    for source, filename in cells:
        source, n = strip_magics(source, work)
        dropped += n
        if source.strip():
            sub.cells.append((source, filename))
    if dropped:
        sub.notes.append(f"{dropped} IPython magic or shell line(s) (such as %matplotlib, "
                         f"!pip or obj?) were skipped in {sub.display}: the grader runs "
                         "plain Python.")
