"""Spawn isolation: no fork server; a fresh Python per submission (Windows, or no fork()).

Each worker is `python -E -s -c <standalone_main>` behind a tiny nanny process (so the
worker's parent is not the judge: a learner killing its parent kills only the nanny),
in an empty temporary folder, with the zygote's scrubbed environment and one BLAS thread.
It connects back to a listening socket on 127.0.0.1 that accepts one connection, proves
itself with a random token it read on stdin, and gets the zygote's own config
(launch.zygote_config). On Windows a Job Object holds the nanny and everything it starts:
one call kills them all, and its per-process memory limit fails allocations past the
limit, as RLIMIT_AS does on Linux. The judge's handle is spawnserver.SpawnServer.

>>> SpawnBackend().wrap(["python"], None), SpawnBackend().server
(['python'], 'spawn')
"""

from __future__ import annotations

import contextlib
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from typing import IO

from ..labs import Lab
from ..worker.processes import remove_tree
from .base import GRADER_DIR
from .process import ProcessBackend

BOOT = ("import sys; sys.path[:] = sys.argv[2:]; "
        f"from {GRADER_DIR.name}.worker.standalone import standalone_main; "
        "standalone_main(int(sys.argv[1]))")
# the nanny: starts the worker once its Job Object is set (it waits for the token), passes
# the token on, and ends the way the worker ended (its exit status, or its signal)
NANNY = ("import os, subprocess, sys; t = sys.stdin.buffer.readline(); "
         "p = subprocess.Popen(sys.argv[1:], stdin=subprocess.PIPE); "
         "p.stdin.write(t); p.stdin.close(); rc = p.wait(); "
         "rc < 0 and os.kill(os.getpid(), -rc); sys.exit(rc if rc >= 0 else 1)")
KILL = getattr(signal, "SIGKILL", signal.SIGTERM)  # Windows: os.kill is TerminateProcess


class SpawnBackend(ProcessBackend):
    name = "spawn"
    summary = "a fresh Python per submission, no fork() needed (Windows; any system)"
    server = "spawn"  # the judge's handle: spawnserver.SpawnServer, not forkserver.ForkServer


@dataclass
class Child:
    """A spawned worker not yet connected: its nanny process, listener, token and folder."""

    proc: subprocess.Popen
    listener: socket.socket
    token: str
    tmp: str
    stderr: IO[bytes]
    config: dict
    job: int | None = None  # Windows: the Job Object holding it
    worker_pid: int | None = None  # the worker's own pid, once it said so (its "ready")
    done: list = field(default_factory=list)  # [returncode] once discarded

    def discard(self) -> int | None:
        """Kill the worker, its nanny and what they started; the nanny's returncode."""
        if self.done:
            return self.done[0]
        rc = self.proc.poll()
        if rc is None and self.worker_pid is not None:  # the worker first: the nanny then
            _kill_group(self.worker_pid)  # ends as it did (or says how it ended before)
            with contextlib.suppress(subprocess.TimeoutExpired):
                rc = self.proc.wait(timeout=2)
        if self.job is not None:
            _windows_terminate(self.job)
        _kill_group(self.proc.pid)
        with contextlib.suppress(OSError):
            self.proc.kill()
        rc = self.proc.wait() if rc is None else rc
        self.listener.close()
        self.stderr.close()
        remove_tree(self.tmp)
        self.done.append(rc)
        return rc


def _kill_group(pid: int) -> None:
    """SIGKILL a process group (POSIX), or the one process where there are no groups."""
    killpg = getattr(os, "killpg", None)
    for kill in ((lambda: killpg(pid, KILL)) if killpg else None, lambda: os.kill(pid, KILL)):
        if kill is not None:
            with contextlib.suppress(OSError):
                kill()


