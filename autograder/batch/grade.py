"""`grade_batch`: every student of a folder graded into an output folder; see __init__.py."""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..isolation import resolve_isolation
from ..labs import get_lab
from .gradebook import write_gradebook
from .layouts import Entry, discover
from .lock import out_lock
from .names import stems
from .pool import default_jobs, run_pool
from .records import (
    NOT_YET,
    content_hash,
    entry_record,
    graded_record,
    is_reusable,
    load_record,
    now,
    results_dir,
    save_record,
    shard_of,
)
from .safety import Unreadable


@dataclass
class Summary:
    """What a batch did; `records` are the rows of the gradebook, sorted by student."""

    records: list[dict] = field(default_factory=list)
    graded_now: int = 0
    reused: int = 0
    seconds: float = 0.0
    interrupted: bool = False

    @property
    def graded(self) -> int:
        return sum(r["status"] == "graded" for r in self.records)

    @property
    def pending(self) -> int:
        """Rows an interruption left ungraded (the next run grades them)."""
        return sum(r.get("reason") == NOT_YET for r in self.records)

    @property
    def errors(self) -> int:
        return sum(r["status"] != "graded" for r in self.records) - self.pending

    @property
    def faults(self) -> int:
        """Rows where the grader itself failed (not a learner's fault, not a stray file)."""
        return sum(bool(r.get("fault")) for r in self.records)

    @property
    def mean_score(self) -> float | None:
        scores = [r["report"]["score"] for r in self.records if r["status"] == "graded"]
        return sum(scores) / len(scores) if scores else None

    def line(self) -> str:
        """'graded 12, errors 2, reused 0, mean 21.3 / 30, 4.1 s'"""
        mean = self.mean_score
        max_score = next((r["report"]["max_score"] for r in self.records
                          if r["status"] == "graded"), None)
        score = f"mean {mean:.1f} / {max_score:g}" if mean is not None else "mean -"
        pending = f"not graded yet {self.pending}, " if self.pending else ""
        return (f"graded {self.graded}, errors {self.errors}, {pending}reused {self.reused}, "
                f"{score}, {self.seconds:.1f} s")


def runner_factory(lab: str, suite: str, isolation: str, **options: Any) -> Callable[[], Any]:
    """A function making a fresh grader.Grader (a context manager) per job thread.

    `options` are the Grader's limits: call_timeout, load_timeout, memory_mb.
    """
    from ..grader import Grader

    return lambda: Grader(lab=lab, suite=suite, isolation=isolation, **options)


def _suites_sha256(lab: str, suite: str) -> str:
    """The suites' hash as every report's provenance gives it (suites_sha256)."""
    from ..grader import suites_hash

    return suites_hash(lab, suite)


def grading_hash(lab: str, suite: str, options: dict | None = None) -> str:
    """What a grade depends on besides the file: every suite file of the lab (the hidden
    checks import shared helpers next to hidden/), the reference, mindlab's version and
    the Grader's limits (a tighter time limit can change a grade)."""
    import importlib.util

    from mindlab_core import __version__

    from ..grader import suites_hash

    reference = importlib.util.find_spec(get_lab(lab).reference)
    limits = json.dumps(options or {}, sort_keys=True)
    digest = hashlib.sha256(f"{suites_hash(lab)}\0{suite}\0{__version__}\0{limits}\0".encode())
    if reference is not None and reference.origin:
        digest.update(Path(reference.origin).read_bytes())
    return digest.hexdigest()


