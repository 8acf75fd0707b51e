"""The reference answering a learner's questions in a process of its own, within limits.

A question comes from learner code: while a check runs the learner's `read_row`, its
call of `softmax` is a stand-in that asks the judge (worker/standins.py), with whatever
arguments the learner's code chose. The judge's watchdog (answers._within) stops a
reference that runs Python for too long, but not one C call of numpy: the reference's
`X @ W.T` on float16 (5000, 399) matrices, which numpy multiplies without BLAS, held the
judge for 150 s (found from outside), and with it the batch. Here a question that takes
longer than WAIT seconds ends with its process: the judge kills the answerer and starts
another when it is next asked.

The answerer is the judge's own child, never a worker's: it runs only the reference, on
plain data that crossed the channel (worker/wire.py), holds its own memory limit for
answers (RLIMIT_AS: ANSWER_BYTES above what it needs to start), and talks to the judge
alone, through a socket pair. It starts with the Grader of a hidden suite, while the
fork server boots (a learner checking their own code, `mindlab check`, is answered in the
judge, as before), and answers are kept by question (answers.ReferenceAnswers.ask):
every submission meets the suites' same cases, so it is asked each question once.
`compute` answers one question within ANSWER_SECONDS (a watchdog thread, `within`) and,
in the judge (the public suite, the answers sent ahead), ANSWER_BYTES (`_in_memory`).

    >>> import numpy as np
    >>> with Answerer("mindlab_core.lab01.reference") as answerer:
    ...     reply, seconds = answerer.ask(wire.encode(
    ...         {"kind": "ask", "function": "softmax", "args": [np.zeros(2)], "kwargs": {}}))
    >>> reply["value"]
    array([0.5, 0.5])
"""

from __future__ import annotations

import contextlib
import ctypes
import importlib
import os
import socket
import subprocess
import sys
import threading
import time
import warnings
from typing import Any

import numpy as np

from .isolation.base import GRADER_DIR
from .worker import protocol, wire
from .worker.calling import raised_of

WAIT = 2.0  # wall seconds the judge waits for one answer (the answerer's own limit: 1 s)
START = 30.0  # wall seconds an answerer may take to start (numpy, the reference)
ANSWER_SECONDS = 1.0  # the reference's time on one question, at most
ANSWER_BYTES = 256 * 2**20  # the memory the reference may take on one question, at most
TICK = 0.05  # how often the watchdog looks at the running calls' deadlines
TOO_LONG = "the reference's answer took over"  # how a question the judge gave up on ends
BOOT = ("import sys; sys.path[:] = sys.argv[3:]; "
        f"from {GRADER_DIR.name}.answerer import serve; serve(int(sys.argv[1]), sys.argv[2])")


class Answerer:
    """One answering process for one Grader (started at once, again after a kill)."""

    def __init__(self, reference: str) -> None:
        self.reference = reference
        self.lock = threading.Lock()
        self.proc: subprocess.Popen | None = None
        self.sock: socket.socket | None = None
        self.started = 0  # processes started, for the tests
        self._start()

    def __enter__(self) -> Answerer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def ask(self, frame: bytes) -> tuple[dict | None, float]:
        """(the reply to one question, the answerer's CPU seconds on it); (None, seconds
        waited) when it did not answer within WAIT (it is killed) or could not be asked."""
        with self.lock:
            start = time.monotonic()
            if self.proc is None or self.proc.poll() is not None:
                self._start()
            if self.sock is None:
                return None, 0.0
            try:
                if self._fresh:  # its "ready" once numpy and the reference are imported
                    protocol.recv_frame(self.sock, time.monotonic() + START)
                    self._fresh = False
                protocol.send_frame(self.sock, frame)
                reply = wire.decode(protocol.recv_frame(self.sock, time.monotonic() + WAIT))
            except (OSError, EOFError, ValueError):  # TimeoutError is an OSError
                self._stop()
                return None, time.monotonic() - start
            if type(reply) is not dict or type(reply.get("answer")) is not dict:
                self._stop()
                return None, time.monotonic() - start
            return reply["answer"], float(reply.get("seconds", 0.0))

    def close(self) -> None:
        with self.lock:
            self._stop()

    def _start(self) -> None:
        from .isolation.launch import boot_paths

        ours, theirs = socket.socketpair()
        try:
            self.proc = subprocess.Popen(
                [sys.executable, "-E", "-s", "-c", BOOT, str(theirs.fileno()), self.reference,
                 *boot_paths()], pass_fds=[theirs.fileno()], stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
                env={k: v for k, v in os.environ.items() if k in ("PATH", "LANG", "SYSTEMROOT")})
        except OSError:
            ours.close()
            self.proc, self.sock = None, None
            return
        finally:
            theirs.close()
        self.sock, self._fresh = ours, True
        self.started += 1

    def _stop(self) -> None:
        if self.sock is not None:
            self.sock.close()
            self.sock = None
        if self.proc is not None:
            with contextlib.suppress(OSError):
                self.proc.kill()
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.proc.wait(timeout=5)
            self.proc = None


