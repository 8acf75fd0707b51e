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

from .worker.processes import descendants, every_child

TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100  # stat's unit (Hz)
MAX_DEPTH = 4  # bwrap -> its init -> zygote -> worker


class CpuClock:
    """The CPU seconds one process and everything it started have used so far.

    The worker's own stat file is read every time (user + system, and its waited-for
    children's); its children, and its parent's other children (a grandchild whose parent
    ended is the zygote's now: it is a subreaper), only say whether there is more to count
    (a process that forks a child to do its work while it waits uses CPU all the same).
    """

    def __init__(self, fd: int, pid: int | None = None, parent: int | None = None) -> None:
        self.fd = fd
        self.pid, self.parent = pid, parent
        self.kids = _open(f"/proc/{pid}/task/{pid}/children") if pid else -1
        self.siblings = _open(f"/proc/{parent}/task/{parent}/children") if parent else -1

    @classmethod
    def of(cls, pid: int) -> CpuClock | None:
        """A clock on `pid`, or None where /proc/<pid>/stat cannot be read."""
        try:
            fd = os.open(f"/proc/{pid}/stat", os.O_RDONLY | os.O_CLOEXEC)
            parent = int(_fields(os.pread(fd, 1024, 0))[1])
            clock = cls(fd, pid, parent)
            clock.seconds()
        except (OSError, ValueError, IndexError):
            return None
        return clock

    def seconds(self, alone: bool = False) -> float:
        """CPU seconds of the process and all it started (`alone`: its own and its
        waited-for children's only, one read); OSError once it is gone."""
        fields = _fields(os.pread(self.fd, 1024, 0))
        ticks = _ticks(fields)
        if not alone and self.pid is not None and (
                int(fields[17]) > 1 or _listed(self.kids) or _listed(self.siblings) != [self.pid]):
            ticks += sum(_ticks_of(p) for p in _below(self.pid, self.parent))
        return ticks / TICK

    def close(self) -> None:
        """Close the stat file (None, so `clock = clock.close()` forgets it)."""
        for fd in (self.fd, self.kids, self.siblings):
            if fd >= 0:
                try:
                    os.close(fd)
                except OSError:
                    pass


def _open(path: str) -> int:
    try:
        return os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    except OSError:
        return -1


def _fields(stat: bytes) -> list[str]:
    """stat(5)'s fields from the state on (the name may hold spaces and ')')."""
    return stat.decode("ascii", "replace").rpartition(")")[2].split()


def _ticks(fields: list[str]) -> int:
    """utime + stime + cutime + cstime (fields 14-17 of stat(5))."""
    return int(fields[11]) + int(fields[12]) + int(fields[13]) + int(fields[14])


def _ticks_of(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            return _ticks(_fields(f.read()))
    except (OSError, ValueError, IndexError):
        return 0  # ended meanwhile: its parent's cutime has it, or nobody waits for it


def _listed(fd: int) -> list[int]:
    if fd < 0:
        return []
    try:
        return [int(n) for n in os.pread(fd, 65536, 0).split()]
    except (OSError, ValueError):
        return []


def _below(pid: int, parent: int | None) -> list[int]:
    """Every process `pid` started (all its threads' children, theirs ...), and the other
    children of `parent` with theirs (what its grandchildren became when orphaned)."""
    found = descendants(pid)
    if parent:
        for sibling in every_child(parent):
            if sibling != pid:
                found += [sibling, *descendants(sibling)]
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
        return pid if pid in every_child(root) else None
    level = [root]
    for _ in range(MAX_DEPTH):
        level = [c for p in level for c in every_child(p)]
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
