"""The judge's handle on spawned workers: ForkServer's interface, with no fork() anywhere.

Where fork() is missing (Windows), or with `--isolation spawn`, each `spawn()` is a fresh
Python (isolation/spawn.py starts it, worker/standalone.py is what it runs) that connects
back over 127.0.0.1 and proves itself with a token; what it answers afterwards is what a
forked worker answers, so remote.py and exchange.py do not know the difference. A fresh
Python costs ~0.2-0.4 s where a fork costs milliseconds: from the second spawn on, the
next worker is started while the current one is graded.

>>> # server = SpawnServer(lab, "spawn", memory_mb=2048, file_mb=16)
>>> # pid, sock = server.spawn(); ...; server.kill(pid); server.close()
>>> describe_returncode(3)
' (it exited with status 3)'
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import socket
import time

from .isolation import GraderFault, take_prestarted
from .isolation.spawn import Child, start_child
from .labs import Lab
from .worker import protocol
from .worker.processes import describe_status

STARTUP_TIMEOUT = 60.0  # seconds for a spawned worker to import numpy and say it is ready
TOKEN_TIMEOUT = 5.0  # seconds a connection has to present the token
ACCEPT_POLL = 0.01  # seconds between checks that the starting worker is still alive
WINDOWS_KILLED = 15  # os.kill(pid, SIGTERM) on Windows: TerminateProcess with this code


class SpawnServer:
    """Spawned workers for one lab and isolation; the interface of forkserver.ForkServer."""

    def __init__(self, lab: Lab, isolation: str, memory_mb: int | None, file_mb: int) -> None:
        self.lab, self.isolation = lab, isolation
        self.memory_mb, self.file_mb = memory_mb, file_mb
        self.control = socket.socket()  # open while the server is usable (the Grader looks)
        self.live: dict[int, Child] = {}
        self.spawned = 0
        self.spare: Child | None = take_prestarted((lab.id, isolation, memory_mb, file_mb))
        if self.spare is None:
            self.spare = self._start()

    def _start(self) -> Child:
        try:
            return start_child(self.lab, self.memory_mb, self.file_mb)
        except OSError as exc:
            raise GraderFault(f"could not start the worker process: {exc}") from exc

    def spawn(self) -> tuple[int, socket.socket]:
        """A fresh worker: (its nanny's pid, our end of its channel)."""
        if self.control.fileno() < 0:
            raise OSError("the spawn server is closed")
        child, self.spare = self.spare or self._start(), None
        try:
            sock = connect(child)
        except (OSError, EOFError, TimeoutError, ValueError, KeyError, TypeError) as exc:
            child.stderr.seek(0)
            why = child.stderr.read().decode(errors="replace").strip()[-1500:]
            child.discard()
            raise GraderFault(f"the worker process did not start ({type(exc).__name__})"
                              + (f":\n{why}" if why else "")) from exc
        self.live[child.proc.pid] = child
        self.spawned += 1
        if self.spawned >= 2:  # several submissions (or restarts): boot the next one now
            with contextlib.suppress(GraderFault):
                self.spare = self._start()
        return child.proc.pid, sock

    def kill(self, pid: int) -> str:
        """Kill a worker and whatever it left behind; its exit described (' (exit 3)')."""
        child = self.live.pop(pid, None)
        return "" if child is None else describe_returncode(child.discard())

    def alive(self) -> bool:
        return self.control.fileno() >= 0

    def close(self, force: bool = False) -> None:
        """Kill every worker (and the spare); `force` changes nothing: there is no server."""
        self.control.close()
        children = [*self.live.values(), *([self.spare] if self.spare else [])]
        self.live, self.spare = {}, None
        for child in children:
            child.discard()


def connect(child: Child) -> socket.socket:
    """Accept the child's connection (only one that shows its token), send its config,
    wait for its "ready"; the listener is closed then, so no other connection is taken."""
    deadline = time.monotonic() + STARTUP_TIMEOUT
    child.listener.settimeout(ACCEPT_POLL)
    while True:
        if time.monotonic() > deadline:
            raise TimeoutError
        if child.proc.poll() is not None:
            raise EOFError("it ended while starting")
        try:
            conn, _ = child.listener.accept()
        except (TimeoutError, BlockingIOError, InterruptedError):
            continue
        if _proves(conn, child.token):
            break
        conn.close()
    child.listener.close()
    conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    try:
        protocol.send_json(conn, child.config)
        reply = protocol.recv_message(conn, max(0.0, deadline - time.monotonic()))
        if type(reply) is not dict or reply.get("kind") != "ready":
            raise ValueError(f"unexpected start-up reply {reply!r:.100}")
        child.worker_pid = int(reply["pid"])
    except BaseException:
        conn.close()
        raise
    conn.settimeout(None)
    return conn


def _proves(conn: socket.socket, token: str) -> bool:
    """Whether the first message on `conn` is {"token": <our token>} (within TOKEN_TIMEOUT)."""
    try:
        data = protocol.recv_frame(conn, time.monotonic() + TOKEN_TIMEOUT, 1024)
        return secrets.compare_digest(str(json.loads(data)["token"]).encode(), token.encode())
    except Exception:
        return False


def describe_returncode(rc: int | None) -> str:
    """How a spawned worker ended, in processes.describe_status's words (a Popen returncode:
    -N for signal N on POSIX).

    >>> describe_returncode(None)
    ''
    """
    if rc is None:
        return ""
    if os.name == "posix":
        return describe_status(-rc if rc < 0 else rc << 8)
    if rc == WINDOWS_KILLED:
        return " (it was stopped by the grader)"
    if rc & 0xFFFFFFFF == 0xC0000005:
        return " (it crashed: an access violation, a segmentation fault)"
    return f" (it exited with status {rc})"
