"""What learner code may do from inside the worker, enforced with an audit hook (PEP 578).

Installed once the worker is confined and before the submission's first line runs; a
hook cannot be removed. It refuses, with PermissionError:

- reading outside the places a submission needs (the interpreter and its packages,
  mindlab_core minus every lab's reference, a few system files, its own folder): so no
  grader, suite, solution, other student's file or other process (/proc) is readable;
- writing, renaming, linking or deleting outside its own folder, and every symlink
  (shared memory too: the C modules that make named files in /dev/shm are not imported);
- making more than MAX_MADE files and folders (with the size limit per file, a bound
  on the disk a submission fills);
- running programs, calling C code (ctypes, Python's own test modules) or loading a C
  module from a file it wrote (or may not read), starting another interpreter (which
  would have no hook), opening network sockets,
  signalling any process but its own group, changing the code of this file's functions,
  listing every object in memory (gc.get_objects ...) or making code objects by hand.

Every refusal is counted by kind (`REFUSALS`): the judge turns kinds, never paths or
text the learner chose, into the report's integrity notes. This is one layer: the
sandbox (isolation/), an unprivileged uid when the grader runs as root, and a fork
server no worker can read or signal are the others (docs/threat-model.md).

>>> resolved("a/../b/./c", "/nowhere/w1")
'/nowhere/w1/b/c'
"""

from __future__ import annotations

import os
import pathlib
import stat
import sys

# refusal kinds, counted in REFUSALS; the judge words them (remote.REFUSED)
READ, WRITE, RUN, SIGNAL, NATIVE, NETWORK, TAMPER, DISK = (
    "read", "write", "run", "signal", "native", "network", "tamper", "disk")
REFUSALS: dict[str, int] = {}
# files and folders a submission may make in its own folder: each file is held to the
# file-size limit (RLIMIT_FSIZE) but nothing held their total, so under process isolation
# 160 files of 16 MB put 2.5 GB on the grader's disk in 10 s (found from outside)
MAX_MADE = 16

_PROC_SELF = ("stat", "statm", "status", "maps", "smaps", "limits")
_SYSTEM_FILES = ("/dev/null", "/dev/zero", "/dev/urandom", "/dev/random",
                 "/proc/meminfo", "/proc/cpuinfo")
_RUN = frozenset({"os.system", "os.exec", "os.posix_spawn", "os.spawn", "os.startfile",
                  "subprocess.Popen", "os.forkpty", "pty.spawn"})
_CHANGE = frozenset({"os.remove", "os.rename", "os.rmdir", "os.mkdir", "os.chmod", "os.chown",
                     "os.truncate", "os.utime", "os.chflags", "os.lchflags", "os.lchmod",
                     "os.lchown", "os.setxattr", "os.removexattr", "shutil.copyfile",
                     "shutil.copymode", "shutil.copystat", "shutil.copytree", "shutil.move",
                     "shutil.rmtree", "shutil.chown", "sqlite3.connect"})
_TWO_PATHS = frozenset({"os.rename", "shutil.copyfile", "shutil.copytree", "shutil.move"})
_LINK = frozenset({"os.symlink", "os.link"})
_LIST = frozenset({"os.listdir", "os.scandir", "os.listxattr", "os.getxattr"})
_SIGNAL = frozenset({"os.kill", "os.killpg", "signal.pthread_kill"})
_NETWORK = frozenset({"socket.__new__", "socket.connect", "socket.bind", "socket.sendto",
                      "socket.sendmsg", "socket.getaddrinfo", "socket.gethostbyname",
                      "urllib.Request", "http.client.connect", "ftplib.connect",
                      "smtplib.connect", "telnetlib.Telnet.open"})
_TAMPER = frozenset({"sys.setprofile", "sys.settrace"})
# every object in memory (found from outside: the guard's own hook, to overwrite through a
# rebuilt ctypes), and code objects made by hand (bytecode that reads past its constants)
_DIG = frozenset({"gc.get_objects", "gc.get_referrers", "gc.get_referents", "code.__new__"})
# C modules learner code may not load again once the worker has let them go (hiding.py
# forget_native): ctypes reads and writes any address without an audited call
_NATIVE = frozenset({"_ctypes", "ctypes"})
# the interpreter's own test and experiment modules (lib-dynload ships them on many
# systems): raw pointers, refcounts and configuration by hand (_testcapi,
# _testinternalcapi, _ctypes_test), and interpreters of their own (_xxsubinterpreters),
# which run with no audit hook at all (found while probing: all four imported)
_UNSAFE_PREFIXES = ("_test", "_xx", "xx", "_ctypes", "ctypes.")
# C modules that make named files in /dev/shm (shm_open, sem_open) with no audited open:
# found from outside, a file written there outlived its worker (process isolation)
_SHARED_MEMORY = frozenset({"_posixshmem", "_multiprocessing"})


