"""The reference's answers, served by the judge to a worker that asks for them.

While a check calls the learner's `read_row`, the learner's other graded functions are
swapped for the reference, so a bug in `softmax` costs only the softmax checks. The
reference itself never enters the worker: there it is a stand-in that asks the judge
(worker/serve.py), and the judge answers here, on plain data that crossed the channel.
A function that asks for its *own* answer is borrowing it, and the judge sees that.

>>> answers = ReferenceAnswers.of(get_lab("lab01"))
>>> reply, _ = answers.answer({"function": "softmax", "args": [np.zeros(2)], "kwargs": {}},
...                           under_test="read_row")
>>> reply["value"]
array([0.5, 0.5])
"""

from __future__ import annotations

import hashlib
import importlib
import time
import warnings
from types import ModuleType
from typing import Any

import numpy as np

from .answerer import ANSWER_SECONDS, TOO_LONG, WAIT, compute, raised_reply, within
from .labs import Lab, get_lab  # noqa: F401  (get_lab: the doctest)
from .prefetch import held_bytes

MAX_ELEMENTS = 4_000_000  # numbers in one question: a (27, 27) problem needs a few thousand
MAX_TIMED = 20_000  # cases whose reference time is kept
MAX_KNOWN = 2_000  # requests whose answers sent ahead are kept
MAX_ASKED = 4_000  # questions whose answers are kept ...
MAX_ASKED_BYTES = 32 * 2**20  # ... holding this many bytes in all, at most ...
MAX_ASKED_ONE = 2**20  # ... each at most this many (a (27, 27) answer: 6 KB)


