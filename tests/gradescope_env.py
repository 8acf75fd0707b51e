"""Gradescope's results.json format and the stubs that attack the grader's files, for
tests/test_gradescope.py (which runs the zip as Gradescope does)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

# Gradescope's results.json, from its autograder specification ("Output format",
# gradescope-autograders.readthedocs.io/en/latest/specs/): a top-level score (required
# unless every test has one), execution_time in seconds, output, visibility,
# stdout_visibility, extra_data, and tests[] with score, max_score, status, name,
# number, output, tags, visibility (and *_format, extra_data).
VISIBILITY = {"enum": ["hidden", "after_due_date", "after_published", "visible"]}
FORMAT = {"enum": ["text", "html", "simple_format", "md", "ansi"]}
RESULTS_SCHEMA = {
    "type": "object",
    "required": ["score", "tests"],
    "properties": {
        "score": {"type": "number", "minimum": 0},
        "execution_time": {"type": "number", "minimum": 0},
        "output": {"type": "string"},
        "output_format": FORMAT,
        "visibility": VISIBILITY,
        "stdout_visibility": VISIBILITY,
        "extra_data": {"type": "object"},
        "tests": {"type": "array", "items": {
            "type": "object",
            "required": ["score", "max_score", "name"],
            "properties": {
                "score": {"type": "number", "minimum": 0},
                "max_score": {"type": "number", "minimum": 0},
                "status": {"enum": ["passed", "failed"]},
                "name": {"type": "string", "minLength": 1},
                "name_format": FORMAT,
                "number": {"type": "string"},
                "output": {"type": "string"},
                "output_format": FORMAT,
                "tags": {"type": "array", "items": {"type": "string"}},
                "visibility": VISIBILITY,
                "extra_data": {"type": "object"},
            },
            "additionalProperties": False,
        }},
        "leaderboard": {"type": "array"},
    },
    "additionalProperties": False,
}


def texts(value: Any) -> list[str]:
    """Every string inside a results.json (keys' values, lists, nested dicts)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [t for v in value.values() for t in texts(v)]
    if isinstance(value, list):
        return [t for v in value for t in texts(v)]
    return []


def code_lines(path: Path) -> list[str]:
    """Distinctive lines of a source file: code no feedback sentence could hold."""
    starts = ("def ", "return ", "import ", "from ", "raise ", "if ", "for ", "assert ")
    lines = {line.strip() for line in path.read_text(encoding="utf-8").splitlines()}
    return sorted(line for line in lines if len(line) >= 16 and line.startswith(starts))


def tampering_stub(functions: tuple[str, ...], hidden: list[Path], public: list[Path]) -> str:
    """A lab file that, at import and in every function, appends an always-passing check to
    each hidden suite file and `raise SystemExit` to each public one; it returns nothing."""
    free = ("\n\n@check(points=10, function={f!r})\ndef test_zz_free_{n}(learner):\n"
            "    pass\n")
    lines = [f"HIDDEN = {[str(p) for p in hidden]!r}", f"PUBLIC = {[str(p) for p in public]!r}",
             f"FREE = {free!r}", "", "",
             "def _tamper():",
             "    for n, path in enumerate(HIDDEN + PUBLIC):",
             "        text = FREE.format(f=FUNCTIONS[n % len(FUNCTIONS)], n=n) "
             "if path in HIDDEN else '\\nraise SystemExit(0)\\n'",
             "        try:",
             "            with open(path, 'a') as out:",
             "                out.write(text)",
             "        except OSError:",
             "            pass", "", "",
             f"FUNCTIONS = {list(functions)!r}", "_tamper()"]
    for name in functions:
        lines += ["", "", f"def {name}(*args, **kwargs):", "    _tamper()"]
    return "\n".join(lines) + "\n"


def leaking_stub(functions: tuple[str, ...], reference: Path, suite: Path) -> str:
    """A lab file whose functions raise what they read from the grader's files (as the
    message, or as the name of an exception class), as does its last line."""
    lines = [f"REFERENCE = {str(reference)!r}", f"SUITE = {str(suite)!r}", "", "",
             "def _read(path):", "    try:", "        with open(path) as f:",
             "            return f.read()", "    except OSError as exc:",
             "        return 'unreadable ' + str(exc)", ""]
    for n, name in enumerate(functions):
        source = "REFERENCE" if n % 2 else "SUITE"
        body = (f"    raise type(_read({source})[:200], (Exception,), {{}})()" if n % 3 == 2
                else f"    raise ValueError(_read({source}))")
        lines += ["", f"def {name}(*args, **kwargs):", body]
    lines += ["", "", "raise ValueError(_read(REFERENCE) + _read(SUITE))"]
    return "\n".join(lines) + "\n"
