"""The kernel's file barrier for a worker (Linux Landlock, 5.13+): what guard.py refuses in
Python, refused again by the kernel, for code that got past the hook (memory corruption:
docs/threat-model.md, note 3). Set before the submission's first line, for good.

- read only what the guard lets it read: the readable roots, minus what is hidden inside
  them (Landlock allows whole hierarchies, so a folder that holds a hidden file is
  opened to listing only, and its other entries one by one: `rules`);
- write, make and delete only in its own folder (and write /dev/null);
- where the kernel scopes signals (Landlock ABI 6), signal no process outside its own
  (the fork server, the judge, other students').

Where Landlock is missing (an older or other kernel, macOS, Windows) it does nothing: the
guard, the seccomp filter and the sandbox stand as before.

>>> sorted(rules(["/nowhere"], []))
[]
"""

from __future__ import annotations

import os
import platform

from .guard import _SYSTEM_FILES

READ_FILE, READ_DIR = 1 << 2, 1 << 3  # LANDLOCK_ACCESS_FS_*
WRITE_FILE, TRUNCATE = 1 << 1, 1 << 14
_FS_ABI1 = (1 << 13) - 1  # execute ... make_sym: every right of the first ABI
_REFER = 1 << 13  # ABI 2
_SCOPE_SIGNAL = 1 << 1  # ABI 6
_CREATE, _ADD_RULE, _RESTRICT = 444, 445, 446  # the same on x86-64 and arm64
_PATH_BENEATH = 1
# the system files the guard lets learner code open (/dev/null for writing too)
_DEVICES = tuple((f, READ_FILE | WRITE_FILE | TRUNCATE if f == "/dev/null" else READ_FILE)
                 for f in _SYSTEM_FILES)


def _inside(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip("/") + "/")


def rules(readable: list[str], hidden: list[str]) -> list[tuple[str, int]]:
    """(path, rights) for every readable root, a folder holding something hidden split
    into listing rights for itself and read rights for each other entry; a file's rule
    holds file rights only, as the kernel requires (the zygote works this out once; each
    worker adds them).

    >>> import tempfile, pathlib
    >>> top = pathlib.Path(tempfile.mkdtemp()); (top / "a").mkdir(); (top / "b").touch()
    >>> (top / "a" / "secret").touch(); (top / "a" / "open").touch()
    >>> [(p[len(str(top)):], r) for p, r in rules([str(top)], [str(top / "a" / "secret")])]
    [('', 8), ('/a', 8), ('/a/open', 4), ('/b', 4)]
    """
    hidden = [os.path.realpath(h) for h in hidden]
    found: list[tuple[str, int]] = []

    def expand(path: str) -> None:
        if any(_inside(path, h) for h in hidden) or not os.path.exists(path):
            return
        folder = os.path.isdir(path)
        if not any(_inside(h, path) for h in hidden):
            found.append((path, READ_FILE | READ_DIR if folder else READ_FILE))
            return
        found.append((path, READ_DIR))
        for name in sorted(os.listdir(path)):
            expand(os.path.join(path, name))

    for root in dict.fromkeys(os.path.realpath(r) for r in readable):
        expand(root)
    return found


def restrict(own: str, allowed: list[tuple[str, int]]) -> bool:
    """Limit this process (and all it starts) to `allowed` plus its own folder `own`;
    False where the kernel has no Landlock (nothing changed)."""
    if platform.system() != "Linux":
        return False
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
    except (ImportError, OSError):
        return False
    syscall = libc.syscall
    syscall.restype = ctypes.c_long
    abi = syscall(_CREATE, None, ctypes.c_size_t(0), ctypes.c_uint32(1))  # ..._VERSION
    if abi < 1:
        return False
    handled = _FS_ABI1 | (_REFER if abi >= 2 else 0) | (TRUNCATE if abi >= 3 else 0)
    scoped = _SCOPE_SIGNAL if abi >= 6 else 0
    attr = b"".join(v.to_bytes(8, "little") for v in ((handled, 0, scoped) if scoped
                                                       else (handled,)))  # ruleset_attr
    ruleset = syscall(_CREATE, ctypes.c_char_p(attr), ctypes.c_size_t(len(attr)),
                      ctypes.c_uint32(0))
    if ruleset < 0:
        return False
    try:
        everything = handled & ~1  # all but execute (seccomp refuses programs anyway)
        for path, rights in [*allowed, *_DEVICES, (f"/proc/{os.getpid()}", READ_FILE | READ_DIR),
                             (own, everything)]:
            if not _add(syscall, ctypes, ruleset, path, rights & handled):
                return False  # a rule the kernel would not take: no half-made barrier
        if libc.prctl(38, 1, 0, 0, 0) != 0:  # PR_SET_NO_NEW_PRIVS
            return False
        return syscall(_RESTRICT, ctypes.c_int(ruleset), ctypes.c_uint32(0)) == 0
    finally:
        os.close(ruleset)


def _add(syscall, ctypes, ruleset: int, path: str, rights: int) -> bool:
    """Allow `rights` beneath `path` (True too when `path` is gone: nothing to allow)."""
    try:
        fd = os.open(path, os.O_PATH | os.O_CLOEXEC)
    except OSError:
        return True
    try:
        rule = rights.to_bytes(8, "little") + fd.to_bytes(4, "little", signed=True)  # packed
        return syscall(_ADD_RULE, ctypes.c_int(ruleset), ctypes.c_int(_PATH_BENEATH),
                       ctypes.c_char_p(rule), ctypes.c_uint32(0)) == 0
    finally:
        os.close(fd)
