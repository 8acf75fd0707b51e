"""Where learner code runs: bubblewrap's sandbox, or a plain process with limits.

`resolve_isolation` turns --isolation auto|bwrap|process into what is used;
`bwrap_command` wraps the zygote's command line (see docs/threat-model.md):

- `--unshare-all` (no network, own PID / IPC / UTS namespaces), `--die-with-parent`,
  `--new-session`, every capability dropped;
- the system, the interpreter and its import path bound read-only;
- in a checkout, only mindlab_core/ and the worker's own four files of autograder/;
- the suites, solutions, exercises, labs, tests and the reference's source masked;
- a private, size-capped tmpfs /tmp as the only writable place.

The process-level limits (RLIMIT_AS, RLIMIT_FSIZE, no core dumps, own session, cwd in
an empty temporary folder, wall-time limits) are set by worker.py in both cases.
"""

from __future__ import annotations

import atexit
import contextlib
import functools
import importlib.util
import json
import os
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from .labs import Lab, get_lab

ISOLATIONS = ("auto", "bwrap", "process")
TMPFS_BYTES = 256 * 2**20  # the bwrap sandbox's /tmp: garbage files stop here
PACKAGE_ROOT = Path(__file__).resolve().parent.parent  # holds autograder/ and mindlab_core/
WORKER_FILES = ("__init__.py", "checks.py", "wire.py", "worker.py")  # all the worker imports
BLOCKED = ("autograder", "mindlab_labs", "solutions", "labs", "tests")
# modules that do nothing while grading: pictures (no drawing, and no matplotlib start-up
# in every worker) and the notebook's own check cells (the grading happens out here)
# every lab's stand-ins (the in-notebook check cells) and preloads; each lab adds its own
STUBS = ("mindlab_core.checkcell", "autograder.notebook")
# imported (and called, after ':') once in the zygote, so every forked worker has them
PRELOAD = ("numpy.random", "numpy.random._pickle")
BOOT = ("import sys; sys.path[:] = sys.argv[2:]; "
        "from autograder.worker import zygote_main; zygote_main(int(sys.argv[1]))")


class GraderFault(Exception):
    """The grader itself cannot grade (not the learner's doing)."""


@functools.lru_cache(maxsize=1)
def bwrap_problem() -> str:
    """'' when bubblewrap works here, else why not (one sentence)."""
    exe = shutil.which("bwrap")
    if exe is None:
        return "bwrap (bubblewrap) is not installed"
    try:
        probe = subprocess.run([exe, "--unshare-all", "--die-with-parent", "--new-session",
                                "--cap-drop", "ALL", "--ro-bind", "/", "/", "--proc", "/proc",
                                "--dev", "/dev", "--size", "1048576", "--tmpfs", "/tmp", "true"],
                               capture_output=True, timeout=20)  # every feature we use
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"bwrap could not run ({exc})"
    if probe.returncode != 0:
        reason = probe.stderr.decode(errors="replace").strip().splitlines()
        return f"bwrap cannot create a sandbox here ({reason[-1] if reason else 'no reason'})"
    return ""


def resolve_isolation(isolation: str, suite: str = "hidden") -> str:
    """'bwrap' or 'process'. auto: bwrap for the hidden suite when it works, else process.

    >>> resolve_isolation("process")
    'process'
    """
    if isolation not in ISOLATIONS:
        raise ValueError(f"unknown isolation {isolation!r}: choose one of {', '.join(ISOLATIONS)}")
    if not hasattr(os, "fork"):
        raise ValueError("the isolated runner needs fork(), which this system lacks: "
                         "run mindlab on Linux or macOS (on Windows, inside WSL)")
    if isolation == "process":
        return "process"
    problem = bwrap_problem() if sys.platform.startswith("linux") else "bwrap needs Linux"
    if isolation == "bwrap":
        if problem:
            raise ValueError(f"--isolation bwrap is not available: {problem}. Install "
                             "bubblewrap, or use --isolation process (see docs/threat-model.md).")
        return "bwrap"
    return "bwrap" if suite == "hidden" and not problem else "process"


