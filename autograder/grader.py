"""Grading a submission from outside: the Grader, and what it promises.

Learner code never runs in this process. A submission is loaded once in a worker
process (worker/) and the suites call its functions across the plain-data channel
(remote.WorkerLearner). The worker is forked from a fork server (forkserver.py) that has
already imported Python, numpy and the lab's reference, so a fresh worker costs
milliseconds.

API for batch grading (stable; autograder/batch/ builds `mindlab grade-batch` on it):

    from mindlab_grader.grader import Grader
    with Grader(lab="lab01", suite="hidden", isolation="auto",
                call_timeout=2.0, load_timeout=10.0, memory_mb=2048, redact=None) as g:
        report = g.grade(Path("alice.ipynb"), name="alice")   # -> report.Report

- `Grader.grade` never raises for anything the learner's file does: syntax errors,
  hangs, crashes, exits, floods, hostile values all become a report with status
  "graded", zero for what they affect and a sentence in `report.notes` and in the
  affected checks. Status "error" means the grader itself could not grade (a missing
  file, a broken suite, a worker that cannot start); `report.notes` says why.
- A Grader pays start-up once (its fork server) and grades submissions one after
  another. Several Graders may run in separate threads at once (one per job): they
  share no mutable state. A single Grader is not meant to be shared between threads.
- `grade_file(path, lab, suite, isolation, **options)` grades one file;
  `suites_hash(lab, suite=None)` is the sha256 of the suite files (stored in every
  report's provenance); `open_learner(path, lab)` gives a loaded WorkerLearner (used
  by `pytest autograder/suites/lab01/hidden --submission FILE`).

Isolation (isolation/, docs/threat-model.md): "bwrap" runs the fork server inside
bubblewrap (no network, own PID namespace, read-only system, no view of suites or
solutions); "process" applies the process-level limits only; "auto" picks the strongest
that works here for the hidden suite, and process for the public suite (`mindlab check`,
a learner checking their own code, where start-up speed matters more).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import platform
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from .answerer import Answerer
from .answers import ReferenceAnswers
from .forkserver import ForkServer
from .isolation import GRADER_DIR, GraderFault, resolve_isolation
from .isolation.backends import server_kind
from .judge import integrity_notes, run_lab, suite_modules
from .labs import Lab, get_lab
from .loader import Submission, read_submission
from .prefetch import Plan, recorded
from .remote import WorkerLearner
from .report import Report
from .spawnserver import SpawnServer
from .worker.processes import make_undumpable


class Grader:
    """Grades submissions one after another with one fork server (see the module docstring)."""

    def __init__(self, lab: str = "lab01", suite: str = "hidden", isolation: str = "auto",
                 call_timeout: float = 2.0, load_timeout: float = 10.0,
                 memory_mb: int | None = 2048, file_mb: int = 16, verbose: bool = False,
                 redact: bool | None = None, budget: float = 60.0) -> None:
        self.lab = get_lab(lab) if isinstance(lab, str) else lab
        if suite not in ("public", "hidden"):
            raise ValueError(f"unknown suite {suite!r}: use 'public' or 'hidden'")
        self.suite = suite
        # feedback echoes no learner text (messages, own class names): None = hidden suite only
        self.redact = suite == "hidden" if redact is None else bool(redact)
        self.isolation = resolve_isolation(isolation, suite)
        self.call_timeout = float(call_timeout)
        self.load_timeout = float(load_timeout)
        self.memory_mb = memory_mb
        self.file_mb = file_mb
        self.verbose = verbose
        self.budget = float(budget)  # seconds for one submission, loads and calls together
        self.answers = ReferenceAnswers.of(self.lab)  # the judge answers for the reference
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            make_undumpable()  # a worker left root (no capabilities) cannot read our /proc
        self._zygote: ForkServer | SpawnServer | None = None
        self._suites_sha256 = ""  # hashed once: the suites this process imported stay put
        self._recorded: Plan | bool | None = None  # the plan, False: none (see _plan)

    def __enter__(self) -> Grader:
        with contextlib.suppress(GraderFault):
            self._live_zygote()  # start now: its boot overlaps whatever the caller does next
        if self.answers is not None and self.suite == "hidden" and hasattr(os, "fork"):
            self.answers.answerer = Answerer(self.lab.reference)  # (answerer.py; booting too)
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._zygote is not None:
            self._zygote.close()
            self._zygote = None
        if self.answers is not None and self.answers.answerer is not None:
            self.answers.answerer.close()
            self.answers.answerer = None

    def _live_zygote(self) -> ForkServer | SpawnServer:
        if self._zygote is None or not self._zygote.alive() or self._zygote.control.fileno() < 0:
            if self._zygote is not None:
                self._zygote.close()
            server = SpawnServer if server_kind(self.isolation) == "spawn" else ForkServer
            self._zygote = server(self.lab, self.isolation, self.memory_mb, self.file_mb)
        return self._zygote

    def learner(self, submission: Submission) -> WorkerLearner:
        return WorkerLearner(self._live_zygote, submission, self.lab.functions,
                             self.call_timeout, self.load_timeout,
                             hide_messages=self.redact, answers=self.answers,
                             budget=self.budget, traces=self.verbose, plan=self._plan())

    def _plan(self) -> Plan | None:
        """The hidden suite's requests, recorded on the reference once per Grader
        (prefetch.py), so every submission is graded the same way on every path (grade,
        grade-batch, nbgrader, Gradescope); None for the public suite (`mindlab check`:
        a single grade saves less than recording costs), without a reference (a
        handout), or when recording failed."""
        if self._recorded is None:
            self._recorded = (recorded(self.lab, self.suite, self.answers.module)
                              if self.answers is not None and self.suite == "hidden"
                              else None) or False
        return self._recorded or None

    def grade(self, path: Path | str, name: str | None = None) -> Report:
        """The report for one submission; never raises for the learner's doing."""
        start = time.monotonic()
        report = Report(submission=str(path), lab=self.lab.id, status="graded", score=0.0,
                        max_score=0.0, suite=self.suite)
        if name is not None:
            report.provenance["name"] = name
        learner = None
        try:
            suite_modules(self.lab, self.suite)  # import the checks before any learner code runs
            # the hidden suite grades a file itself, never what a link points to (loader.py)
            submission = read_submission(path, follow_links=self.suite == "public")
            learner = self.learner(submission)
            learner.load()
            tools = run_lab(self.lab, self.suite, learner, verbose=self.verbose)
        except (GraderFault, OSError, ValueError, ImportError, SyntaxError) as exc:
            report.status = "error"
            report.notes.append(f"The grader could not grade this file: {exc}")
            tools = []
        except Exception as exc:  # a bug of ours: still a report, never a crash
            report.status = "error"
            report.notes.append(f"The grader failed ({type(exc).__name__}: {exc}).")
            tools = []
        finally:
            if learner is not None:
                learner.close()
        if learner is not None and report.status == "graded":
            report.notes += learner.notes + ([learner.load_failure] if learner.load_failure
                                             else [])
            report.integrity += integrity_notes(learner)
            report.tools = tools
            report.score = sum(t.score for t in tools)
            report.max_score = sum(t.max_score for t in tools)
        report.provenance.update(self.provenance(time.monotonic() - start))
        return report

    def provenance(self, seconds: float) -> dict[str, Any]:
        import numpy

        from mindlab_core import __version__

        if not self._suites_sha256:
            self._suites_sha256 = suites_hash(self.lab.id, self.suite)
        return {"mindlab": __version__, "numpy": numpy.__version__,
                "python": platform.python_version(), "platform": sys.platform,
                "suites_sha256": self._suites_sha256,
                "isolation": self.isolation, "call_timeout": self.call_timeout,
                "load_timeout": self.load_timeout, "memory_mb": self.memory_mb,
                "budget": self.budget,
                "seconds": round(seconds, 3)}


