"""The gradebook, rebuilt from the records: grades.csv, grades.json, feedback/, report.html,
manifest.json."""

from __future__ import annotations

import contextlib
import json
from pathlib import Path
from typing import Any

from ..labs import get_lab
from .bounds import csv_cell, is_number, printable
from .names import stems
from .records import now, write_atomic


def tool_ids(records: list[dict]) -> list[str]:
    """Tool columns: the lab's tools, in the lab's order."""
    labs = {r["lab"] for r in records if r.get("lab")}
    ids: list[str] = []
    for lab in sorted(labs):
        with contextlib.suppress(ValueError):
            ids += [t.id for t in get_lab(lab).tools if t.id not in ids]
    for r in records:  # tools a report has beyond the lab's list (a newer suite)
        for t in (r.get("report") or {}).get("tools", []):
            if t["id"] not in ids:
                ids.append(t["id"])
    return ids


def csv_rows(records: list[dict]) -> tuple[list[str], list[list[Any]]]:
    """Header and rows of grades.csv; an error row leaves its scores empty (not a zero).

    Every cell but the numbers we write may carry learner text (the student's name is a
    file name, the reason quotes notes and file names, a tool id comes from a report):
    each goes through bounds.csv_cell, so '=cmd' is written "'=cmd" and no spreadsheet
    runs it. Scores are numbers of ours: -1.5 stays -1.5.
    """
    tools = tool_ids(records)
    header = [csv_cell(h) for h in ("student", "score", "max_score", *tools, "status",
                                     "reason")]
    rows = []
    for r in records:
        report = r.get("report") or {}
        graded = r["status"] == "graded"
        by_tool = {t["id"]: t["score"] for t in report.get("tools", [])}
        rows.append([csv_cell(printable(r["student"])),
                     number(report.get("score")) if graded else "",
                     number(report.get("max_score")),
                     *[number(by_tool.get(t)) if graded else "" for t in tools],
                     csv_cell(r["status"]), csv_cell(printable(r.get("reason") or ""))])
    return header, rows


def number(x: Any) -> str:
    """A score cell: 17 -> '17.0', None (or anything but a number) -> ''."""
    return repr(float(x)) if is_number(x) else ""


def feedback_text(record: dict) -> str:
    """What `mindlab grade` prints for this student (the runner's renderer), or the reason."""
    from ..report import Report
    from ..report.text import render_report

    if record.get("report") is not None:
        try:
            return render_report(Report.from_json(record["report"]))
        except (TypeError, KeyError, ValueError, AttributeError):  # a report of another shape
            pass
    return f"{printable(record['student'])}: not graded.\n{record.get('reason', '')}\n"


def write_gradebook(out: Path, records: list[dict], manifest: dict, seconds: float) -> None:
    """grades.csv, grades.json, feedback/, report.html and manifest.json from the records."""
    import csv
    import io

    from ..report.html import render_html

    out = Path(out)
    links = {s: f"feedback/{stem}" for s, stem in stems(r["student"] for r in records).items()}
    header, rows = csv_rows(records)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    write_atomic(out / "grades.csv", buffer.getvalue())
    students = [{**{k: r.get(k) for k in ("student", "status", "reason", "submission",
                                          "seconds", "report")},
                 "feedback": f"{links[r['student']]}.txt"} for r in records]
    # compact, like results/: a machine's file, and json's fast encoder needs no indent
    write_atomic(out / "grades.json", json.dumps({"lab": manifest.get("lab"),
                                                  "students": students}, separators=(",", ":")))
    for r in records:
        write_atomic(out / f"{links[r['student']]}.txt", feedback_text(r))
        write_atomic(out / f"{links[r['student']]}.json",  # (compact: json's C encoder)
                     json.dumps(r.get("report") or {"student": r["student"], "status": "error",
                                                    "reason": r.get("reason", "")},
                                separators=(",", ":")))
    isolations = sorted({str(((r.get("report") or {}).get("provenance") or {}).get("isolation"))
                         for r in records if r.get("report")} - {"None"})
    manifest = {**manifest, "ended": now(), "seconds": round(seconds, 3),
                "students": [r["student"] for r in records],
                "isolation": isolations, "versions": versions(),
                "counts": {"students": len(records),
                           "graded": sum(r["status"] == "graded" for r in records),
                           "errors": sum(r["status"] != "graded" for r in records),
                           "faults": sum(bool(r.get("fault")) for r in records)}}
    write_atomic(out / "manifest.json", json.dumps(manifest, indent=1))
    write_atomic(out / "report.html", render_html(records, manifest,
                                                  {s: f"{link}.txt" for s, link in links.items()}))


def versions() -> dict[str, str]:
    """What graded: Python's, mindlab's (as every report's provenance says), numpy's and
    click's versions."""
    import platform
    from importlib import metadata

    import numpy

    from mindlab_core import __version__

    found = {"python": platform.python_version(), "mindlab": __version__,
             "numpy": numpy.__version__}
    try:
        found["click"] = metadata.version("click")
    except metadata.PackageNotFoundError:
        found["click"] = "not installed"
    return found