def start_child(lab: Lab, memory_mb: int | None, file_mb: int) -> Child:
    """Start one spawned worker (it connects back later: spawnserver.connect)."""
    from .launch import boot_paths, zygote_config, zygote_env

    tmp = tempfile.mkdtemp(prefix="mindlab-")
    stderr = tempfile.TemporaryFile()
    listener = socket.create_server(("127.0.0.1", 0), backlog=1)
    inner = [sys.executable, "-E", "-s", "-c", BOOT, str(listener.getsockname()[1]),
             *boot_paths()]
    flags = getattr(subprocess, "CREATE_NEW_PROCESS_GROUP", 0) | \
        getattr(subprocess, "CREATE_NO_WINDOW", 0)
    try:
        proc = subprocess.Popen([sys.executable, "-E", "-s", "-S", "-c", NANNY, *inner],
                                cwd=tmp, env=zygote_env(tmp), stdin=subprocess.PIPE,
                                stdout=subprocess.DEVNULL, stderr=stderr,
                                start_new_session=os.name == "posix", creationflags=flags)
    except OSError:
        listener.close()
        stderr.close()
        remove_tree(tmp)
        raise
    child = Child(proc, listener, secrets.token_hex(16), tmp, stderr,
                  zygote_config(lab, "spawn", memory_mb, file_mb, tmp))
    if os.name == "nt":
        child.job = _windows_job(proc, (memory_mb or 0) * 2**20)
    with contextlib.suppress(OSError):  # the nanny starts the worker now, inside the job
        proc.stdin.write(child.token.encode() + b"\n")
        proc.stdin.close()
    return child


def _windows_job(proc: subprocess.Popen, memory_bytes: int) -> int | None:
    """A Job Object holding `proc` and all it starts: killed together (and when the judge
    exits), no crash dialog, and each process's committed memory capped (when set)."""
    try:
        import ctypes
        from ctypes import wintypes

        class Basic(ctypes.Structure):
            _fields_ = [("PerProcessUserTimeLimit", ctypes.c_int64),
                        ("PerJobUserTimeLimit", ctypes.c_int64), ("LimitFlags", wintypes.DWORD),
                        ("MinimumWorkingSetSize", ctypes.c_size_t),
                        ("MaximumWorkingSetSize", ctypes.c_size_t),
                        ("ActiveProcessLimit", wintypes.DWORD), ("Affinity", ctypes.c_size_t),
                        ("PriorityClass", wintypes.DWORD), ("SchedulingClass", wintypes.DWORD)]

        class Extended(ctypes.Structure):
            _fields_ = [("BasicLimitInformation", Basic),
                        ("IoInfo", ctypes.c_uint64 * 6),
                        *[(n, ctypes.c_size_t) for n in ("ProcessMemoryLimit", "JobMemoryLimit",
                                                         "PeakProcessMemoryUsed",
                                                         "PeakJobMemoryUsed")]]

        kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)
        kernel32.CreateJobObjectW.restype = wintypes.HANDLE
        job = kernel32.CreateJobObjectW(None, None)
        if not job:
            return None
        info = Extended()
        # KILL_ON_JOB_CLOSE | DIE_ON_UNHANDLED_EXCEPTION (| PROCESS_MEMORY)
        info.BasicLimitInformation.LimitFlags = 0x2000 | 0x400 | (0x100 if memory_bytes else 0)
        info.ProcessMemoryLimit = memory_bytes
        kernel32.SetInformationJobObject(wintypes.HANDLE(job), 9, ctypes.byref(info),
                                         ctypes.sizeof(info))  # JobObjectExtendedLimitInfo
        handle = wintypes.HANDLE(int(proc._handle))  # type: ignore[attr-defined]
        if not kernel32.AssignProcessToJobObject(wintypes.HANDLE(job), handle):
            kernel32.CloseHandle(wintypes.HANDLE(job))
            return None
        return int(job)
    except Exception:
        return None


def _windows_terminate(job: int) -> None:
    with contextlib.suppress(Exception):
        import ctypes
        from ctypes import wintypes

        kernel32 = ctypes.WinDLL("kernel32")
        kernel32.TerminateJobObject(wintypes.HANDLE(job), 9)
        kernel32.CloseHandle(wintypes.HANDLE(job))