class ReferenceAnswers:
    """Answers questions {"function", "args", "kwargs"} with the lab's reference."""

    def __init__(self, lab: Lab, module: ModuleType, likely: Any = None) -> None:
        self.functions = set(lab.functions)
        self.order = {name: i for i, name in enumerate(lab.functions)}  # the lab builds up
        self.module = module
        self.timed: dict[bytes, float] = {}  # the reference's CPU seconds, by case (seconds)
        self.likely = likely  # (function, args, kwargs) -> likely questions (Lab.likely)
        self.known: dict[bytes, list] = {}  # what ahead() gave, by request
        self.asked: dict[bytes, dict] = {}  # what ask() answered, by question
        self.asked_bytes = 0  # what self.asked holds
        self.answerer: Any = None  # answerer.Answerer: the hidden suite's questions

    @classmethod
    def of(cls, lab: Lab) -> ReferenceAnswers | None:
        """The answers of `lab`'s reference, or None where it is not installed (a handout)."""
        try:
            module = importlib.import_module(lab.reference)
        except ImportError:
            return None
        likely = None
        if lab.likely:
            name, _, attr = lab.likely.partition(":")
            likely = getattr(importlib.import_module(name), attr)
        return cls(lab, module, likely)

    def ahead(self, function: str, cases: list) -> list[tuple[Any, dict, dict]]:
        """[(key, question, reply), ...]: the answers the worker is likely to ask for while
        it runs `function` on `cases` ([args, kwargs] each), sent with the request so it
        need not ask (Lab.likely says which: from the arguments alone, never for
        `function`). `key` is protocol.question_key's. Kept by request: every submission
        meets the suites' same cases.

        >>> answers = ReferenceAnswers.of(get_lab("lab01"))
        >>> sent = answers.ahead("greedy_decode", [[[np.zeros((27, 27))], {}]])
        >>> [question["function"] for _, question, _ in sent]
        ['softmax']
        """
        from .worker import protocol

        if self.likely is None:
            return []
        # kept by a sampled fingerprint of the request (cheap): a rare collision sends
        # answers for another request's questions, each kept under its own exact key,
        # so it only ever saves fewer round trips
        parts: list[bytes] = [function.encode()]
        _fingerprint(protocol.rng_to_wire(cases), parts)
        request = hashlib.blake2b(b"\0".join(parts), digest_size=16).digest()
        if request in self.known:
            return self.known[request]
        found: dict[Any, tuple] = {}
        complete = True
        for args, kwargs in cases:
            try:
                likely = self.likely(function, tuple(args), dict(kwargs))
            except Exception:  # an input the rule cannot read: nothing is sent ahead
                continue
            for name, q_args, q_kwargs in likely:
                if name == function or name not in self.functions:
                    continue
                question = {"function": name, "args": list(q_args), "kwargs": dict(q_kwargs)}
                key = protocol.question_key(name, q_args, q_kwargs)
                if key in found:
                    continue
                reply = self.answer(question, function)[0]
                if (reply["raised"] or {}).get("message", "").startswith(TOO_LONG):
                    complete = False  # the judge's own slowness (a busy machine): not sent,
                    continue          # not kept; the worker asks, as without answers ahead
                found[key] = (key, question, reply)
        if complete:
            if len(self.known) >= MAX_KNOWN:
                self.known.pop(next(iter(self.known)))
            self.known[request] = list(found.values())
        return list(found.values())

    def answer(self, question: Any, under_test: str) -> tuple[dict, str | None]:
        """(the reply for the worker, the graded function whose answer the question borrows,
        or None), answered here, in the judge.

        Borrowed: the function under test's own answer; and any function's that comes
        *after* the function under test in the lab (softmax has no use for greedy_decode:
        asked for while softmax is checked, its answers could be kept and replayed when
        greedy_decode's own checks run). Each tool builds on the ones before it.
        """
        refusal, borrows, call = self._read(question, under_test)
        return refusal or compute(*call, in_memory=True), borrows

    def ask(self, question: Any, under_test: str, frame: bytes) -> tuple[dict, str | None,
                                                                        float]:
        """answer() for a question a worker sent (`frame`: its bytes), with the CPU seconds
        the reference took on it (the call that asked is charged them; the grader's own
        work to carry it is not): kept by question (every submission meets the same
        cases, and asks the same questions), and answered by the answerer process where
        there is one (answerer.py: a question no watchdog can stop ends with that process,
        its wait charged whole)."""
        refusal, borrows, call = self._read(question, under_test)
        if refusal is not None:
            return refusal, borrows, 0.0
        key = hashlib.blake2b(frame, digest_size=16).digest()
        reply, seconds = self.asked.get(key), 0.0
        if reply is None:
            if self.answerer is None:
                start = time.thread_time()
                reply = compute(*call, in_memory=True)
                seconds = time.thread_time() - start
            else:
                reply, seconds = self.answerer.ask(frame)
                reply = reply or raised_reply(TimeoutError(f"{TOO_LONG} {WAIT:g} s"))
            self._keep(key, reply)
        return reply, borrows, seconds

    def _keep(self, key: bytes, reply: dict) -> None:
        """Keep an answer that is the question's own (not the judge's time or memory) and
        small: bounded in bytes, so that questions made new each time with big answers
        (26 MB each, found from outside: 2.3 GB of the judge) are answered, not kept."""
        size = held_bytes(reply.get("value"))
        if not _keepable(reply) or size > MAX_ASKED_ONE:
            return
        while self.asked and (len(self.asked) >= MAX_ASKED
                              or self.asked_bytes + size > MAX_ASKED_BYTES):
            self.asked_bytes -= held_bytes(self.asked.pop(next(iter(self.asked))).get("value"))
        self.asked[key] = reply
        self.asked_bytes += size

    def _read(self, question: Any, under_test: str) -> tuple[dict | None, str | None, tuple]:
        """(a refusal or None, the function it borrows or None, (function, args, kwargs))."""
        try:
            name = str(question["function"])
            args, kwargs = list(question["args"]), dict(question["kwargs"])
        except (KeyError, TypeError, ValueError):
            return _refusal("an unreadable question"), None, ()
        if name not in self.functions or not all(type(k) is str for k in kwargs):
            return _refusal(f"no graded function {name!r}"), None, ()
        borrows = name if self.order[name] >= self.order.get(under_test, -1) else None
        if _size([args, kwargs]) > MAX_ELEMENTS:
            return _refusal(f"arguments too large for {name}", "MemoryError"), borrows, ()
        return None, borrows, (getattr(self.module, name), args, kwargs)

    def seconds(self, function: str, args: tuple | list, kwargs: dict) -> float:
        """The reference's CPU seconds (this thread's) on one case; 0.0 for a function it
        lacks. Run on a copy (the judge's own arguments stay as they were sent), and kept
        by the case's fingerprint: every submission meets the suites' same cases."""
        from .worker import protocol, wire

        parts: list[bytes] = [function.encode()]
        _fingerprint([args, kwargs], parts)
        key = hashlib.blake2b(b"\0".join(parts), digest_size=16).digest()
        if key not in self.timed:
            fn = getattr(self.module, function, None) if function in self.functions else None
            data = wire.encode(protocol.rng_to_wire([list(args), kwargs]))
            self.timed[key] = 0.0 if fn is None else _timed(fn, data)
            if len(self.timed) > MAX_TIMED:
                self.timed.pop(next(iter(self.timed)))
        return self.timed[key]


