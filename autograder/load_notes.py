"""A worker's load reply under redaction: the worker's sentences, rebuilt by the judge.

Everything a worker says about loading (worker/serve.py `Worker.load`, `_run_cell`) is
written where learner code runs, so the learner controls it entirely: a cell can raise
`ValueError(open(<a grader file>).read())`, or replace the worker's own functions. With
redaction on (Grader(redact=True); the hidden suite always), remote.WorkerLearner keeps
a note only when it has one of the worker's fixed shapes, and rebuilds it from parts the
judge can check: a cell file name the judge itself sent, a line number inside that file,
an exception type that is one of Python's or numpy's own, a SyntaxError message from
the judge's own compile of that cell. An exception's message is never kept.

>>> from mindlab_grader.loader import Submission
>>> sub = Submission("lab01.py", "py", cells=[("x = 1\\nraise ValueError('s')\\n", "lab01.py")])
>>> redacted_notes(["lab01.py line 2 raised ValueError: s while loading; the code after it "
...                 "did not run.", "lab01.py line 9 raised ValueError while loading; x.",
...                 "lab01.py line 2 raised Secret: s while loading; x.", "Secret."], sub)
['lab01.py line 2 raised ValueError while loading; the code after it did not run, so \
functions defined after it are missing.', 'lab01.py line 2 raised an exception of your own \
while loading; the code after it did not run, so functions defined after it are missing.']
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from .isolation.launch import BLOCKED
from .loader import Submission
from .redact import hidden_kind, real_class
from .worker.serve import first_line  # the worker's own numbering of a cell

MAX_NOTES = 20  # load notes kept per submission ...
MAX_NOTE_CHARS = 500  # ... and characters kept of each
_REFERENCE = re.compile(r"mindlab_core\.\w+\.reference")
# serve.py's sentences after the file name; where one holds learner text (which may be
# cut short), only its start is read: the rest of the note is the judge's own
_SKIPPED = re.compile(r": the cell starting at line (\d+) did not finish loading in time \(an "
                      r"endless loop or a long computation\?\), so it was skipped; the cells "
                      r"after it still ran\.")
_SYNTAX = re.compile(r"(?: line (\d+))?: SyntaxError: .*", re.S)
_UNREADABLE = re.compile(r" could not be read as Python \((ValueError|MemoryError|"
                         r"RecursionError|OverflowError)\b.*", re.S)
_EXIT = re.compile(r" line (\d+|\?) called exit\(\) while loading, so the grader stopped reading "
                   r"your code there: remove the exit call \(functions defined after it are "
                   r"missing\)\.")
_RAISED = re.compile(r" line (\d+|\?) raised ([\w.]+)(?:[: ].*)?", re.S)


def _lines(sub: Submission) -> dict[str, int]:
    """{cell file name: its last line}: cells keep the file's numbering."""
    found: dict[str, int] = {}
    for source, filename in sub.cells:
        found[filename] = max(found.get(filename, 0), source.count("\n") + 1)
    return found


def _exception(name: str) -> str:
    """The type a note may name: Python's or numpy's own, else a class of the learner's."""
    if real_class(name if "." in name else f"builtins.{name}"):
        return name
    return "an exception of your own"


MAX_COMPILED = 50_000  # characters of a cell the judge compiles again to word its error
# (CPython's parser takes about 0.8 GB per MB of a list literal: a 1.4 MB cell held the
# judge at 1.2 GB, found from outside); a longer cell's error is named, not quoted
LONG_CELL = "invalid syntax (Python's own words are not shown for a cell this long)"


def _syntax_message(sub: Submission, filename: str, line: str | None) -> str | None:
    """The judge's own message for a cell of `filename` that does not compile (at `line`)."""
    for source, name in sub.cells:
        if name != filename:
            continue
        if len(source) > MAX_COMPILED:
            return LONG_CELL
        try:
            compile(source, filename, "exec", dont_inherit=True)  # compiles, never runs
        except SyntaxError as exc:
            if line is None or str(exc.lineno) == line:
                return str(exc.msg)
        except (ValueError, MemoryError, RecursionError, OverflowError):
            continue
    return None


