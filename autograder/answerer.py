"""The reference answering a learner's questions in a process of its own.

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

    >>> import numpy as np
    >>> with Answerer("mindlab_core.lab01.reference") as answerer:
    ...     reply, seconds = answerer.ask(wire.encode(
    ...         {"kind": "ask", "function": "softmax", "args": [np.zeros(2)], "kwargs": {}}))
    >>> reply["value"]
    array([0.5, 0.5])
"""

from __future__ import annotations

import contextlib
import importlib
import os
import socket
import subprocess
import sys
import threading
import time
from typing import Any

from .isolation.base import GRADER_DIR
from .worker import protocol, wire

WAIT = 2.0  # wall seconds the judge waits for one answer (the answerer's own limit: 1 s)
START = 30.0  # wall seconds an answerer may take to start (numpy, the reference)
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
    from .answers import ANSWER_BYTES, compute
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
    try:
        import resource

        with open("/proc/self/statm", "rb") as f:
            size = int(f.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        cap = size + more if hard == resource.RLIM_INFINITY else min(size + more, hard)
        resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
    except (ImportError, OSError, ValueError):
        pass