class SentAhead:
    """What one worker holds of the answers sent ahead, so each is sent it once. The worker
    keeps an answer until a request for that answer's own function (standins.py drops
    them), and so does this record: the two stay the same.
    """

    def __init__(self, answers: ReferenceAnswers | None) -> None:
        self.answers = answers
        self.held: dict[Any, str] = {}  # protocol.question_key -> its function

    def answers_for(self, function: str, message: dict) -> list[list]:
        """[[question, reply], ...] to send with `message`, a request for `function`."""
        if self.answers is None:
            return []
        for key in [k for k, name in self.held.items() if name == function]:
            del self.held[key]
        cases = message.get("cases") or [[message.get("args", []), message.get("kwargs", {})]]
        send = []
        for key, question, reply in self.answers.ahead(function, cases):
            if key not in self.held:
                self.held[key] = question["function"]
                send.append([question, reply])
        return send


def _fingerprint(value: Any, parts: list[bytes], depth: int = 0) -> None:
    """What a case's cost depends on, cheaply: every shape, dtype and scalar, and a
    sample of each array's and long list's elements (two cases alike in all of that
    cost the reference the same; a rare collision only moves a limit, never a verdict)."""
    if isinstance(value, np.ndarray):
        flat = value.reshape(-1)
        parts.append(f"a{value.dtype.str}{value.shape}".encode())
        parts.append(np.ascontiguousarray(flat[:: max(1, flat.size // 64)][:64]).tobytes())
    elif type(value) in (list, tuple) and depth < 20:
        parts.append(b"[%d" % len(value))
        for item in value[:: max(1, len(value) // 64)][:64]:
            _fingerprint(item, parts, depth + 1)
    elif type(value) is dict and depth < 20:
        for k in sorted(value, key=repr)[:64]:
            parts.append(repr(k)[:100].encode())
            _fingerprint(value[k], parts, depth + 1)
    else:
        parts.append(repr(value)[:200].encode())


def _timed(fn: Any, data: bytes) -> float:
    """CPU seconds of fn on the case `data` encodes, run once (a first run may pay for
    caches a learner's worker already has: a limit a little more generous, never less)."""
    from .worker import protocol, wire
    from .worker.calling import materialize

    args, kwargs = materialize(protocol.rng_from_wire(wire.decode(data)), {})
    start = time.thread_time()
    try:
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            within(ANSWER_SECONDS, fn, list(args), dict(kwargs))
    except Exception:  # a bad input's ValueError, or past ANSWER_SECONDS: still timed
        pass
    return min(time.thread_time() - start, ANSWER_SECONDS)


def _keepable(reply: dict) -> bool:
    """Whether a reply is the question's own (not the judge's state: time, memory)."""
    types = (reply.get("raised") or {}).get("types") or []
    return not any(t in ("builtins.TimeoutError", "builtins.MemoryError") for t in types)


def _refusal(why: str, kind: str = "RuntimeError") -> dict:
    return {"op": "answer", "value": None,
            "raised": {"types": [f"builtins.{kind}"], "message": f"the grader refused {why}"}}


def _size(value: Any, depth: int = 0) -> int:
    """How many numbers a question holds (arrays count their elements)."""
    if isinstance(value, np.ndarray):
        return int(value.size)
    if depth < 20 and type(value) in (list, tuple):
        return sum(_size(v, depth + 1) for v in value) + len(value)
    if depth < 20 and type(value) is dict:
        return sum(_size(v, depth + 1) for v in value.values()) + len(value)
    return 1