def grade_batch(folder: Path, out: Path, *, lab: str = "lab01", suite: str = "hidden",
                jobs: int | None = None, layout: str = "auto", assignment: str | None = None,
                force: bool = False, shard: tuple[int, int] | None = None,
                isolation: str = "auto", progress: Callable[[dict, int, int], None] | None = None,
                make_grader: Callable[[], Any] | None = None, suite_hash: str | None = None,
                command: str | None = None, **limits: Any) -> Summary:
    """Grade every student of `folder` into `out`; see the module docstring.

    `progress(record, done, total)` is called after each student graded now.
    `limits` go to each grader.Grader (call_timeout, load_timeout, memory_mb).
    `make_grader` and `suite_hash` default to the isolated runner's (tests pass stand-ins).
    Raises lock.OutLocked at once when another run is writing to `out`.
    """
    started, t0 = now(), time.perf_counter()
    get_lab(lab)  # a clear error for an unknown lab before anything runs
    folder, out = Path(folder), Path(out)
    if os.path.realpath(out) == os.path.realpath(folder):
        raise ValueError(f"--out {out} is the submissions folder itself: the gradebook would "
                         "mix with the students' files. Choose another folder, e.g. --out grades")
    layout_used, entries = discover(folder, layout, lab, assignment)
    entries = [e for e in entries  # OUTDIR inside DIR
               if os.path.realpath(e.source) != os.path.realpath(out)]
    if shard is not None:
        entries = [e for e in entries if shard_of(e.student, shard[1]) == shard[0]]
    warm_up = make_grader is None  # (a test's stand-in grader needs no suites)
    if make_grader is None:
        isolation = resolve_isolation(isolation, suite)  # a usage error before any grading
        make_grader = runner_factory(lab, suite, isolation, **limits)
    suite_hash = suite_hash or grading_hash(lab, suite, limits)
    with out_lock(out, command):
        results_dir(out).mkdir(parents=True, exist_ok=True)
        stem = stems(e.student for e in entries)
        summary, todo = triage(entries, out, stem, lab, suite, suite_hash, force)

        def grade_one(grader: Any, entry: Entry, digest: str) -> dict:
            t = time.perf_counter()
            report = grader.grade(entry.path, name=entry.student)
            return graded_record(entry, report, lab, suite, digest, suite_hash,
                                 time.perf_counter() - t)

        def fault(entry: Entry, digest: str, exc: BaseException) -> dict:
            return entry_record(entry, lab, suite, content_hash=digest, suite_hash=suite_hash,
                                fault=True, reason=f"the grader failed on this submission "
                                f"({type(exc).__name__}: {exc}); rerun the command to retry it")

        jobs = max(1, min(jobs or default_jobs(), len(todo) or 1))
        if jobs > 1 and todo and warm_up:
            from ..grader import warm

            warm(lab, suite)  # once here, before the jobs fork, not once in each
        summary.graded_now, summary.interrupted = run_pool(
            todo, jobs, make_grader, grade_one, fault,
            lambda r: save_record(out, r, stem[r["student"]]), progress)

        summary.records = [load_record(out, e.student, stem[e.student])
                           or entry_record(e, lab, suite, reason=NOT_YET) for e in entries]
        summary.seconds = time.perf_counter() - t0
        manifest = {"lab": lab, "suite": suite, "suites_sha256": _suites_sha256(lab, suite),
                    "suite_hash": suite_hash,  # the resume key: suites, reference, version, limits
                    "layout": layout_used,
                    "source": str(folder), "shard": f"{shard[0]}/{shard[1]}" if shard else None,
                    "jobs": jobs, "started": started, "command": command,
                    "complete": not summary.interrupted,
                    "isolation_asked": isolation, "limits": limits,
                    "regraded": summary.graded_now,
                    "reused": summary.reused}
        write_gradebook(out, summary.records, manifest, seconds=summary.seconds)
    return summary


def triage(entries: list[Entry], out: Path, stem: dict[str, str], lab: str, suite: str,
           suite_hash: str, force: bool) -> tuple[Summary, list[tuple[Entry, str]]]:
    """(a Summary counting reused grades, the (entry, content hash) pairs to grade now).

    An entry with nothing to grade, or whose file cannot be read safely (safety.py: a
    FIFO, a device, over 50 MB, unreadable), has its error row saved here at once.
    """
    summary, todo = Summary(), []
    for entry in entries:
        if entry.path is None:
            save_record(out, entry_record(entry, lab, suite), stem[entry.student])
            continue
        try:
            digest = content_hash(entry.path)
        except Unreadable as exc:
            save_record(out, entry_record(entry, lab, suite, reason=str(exc)),
                        stem[entry.student])
            continue
        if not force and is_reusable(load_record(out, entry.student, stem[entry.student]),
                                     digest, suite_hash, lab, suite):
            summary.reused += 1
        else:
            todo.append((entry, digest))
    return summary, todo
