"""Grading a submission from outside: the judge's side of the isolated runner.

Learner code never runs in this process. A submission is loaded once in a worker
process (worker.py) and the suites call its functions across the plain-data channel
(wire.py). The worker is forked from a *zygote* that has already imported Python,
numpy and the lab's reference, so a fresh worker costs milliseconds.

API for batch grading (stable; autograder/batch.py builds `mindlab grade-batch` on it):

    from autograder.runner import Grader
    with Grader(lab="lab01", suite="hidden", isolation="auto",
                call_timeout=2.0, load_timeout=10.0, memory_mb=2048) as g:
        report = g.grade(Path("alice.ipynb"), name="alice")   # -> report.Report

- `Grader.grade` never raises for anything the learner's file does: syntax errors,
  hangs, crashes, exits, floods, hostile values all become a report with status
  "graded", zero for what they affect and a sentence in `report.notes` and in the
  affected checks. Status "error" means the grader itself could not grade (a missing
  file, a broken suite, a worker that cannot start); `report.notes` says why.
- A Grader pays start-up once (its zygote) and grades submissions one after another.
  Several Graders may run in separate threads at once (one per job): they share no
  mutable state. A single Grader is not meant to be shared between threads.
- `grade_file(path, lab, suite, isolation, **options)` grades one file;
  `suites_hash(lab, suite=None)` is the sha256 of the suite files (stored in every
  report's provenance); `open_learner(path, lab)` gives a loaded WorkerLearner (used
  by `pytest autograder/suites/lab01/hidden --submission FILE`).

Isolation (see docs/threat-model.md): "bwrap" runs the zygote inside bubblewrap (no
network, own PID namespace, read-only system, no view of suites or solutions);
"process" applies the process-level limits only; "auto" picks bwrap for the hidden
suite when it works here, and process for the public suite (`mindlab check`, a
learner checking their own code, where start-up speed matters more).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import platform
import re
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from . import worker
from .checks import (
    LearnerBase,
    LearnerCrashed,
    LearnerProblem,
    LearnerRaised,
    LearnerTimeout,
    MissingFunction,
    NotLoaded,
    Outcome,
    Raised,
)
from .judge import run_lab, suite_modules
from .labs import Lab, get_lab
from .loader import Submission, read_submission
from .render import render_report
from .report import Report, ToolResult
from .sandbox import (
    PACKAGE_ROOT,
    GraderFault,
    launch_zygote,
    resolve_isolation,
    take_prestarted,
)
from .wire import Unsupported

STARTUP_TIMEOUT = 60.0  # seconds for a zygote to import numpy and the reference
MAX_RESTARTS = 12  # fresh workers per submission after crashes / timeouts
MAX_SKIPPED_CELLS = 2  # notebook cells that may hang at load before the file scores 0
REPEAT_BUDGET = 10  # a repeat may take at most this many call_timeouts in all
KILL_TIMEOUT = 3.0  # seconds for a zygote to kill a worker; longer means the learner stopped it


# ---------------------------------------------------------------- the zygote, judge side


class Zygote:
    """Handle on one fork server (worker.zygote_main), started with or without bwrap."""

    def __init__(self, lab: Lab, isolation: str, memory_mb: int | None, file_mb: int) -> None:
        launch = (take_prestarted((lab.id, isolation, memory_mb, file_mb))
                  or launch_zygote(lab, isolation, memory_mb, file_mb))
        self.isolation = isolation
        self.proc, self.control, self.tmp, self.stderr = (launch.proc, launch.control,
                                                          launch.tmp, launch.stderr)
        self.ready = False

    def _await_ready(self) -> None:
        try:
            reply = worker.recv_message(self.control, STARTUP_TIMEOUT)
            if reply.get("kind") != "ready":
                raise ValueError(reply)
        except (OSError, EOFError, TimeoutError, ValueError) as exc:
            self.stderr.seek(0)
            why = self.stderr.read().decode(errors="replace").strip()[-1500:]
            self.close()
            raise GraderFault(f"the worker process did not start ({type(exc).__name__})"
                              + (f":\n{why}" if why else "")) from exc
        self.ready = True

    def spawn(self) -> tuple[int, socket.socket]:
        """A fresh worker: (its pid as the zygote knows it, our end of its channel)."""
        if not self.ready:
            self._await_ready()
        ours, theirs = socket.socketpair()
        try:
            worker.send_message(self.control, {"op": "spawn"}, fds=[theirs.fileno()])
            reply = worker.recv_message(self.control, 10)
            return int(reply["pid"]), ours
        except Exception:
            ours.close()
            raise
        finally:
            theirs.close()

    def kill(self, pid: int) -> str:
        """Kill a worker and whatever it left behind; its exit described (' (exit 3)')."""
        worker.send_message(self.control, {"op": "kill", "pid": pid})
        reply = worker.recv_message(self.control, KILL_TIMEOUT)
        return str(reply.get("status", ""))

    def alive(self) -> bool:
        return self.proc.poll() is None

    def close(self, force: bool = False) -> None:
        """Stop the zygote (it kills its workers on the way out); `force`: kill it at once."""
        with contextlib.suppress(OSError):
            self.control.close()
        proc = getattr(self, "proc", None)
        if proc is not None:
            try:
                proc.wait(timeout=0 if force else 2)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(OSError):
                    os.killpg(proc.pid, 9)
                proc.kill()
                proc.wait()
        self.stderr.close()
        shutil.rmtree(self.tmp, ignore_errors=True)


# ---------------------------------------------------------------- the learner, judge side


class WorkerLearner(LearnerBase):
    """A submission loaded in a worker; `call` and `repeat` cross the channel.

    A hang costs only the function that hung: the worker is killed, the function is
    remembered (its later checks fail at once), and the next call starts a fresh worker
    that loads the file again. `zygote` is a callable giving a live Zygote.
    """

    def __init__(self, zygote, submission: Submission, functions: tuple[str, ...],
                 call_timeout: float = 2.0, load_timeout: float = 10.0,
                 hide_messages: bool = False) -> None:
        self._zygote_of = zygote
        self.submission = submission
        self.functions = functions
        self.call_timeout = call_timeout
        self.load_timeout = load_timeout
        self.hide_messages = hide_messages  # hidden suite: echo no learner text (may hold inputs)
        self.notes: list[str] = list(submission.notes)
        self.load_failure = submission.problem
        self.loaded = False
        self.defined: dict[str, str] = {}
        self.borrowed: dict[str, str] = {}
        self.blocked: list[str] = []
        self.poisoned: dict[str, LearnerProblem] = {}
        self.spawns = 0
        self._deferred: dict[int, tuple[LearnerProblem, LearnerProblem]] = {}
        self.skipped: set[int] = set()  # cells that hung while loading: later loads skip them
        self._zygote: Zygote | None = None
        self._pid: int | None = None
        self._sock: socket.socket | None = None

    # ------------------------------------------------------------ worker lifecycle

    def load(self) -> None:
        """Load the submission once (notes, defined names, integrity); never raises for it."""
        if not self.loaded and not self.load_failure:
            self._start_worker()
        self.loaded = True

    def _start_worker(self) -> None:
        if self.spawns > MAX_RESTARTS:
            raise LearnerCrashed("", " (the grader gave up restarting your code)")
        self.spawns += 1
        for attempt in (1, 2):  # a zygote the last worker killed may not look dead yet
            self._zygote = self._zygote_of()
            try:
                self._pid, self._sock = self._zygote.spawn()
                break
            except (OSError, EOFError, TimeoutError, ValueError, KeyError) as exc:
                self._zygote.close()
                if attempt == 2:
                    raise GraderFault(f"could not start a worker: {exc}") from exc
        sub = self.submission
        request = {"op": "load", "cells": [list(c) for c in sub.cells], "module": sub.module,
                   "display": sub.display, "stop_on_error": sub.stop_on_error,
                   "skip": sorted(self.skipped)}
        running = None  # the cell the worker said it was starting
        try:
            worker.send_message(self._sock, request)
            deadline = time.monotonic() + self.load_timeout
            while True:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError
                reply = worker.recv_message(self._sock, left)
                if reply.get("kind") != "beat":
                    break
                running = reply.get("cell")
            defined = {str(k): str(v) for k, v in dict(reply["defined"]).items()}
            notes = [str(n) for n in reply["notes"]]
            borrowed = {str(k): str(v) for k, v in dict(reply["borrowed"]).items()}
            blocked = [str(m) for m in reply["blocked"]]
        except TimeoutError:
            self._stop_worker()
            if isinstance(running, int) and len(self.skipped) < MAX_SKIPPED_CELLS:
                # one hanging cell of a notebook costs that cell, not the whole file
                self.skipped.add(running)
                self._start_worker()
                return
            self._fail_load(f"Your file did not finish loading within {self.load_timeout:g} s "
                            "(an endless loop or a long computation outside any function?), so "
                            "nothing in it could be graded: put such code inside a function.")
            return
        except (OSError, EOFError, ValueError, KeyError, TypeError, AttributeError):
            status = self._stop_worker()
            self._fail_load(f"Your file stopped the program loading it{status} (it called "
                            "os._exit, crashed Python, ran out of memory or killed the grader's "
                            "helper), so nothing in it could be graded.")
            return
        if not self.loaded:  # the first load speaks for all later reloads
            self.defined, self.borrowed, self.blocked = defined, borrowed, blocked
            if notes and not defined:  # e.g. a syntax error: its note says it all
                self._stop_worker()
                self.load_failure, notes = notes[0], notes[1:]
            self.notes += notes

    def _fail_load(self, sentence: str) -> None:
        if self.loaded:  # a reload after a crash failed: treat it as a crash of that call
            raise LearnerCrashed("", " (and it could not be restarted)")
        self.load_failure = sentence

    def _stop_worker(self) -> str:
        """Kill the current worker (via its zygote); how it ended, for messages."""
        sock, pid, zygote = self._sock, self._pid, self._zygote
        self._sock = self._pid = None
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.close()
        if pid is None or zygote is None:
            return ""
        try:
            return zygote.kill(pid)
        except (OSError, EOFError, TimeoutError, ValueError):
            zygote.close(force=True)  # the learner killed or stopped it: a fresh one next time
            return " (it also stopped the grader's helper process)"

    def close(self) -> None:
        self._stop_worker()

    # ------------------------------------------------------------ calls

    def _usable(self, function: str) -> None:
        """Raise the problem that stops `function` from being called at all, if any."""
        if self.load_failure:
            raise NotLoaded(function, self.load_failure)
        if function in self.poisoned:
            raise self.poisoned[function]
        kind = self.defined.get(function)
        if kind is None:
            problems = [n for n in self.notes if "while loading" in n or "SyntaxError" in n]
            detail = ("loading your file stopped before it was defined (" + problems[0] + ")"
                      if problems else "")
            raise MissingFunction(function, detail)
        if kind != "function":
            raise MissingFunction(function, f"{function} is a {kind}, not a function")

    def _request(self, function: str, message: dict, timeout: float,
                 total: float | None = None, cases: list | None = None) -> dict:
        """Send one request and wait for its reply, at most `timeout` between messages.

        With `cases` (a list), each {"kind": "case"} message is appended to it as it
        comes, and a timeout or crash on the way is deferred: the exception raised is
        remembered, and the function is only cut off from later checks once a check
        reaches that case (problem_reached), as if the cases had been called one by one.
        """
        self.load()
        self._usable(function)
        if self._sock is None:
            try:
                self._start_worker()
            except LearnerCrashed as exc:
                exc.function = function
                raise
            if self._sock is None:
                raise LearnerCrashed(function, " (and it could not be restarted)")
        end = None if total is None else time.monotonic() + total
        try:
            worker.send_message(self._sock, worker.rng_to_wire(message))
            while True:
                left = timeout if end is None else min(timeout, end - time.monotonic())
                if left <= 0:
                    raise TimeoutError
                reply = worker.recv_message(self._sock, left)
                kind = reply.get("kind")
                if kind == "case" and cases is not None:
                    cases.append(reply)
                elif kind != "beat":
                    return reply
        except TimeoutError:
            self._stop_worker()
            later = LearnerTimeout(function, f" (limit {timeout:g} s per call; after that its "
                                             "other checks were not run)")
            problem = LearnerTimeout(function, f" (limit {timeout:g} s per call)")
        except (OSError, EOFError, ValueError, AttributeError):
            status = self._stop_worker()
            later = LearnerCrashed(function, status + " on an earlier check")
            problem = LearnerCrashed(function, status)
        if cases is None:
            self.poisoned[function] = later
        else:
            self._deferred[id(problem)] = (problem, later)
        raise problem

    def problem_reached(self, problem: LearnerProblem) -> None:
        """A check's feedback is this problem: cut its function off from later checks."""
        if id(problem) in self._deferred:
            held, later = self._deferred.pop(id(problem))
            if held is problem:
                self.poisoned[later.function] = later

    def _plain(self, value: Any) -> Any:
        """Hidden suite: names of the learner's own classes could carry data, so drop them."""
        if not self.hide_messages:
            return value
        if isinstance(value, Unsupported):
            return Unsupported(_hidden_kind(value.type_name))
        if type(value) in (list, tuple):
            if all(type(v) in (str, int, float, bool) for v in value):  # e.g. sampled words
                return value
            return type(value)(self._plain(v) for v in value)
        if type(value) is dict:
            return {k: self._plain(v) for k, v in value.items()}
        return value

    def _raised(self, data: Any) -> Raised:
        types = tuple(str(t) for t in data["types"])
        if self.hide_messages:  # a class made at call time could be named after the input
            types = tuple(t if _real_class(t) else "an exception of your own" for t in types)
        message = "" if self.hide_messages else str(data["message"])[:300]
        trace = str(data.get("trace", ""))
        if trace:
            trace += types[0].removeprefix("builtins.") + (f": {message}" if message else "")
        return Raised(types, message, trace)

    def _check_reply(self, function: str, reply: dict) -> dict:
        if reply.get("kind") == "missing":
            raise MissingFunction(function)
        if reply.get("kind") != "result":
            raise LearnerCrashed(function, " (it sent the grader something unreadable)")
        if reply.get("borrowed"):
            self.borrowed[function] = (f"{function} called the reference solution's own "
                                       f"{function}, so it earns no credit.")
        return reply

    def call(self, function: str, *args: Any, **kwargs: Any) -> Outcome:
        message = {"op": "call", "function": function, "args": list(args), "kwargs": kwargs}
        reply = self._check_reply(function, self._request(function, message, self.call_timeout))
        return self._outcome(function, reply)

    def calls(self, function: str, cases: list[tuple[tuple, dict]]) -> list[Outcome]:
        """Several calls in one request; the worker answers each case as it finishes, so
        each is held to the time limit of one call. A case that hangs or crashes the
        worker, and every case after it, gets an Outcome whose `problem` says so: the
        cases before it keep their results."""
        if not cases:
            return []
        message = {"op": "calls", "function": function,
                   "cases": [[list(args), kwargs] for args, kwargs in cases]}
        answered: list = []
        try:
            self._check_reply(function, self._request(
                function, message, self.call_timeout, cases=answered))
        except (LearnerTimeout, LearnerCrashed) as exc:
            outcomes = [self._outcome(function, a) for a in answered[:len(cases)]]
            return outcomes + [Outcome(problem=exc)] * (len(cases) - len(outcomes))
        if len(answered) != len(cases):
            raise LearnerCrashed(function, " (its results could not be carried back)")
        return [self._outcome(function, a) for a in answered]

    def _outcome(self, function: str, data: Any) -> Outcome:
        """The Outcome a worker's result describes; LearnerCrashed if it is malformed."""
        try:
            raised = None if data["raised"] is None else self._raised(data["raised"])
            mutated = tuple(m for m in data["mutated"] if type(m) in (int, str))
            return Outcome(value=self._plain(data.get("value")), raised=raised,
                           mutated=mutated)
        except (KeyError, TypeError, IndexError, AttributeError) as exc:
            raise LearnerCrashed(function, " (it sent the grader something unreadable)") \
                from exc

    def repeat(self, function: str, times: int, *args: Any, **kwargs: Any) -> list[Any]:
        message = {"op": "repeat", "function": function, "times": int(times),
                   "args": list(args), "kwargs": kwargs}
        reply = self._check_reply(function, self._request(
            function, message, self.call_timeout, total=self.call_timeout * REPEAT_BUDGET))
        try:
            if reply["raised"] is not None:
                raise LearnerRaised(function, self._raised(reply["raised"]))
            values = reply["values"] if "values" in reply else None
        except (KeyError, TypeError, IndexError) as exc:
            raise LearnerCrashed(function, " (it sent the grader something unreadable)") \
                from exc
        if not isinstance(values, list) or len(values) != times:
            raise LearnerCrashed(function, " (its results could not be carried back)")
        return [self._plain(v) for v in values]