def warm(lab: str, suite: str) -> None:
    """Import the suites and record the hidden suite's plan now, in this process: graders
    of processes forked after it (grade-batch's jobs) share both instead of each making
    its own (about 0.1 s of CPU a job)."""
    found = get_lab(lab)
    suite_modules(found, suite)
    answers = ReferenceAnswers.of(found)
    if answers is not None and suite == "hidden":
        recorded(found, suite, answers.module)


def grade_file(path: Path | str, lab: str = "lab01", suite: str = "hidden",
               isolation: str = "auto", **options: Any) -> Report:
    """Grade one file with a Grader of its own (options: call_timeout, load_timeout, ...)."""
    with Grader(lab=lab, suite=suite, isolation=isolation, **options) as grader:
        return grader.grade(path)


@contextlib.contextmanager
def open_learner(path: Path | str, lab: str | Lab = "lab01", isolation: str = "process",
                 **options: Any) -> Iterator[WorkerLearner]:
    """A loaded WorkerLearner for `path` (for pytest --submission); closed afterwards."""
    with Grader(lab=lab, suite="public", isolation=isolation, **options) as grader:
        learner = grader.learner(read_submission(path))
        try:
            learner.load()
            yield learner
        finally:
            learner.close()


def suites_hash(lab: str, suite: str | None = None) -> str:
    """sha256 over the lab's suite files (paths and bytes), or one suite's ('public'/'hidden').

    Always counted too: the helper modules a suite may import, i.e. every lab's shared
    files (suites/<lab>/*.py) and suites/*.py, so a changed hint or input changes the hash.
    """
    suites = GRADER_DIR / "suites"
    root = suites / get_lab(lab).id
    base = root / suite if suite else root
    files = set(base.rglob("*.py")) | set(suites.glob("*.py")) | set(suites.glob("*/*.py"))
    digest = hashlib.sha256()
    for file in sorted(files):
        digest.update(file.relative_to(suites).as_posix().encode() + b"\0")
        digest.update(file.read_bytes() + b"\0")
    return digest.hexdigest()