def _rebuilt(note: str, filename: str, last: int, sub: Submission,
             skipped: set[int]) -> str | None:
    """The judge's own sentence for a worker note about `filename`, or None."""
    rest = note[len(filename):]
    in_file = lambda n: n == "?" or 1 <= int(n) <= last  # noqa: E731
    if m := _SKIPPED.fullmatch(rest):
        firsts = {first_line(sub.cells[i][0]) for i in skipped
                  if 0 <= i < len(sub.cells) and sub.cells[i][1] == filename}
        return filename + m.group(0) if int(m.group(1)) in firsts else None
    if m := _SYNTAX.fullmatch(rest):
        message = _syntax_message(sub, filename, m.group(1))
        if message is None:
            return None
        where = f"{filename} line {m.group(1)}" if m.group(1) else filename
        return (f"{where}: SyntaxError: {message}. Python cannot run code with a syntax "
                "error, so nothing in it was graded: fix that line.")
    if m := _UNREADABLE.fullmatch(rest):
        return f"{filename} could not be read as Python ({m.group(1)})."
    if (m := _EXIT.fullmatch(rest)) and in_file(m.group(1)):
        return filename + m.group(0)
    if (m := _RAISED.fullmatch(rest)) and in_file(m.group(1)):
        after = ("the code after it did not run, so functions defined after it are missing"
                 if sub.stop_on_error else "the rest of that cell did not run")
        return (f"{filename} line {m.group(1)} raised {_exception(m.group(2))} while loading; "
                f"{after}.")
    return None


def redacted_notes(notes: Iterable[str], sub: Submission,
                   skipped: Iterable[int] = ()) -> list[str]:
    """The notes that have a worker sentence's shape, rebuilt; every other one dropped."""
    files = sorted(_lines(sub).items(), key=lambda item: -len(item[0]))  # longest name first
    kept = []
    for note in notes:
        for filename, last in files:
            if note.startswith(filename):
                rebuilt = _rebuilt(note, filename, last, sub, set(skipped))
                if rebuilt is not None:
                    kept.append(rebuilt)
                    break
    return kept


def redacted_load(sub: Submission, skipped: Iterable[int], notes: list[str],
                  defined: dict[str, str], borrowed: dict[str, str],
                  blocked: list[str]) -> tuple[list[str], dict[str, str], dict[str, str],
                                               list[str]]:
    """(notes, defined, borrowed, blocked) of a load reply, with no learner-written text:
    kinds named as redact.hidden_kind names them, the judge's own borrowing sentence,
    hidden imports reduced to the grader's package names."""
    kinds = {f: v if v == "function" else hidden_kind(v) for f, v in defined.items()}
    said = {f: f"{f} is the reference solution's function, not yours, so it earns no credit."
            for f in borrowed}
    roots = []
    for module in blocked:
        root = next((r for r in BLOCKED if module == r or module.startswith(r + ".")),
                    module if _REFERENCE.fullmatch(module) else None)
        if root is not None and root not in roots:
            roots.append(root)
    return redacted_notes(notes, sub, skipped), kinds, said, roots


def capped(text: str) -> str:
    """A note from the worker, cut to MAX_NOTE_CHARS."""
    return text if len(text) <= MAX_NOTE_CHARS else text[:MAX_NOTE_CHARS] + " … (cut)"


def borrowed_sentence(function: str, said: Any) -> str:
    """The judge's own sentence for a graded name bound to the reference's (or another
    mindlab module's) function at load; the worker's text only names where it came from."""
    where = str(said).partition("(it comes from ")[2].partition(")")[0]
    source = f" (it comes from {where})" if where.replace(".", "").replace("_", "").isalnum() \
        and len(where) <= 80 else ""
    return f"{function} is the reference solution's function, not yours{source}, so it earns " \
           "no credit."


def asked_sentence(function: str, asked: str) -> str:
    """Why `asked` earns nothing: `function`, while it was checked, asked the grader for
    the reference's answers of `asked` (its own, or a function after it in the lab).

    >>> print(asked_sentence("softmax", "greedy_decode")[:60])
    softmax asked the grader for the reference solution's greedy
    """
    if asked == function:
        return f"{function} asked for the reference solution's own {function}, so it earns " \
               "no credit."
    return (f"{function} asked the grader for the reference solution's {asked}, a function "
            f"after it in the lab that it has no use for, so {asked} earns no credit.")
