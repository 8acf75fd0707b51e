"""One writer per output folder: OUT/.lock, held with an exclusive flock while a run writes.

Two `grade-batch` runs on one --out would grade every student twice and race on the
gradebook; `merge-grades` into a folder a batch is writing would interleave with it. So
each takes `out_lock(out, command)` first: the second one gets `OutLocked` at once, whose
message names the holder (its pid, command and start, written in the lock file).

The kernel drops a flock when its holder dies, however it dies (SIGKILL included), so a
lock left by a dead run is simply taken over. On a file system without flock the holder's
pid is checked instead (alive on this host: locked; else taken over).

>>> import tempfile; out = Path(tempfile.mkdtemp())
>>> with out_lock(out, "mindlab grade-batch a --out b"):  # doctest: +ELLIPSIS
...     with out_lock(out, "mindlab grade-batch a --out b"):
...         pass
Traceback (most recent call last):
...
mindlab_grader.batch.lock.OutLocked: another grade-batch (pid ...
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
from collections.abc import Iterator
from pathlib import Path

from .records import now

try:
    import fcntl
except ImportError:  # Windows: the pid check alone
    fcntl = None  # type: ignore[assignment]

LOCK_NAME = ".lock"


class OutLocked(RuntimeError):
    """Another run is writing to this output folder; the message says which."""


def holder_text(out: Path, holder: dict) -> str:
    """'another grade-batch (pid 41, started 2024-...) is writing to OUT: ...'."""
    command = str(holder.get("command") or "")
    what = command.split()[1] if len(command.split()) > 1 else "grade-batch"
    return (f"another {what} (pid {holder.get('pid', '?')}, started "
            f"{holder.get('started', '?')}) is writing to {out}: wait for it or choose "
            "another --out")


def read_holder(fd: int) -> dict:
    """What the lock file says about its holder ({} when it says nothing readable)."""
    with contextlib.suppress(OSError, ValueError):
        os.lseek(fd, 0, os.SEEK_SET)
        data = json.loads(os.read(fd, 65536).decode("utf-8", errors="replace"))
        return data if isinstance(data, dict) else {}
    return {}


def alive(holder: dict) -> bool:
    """The holder's process still runs (only knowable on its own host)."""
    pid = holder.get("pid")
    if not isinstance(pid, int) or pid <= 0 or holder.get("host") != socket.gethostname():
        return False
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's live process
        return True
    return True


def take(fd: int) -> bool:
    """Lock `fd` exclusively without waiting; False when another run holds it."""
    if fcntl is not None:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            return False
        except OSError:  # no flock on this file system (some NFS, FUSE): the pid check
            pass
    return not alive(read_holder(fd))


@contextlib.contextmanager
def out_lock(out: Path, command: str | None = None) -> Iterator[None]:
    """Hold OUT/.lock while the body writes to `out`; OutLocked if another run holds it."""
    out = Path(out)
    try:
        out.mkdir(parents=True, exist_ok=True)
        fd = os.open(out / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:  # a usage error: the folder cannot be written
        raise ValueError(f"cannot write to --out {out} ({exc.strerror}): choose a folder "
                         "you can write to") from None
    try:
        if not take(fd):
            raise OutLocked(holder_text(out, read_holder(fd)))
        me = {"pid": os.getpid(), "host": socket.gethostname(), "started": now(),
              "command": command or "mindlab grade-batch"}
        os.ftruncate(fd, 0)
        os.lseek(fd, 0, os.SEEK_SET)
        os.write(fd, json.dumps(me).encode())
        try:
            yield
        finally:
            with contextlib.suppress(OSError):
                os.ftruncate(fd, 0)  # never unlinked: a waiting opener would lock a ghost
    finally:
        os.close(fd)  # releases the flock