def resolved(path: str, cwd: str, _lstat=os.lstat, _readlink=os.readlink,
             _islink=stat.S_ISLNK, _error=Exception) -> str:
    """The path the kernel opens for `path`: '.' and '..' resolved, and every symlink on
    the way followed, as the kernel follows them ('' for a loop). Text rules alone are
    not enough: an existing link to '..' (there are dozens under /usr)
    makes "/usr/lib/x/link/../../../work" read as /usr but open outside it (found from
    outside). Only C functions, bound now, and no global names: nothing to patch.

    >>> resolved("/proc/self/../self/../1", "/") == "/proc/1"
    True
    """
    if not path.startswith("/"):
        path = cwd.rstrip("/") + "/" + path
    todo = [part for part in path.split("/") if part]
    todo.reverse()  # popped from the end: the next component last
    parts: list[str] = []
    hops = 0
    while todo:
        part = todo.pop()
        if part == ".":
            continue
        if part == "..":
            if parts:
                parts.pop()
            continue
        parts.append(part)
        here = "/" + "/".join(parts)
        try:
            if not _islink(_lstat(here).st_mode):
                continue
            target = _readlink(here)
        except _error:  # not there (a file about to be made): nothing to follow
            continue
        hops += 1
        if hops > 40:  # the kernel's ELOOP
            return ""
        parts.pop()
        if target.startswith("/"):
            parts = []
        more = [piece for piece in target.split("/") if piece]
        more.reverse()
        todo.extend(more)
    return "/" + "/".join(parts)


def under(path: str, roots: tuple[str, ...]) -> bool:
    """True when `path` is one of `roots` or inside one (no global names: see _hook).

    >>> under("/usr/lib/x", ("/usr",)), under("/usrx", ("/usr",))
    (True, False)
    """
    for root in roots:
        if path == root or path.startswith(root.rstrip("/") + "/"):
            return True
    return False


_FUNCTION = type(resolved)
_PATH_TYPES = (pathlib.PurePath, pathlib.PurePosixPath, pathlib.PosixPath, pathlib.Path,
               pathlib.PureWindowsPath, pathlib.WindowsPath)
_FILE = resolved.__code__.co_filename  # the hook refuses changes to this file's functions


def install(own: str, readable: list[str], hidden: list[str]) -> None:
    """Refuse, from now on, what the module docstring lists. `own` is the worker's folder
    (the only writable place), `readable` the roots it may read, `hidden` what inside
    them it may not (the references, the grader's package)."""
    me = os.getpid()
    proc_self = tuple(f"/proc/{who}/{name}" for who in ("self", str(me)) for name in _PROC_SELF)
    own = resolved(own, "/")
    sys.addaudithook(_hook(own, tuple(resolved(p, "/") for p in readable) + (own,),
                           tuple(resolved(p, "/") for p in hidden),
                           tuple(resolved(f, "/") for f in _SYSTEM_FILES + proc_self), me,
                           os.getpgid(0)))


