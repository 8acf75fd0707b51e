"""The kernel's part of a worker's confinement, set before the submission's first line runs:
what the audit-hook guard (guard.py) enforces in Python, the kernel enforces here for the
few things Python's hooks cannot see (a C module that forks and runs a program, a signal
through a pidfd, a device node), and for everything if the interpreter itself is broken.

- `drop_to_nobody(folder)`: as root, become `nobody`, owning only the worker's folder;
- `drop_capabilities()`: as root that stays root (process isolation, an interpreter
  only root can read), give up every capability: no reading other processes' memory
  (/proc/PID/mem of the undumpable fork server), no bypassing file permissions;
- `forbid_syscalls(pid)`: a seccomp filter (Linux x86-64 and arm64): no program is ever
  run (execve), no other process is traced, read, written, signalled (kill and tgkill
  only to this process or its own group), no other process's limits, priority or CPUs
  (prlimit64 only on itself), no new namespaces, sockets, device nodes, io_uring or
  memory files (memfd_create), no change of any file's mode, owner, times or extended
  attributes (its own files' too: learner code has no need of them).
  Once set, nothing in the process can lift it; its children inherit it.

Elsewhere (macOS, Windows, other CPUs) these do nothing and the guard stands alone.

>>> len(_program(1234, _SYSCALLS["x86_64"])) > 20
True
"""

from __future__ import annotations

import os
import platform
import struct

NOBODY = 65534  # the unprivileged uid and gid workers run as when the grader is root

# syscall numbers refused outright, per machine; kill, tgkill and prlimit64 are checked by
# target (prlimit64 on another process would set the judge's or another worker's limits)
_SYSCALLS = {
    "x86_64": {"arch": 0xC000003E, "kill": 62, "tgkill": 234, "prlimit64": 302, "deny": (
        59, 322,  # execve, execveat
        101, 310, 311, 312, 438, 434, 424,  # ptrace, process_vm_readv/writev, kcmp,
        # pidfd_getfd, pidfd_open, pidfd_send_signal
        200,  # tkill
        133, 259,  # mknod, mknodat
        272, 308, 165,  # unshare, setns, mount
        41, 53, 42, 49, 50,  # socket, socketpair, connect, bind, listen
        425, 426, 427, 321, 298, 323, 304,  # io_uring_*, bpf, perf_event_open,
        # userfaultfd, open_by_handle_at
        141, 142, 144, 203, 251, 314,  # setpriority, sched_setparam, sched_setscheduler,
        # sched_setaffinity, ioprio_set, sched_setattr: another process's share of the machine
        319,  # memfd_create: a file in no folder, a C module loadable by /proc/self/fd
        90, 91, 268, 452, 92, 93, 94, 260, 132, 235, 261, 280,  # chmod, chown, utime families
        188, 189, 190, 197, 198, 199, 463, 466)},  # set/remove xattr: a file's metadata,
    # which Landlock does not cover (found from outside: a setuid bit set on a root file, a
    # value kept in a host file's mtime for the next student)
    "aarch64": {"arch": 0xC00000B7, "kill": 129, "tgkill": 131, "prlimit64": 261, "deny": (
        221, 281, 117, 270, 271, 272, 438, 434, 424, 130, 33, 97, 268, 40,
        198, 199, 203, 200, 201, 425, 426, 427, 280, 241, 282, 265,
        140, 118, 119, 122, 30, 274, 279,
        52, 53, 452, 54, 55, 88, 5, 6, 7, 14, 15, 16, 463, 466)},
}
_RET_ALLOW = 0x7FFF0000
_RET_EPERM = 0x00050001  # SECCOMP_RET_ERRNO | EPERM
_LD_W_ABS, _JEQ_K, _JGE_K, _RET_K = 0x20, 0x15, 0x35, 0x06


