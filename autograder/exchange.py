"""One request to a worker and everything it sends back, held to limits the judge sets.

The worker is the learner's process: whatever it sends is believed only as plain data,
and it cannot make the judge wait or hold more than the judge allows:

- a deadline for the whole request, fixed when it is sent (heartbeats or fake answers
  never extend it);
- a time limit per call: a batch of `n` cases gets `n` limits, one per case, each from
  the answer before it; a `repeat` may send heartbeats, which restart the per-call
  limit but not the deadline;
- at most one answer per case, and heartbeats only where the request allows them;
- a byte cap on everything one request sends back (MAX_REPLY_BYTES), and a cap on the
  JSON values in it (MAX_REPLY_VALUES: parsing millions of tiny values costs seconds);
- questions for the reference (`ask`) answered by answers.py, counted, and noted
  when the function under test asks for its own answer; the judge's CPU time answering
  a call's questions counts against that call's CPU limit;
- with a CPU clock on the worker (cpuclock.py) and `Limits.cpu`, a CPU limit per call
  too (budgets.py): the judge looks at the worker's CPU time every POLL seconds, while it
  waits and between the messages of a worker that keeps sending, and a call past its
  CPU limit ends the request (CpuTimeout).

>>> limits = Limits(per_call=2.0, total=6.0)
>>> limits.total
6.0
"""

from __future__ import annotations

import math
import select
import socket
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from . import budgets
from .answers import ReferenceAnswers
from .worker import protocol, wire

MAX_REPLY_BYTES = protocol.MAX_MESSAGE + 2**20  # all of one request's answers together
MAX_QUESTIONS = 100_000  # questions for the reference within one request
MAX_REPLY_VALUES = 500_000  # JSON values in all of one request's answers (wire.header_values)
POLL = 0.01  # seconds between looks at the worker's CPU time while waiting for it


class Broken(ValueError):
    """The worker sent what the protocol does not allow; the message says what."""


class CpuTimeout(TimeoutError):
    """A call used more CPU than its limit (`limit`, seconds)."""

    def __init__(self, limit: float) -> None:
        super().__init__(f"used more than {limit:g} s of CPU")
        self.limit = limit


@dataclass
class Limits:
    per_call: float  # seconds one call of the learner's function may take
    total: float  # seconds the whole request may take, however the worker behaves
    beats: bool = False  # may the worker send heartbeats (a repeat)?
    cases: int | None = None  # how many case answers a batch may send
    # CPU seconds per case (a repeat: per call), with a clock: budgets.CaseLimits
    cpu: Sequence[float] = ()
    # () -> the wall limits (per_call, total) that fit the CPU limits (budgets.calibrate),
    # asked for once the request reaches the ones it has; `cap` bounds the total
    widen: Callable[[], tuple[float, float]] | None = None
    cap: float = math.inf
    # with a plan (prefetch.py): the cases where another of the suite's requests begins;
    # each is held to the byte, question and value caps on its own, as if sent alone
    segments: tuple[int, ...] = ()


