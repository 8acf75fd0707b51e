"""Processes on Linux and macOS: dying with the parent, adopting orphans, killing a whole tree.

>>> describe_status(256)
' (it exited with status 1)'
"""

from __future__ import annotations

import contextlib
import os
import signal
import stat


def set_subreaper() -> None:
    """Linux: orphans of our workers become our children, so we can kill them afterwards."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER
    except Exception:
        pass


def die_with_parent() -> None:
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG
    except Exception:
        pass


MAX_ROUNDS = 50  # rounds of killing what a worker left behind (one round takes it all)


def descendants(pid: int) -> list[int]:
    """Every process below `pid`: its children, theirs, and so on (Linux /proc, every
    thread's children; elsewhere the direct children only).

    >>> os.getpid() in descendants(os.getppid()) if os.path.isdir("/proc") else True
    True
    """
    found: list[int] = []
    level = [pid]
    while level and len(found) < 100_000:
        below = [c for parent in level for c in every_child(parent)]
        if not below and level == [pid] and not os.path.isdir(f"/proc/{pid}/task"):
            below = children(pid)  # (no per-thread files here: the scan of /proc/N/stat)
        found += below
        level = below
    return found


def every_child(pid: int) -> list[int]:
    """The children of every thread of `pid` ([] where /proc cannot tell)."""
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return []
    found: list[int] = []
    for task in tasks:  # a thread that ends meanwhile loses its file, not the others'
        try:
            with open(f"/proc/{pid}/task/{task}/children", "rb") as f:
                found += [int(n) for n in f.read().split()]
        except (OSError, ValueError):
            pass
    return found


def children(pid: int) -> list[int]:
    """Pids whose parent is `pid` (Linux /proc; [] elsewhere).

    One read of /proc/PID/task/PID/children when the kernel has it (the zygote is single
    threaded, so its main task has them all); else a scan of every /proc/N/stat.
    """
    try:
        with open(f"/proc/{pid}/task/{pid}/children", "rb") as f:
            return [int(n) for n in f.read().split()]
    except (OSError, ValueError):
        pass
    found = []
    try:
        entries = os.listdir("/proc")
    except OSError:
        return found
    for entry in entries:
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as f:
                stat = f.read()
            ppid = int(stat[stat.rindex(b")") + 2 :].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        if ppid == pid:
            found.append(int(entry))
    return found


def describe_status(status: int | None) -> str:
    """' (killed by signal 11, a segmentation fault)' — for LearnerCrashed messages."""
    if status is None:
        return ""
    if os.WIFSIGNALED(status):
        sig = os.WTERMSIG(status)
        what = {signal.SIGSEGV: ", a segmentation fault", signal.SIGKILL: "",
                signal.SIGABRT: ", an abort"}.get(sig, "")
        return f" (it was killed by signal {sig}{what})"
    if os.WIFEXITED(status):
        return f" (it exited with status {os.WEXITSTATUS(status)})"
    return ""


def kill_all(pid: int) -> int | None:
    """Kill a worker, its process group and every process it left behind; its wait status."""
    for kill in (lambda: os.killpg(pid, signal.SIGKILL), lambda: os.kill(pid, signal.SIGKILL)):
        try:
            kill()
        except OSError:
            pass
    status = None
    try:
        _, status = os.waitpid(pid, 0)
    except ChildProcessError:
        pass
    for _ in range(MAX_ROUNDS):  # what it left behind, however deep a chain: all of it
        found = descendants(os.getpid())  # stopped at once (none forks again), then killed
        if not found:
            break
        for child in found:
            with contextlib.suppress(OSError):
                os.kill(child, signal.SIGSTOP)
        for child in found:
            for kill in (lambda c=child: os.killpg(c, signal.SIGKILL),
                         lambda c=child: os.kill(c, signal.SIGKILL)):
                try:
                    kill()
                except OSError:
                    pass
        for child in children(os.getpid()):  # (the rest come back to us, a subreaper)
            try:
                os.waitpid(child, 0)
            except ChildProcessError:
                pass
    while True:  # reap anything else that already ended
        try:
            if os.waitpid(-1, os.WNOHANG)[0] == 0:
                break
        except ChildProcessError:
            break
    return status


def make_undumpable() -> None:
    """Linux: PR_SET_DUMPABLE 0 — processes of the same uid can no longer read or write this
    one's memory (/proc/PID/mem) or attach to it; its children inherit that."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(4, 0, 0, 0, 0)  # PR_SET_DUMPABLE
    except Exception:
        pass


def remove_tree(path: str) -> None:
    """Delete a worker's directory however deep, even if the learner made parts of it
    read-only, never following a link out of it (a link in it, or the folder itself
    replaced by one). Never recursive: what a folder holds is moved up into `path` and
    the emptied folder removed, round after round, so a chain of 3,000 folders costs
    3,000 rounds, not a RecursionError (os.walk and shutil.rmtree recurse) or a path
    too long for the kernel. Call it once nothing runs in the folder any more."""
    if not path:
        return
    try:
        if os.path.islink(path) or not os.path.isdir(path):
            if os.path.islink(path):
                os.unlink(path)
            return
        with contextlib.suppress(OSError):  # (a directory, checked: not a link)
            os.chmod(path, 0o700)
        top = os.open(path, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC)
    except OSError:
        return
    try:
        _empty(top)
    finally:
        os.close(top)
    with contextlib.suppress(OSError):
        os.rmdir(path)


def _empty(top: int) -> None:
    """Empty the folder open as `top`: files unlinked, empty folders removed, and what a
    full folder holds renamed into `top` (a name of ours) for the next round."""
    moved = 0
    while True:
        try:
            names = os.listdir(top)
        except OSError:
            return
        progress = False
        for name in names:
            try:
                is_dir = stat.S_ISDIR(os.stat(name, dir_fd=top, follow_symlinks=False).st_mode)
                if not is_dir:
                    os.unlink(name, dir_fd=top)
                    progress = True
                    continue
                with contextlib.suppress(OSError):
                    os.rmdir(name, dir_fd=top)
                    progress = True
                    continue
                with contextlib.suppress(OSError):  # a folder it made unreadable (no link:
                    os.chmod(name, 0o700, dir_fd=top)  # checked above; nothing runs now)
                inner = os.open(name, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW
                                | os.O_CLOEXEC, dir_fd=top)
            except OSError:
                continue
            try:
                for child in os.listdir(inner):
                    with contextlib.suppress(OSError):  # a folder moves to another parent
                        if stat.S_ISDIR(os.stat(child, dir_fd=inner,  # only if it is
                                                follow_symlinks=False).st_mode):  # writable
                            os.chmod(child, 0o700, dir_fd=inner)  # (to a non-root cleaner)
                    for _ in range(8):  # a name of ours the learner took: the next one
                        moved += 1
                        try:
                            os.rename(child, f".mindlab-up-{moved}", src_dir_fd=inner,
                                      dst_dir_fd=top)
                            progress = True
                            break
                        except OSError:
                            continue
            except OSError:
                pass
            finally:
                os.close(inner)
        if not names or not progress:
            return
