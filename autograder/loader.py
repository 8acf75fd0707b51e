"""Reading a submission into code cells, without running any of it.

A `.py` file (plain or jupytext percent, which is plain Python) is one cell, run as is.
A `.ipynb` notebook gives its code cells in order; IPython magics and shell lines (`%`,
`!`) are dropped with a note, because the grader runs plain Python.

>>> sub = read_source("lab01.py", b"def softmax(x):\\n    return x\\n")
>>> sub.cells, sub.problem
([('def softmax(x):\\n    return x\\n', 'lab01.py')], '')

Nothing here raises for a bad file: an unreadable one comes back with `problem` set
(one sentence for the learner), and the runner grades it as zero.
"""

from __future__ import annotations

import io
import json
import tokenize
from dataclasses import dataclass, field
from pathlib import Path

MAX_BYTES = 20 * 2**20  # a lab01 submission is a few kB; 20 MB is already suspicious
KEEP_CELL_MAGICS = {"time", "timeit", "capture", "prun"}  # their body is plain Python


@dataclass
class Submission:
    display: str  # the file's name as the learner knows it, e.g. "lab01.ipynb"
    kind: str  # "py" or "ipynb"
    cells: list[tuple[str, str]] = field(default_factory=list)  # (source, filename) pairs
    notes: list[str] = field(default_factory=list)
    problem: str = ""  # set when the file cannot be read at all
    percent: bool = False  # a jupytext percent .py: its `# %%` cells run like a notebook's

    @property
    def module(self) -> str:
        """__name__ the code runs under: a notebook is __main__, a .py file is imported."""
        return "__main__" if self.kind == "ipynb" else "submission"

    @property
    def stop_on_error(self) -> bool:
        """A .py file stops at its first error, as Python does; notebook cells go on, and
        so do the cells of a jupytext percent .py (the same notebook, so the same grade)."""
        return self.kind == "py" and not self.percent


def read_submission(path: Path | str) -> Submission:
    """Read a .py or .ipynb file from disk (OSError / ValueError only for a missing file or
    an unknown suffix, which are usage errors, not learner faults)."""
    path = Path(path)
    if path.suffix not in (".py", ".ipynb"):
        raise ValueError(f"{path.name}: a submission is a .py file or a .ipynb notebook")
    size = path.stat().st_size
    if size > MAX_BYTES:
        return Submission(path.name, path.suffix[1:], problem=(
            f"{path.name} is {size / 2**20:.0f} MB, far too large for a lab submission: "
            "clear the notebook's outputs (Cell > All Output > Clear) and save it again."))
    return read_source(path.name, path.read_bytes())


def read_source(display: str, data: bytes) -> Submission:
    """The cells of a submission given its file name and bytes."""
    if display.endswith(".ipynb"):
        return _read_notebook(display, data)
    sub = Submission(display, "py")
    try:
        text = _decode_python(data)
    except (SyntaxError, UnicodeDecodeError, LookupError) as exc:
        sub.problem = _encoding_problem(display, data, exc)
        return sub
    sub.cells = percent_cells(text, display)
    sub.percent = len(sub.cells) > 1
    return sub


def percent_cells(text: str, display: str) -> list[tuple[str, str]]:
    """A jupytext percent file's cells (split at `# %%` lines), each padded with empty
    lines so tracebacks keep the file's line numbers; other text is one cell.

    >>> [c for c, _ in percent_cells("# %%\\nx = 1\\n# %%\\ny = 2\\n", "a.py")]
    ['# %%\\nx = 1', '\\n\\n# %%\\ny = 2\\n']
    """
    lines = text.split("\n")  # as Python counts lines (str.splitlines also splits at \x0c)
    starts = [i for i, line in enumerate(lines) if line.startswith("# %%")]
    if not starts:
        return [(text, display)]
    bounds = [0, *starts] if starts[0] > 0 else starts
    cells = []
    for begin, end in zip(bounds, [*bounds[1:], len(lines)]):
        source = "\n".join(lines[begin:end])
        if source.strip():
            cells.append(("\n" * begin + source, display))
    return cells


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


def _read_notebook(display: str, data: bytes) -> Submission:
    sub = Submission(display, "ipynb")
    try:
        notebook = json.loads(data)
    except (ValueError, RecursionError) as exc:  # JSON or encoding errors, deep nesting
        where = f" at line {exc.lineno}" if isinstance(exc, json.JSONDecodeError) else ""
        sub.problem = (f"{display} is not a readable notebook (its JSON is broken{where}; the "
                       "file may be truncated or not a notebook at all): open it in Jupyter, "
                       "save it, and submit it again.")
        return sub
    cells = notebook.get("cells") if isinstance(notebook, dict) else None
    if not isinstance(cells, list):
        sub.problem = (f"{display} is valid JSON but not a Jupyter notebook (version 4) with "
                       "a list of cells: submit the .ipynb file that Jupyter saved.")
        return sub
    dropped = 0
    number = 0
    for cell in cells:
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        number += 1
        source = cell.get("source", "")
        if isinstance(source, list):
            source = "".join(s for s in source if isinstance(s, str))
        if not isinstance(source, str):
            continue
        source, n = strip_magics(source)
        dropped += n
        if source.strip():
            sub.cells.append((source, f"{display} [cell {number}]"))
    if dropped:
        sub.notes.append(f"{dropped} IPython magic or shell line(s) (starting with % or !) "
                         f"were skipped in {display}: the grader runs plain Python.")
    return sub


def strip_magics(source: str) -> tuple[str, int]:
    """Drop `%` / `!` lines (and whole `%%bash`-style cells); keep line numbers stable.

    >>> strip_magics("%matplotlib inline\\nx = 1\\n!pip install numpy\\n")
    ('\\nx = 1\\n\\n', 2)
    """
    lines = source.splitlines(keepends=True)
    if lines and lines[0].lstrip().startswith("%%"):
        magic = lines[0].lstrip()[2:].split()[0] if lines[0].strip() != "%%" else ""
        if magic not in KEEP_CELL_MAGICS:
            return "", len(lines)
        lines[0] = "\n"
        return "".join(lines), 1
    kept, dropped = [], 0
    for line in lines:
        if line.lstrip().startswith(("%", "!")):
            kept.append("\n")  # an empty line keeps tracebacks' line numbers right
            dropped += 1
        else:
            kept.append(line)
    return "".join(kept), dropped