# ---------------------------------------------------------------- what hidden feedback may name

# Everything the worker sends is the learner's to forge (their code owns that process),
# so the hidden suite names only what the judge itself can vouch for: real classes of
# its own builtins and numpy, and the channel's fixed reasons for not carrying a value.
_CARRIED_REASONS = re.compile(
    r"(list|tuple) of \d+ items|numpy array of dtype [<>|=]?[a-z]+\d*|structure nested too "
    r"deeply|dict \(only small dicts with str keys are carried\)|" + re.escape(worker.UNCARRIED))


def _real_class(qualified: str) -> bool:
    """'builtins.ValueError' or 'numpy.exceptions.AxisError' names a class that exists in
    this process, not one the learner's code made and only labelled so."""
    module, _, name = qualified.rpartition(".")
    if module != "builtins" and module.split(".")[0] != "numpy":
        return False
    return isinstance(getattr(sys.modules.get(module), name, None), type)


_PLAIN_KINDS = frozenset({  # Python's own types that live outside the builtins namespace
    "function", "builtin_function_or_method", "method", "generator", "coroutine", "module",
    "dict_keys", "dict_values", "dict_items", "list_iterator", "tuple_iterator", "ellipsis"})


def _hidden_kind(name: str) -> str:
    """What hidden feedback says a value was, for a value the channel did not carry."""
    if name.startswith("ndarray subclass"):
        return "ndarray subclass"
    if name in _PLAIN_KINDS or _CARRIED_REASONS.fullmatch(name) or \
            _real_class(f"builtins.{name}") or _real_class(f"numpy.{name}"):
        return name
    return "object of a class of your own"