def serve(fd: int, reference: str) -> None:
    """The answerer's side: answer each question frame until the judge closes the socket."""
    from .worker.processes import make_undumpable

    make_undumpable()  # (what it holds is the reference's: no other process reads it)
    sock = socket.socket(fileno=fd)
    module = importlib.import_module(reference)
    _limit_memory(ANSWER_BYTES)
    protocol.send_message(sock, {"ready": True})
    while True:
        try:
            question = wire.decode(protocol.recv_frame(sock))
        except (OSError, EOFError, ValueError):
            return
        start = time.thread_time()
        try:
            name, args, kwargs = question["function"], question["args"], question["kwargs"]
            reply = compute(getattr(module, name), list(args), dict(kwargs))
        except Exception as exc:  # (an unreadable question: the judge checked it first)
            reply = {"op": "answer", "value": None, "raised": {
                "types": [f"builtins.{type(exc).__name__}"], "message": "unreadable"}}
        answer: dict[str, Any] = {"answer": reply, "seconds": time.thread_time() - start}
        try:
            protocol.send_message(sock, answer)
        except (ValueError, MemoryError):  # the reference's answer could not be encoded
            answer["answer"] = {"op": "answer", "value": None, "raised": {
                "types": ["builtins.MemoryError"], "message": "an answer too large to send"}}
            protocol.send_message(sock, answer)
        except OSError:
            return


def _limit_memory(more: int) -> None:
    """RLIMIT_AS at what this process holds now plus `more` bytes, where there is one."""
    size = _address_space()
    if size is None:
        return
    try:
        import resource

        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        cap = size + more if hard == resource.RLIM_INFINITY else min(size + more, hard)
        resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
    except (ImportError, OSError, ValueError):
        pass


def compute(function: Any, args: list, kwargs: dict, in_memory: bool = False) -> dict:
    """The reply to one question: the reference's value, or what it raised (its own
    ValueError for a bad letter, the watchdog's TimeoutError, a MemoryError). `in_memory`:
    in the judge, within ANSWER_BYTES more memory (an answerer has a limit of its own)."""
    try:
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            value = (_in_memory(lambda: within(ANSWER_SECONDS, function, args, kwargs))
                     if in_memory else within(ANSWER_SECONDS, function, args, kwargs))
        return {"op": "answer", "value": value, "raised": None}
    except Exception as exc:
        return raised_reply(exc)


def raised_reply(exc: BaseException) -> dict:
    raised = raised_of(exc)
    return {"op": "answer", "value": None,
            "raised": {"types": list(raised.type_names), "message": raised.message}}


class _TooLong(Exception):
    """Raised inside the reference when it runs past its time on one question."""