def drop_to_nobody(folder: str) -> None:
    """As root, become `nobody`, owning only `folder` (the judge decides when:
    isolation/launch.py drops_to_nobody)."""
    os.chown(folder, NOBODY, NOBODY)
    os.setgroups([])
    os.setgid(NOBODY)
    os.setuid(NOBODY)
    if os.geteuid() == 0:  # never go on as root
        raise PermissionError("could not leave root")


def drop_capabilities() -> None:
    """Give up every capability, for good (bounding set, then effective, permitted and
    inheritable): root that stays root keeps only what file ownership grants."""
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        return
    libc = _libc()
    if libc is None:
        return
    for cap in range(64):
        libc.prctl(24, cap, 0, 0, 0)  # PR_CAPBSET_DROP (fails quietly past the last cap)
    import ctypes

    header = (ctypes.c_uint32 * 2)(0x20080522, 0)  # _LINUX_CAPABILITY_VERSION_3, this one
    data = (ctypes.c_uint32 * 6)()  # two zeroed {effective, permitted, inheritable}
    if libc.capset(header, data) != 0:
        raise PermissionError("could not give up capabilities")


def forbid_syscalls(pid: int) -> None:
    """Install the seccomp filter of the module docstring (no-op where it does not apply)."""
    table = _SYSCALLS.get(platform.machine())
    libc = _libc()
    if table is None or libc is None:
        return
    import ctypes

    code = _program(pid, table)
    filters = ctypes.create_string_buffer(code, len(code))

    class Prog(ctypes.Structure):
        _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]

    prog = Prog(len(code) // 8, ctypes.cast(filters, ctypes.c_void_p))
    if libc.prctl(38, 1, 0, 0, 0) != 0:  # PR_SET_NO_NEW_PRIVS: needed to filter unprivileged
        raise PermissionError("could not set no_new_privs")
    if libc.prctl(22, 2, ctypes.byref(prog), 0, 0) != 0:  # PR_SET_SECCOMP, MODE_FILTER
        raise PermissionError("could not install the seccomp filter")


def _program(pid: int, table: dict) -> bytes:
    """The BPF program: wrong architecture or a denied call -> EPERM; kill(pid | 0 | -pid),
    tgkill(pid, ...) and prlimit64(0 | pid, ...) allowed, other targets EPERM; everything
    else allowed."""
    ops: list[tuple[int, int, int, int]] = []
    ops.append((_LD_W_ABS, 0, 0, 4))  # seccomp_data.arch
    ops.append((_JEQ_K, 1, 0, table["arch"]))
    ops.append((_RET_K, 0, 0, _RET_EPERM))
    ops.append((_LD_W_ABS, 0, 0, 0))  # seccomp_data.nr
    ops.append((_JGE_K, 0, 1, 0x40000000))  # the x32 ABI's numbers: never Python's own
    ops.append((_RET_K, 0, 0, _RET_EPERM))
    for nr in table["deny"]:
        ops.append((_JEQ_K, 0, 1, nr))
        ops.append((_RET_K, 0, 0, _RET_EPERM))
    me, group = pid & 0xFFFFFFFF, (-pid) & 0xFFFFFFFF  # the worker leads its own group
    for name, allowed in (("kill", (me, 0, group)), ("tgkill", (me,)), ("prlimit64", (0, me))):
        ops.append((_JEQ_K, 0, 2 + 2 * len(allowed), table[name]))
        ops.append((_LD_W_ABS, 0, 0, 16))  # low half of args[0]
        for target in allowed:
            ops.append((_JEQ_K, 0, 1, target))
            ops.append((_RET_K, 0, 0, _RET_ALLOW))
        ops.append((_RET_K, 0, 0, _RET_EPERM))
    ops.append((_RET_K, 0, 0, _RET_ALLOW))
    return b"".join(struct.pack("<HBBI", *op) for op in ops)


def _libc():
    try:
        import ctypes

        return ctypes.CDLL(None, use_errno=True)
    except (ImportError, OSError):
        return None
