"""A worker's CPU time, read by the judge from the kernel: learner code cannot forge it.

The judge times each call of a learner's function by the CPU time its worker used
(`/proc/<pid>/stat`, user + system, every thread), not by the wall clock, so the same
code gets the same verdict on a quiet laptop and on a loaded grading server, and an
endless loop is cut off after a fraction of a second of CPU.

Under bubblewrap the zygote reports a worker's pid in its own PID namespace: the host
pid is found among the sandbox's processes by the last field of their `NSpid` line.
Where there is no /proc (macOS, Windows) or the pid cannot be matched, `open_clock`
gives None and the judge falls back to wall-clock limits.

>>> clock = CpuClock.of(os.getpid())
>>> 0.0 <= clock.seconds() if clock else True
True
"""

from __future__ import annotations

import os

TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100  # stat's unit (Hz)
MAX_DEPTH = 4  # bwrap -> its init -> zygote -> worker


class CpuClock:
    """The CPU seconds one process has used so far, from an open /proc/<pid>/stat."""

    def __init__(self, fd: int) -> None:
        self.fd = fd

    @classmethod
    def of(cls, pid: int) -> CpuClock | None:
        """A clock on `pid`, or None where /proc/<pid>/stat cannot be read."""
        try:
            clock = cls(os.open(f"/proc/{pid}/stat", os.O_RDONLY | os.O_CLOEXEC))
            clock.seconds()
        except (OSError, ValueError, IndexError):
            return None
        return clock

    def seconds(self) -> float:
        """utime + stime in seconds; OSError once the process is gone."""
        text = os.pread(self.fd, 1024, 0).decode("ascii", "replace")
        fields = text.rpartition(")")[2].split()  # the name may hold spaces and ')'
        return (int(fields[11]) + int(fields[12])) / TICK  # fields 14, 15 of stat(5)

    def close(self) -> None:
        """Close the stat file (None, so `clock = clock.close()` forgets it)."""
        try:
            os.close(self.fd)
        except OSError:
            pass


def _children(pid: int) -> list[int]:
    """The host pids of `pid`'s children (every thread's children file)."""
    found: list[int] = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children", encoding="ascii") as f:
                found += [int(p) for p in f.read().split()]
    except (OSError, ValueError):
        pass
    return found


def _namespace_pid(pid: int) -> int | None:
    """`pid`'s pid in its innermost PID namespace, or None when it is in the host's only."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii", errors="replace") as f:
            for line in f:
                if line.startswith("NSpid:"):
                    pids = line.split()[1:]
                    return int(pids[-1]) if len(pids) > 1 else None
    except (OSError, ValueError):
        pass
    return None


def host_pid(root: int, pid: int, sandboxed: bool) -> int | None:
    """The host pid of a worker its zygote calls `pid`; `root` is the zygote's process (or
    bwrap's, when `sandboxed`). None when no descendant of `root` matches."""
    if not sandboxed:
        return pid if pid in _children(root) else None
    level = [root]
    for _ in range(MAX_DEPTH):
        level = [c for p in level for c in _children(p)]
        for child in level:
            if _namespace_pid(child) == pid:
                return child
    return None


def open_clock(server: object, pid: int) -> CpuClock | None:
    """A CPU clock on the worker `server` (a ForkServer) just spawned as `pid`; None where
    it cannot be had (no /proc, a spawn server, an unmatched pid): wall time then."""
    proc = getattr(server, "proc", None)
    isolation = getattr(server, "isolation", "")
    if proc is None or isolation not in ("process", "bwrap") or not os.path.isdir("/proc"):
        return None
    host = host_pid(proc.pid, pid, sandboxed=isolation == "bwrap")
    return CpuClock.of(host) if host is not None else None