# ---------------------------------------------------------------- the Grader


class Grader:
    """Grades submissions one after another with one zygote (see the module docstring)."""

    def __init__(self, lab: str = "lab01", suite: str = "hidden", isolation: str = "auto",
                 call_timeout: float = 2.0, load_timeout: float = 10.0,
                 memory_mb: int | None = 2048, file_mb: int = 16, verbose: bool = False) -> None:
        self.lab = get_lab(lab) if isinstance(lab, str) else lab
        if suite not in ("public", "hidden"):
            raise ValueError(f"unknown suite {suite!r}: use 'public' or 'hidden'")
        self.suite = suite
        self.isolation = resolve_isolation(isolation, suite)
        self.call_timeout = float(call_timeout)
        self.load_timeout = float(load_timeout)
        self.memory_mb = memory_mb
        self.file_mb = file_mb
        self.verbose = verbose
        self._zygote: Zygote | None = None
        self._suites_sha256 = ""  # hashed once: the suites this process imported stay put

    def __enter__(self) -> Grader:
        with contextlib.suppress(GraderFault):
            self._live_zygote()  # start now: its boot overlaps whatever the caller does next
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._zygote is not None:
            self._zygote.close()
            self._zygote = None

    def _live_zygote(self) -> Zygote:
        if self._zygote is None or not self._zygote.alive() or self._zygote.control.fileno() < 0:
            if self._zygote is not None:
                self._zygote.close()
            self._zygote = Zygote(self.lab, self.isolation, self.memory_mb, self.file_mb)
        return self._zygote

    def learner(self, submission: Submission) -> WorkerLearner:
        return WorkerLearner(self._live_zygote, submission, self.lab.functions,
                             self.call_timeout, self.load_timeout,
                             hide_messages=self.suite == "hidden")

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
            submission = read_submission(path)
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
            _settle(report, learner, tools)
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
                "seconds": round(seconds, 3)}


