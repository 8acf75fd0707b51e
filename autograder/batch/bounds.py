"""Learner text, bounded and made harmless before it reaches any output of a batch.

A report carries text the learner controls: load notes (their exceptions, their
prints), each check's feedback (their values, their tracebacks), the integrity list.
Where a report enters the gradebook (records.py) it is cut to size here, so every
output built from it (grades.csv, grades.json, feedback/, report.html) is bounded:

- at most `MAX_NOTES` notes (and integrity lines) of at most `NOTE_CHARS` characters,
  `FEEDBACK_CHARS` per check's feedback, `REASON_CHARS` for a row's reason;
  a cut text ends in '… (cut)';
- control characters other than newline and tab (terminal escapes, NUL, CR, bidi
  overrides) are written as visible escapes: '\\x1b[2J' stays text.

For spreadsheets, `csv_cell` applies OWASP's CSV-injection rule to a cell of learner text.

>>> cap("x" * 30_000_000, 20)
'xxxxxxxxxxxxx… (cut)'
>>> csv_cell("=HYPERLINK(\\"http://evil\\")")
'\\'=HYPERLINK("http://evil")'
"""

from __future__ import annotations

import re
from typing import Any

MAX_NOTES = 20  # notes (and integrity lines) per report
NOTE_CHARS = 500  # characters per note
FEEDBACK_CHARS = 2000  # characters of one check's feedback
REASON_CHARS = 2000  # characters of a row's reason
LABEL_CHARS = 500  # a check's name, id, function; a tool's id and title
CUT = "… (cut)"

# C0 controls but tab and newline, DEL, C1 controls, bidi overrides and isolates
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
# OWASP: a cell starting with one of these is a formula to Excel, LibreOffice, Sheets
# (and the full-width forms some of them also accept)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def printable(text: str) -> str:
    """Control characters as visible escapes: 'a\\x1b[2Jb' -> 'a\\\\x1b[2Jb'.

    >>> printable("ok\\x00\\r") == "ok\\\\x00\\\\r"
    True
    """
    def visible(m: re.Match) -> str:
        return {"\r": "\\r"}.get(m.group(), f"\\x{ord(m.group()):02x}" if ord(m.group()) < 256
                                 else f"\\u{ord(m.group()):04x}")

    return _CONTROL.sub(visible, text)


def cap(text: Any, limit: int) -> str:
    """`text` as printable str of at most `limit` characters, ending in CUT when cut.

    >>> cap("short", 500)
    'short'
    """
    text = text if isinstance(text, str) else str(text)
    cut = len(text) > limit
    text = printable(text[:limit])
    if cut or len(text) > limit:
        return text[:max(0, limit - len(CUT))] + CUT
    return text


def cap_list(items: Any, count: int = MAX_NOTES, chars: int = NOTE_CHARS) -> list[str]:
    """At most `count` lines of at most `chars` each; the last says how many were cut.

    >>> cap_list([str(i) for i in range(25)], count=3)
    ['0', '1', '… (cut: 23 more)']
    """
    items = list(items) if isinstance(items, (list, tuple)) else []
    lines = [cap(x, chars) for x in items[:count]]
    if len(items) > count:
        lines = lines[:count - 1] + [f"… (cut: {len(items) - count + 1} more)"]
    return lines


def csv_cell(text: Any) -> str:
    """A cell of learner text that no spreadsheet runs: a leading '=+-@', tab or CR gets "'".

    >>> [csv_cell(x) for x in ("=cmd", "+SUM(1,1)", "@x", "-2+3", "ada")]
    ["'=cmd", "'+SUM(1,1)", "'@x", "'-2+3", 'ada']
    """
    text = "" if text is None else text if isinstance(text, str) else str(text)
    return "'" + text if text.startswith(_FORMULA_START) else text


def is_number(x: Any) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool)


def well_formed(report: Any) -> bool:
    """A SPEC §4 report whose every field the gradebook reads has the right type."""
    if not isinstance(report, dict) or not isinstance(report.get("tools"), list):
        return False
    if not (is_number(report.get("score")) and is_number(report.get("max_score"))):
        return False
    for tool in report["tools"]:
        if not (isinstance(tool, dict) and isinstance(tool.get("id"), str)
                and isinstance(tool.get("title"), str) and is_number(tool.get("score"))
                and is_number(tool.get("max_score")) and isinstance(tool.get("tests"), list)):
            return False
        for t in tool["tests"]:
            if not (isinstance(t, dict) and isinstance(t.get("name"), str)
                    and isinstance(t.get("passed"), bool) and is_number(t.get("score"))
                    and is_number(t.get("max_score")) and isinstance(t.get("feedback"), str)):
                return False
    return True


def bound_report(report: dict) -> dict:
    """A copy of a well-formed report with every learner-controlled text capped.

    >>> r = bound_report({"score": 0, "max_score": 1, "tools": [], "notes": ["n" * 10**6]})
    >>> len(r["notes"][0])
    500
    """
    tools = []
    for tool in report.get("tools", []):
        tests = [{**t, "name": cap(t["name"], LABEL_CHARS),
                  "feedback": cap(t["feedback"], FEEDBACK_CHARS),
                  **{k: cap(t[k], LABEL_CHARS) for k in ("id", "function", "status") if k in t}}
                 for t in tool["tests"]]
        tools.append({**tool, "id": cap(tool["id"], LABEL_CHARS),
                      "title": cap(tool["title"], LABEL_CHARS), "tests": tests})
    bounded = {**report, "tools": tools}
    for key in ("notes", "integrity"):
        if key in report:
            bounded[key] = cap_list(report[key])
    return bounded
