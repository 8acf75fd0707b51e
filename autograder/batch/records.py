"""A student's result on disk: one JSON record per student, written the moment it is known.

OUTDIR/results/<student>.json (tmp file + os.replace) holds the report, the submission's
content hash and the grading hash; a rerun reuses every record whose hashes still match.

>>> parse_shard("2/4")
(2, 4)
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from .bounds import REASON_CHARS, bound_report, cap, is_number, well_formed
from .layouts import Entry
from .names import file_stem
from .safety import Unreadable, hash_file, read_text

RESULT_VERSION = 1  # bump when a result record changes shape: old records get regraded


def parse_shard(text: str) -> tuple[int, int]:
    """'2/4' -> (2, 4): part 2 of 4, counted from 1 like Slurm's --array=1-4."""
    try:
        i, n = (int(x) for x in text.split("/"))
    except ValueError:
        raise ValueError(f"bad shard {text!r}: write it as i/n, e.g. 2/4 for part 2 of 4") from None
    if not 1 <= i <= n:
        raise ValueError(f"bad shard {text!r}: i must be between 1 and n")
    return i, n


def shard_of(student: str, n: int) -> int:
    """The part (1..n) a student belongs to: a stable hash, the same on every machine.

    >>> shard_of("ada", 4)
    2
    """
    return int(hashlib.sha256(student.encode()).hexdigest()[:12], 16) % n + 1


def content_hash(path: Path) -> str:
    """The file's SHA-256, read without blocking; safety.Unreadable says why it cannot be."""
    return hash_file(path)


def results_dir(out: Path) -> Path:
    return Path(out) / "results"


def write_atomic(path: Path, text: str) -> None:
    """Write via a tmp file and os.replace: a reader sees the old file or the new, never half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    tmp.write_text(text, encoding="utf-8", errors="backslashreplace")  # names from bytes
    os.replace(tmp, path)


def save_record(out: Path, record: dict, stem: str | None = None) -> None:
    """results/<stem>.json; `stem` (names.stems) defaults to the student's own file_stem."""
    # compact: json's C encoder only runs without indent (5x faster, and this is per student)
    write_atomic(results_dir(out) / f"{stem or file_stem(record['student'])}.json",
                 json.dumps(record, separators=(",", ":")))


def load_record(out: Path, student: str, stem: str | None = None) -> dict | None:
    """The stored record of a student, or None (missing, unreadable, another student's
    (two names, one file), or an older shape); its learner text bounded (bounds.py)."""
    record = clean_record(read_json(results_dir(out) / f"{stem or file_stem(student)}.json"))
    return record if record is not None and record["student"] == student else None


def clean_record(record: Any) -> dict | None:
    """A record as read from disk, fit for the gradebook, or None when it is not a record.

    A graded record whose report is damaged becomes an error row (rerun to regrade it);
    every text in it is bounded, whichever version of mindlab wrote it.
    """
    if not (isinstance(record, dict) and record.get("version") == RESULT_VERSION
            and isinstance(record.get("student"), str)):
        return None
    record = {**record, "reason": cap(record.get("reason") or "", REASON_CHARS),
              "seconds": record["seconds"] if is_number(record.get("seconds")) else 0.0,
              "graded_at": str(record.get("graded_at") or "")}
    if record.get("report") is not None and not well_formed(record["report"]):
        record.update(status="error", report=None,
                      reason="the stored result is damaged: rerun grade-batch to regrade")
    elif record.get("report") is not None:
        record["report"] = bound_report(record["report"])
    if record.get("status") not in ("graded", "error") or (record["status"] == "graded"
                                                          and record.get("report") is None):
        record["status"] = "error"
    return record


def read_json(path: Path) -> Any:
    """A JSON file of ours, or None: missing, damaged, not a regular file, over 50 MB."""
    try:
        return json.loads(read_text(Path(path)))
    except (Unreadable, ValueError, RecursionError):
        return None


NOT_YET = "not graded yet: the batch was interrupted; rerun to continue"


def entry_record(entry: Entry, lab: str, suite: str, **more: Any) -> dict:
    """The record of one student; `report` is the SPEC §4 report, None if not graded."""
    record = {"version": RESULT_VERSION, "student": entry.student, "lab": lab, "suite": suite,
              "entry": str(entry.source), "submission": str(entry.path) if entry.path else None,
              "status": "error", "reason": entry.reason, "content_hash": None,
              "suite_hash": None, "seconds": 0.0, "graded_at": now(), "report": None}
    record.update(more)
    record["reason"] = cap(record["reason"] or "", REASON_CHARS)
    return record


def graded_record(entry: Entry, report: Any, lab: str, suite: str, digest: str,
                  suite_hash: str, seconds: float) -> dict:
    """A record from the Grader's report: a report with status 'error' is an error row."""
    data = report.to_json()
    if not well_formed(data):
        return entry_record(entry, lab, suite, content_hash=digest, suite_hash=suite_hash,
                            fault=True, reason="the grader returned a damaged report; rerun "
                            "the command to retry this submission")
    data = bound_report(data)
    ok = data.get("status") == "graded"
    notes = "; ".join(str(n) for n in data.get("notes") or [])
    reason = notes if ok else (notes or "the grader could not grade this submission")
    return entry_record(entry, lab, suite, status="graded" if ok else "error", reason=reason,
                        content_hash=digest, suite_hash=suite_hash, seconds=round(seconds, 4),
                        report=data)


def is_reusable(record: dict | None, digest: str, suite_hash: str, lab: str, suite: str) -> bool:
    """A stored grade still stands: same file, same suites, and it was graded (not a fault)."""
    return (record is not None and record.get("status") == "graded"
            and record.get("content_hash") == digest and record.get("suite_hash") == suite_hash
            and record.get("lab") == lab and record.get("suite") == suite)


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")