def _settle(report: Report, learner: WorkerLearner, tools: list[ToolResult]) -> None:
    """Notes, integrity (no credit for borrowed functions) and the totals."""
    report.notes += learner.notes
    if learner.load_failure:
        report.notes.append(learner.load_failure)
    for module in learner.blocked:
        report.integrity.append(f"Your file tried to import {module}, which the grader hides; "
                                "submissions must not use the solutions or the grader.")
    for function, sentence in learner.borrowed.items():
        report.integrity.append(sentence)
        for tool in tools:
            for test in tool.tests:
                if test.function == function:
                    test.passed, test.score, test.feedback = False, 0.0, sentence
    for tool in tools:
        tool.score = sum(t.score for t in tool.tests)
    report.tools = tools
    report.score = sum(t.score for t in tools)
    report.max_score = sum(t.max_score for t in tools)


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
    suites = PACKAGE_ROOT / "autograder" / "suites"
    root = suites / get_lab(lab).id
    base = root / suite if suite else root
    files = set(base.rglob("*.py")) | set(suites.glob("*.py")) | set(suites.glob("*/*.py"))
    digest = hashlib.sha256()
    for file in sorted(files):
        digest.update(file.relative_to(suites).as_posix().encode() + b"\0")
        digest.update(file.read_bytes() + b"\0")
    return digest.hexdigest()