def python_roots() -> list[str]:
    """Folders the zygote must read: the interpreter's prefixes and its import path."""
    roots = [sys.base_prefix, sys.prefix, sys.exec_prefix]
    roots += [p for p in sys.path if p and os.path.isabs(p)]
    found = []
    for root in roots:
        root = os.path.realpath(root)
        if os.path.isdir(root) and root not in found:
            found.append(root)
    return found


def _under(path: str, roots: list[str]) -> bool:
    return any(path == r or path.startswith(r.rstrip("/") + "/") for r in roots)


def _sensitive_paths(lab: Lab) -> tuple[list[str], list[str]]:
    """(folders, files) learner code must not see: suites, solutions, tests, the reference."""
    folders = [PACKAGE_ROOT / "autograder" / "suites"]
    folders += [PACKAGE_ROOT / name for name in ("solutions", "exercises", "labs", "tests")]
    with contextlib.suppress(ImportError):
        import mindlab_labs

        folders.append(Path(mindlab_labs.__file__).resolve().parent)
    ref = reference_file(lab)
    files = [Path(ref), *Path(ref).parent.glob(f"__pycache__/{Path(ref).stem}.*.pyc")] \
        if ref else []
    return ([str(p) for p in folders if p.is_dir()], [str(p) for p in files if p.is_file()])


def bwrap_command(inner: list[str], lab: Lab) -> list[str]:
    """Wrap `inner` in bubblewrap: no network, own PID namespace, read-only system,
    a private tmpfs /tmp (the only writable place), no suites / solutions / tests."""
    args = ["bwrap", "--unshare-all", "--die-with-parent", "--new-session",
            "--cap-drop", "ALL", "--proc", "/proc", "--dev", "/dev",
            "--size", str(TMPFS_BYTES), "--tmpfs", "/tmp"]
    for top in ("/usr", "/bin", "/lib", "/lib32", "/lib64", "/sbin"):
        if os.path.islink(top):
            args += ["--symlink", os.readlink(top), top]
        elif os.path.isdir(top):
            args += ["--ro-bind", top, top]
    for etc in ("/etc/ld.so.cache", "/etc/ld.so.conf", "/etc/ld.so.conf.d", "/etc/alternatives",
                "/etc/localtime", "/etc/nsswitch.conf", "/etc/passwd", "/etc/group"):
        args += ["--ro-bind-try", etc, etc]
    package_root = str(PACKAGE_ROOT)
    # never bind /tmp itself (or /): that would cover the private tmpfs with the real /tmp,
    # e.g. when a script in /tmp puts /tmp on sys.path; roots *inside* /tmp are fine
    roots = [r for r in python_roots() if r != package_root and not _under(r, ["/usr"])
             and not _under("/tmp", [r])]
    for root in roots:
        args += ["--ro-bind", root, root]
    bound = ["/usr", *roots]
    if not _under(package_root, bound):  # a checkout: show only what the worker imports
        core = str(PACKAGE_ROOT / "mindlab_core")
        args += ["--ro-bind", core, core]
        for name in WORKER_FILES:
            path = str(PACKAGE_ROOT / "autograder" / name)
            args += ["--ro-bind", path, path]
        bound += [core]
    folders, files = _sensitive_paths(lab)
    for folder in folders:
        if _under(folder, bound):
            args += ["--tmpfs", folder]
    for file in files:
        if _under(file, bound):
            args += ["--ro-bind", "/dev/null", file]
    return args + ["--chdir", "/tmp", "--", *inner]


def reference_file(lab: Lab) -> str:
    """The reference module's source file (read by the judge, hidden from the worker), or
    '' when it is not installed: a student handout (autograder/release.py) ships without
    it, and checks then run without swapping."""
    import importlib.util

    spec = importlib.util.find_spec(lab.reference)
    if spec is None or not spec.origin:
        return ""
    return str(Path(spec.origin).resolve())


# ---------------------------------------------------------------- starting a zygote


@dataclass
class Launch:
    """A zygote process just started: its control socket, its folder, its stderr file."""

    proc: subprocess.Popen
    control: socket.socket
    tmp: str
    stderr: IO[bytes]