def _hook(own: str, roots: tuple[str, ...], hidden: tuple[str, ...], files: tuple[str, ...],
          me: int, group: int):
    """The audit hook. Everything it uses is bound now, as default arguments (which learner
    code cannot change: replacing a function's defaults or code is itself an audited
    event the hook refuses), so later changes to modules, builtins or closures do not
    change what it decides."""
    writing = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND
    unnamed = getattr(os, "O_TMPFILE", 0)  # a file in no folder: "." exists, it is made all
    # the same (found from outside: 125 of them, 1.9 GB, past a count of new paths only)
    made = [0]  # files and folders made so far (the hook's own count: learner code has no
    # name for it)

    def hook(event, args, _own=(own,), _roots=roots, _hidden=hidden, _files=files, _me=me,
             _group=group, _writing=writing, _resolve=resolved, _under=under,
             _getcwd=os.getcwd, _fspath=os.fspath, _fsdecode=os.fsdecode,
             _isinstance=isinstance, _str=str, _bytes=bytes, _int=int, _len=len,
             _any=any, _hasattr=hasattr, _exception=Exception, _refusals=REFUSALS,
             _error=PermissionError, _run=_RUN, _change=_CHANGE, _link=_LINK, _list=_LIST,
             _signal=_SIGNAL, _network=_NETWORK, _tamper=_TAMPER, _shm=_SHARED_MEMORY,
             _native=_NATIVE, _unsafe=_UNSAFE_PREFIXES, _dig=_DIG,
             _code=("__code__", "__defaults__", "__kwdefaults__"),
             _function=_FUNCTION, _file=_FILE, _type=type, _two=_TWO_PATHS,
             _pathlib=_PATH_TYPES, _stat=os.stat, _S_ISDIR=stat.S_ISDIR, _lstat=os.lstat,
             _made=made, _max_made=MAX_MADE, _unnamed=unnamed):
        def path_of(value):  # None: an open file descriptor; "": not a path it can trust
            if _isinstance(value, _int):
                return None
            kind = _type(value)
            if kind is _bytes:
                value = _fsdecode(value)
            elif kind in _pathlib:  # its __fspath__ is pathlib's code, and pathlib's
                value = _fspath(value)  # classes cannot be changed (see below)
            elif kind is not _str:  # an object of the learner's: its __fspath__ could
                return ""  # answer differently now than when the file was opened
            return _resolve(value, _getcwd()) if _type(value) is _str else ""

        def folder(path):  # os.stat and S_ISDIR are C functions: nothing to patch
            try:
                return _S_ISDIR(_stat(path).st_mode)
            except _exception:
                return False

        def readable(path):
            if path in _files:
                return True
            if path.startswith("/proc") or path.startswith("/sys"):
                return False
            return _under(path, _roots) and not _under(path, _hidden)

        def refuse(kind, what):
            _refusals[kind] = _refusals.get(kind, 0) + 1
            raise _error(f"the grader does not allow {what} while grading")

        def making(path, flags=0):  # a file or folder not there yet counts against MAX_MADE
            if not (_unnamed and _isinstance(flags, _int) and flags & _unnamed == _unnamed):
                try:
                    _lstat(path)
                    return
                except _exception:
                    pass
            _made[0] += 1
            if _made[0] > _max_made:
                refuse("disk", "making more files")

        if event == "open":
            path = path_of(args[0]) if args else ""
            if path is None:
                return
            if not _under(path, _own) and folder(path):  # a folder's fd opens files
                refuse("read", "opening a folder outside your own")  # beside any check
            mode = args[1] if _len(args) > 1 else None
            flags = args[2] if _len(args) > 2 else 0
            writes = (_isinstance(mode, _str) and _any(c in mode for c in "wax+")) or \
                (_isinstance(flags, _int) and flags & _writing)
            if writes and path != "/dev/null" and not _under(path, _own):
                refuse("write", "writing outside your own folder")
            if writes and path != "/dev/null":
                making(path, flags)
            if not writes and not readable(path):
                refuse("read", "reading that file")
        elif event in _change:
            for value in args[:2] if event in _two else args[:1]:
                path = path_of(value)
                if path is None or not _under(path, _own):  # an fd: it may be anything's
                    refuse("write", "changing files outside your own folder")
            if event in ("os.mkdir", "shutil.copyfile", "shutil.copytree", "sqlite3.connect"):
                making(path)  # (the loop's last: the destination of a two-path event)
        elif event in _link:
            refuse("write", "making links")
        elif event in _list:
            path = path_of(args[0] if args and args[0] is not None else ".")
            if path is None or not readable(path):
                refuse("read", "listing that folder")
        elif event == "os.chdir":
            path = path_of(args[0]) if args else ""
            if path is None or not _under(path, _own):
                refuse("write", "leaving your own folder")
        elif event in _run or event.startswith(("os.exec", "os.spawn", "winreg.")):
            refuse("run", "running other programs")
        elif event in _signal:
            target = args[0] if args else None
            if event == "os.kill" and target in (_me, 0, -_group):
                return
            if event == "os.killpg" and target in (_group, 0):
                return
            refuse("signal", "signalling other processes")
        elif event.startswith("ctypes."):
            refuse("native", "calling C code through ctypes")
        elif event in _network:
            refuse("network", "network connections")
        elif event == "object.__setattr__" and _len(args) > 1 and (
                (args[1] in _code and _type(args[0]) is _function
                 and args[0].__code__.co_filename == _file)
                or _any(args[0] is kind for kind in _pathlib)):
            refuse("tamper", "changing the grader's own functions")
        elif event in _tamper:
            refuse("tamper", "tracing or profiling the grader")
        elif event in _dig:
            refuse("tamper", "looking through every object in memory, or making code objects")
        elif event == "cpython.PyInterpreterState_New":  # a new interpreter has no hook
            refuse("tamper", "starting another interpreter (it would run without these rules)")
        elif event == "import" and args:
            # a C module's file (its only "import" event with a path): one the submission
            # wrote, or any it may not read, would run its C constructor past this hook
            path = ""
            if _len(args) > 1 and args[1] is not None:
                path = path_of(args[1])
                if not path or _under(path, _own) or not readable(path):
                    refuse("native", "loading C code from that file")
            # a C module's init function is named after the last part of its name (so
            # "x._ctypes" loads _ctypes): that part and the file's name are judged too
            name = args[0] if _isinstance(args[0], _str) else ""
            for stem in (name, name.rpartition(".")[2],
                         path.rpartition("/")[2].partition(".")[0]):
                if stem in _shm:
                    refuse("write", "shared memory (files outside your own folder)")
                if stem in _native or stem.startswith(_unsafe):
                    refuse("native", "calling C code through ctypes or Python's test modules")

    return hook