@dataclass
class Exchange:
    """Send `message` on `sock`, then read until the final reply (see the module docstring).

    `run()` returns the final reply (a dict); the batch answers are in `cases`.
    TimeoutError, EOFError / OSError (the worker died) and Broken say how it ended.
    """

    sock: socket.socket
    message: dict
    limits: Limits
    function: str
    answers: ReferenceAnswers | None = None
    cases: list = field(default_factory=list)
    # graded functions whose answers were asked for where they may not be (answers.py):
    # the function under test's own, or one after it in the lab
    borrowed: set = field(default_factory=set)
    received: int = 0  # bytes received in all
    capped: int = 0  # bytes received that count against MAX_REPLY_BYTES (this segment's)
    values: int = 0  # JSON values received (wire.header_values), against MAX_REPLY_VALUES
    # the CPU seconds answering the call now running's questions took (the judge's, the
    # answerer's): they count against its CPU limit (a question can take a second)
    answering: float = 0.0
    clock: object = None  # cpuclock.CpuClock on the worker, or None: wall limits only
    _poller: Any = field(default=None, repr=False)  # select.poll on sock, at the first wait
    _frame: bytes = field(default=b"", repr=False)  # the last message's bytes

    def run(self) -> dict:
        protocol.send_message(self.sock, protocol.rng_to_wire(self.message), share=True)
        start = time.monotonic()
        end, call_start, questions = start + self.limits.total, start, 0
        cpu_start, looked = self._cpu(alone=True), start
        while True:
            now = time.monotonic()
            left = min(call_start + self.limits.per_call, end) - now
            if left <= 0 and self._widened():
                end = start + self.limits.total
                continue
            if left <= 0:
                raise TimeoutError
            if cpu_start is not None and now - looked >= POLL:  # a worker that keeps
                looked = now                                    # talking is looked at too
                self._check_cpu(cpu_start)
            if cpu_start is not None and not self._wait(min(left, POLL)):
                looked = time.monotonic()
                self._check_cpu(cpu_start)
                continue
            reply = self._receive(now + left)
            kind = reply.get("kind")
            if kind == "ask":
                questions += 1
                if questions > MAX_QUESTIONS:
                    raise Broken(f"asked the reference over {MAX_QUESTIONS} questions")
                self._answer(reply)
            elif kind == "case" and self.limits.cases is not None:
                if len(self.cases) >= self.limits.cases:
                    raise Broken("sent more answers than there were cases")
                self.cases.append(reply)
                reply = None  # (read and judged: not held while the next one arrives)
                call_start, cpu_start, self.answering = time.monotonic(), self._cpu(True), 0.0
                if len(self.cases) in self.limits.segments:  # the next request of the plan
                    self.capped = self.values = questions = 0
            elif kind == "beat" and self.limits.beats:
                call_start, cpu_start, self.answering = time.monotonic(), self._cpu(True), 0.0
            else:
                return reply

    def _widened(self) -> bool:
        """Whether the wall limits grew to fit the CPU limits (once per request)."""
        widen, self.limits.widen = self.limits.widen, None
        if widen is None:
            return False
        per_call, total = widen()
        total = min(total, self.limits.cap)
        grew = per_call > self.limits.per_call or total > self.limits.total
        self.limits.per_call = max(per_call, self.limits.per_call)
        self.limits.total = max(total, self.limits.total)
        return grew

    def _cpu(self, alone: bool = False) -> float | None:
        """The worker's CPU seconds so far, with every process it started unless `alone`
        (a call's start: what its processes used before then counts against it, never
        for it); None without a clock or CPU limits."""
        if self.clock is None or not self.limits.cpu:
            return None
        try:
            return self.clock.seconds(alone)  # type: ignore[attr-defined]
        except (OSError, ValueError, IndexError):
            return None  # it is gone: the channel says so next

    def _wait(self, seconds: float) -> bool:
        """Whether the worker has something to read within `seconds`."""
        if self._poller is None:  # (a clock means Linux: poll is there, fds may pass 1024)
            self._poller = select.poll()
            self._poller.register(self.sock, select.POLLIN)
        return bool(self._poller.poll(max(seconds, 0.0) * 1000))

    def _check_cpu(self, since: float) -> None:
        """CpuTimeout when the call running now has used more than its CPU limit."""
        now = self._cpu()
        cpu = self.limits.cpu
        slack = budgets.BEAT_SLACK if self.limits.beats else 0.0
        if now is None:
            return
        used = now - since + self.answering
        if used <= getattr(cpu, "floor", 0.0) + slack:
            return  # below every case's limit: no need to know this one's
        limit = cpu[min(len(self.cases), len(cpu) - 1)]
        if used > limit + slack:
            raise CpuTimeout(limit)

    def _receive(self, deadline: float) -> dict:
        data = protocol.recv_frame(self.sock, deadline, MAX_REPLY_BYTES - self.capped)
        self.received += len(data) + protocol.HEADER.size
        self.capped += len(data) + protocol.HEADER.size
        self.values += wire.header_values(data)
        if self.values > MAX_REPLY_VALUES:
            raise Broken(f"sent over {MAX_REPLY_VALUES} values in answer to one request")
        reply = wire.decode(data)
        if type(reply) is not dict:
            raise Broken("sent something that is not a message")
        if reply.get("kind") == "ask":
            self._frame = data  # (a question's own bytes: how its answer is kept)
        return reply

    def _answer(self, question: dict) -> None:
        if self.answers is None:
            reply: dict = {"op": "answer", "value": None, "raised": {
                "types": ["builtins.RuntimeError"], "message": "no reference here"}}
        else:
            reply, borrowed, seconds = self.answers.ask(question, self.function, self._frame)
            self._frame = b""
            self.answering += seconds
            if borrowed is not None:
                self.borrowed.add(borrowed)
        try:
            protocol.send_message(self.sock, reply)
        except ValueError:  # the reference's answer could not be encoded: say so instead
            protocol.send_message(self.sock, {"op": "answer", "value": None, "raised": {
                "types": ["builtins.RuntimeError"], "message": "an answer too large to send"}})