# ---------------------------------------------------------------- the command line


def find_submission(lab: str, folder: Path | None = None) -> Path:
    """The learner's file in `folder` (default: cwd): LAB.ipynb or LAB.py.

    When both are there (a jupytext pair, as in the handout), the one saved last holds
    the latest work; on a tie, the notebook.
    """
    folder = Path.cwd() if folder is None else folder
    found = [folder / f"{lab}{suffix}" for suffix in (".ipynb", ".py")]
    found = [p for p in found if p.is_file()]
    if not found:
        raise ValueError(f"no {lab}.py or {lab}.ipynb in {folder}: pass your file, "
                         f"e.g. mindlab check path/to/my_{lab}.ipynb")
    # whole seconds: jupytext writes both files of a pair within the same second
    return max(found, key=lambda p: (int(p.stat().st_mtime), p.suffix == ".ipynb"))


def _usage_error(message: str) -> int:
    import click

    click.echo(f"Error: {message}", err=True)
    return 2


def check_command(file: Path | None, lab: str, verbose: bool, isolation: str) -> int:
    """`mindlab check`: 0 when every public check passes, 1 otherwise, 2 for usage errors."""
    import click

    try:
        get_lab(lab)
        path = find_submission(lab) if file is None else file
        if file is None and path.with_suffix({".py": ".ipynb", ".ipynb": ".py"}[path.suffix]
                                             ).is_file():
            click.echo(f"({path.name} is the more recently saved of {lab}.py and "
                       f"{lab}.ipynb; name a file to check the other)", err=True)
        if not path.is_file():
            raise ValueError(f"{path} does not exist")
        if path.suffix not in (".py", ".ipynb"):
            raise ValueError(f"{path.name}: mindlab checks a .py file or a .ipynb notebook")
        grader = Grader(lab=lab, suite="public", isolation=isolation, verbose=verbose)
    except ValueError as exc:
        return _usage_error(str(exc))
    with grader:
        report = grader.grade(path)
    _print_report(f"mindlab check · {lab} · public checks on {path}", report)
    tests = [t for tool in report.tools for t in tool.tests]
    return 0 if report.status == "graded" and all(t.passed for t in tests) else 1