class _Watchdog:
    """One thread for every time-limited call of this process (a thread per question
    would cost more than most answers): it raises _TooLong in a thread whose call is late.

    Once a call is done, under the same lock, an exception set for it that its thread
    has not met yet is cleared, so nothing fires later in the judge's own code.
    """

    def __init__(self) -> None:
        self.lock = threading.Condition()
        self.deadlines: dict[int, float] = {}  # thread id -> when its call is late
        self.thread: threading.Thread | None = None

    def run(self, seconds: float, fn: Any, args: list, kwargs: dict) -> Any:
        me = threading.get_ident()
        with self.lock:
            if self.thread is None or not self.thread.is_alive():
                thread = threading.Thread(target=self._watch, daemon=True,
                                          name="mindlab-answers-watchdog")
                thread.start()  # raises if it cannot: nothing is set yet, the next call
                self.thread = thread  # tries again (never a question without its limit)
            self.deadlines[me] = time.monotonic() + seconds
        try:
            try:
                return fn(*args, **kwargs)
            finally:
                with self.lock:
                    self.deadlines.pop(me, None)
                    set_async_exc(me, None)  # clear one that was set but has not fired
        except _TooLong:
            raise TimeoutError(f"{TOO_LONG} {seconds:g} s") from None

    def _watch(self) -> None:
        while True:
            with self.lock:
                now = time.monotonic()
                for thread, deadline in list(self.deadlines.items()):
                    if deadline <= now:
                        del self.deadlines[thread]
                        set_async_exc(thread, _TooLong)
                self.lock.wait(TICK)  # not woken per call: a wake-up each would cost more


_WATCHDOG = _Watchdog()


def _in_memory(fn: Any) -> Any:
    """fn() with the judge's address space held to what it uses now plus ANSWER_BYTES
    (RLIMIT_AS, where the kernel has it): past that numpy raises MemoryError, the
    question's answer. Small arguments can still ask for a huge answer: belief_gap of a
    (27, N, 1) W and (27, 1, N) counts broadcasts to N x N inside the reference (1.1 GB of
    the judge for N = 8,500, found from outside). The limit is the process's: threads
    answering at once share one, set by the first and put back by the last (outside the
    watchdog's time limit, whose exception could otherwise skip putting it back)."""
    size = _address_space()
    try:
        import resource
    except ImportError:  # (Windows; or an interpreter without it: no limit, as before)
        return fn()
    if size is None:
        return fn()
    with _MEMORY_LOCK:
        if _MEMORY["users"] == 0:
            soft, hard = resource.getrlimit(resource.RLIMIT_AS)
            cap = size + ANSWER_BYTES
            if hard != resource.RLIM_INFINITY:
                cap = min(cap, hard)
            _MEMORY["saved"] = None
            if soft == resource.RLIM_INFINITY or soft > cap:  # (a tighter one of the judge's
                try:                                          # own already holds)
                    resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
                    _MEMORY["saved"] = (soft, hard)
                except (ValueError, OSError):
                    pass
        _MEMORY["users"] += 1
    try:
        return fn()
    finally:
        with _MEMORY_LOCK:
            _MEMORY["users"] -= 1
            if _MEMORY["users"] == 0 and _MEMORY["saved"] is not None:
                resource.setrlimit(resource.RLIMIT_AS, _MEMORY["saved"])
                _MEMORY["saved"] = None


_MEMORY_LOCK = threading.Lock()
_MEMORY: dict[str, Any] = {"users": 0, "saved": None}  # threads answering; the limit before


def _address_space() -> int | None:
    """This process's virtual memory in bytes (/proc/self/statm), or None without it."""
    try:
        with open("/proc/self/statm", "rb") as f:
            return int(f.read().split()[0]) * _PAGE
    except (OSError, ValueError, IndexError):
        return None


_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


def within(seconds: float, fn: Any, args: list, kwargs: dict) -> Any:
    """fn(*args, **kwargs), stopped after `seconds` (a question like max_len=10**12)."""
    return _WATCHDOG.run(seconds, fn, args, kwargs)


def set_async_exc(thread: int, exc: type[BaseException] | None) -> None:
    """Raise `exc` in thread `thread` at its next bytecode (None: clear a pending one).
    CPython only: elsewhere calls are not time-limited (notebook.Watchdog uses it too)."""
    api = getattr(ctypes, "pythonapi", None)
    if api is not None:
        api.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread),
                                      ctypes.py_object(exc) if exc is not None else None)