def launch_zygote(lab: Lab, isolation: str, memory_mb: int | None, file_mb: int) -> Launch:
    """Start worker.zygote_main (inside bwrap or not) and send it its configuration.

    Needs nothing heavier than the standard library, so `mindlab check` can start its
    zygote before it imports numpy itself (see prestart).
    """
    tmp = tempfile.mkdtemp(prefix="mindlab-")
    stderr = tempfile.TemporaryFile()
    ours, theirs = socket.socketpair()
    paths = [str(PACKAGE_ROOT)] + [p for p in python_roots() if p != str(PACKAGE_ROOT)]
    inner = [sys.executable, "-E", "-s", "-c", BOOT, str(theirs.fileno()), *paths]
    env = {"PATH": os.environ.get("PATH", os.defpath), "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8",
           "HOME": "/tmp" if isolation == "bwrap" else tmp,
           "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
           "PYTHONDONTWRITEBYTECODE": "1", "PYTHONHASHSEED": "0",
           "MPLBACKEND": "Agg", "MINDLAB_GRADING": "1"}
    cmd = bwrap_command(inner, lab) if isolation == "bwrap" else inner
    ref_file = reference_file(lab)
    numpy_spec = importlib.util.find_spec("numpy")  # locates numpy without importing it
    numpy_inside = bool(numpy_spec and numpy_spec.origin
                        and numpy_spec.origin.startswith(str(PACKAGE_ROOT) + os.sep))
    hide = [str(PACKAGE_ROOT)] if (PACKAGE_ROOT / "autograder" / "suites").is_dir() \
        and not numpy_inside else []
    config = {
        "functions": list(lab.functions), "reference": lab.reference,
        "reference_source": Path(ref_file).read_text(encoding="utf-8") if ref_file else "",
        "reference_file": ref_file, "blocked": [*BLOCKED, lab.reference],
        "hide_paths": hide, "tmp_base": "/tmp" if isolation == "bwrap" else tmp,
        "memory_bytes": (memory_mb or 0) * 2**20, "file_bytes": file_mb * 2**20,
        "preload": [*PRELOAD, *lab.preload], "stubs": [*STUBS, *lab.stubs],
    }
    try:
        proc = subprocess.Popen(cmd, pass_fds=[theirs.fileno()], cwd=tmp, env=env,
                                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                stderr=stderr, start_new_session=True)
    except OSError as exc:
        ours.close()
        stderr.close()
        shutil.rmtree(tmp, ignore_errors=True)
        raise GraderFault(f"could not start the worker process: {exc}") from exc
    finally:
        theirs.close()
    data = json.dumps(config).encode()
    with contextlib.suppress(OSError):  # if it died at once, waiting for it says why
        ours.sendall(struct.pack("<Q", len(data)) + data)
    return Launch(proc, ours, tmp, stderr)


_PRESTARTED: dict[tuple, Launch] = {}


def prestart(lab_id: str, isolation: str = "auto", suite: str = "public",
             memory_mb: int | None = 2048, file_mb: int = 16) -> None:
    """Start a zygote now, so its start-up overlaps the caller's imports (mindlab check).

    A Grader made afterwards with the same lab, isolation and limits takes it over;
    one never taken is stopped when the program exits. Never raises.
    """
    try:
        lab = get_lab(lab_id)
        used = resolve_isolation(isolation, suite)
        key = (lab.id, used, memory_mb, file_mb)
        _PRESTARTED[key] = launch_zygote(lab, used, memory_mb, file_mb)
    except Exception:
        return
    if len(_PRESTARTED) == 1:
        atexit.register(_discard_prestarted)


def take_prestarted(key: tuple) -> Launch | None:
    return _PRESTARTED.pop(key, None)


def _discard_prestarted() -> None:
    while _PRESTARTED:
        _, launch = _PRESTARTED.popitem()
        launch.control.close()
        with contextlib.suppress(OSError):
            os.killpg(launch.proc.pid, 9)
        launch.proc.wait()
        launch.stderr.close()
        shutil.rmtree(launch.tmp, ignore_errors=True)