def grade_command(file: Path, lab: str, as_json: bool, gradescope: Path | None,
                  junit: Path | None, verbose: bool, isolation: str, **options: Any) -> int:
    """`mindlab grade`: 0 when a report was produced, 1 for a grader fault, 2 for usage."""
    import json

    import click

    from .render import gradescope_results, junit_xml

    try:
        get_lab(lab)
        if file.is_dir():
            raise ValueError(f"{file} is a folder: to grade every submission in it, use "
                             f"mindlab grade-batch {file} --out grades")
        if file.suffix not in (".py", ".ipynb"):
            raise ValueError(f"{file}: mindlab grades a .py file or a .ipynb notebook")
        if not (PACKAGE_ROOT / "autograder" / "suites" / lab / "hidden").is_dir():
            raise ValueError("the hidden checks are not part of the student handout: use "
                             f"mindlab check {file} (the public checks) instead.")
        grader = Grader(lab=lab, suite="hidden", isolation=isolation, verbose=verbose,
                        **options)
    except ValueError as exc:
        return _usage_error(str(exc))
    with grader:
        report = grader.grade(file)
    if gradescope is not None:
        gradescope.write_text(json.dumps(gradescope_results(report), indent=1), encoding="utf-8")
    if junit is not None:
        junit.write_text(junit_xml(report), encoding="utf-8")
    if as_json:
        click.echo(json.dumps(report.to_json(), indent=2))
    else:
        _print_report(f"mindlab grade · {lab} · hidden checks on {file}", report)
    return 0 if report.status == "graded" else 1


def _print_report(title: str, report: Report) -> None:
    """The title line and the report, as `check` and `grade` print them (plain ASCII on a
    terminal that cannot show ✓ ✗ ·; colour only on a terminal)."""
    import click

    out = sys.stdout
    ascii_only = not _can_encode(out, "✓✗·")
    click.echo(title.replace("·", "-" if ascii_only else "·"))
    click.echo(render_report(report, color=out.isatty(), ascii_only=ascii_only), nl=False)


def _can_encode(stream: Any, text: str) -> bool:
    try:
        text.encode(getattr(stream, "encoding", None) or "ascii")
        return True
    except (UnicodeEncodeError, LookupError):
        return False
