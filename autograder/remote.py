"""A submission loaded in an isolated worker, seen from the judge: the Learner grading uses.

Every call crosses the channel (worker/protocol.py); nothing the worker sends is
believed beyond plain data, and every field of a reply is checked. A hang costs only the
function that hung: the worker is killed, the function is remembered (its later checks
fail at once), and the next call starts a fresh worker that loads the file again.
"""

from __future__ import annotations

import contextlib
import socket
import time
from typing import Any

from . import budgets
from .answers import ReferenceAnswers, SentAhead
from .cpuclock import CpuClock, open_clock
from .exchange import CpuTimeout, Exchange, Limits
from .forkserver import ForkServer
from .isolation import GraderFault
from .judge import REFUSED
from .learner import (
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
from .load_notes import MAX_NOTES, asked_sentence, borrowed_sentence, capped, redacted_load
from .loader import Submission
from .prefetch import Arrivals, Plan, Prefetch, joined
from .redact import plain
from .replies import changed_arguments, raised_from
from .worker import protocol

MAX_RESTARTS = 12  # fresh workers per submission after crashes / timeouts
MAX_SKIPPED_CELLS = 2  # notebook cells that may hang at load before the file scores 0
REPEAT_BUDGET = 10  # a repeat may take at most this many call_timeouts in all


class WorkerLearner(LearnerBase):
    """A submission loaded in a worker; `call` and `repeat` cross the channel.

    `zygote` is a callable giving a live ForkServer (the Grader's).
    """

    cases_copied = True  # every case is decoded into arrays of its own in the worker

    def __init__(self, zygote, submission: Submission, functions: tuple[str, ...],
                 call_timeout: float = 2.0, load_timeout: float = 10.0,
                 hide_messages: bool = False, answers: ReferenceAnswers | None = None,
                 budget: float = 60.0, traces: bool = True, plan: Plan | None = None) -> None:
        self._zygote_of = zygote
        self.prefetch = Prefetch(plan) if plan is not None else None  # (prefetch.py)
        self.traces = traces  # the worker renders the learner's tracebacks (--verbose shows them)
        self.answers = answers
        self.budget = budget  # seconds for the whole submission, loads and calls together
        self._budget_end: float | None = None
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
        self.refused: set[str] = set()  # kinds the worker's guard refused (judge.REFUSED)
        self.poisoned: dict[str, LearnerProblem] = {}
        self.spawns = 0
        self._deferred: dict[int, tuple[LearnerProblem, LearnerProblem]] = {}
        self.skipped: set[int] = set()  # cells that hung while loading: later loads skip them
        self._zygote: ForkServer | None = None
        self._pid: int | None = None
        self._sock: socket.socket | None = None
        self._clock: CpuClock | None = None  # the worker's CPU time, where it can be read
        self._sent_ahead = SentAhead(answers)  # what this worker holds of answers sent ahead

    # ------------------------------------------------------------ worker lifecycle

    def load(self) -> None:
        """Load the submission once (notes, defined names, integrity); never raises for it."""
        if self._budget_end is None:
            self._budget_end = time.monotonic() + self.budget
        if not self.loaded and not self.load_failure:
            self._start_worker()
        self.loaded = True

    def _start_worker(self) -> None:
        if self.spawns > MAX_RESTARTS:
            raise LearnerCrashed("", " (the grader gave up restarting your code)")
        self.spawns += 1
        self._sent_ahead = SentAhead(self.answers)  # a fresh worker holds nothing yet
        for attempt in (1, 2):  # a zygote the last worker killed may not look dead yet
            self._zygote = self._zygote_of()
            try:
                self._pid, self._sock = self._zygote.spawn()
                self._clock = open_clock(self._zygote, self._pid)
                break
            except (OSError, EOFError, TimeoutError, ValueError, KeyError) as exc:
                self._zygote.close()
                if attempt == 2:
                    raise GraderFault(f"could not start a worker: {exc}") from exc
        sub = self.submission
        request = {"op": "load", "cells": [list(c) for c in sub.cells], "module": sub.module,
                   "display": sub.display, "stop_on_error": sub.stop_on_error,
                   "skip": sorted(self.skipped), "cpu_seconds": int(self.budget) + 1,
                   "traces": self.traces}
        running = None  # the cell the worker said it was starting
        try:
            protocol.send_message(self._sock, request)
            deadline = min(time.monotonic() + self.load_timeout, self._budget_end or 0.0)
            beats = 0
            while True:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError
                reply = protocol.recv_message(self._sock, left)
                if reply.get("kind") != "beat":
                    break
                beats += 1
                if beats > len(sub.cells):  # one per cell, no more
                    raise ValueError("more heartbeats than cells")
                running = reply.get("cell")
            defined = {f: str(v)[:100] for f, v in dict(reply["defined"]).items()
                       if f in self.functions}
            notes = [capped(str(n)) for n in list(reply["notes"])[:MAX_NOTES]]
            borrowed = {f: borrowed_sentence(f, v) for f, v in dict(reply["borrowed"]).items()
                        if f in self.functions}
            blocked = [str(m)[:100] for m in list(reply["blocked"])[:10]]
            self._note_refusals(reply)
        except TimeoutError:
            self._stop_worker()
            if isinstance(running, int) and len(self.skipped) < MAX_SKIPPED_CELLS:
                # one hanging cell of a notebook costs that cell, not the whole file
                self.skipped.add(running)
                self._start_worker()
                return
            if self._out_of_time():
                self._fail_load(self._budget_sentence())
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
        if self.hide_messages:  # learner-written text: keep the worker's own sentences
            notes, defined, borrowed, blocked = redacted_load(  # (load_notes.py)
                self.submission, self.skipped, notes, defined, borrowed, blocked)
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
        self._clock = self._clock.close() if self._clock is not None else None
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
        if self._out_of_time():
            raise LearnerTimeout(function, f" ({self._budget_sentence(short=True)})")
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

    def _request(self, function: str, message: dict, limits: Limits,
                 cases: list | None = None, retry: bool = True) -> dict:
        """Send one request and wait for its reply, held to `limits` (exchange.py).

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
        if self._clock is not None:
            budgets.calibrate(limits, self.answers, message, self.call_timeout)
        message["ahead"] = protocol.stack_ahead(self._sent_ahead.answers_for(function, message))
        left = (self._budget_end or 0.0) - time.monotonic()
        limits.total, limits.cap = min(limits.total, left), left
        exchange = Exchange(self._sock, message, limits, function, self.answers,
                            cases if cases is not None else [], clock=self._clock)
        try:
            return exchange.run()
        except TimeoutError as exc:
            self._stop_worker()
            if self._out_of_time():
                detail = f" ({self._budget_sentence(short=True)})"
                later = problem = LearnerTimeout(function, detail)
            else:
                what = (f"it used more than {exc.limit:g} s of CPU, its limit for that call"
                        if isinstance(exc, CpuTimeout) else f"limit {limits.per_call:g} s per call")
                later = LearnerTimeout(function, f" ({what}; after that its other checks were "
                                                 "not run)")
                problem = LearnerTimeout(function, f" ({what})")
        except (OSError, EOFError, ValueError, AttributeError) as exc:
            status = self._stop_worker()
            if retry and exchange.received == 0 and isinstance(exc, (OSError, EOFError)):
                # it died before a word about this request (an earlier call's end, e.g. the
                # memory watchdog's): not this function's doing, so ask a fresh worker once
                return self._request(function, message, limits, cases, retry=False)
            why = f" ({exc})" if type(exc).__name__ == "Broken" else ""
            later = LearnerCrashed(function, status + why + " on an earlier check")
            problem = LearnerCrashed(function, status + why)
        finally:  # what it asked for where it may not, however the request ended
            self.borrowed.update({n: asked_sentence(function, n) for n in exchange.borrowed})
        if cases is None:
            self.poisoned[function] = later
        else:
            self._deferred[id(problem)] = (problem, later)
        raise problem

    def _out_of_time(self) -> bool:
        return self._budget_end is not None and time.monotonic() >= self._budget_end

    def _budget_sentence(self, short: bool = False) -> str:
        what = f"the grader's time for your whole file ({self.budget:g} s) ran out"
        if short:
            return what
        return (f"Grading stopped: {what}, so the checks after that point were not run. "
                "Look for functions that are very slow or never finish.")

    def problem_reached(self, problem: LearnerProblem) -> None:
        """A check's feedback is this problem: cut its function off from later checks."""
        if id(problem) in self._deferred:
            held, later = self._deferred.pop(id(problem))
            if held is problem:
                self.poisoned[later.function] = later

    def _plain(self, value: Any) -> Any:
        """Hidden suite: names of the learner's own classes could carry data, so drop them."""
        return plain(value) if self.hide_messages else value

    def _raised(self, data: Any) -> Raised:
        return raised_from(data, self.hide_messages)

    def _note_refusals(self, reply: dict) -> None:
        said = reply.get("refused")
        if type(said) is dict:
            self.refused |= {k for k in said if k in REFUSED}

    def _check_reply(self, function: str, reply: dict) -> dict:
        self._note_refusals(reply)
        if reply.get("kind") == "missing":
            raise MissingFunction(function)
        if reply.get("kind") != "result":
            raise self._unreadable(function)
        return reply

    def _unreadable(self, function: str, what: str = "something unreadable") -> LearnerCrashed:
        """The worker broke the protocol: it is stopped (what it may still send is never
        read), and the function's later checks fail at once."""
        self._stop_worker()
        self.poisoned[function] = LearnerCrashed(function, f" (it sent the grader {what} on "
                                                           "an earlier check)")
        return LearnerCrashed(function, f" (it sent the grader {what})")

    def call(self, function: str, *args: Any, **kwargs: Any) -> Outcome:
        planned = self._planned(function, [(args, kwargs)], watch=True)
        if planned is not None:
            if planned[0].problem is not None:  # one call's problem cuts it off at once
                self.problem_reached(planned[0].problem)
                raise planned[0].problem
            return planned[0]
        message = {"op": "call", "function": function, "args": list(args), "kwargs": kwargs}
        limits = Limits(self.call_timeout, self.call_timeout)
        reply = self._check_reply(function, self._request(function, message, limits))
        return self._outcome(function, reply, (args, kwargs))

    def calls(self, function: str, cases: list[tuple[tuple, dict]],
              watch: bool = True) -> list[Outcome]:
        """Several calls in one request, each case answered as it finishes and held to one
        call's limit; a case that hangs or crashes the worker, and every case after it, get
        an Outcome whose `problem` says so. With a plan (prefetch.py) the group's later
        requests go along; watch=False: nobody compares the arguments (`mutated` is empty)."""
        if not cases:
            return []
        planned = self._planned(function, cases, watch)
        return planned if planned is not None else self._calls(function, cases,
                                                               watch=[watch] * len(cases))

    def _planned(self, function: str, cases: list, watch: bool) -> list[Outcome] | None:
        """The outcomes of `cases` kept from, or sent with, the plan's group; None: no plan."""
        if self.prefetch is None:
            return None
        kept = self.prefetch.kept(function, cases, watch)
        if kept is not None:
            self._usable(function)  # (cut off since, or out of time: as a request would be)
            return kept
        later = self.prefetch.later(function, cases, watch)
        if not later:
            return None
        outcomes = self._calls(function, *joined(cases, watch, later))
        return self.prefetch.keep(function, cases, later, outcomes)

    def _calls(self, function: str, cases: list[tuple[tuple, dict]],
               segments: tuple[int, ...] = (), watch: list[bool] | None = None
               ) -> list[Outcome]:
        watch = [True] * len(cases) if watch is None else watch
        message = {"op": "calls", "function": function,  # (`watch` stays here: a worker that
                   "cases": [[list(args), kwargs] for args, kwargs in cases]}  # knew it could
        # write into its inputs where nobody looks; every case's arguments come back)
        answered = Arrivals(lambda data, i: self._outcome(function, data, cases[i], watch[i]),
                            segments[0] if segments else len(cases))  # (the last: the reply)
        limits = Limits(self.call_timeout, self.call_timeout * len(cases), cases=len(cases) - 1,
                        segments=segments)
        try:
            reply = self._check_reply(function,
                                      self._request(function, message, limits, answered))
        except (LearnerTimeout, LearnerCrashed) as exc:
            exc.__traceback__ = exc.__context__ = exc.__cause__ = None  # kept: frames held MBs
            return list(answered) + [Outcome(problem=exc)] * (len(cases) - len(answered))
        if len(answered) != len(cases) - 1 or "raised" not in reply:
            raise self._unreadable(function, "fewer results than it was asked for")
        answered.append(reply)
        return list(answered)

    def _outcome(self, function: str, data: Any, sent: tuple[tuple, dict],
                 watch: bool = True) -> Outcome:
        """The Outcome a worker's result describes, mutation judged here (which arguments
        `sent` came back changed, if watched); LearnerCrashed if the result is malformed."""
        try:
            raised = None if data["raised"] is None else self._raised(data["raised"])
            return Outcome(value=self._plain(data.get("value")), raised=raised,
                           mutated=changed_arguments(sent, data.get("after"),
                                                     data.get("after_kwargs")) if watch else ())
        except (KeyError, TypeError, IndexError, AttributeError) as exc:
            raise self._unreadable(function) from exc

    def repeat(self, function: str, times: int, *args: Any, **kwargs: Any) -> list[Any]:
        if self.prefetch is not None:
            self.prefetch.drop()  # a plan's group never spans a repeat
        message = {"op": "repeat", "function": function, "times": int(times),
                   "args": list(args), "kwargs": kwargs}
        limits = Limits(self.call_timeout, self.call_timeout * REPEAT_BUDGET, beats=True)
        reply = self._check_reply(function, self._request(function, message, limits))
        try:
            if reply["raised"] is not None:
                raise LearnerRaised(function, self._raised(reply["raised"]))
            values = reply["values"] if "values" in reply else None
        except (KeyError, TypeError, IndexError) as exc:
            raise self._unreadable(function) from exc
        if not isinstance(values, list) or len(values) != times:
            raise self._unreadable(function, "other results than it was asked for")
        return [self._plain(v) for v in values]
