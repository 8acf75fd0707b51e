"""bubblewrap isolation: the zygote runs in a sandbox of its own.

`bwrap_command` wraps the zygote's command line (see docs/threat-model.md):

- `--unshare-all` (no network, own PID / IPC / UTS namespaces), `--die-with-parent`,
  `--new-session`, every capability dropped;
- the system, the interpreter and its import path bound read-only;
- in a checkout, only mindlab_core/ and autograder/worker/ (with autograder/__init__.py)
  of the project;
- the suites, solutions, exercises, labs, tests and the reference's source masked;
- a private, size-capped tmpfs /tmp as the only writable place.
"""

from __future__ import annotations

import contextlib
import functools
import os
import shutil
import subprocess
import sys
from pathlib import Path

from ..labs import Lab
from .base import GRADER_DIR, PACKAGE_ROOT, SYSTEM_FILES, python_roots

TMPFS_BYTES = 256 * 2**20  # the sandbox's /tmp: garbage files stop here
WORKER_DIR = GRADER_DIR / "worker"  # all the zygote imports of autograder


class BwrapBackend:
    name = "bwrap"
    summary = "bubblewrap: no network, own PID namespace, read-only system (Linux)"

    def problem(self) -> str:
        return bwrap_problem() if sys.platform.startswith("linux") else "bwrap needs Linux"

    def wrap(self, inner: list[str], lab: Lab) -> list[str]:
        return bwrap_command(inner, lab)

    def inside(self, tmp: str) -> str:
        return "/tmp"


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


def _under(path: str, roots: list[str]) -> bool:
    return any(path == r or path.startswith(r.rstrip("/") + "/") for r in roots)


def _sensitive_paths(lab: Lab) -> tuple[list[str], list[str]]:
    """(folders, files) learner code must not see: suites, solutions, tests, the reference."""
    folders = [GRADER_DIR / "suites"]
    folders += [PACKAGE_ROOT / name for name in ("solutions", "exercises", "labs", "tests")]
    with contextlib.suppress(ImportError):
        import mindlab_labs

        folders.append(Path(mindlab_labs.__file__).resolve().parent)
    from .launch import reference_file

    ref = reference_file(lab)
    files = [Path(ref), *Path(ref).parent.glob(f"__pycache__/{Path(ref).stem}.*.pyc")] \
        if ref else []
    return ([str(p) for p in folders if p.is_dir()], [str(p) for p in files if p.is_file()])


def _root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


def _unshare() -> list[str]:
    """Every namespace; as root, every one but the user namespace, so that the workers'
    uid (nobody) is the real one and theirs alone (a root user namespace maps only root)."""
    if not _root():
        return ["--unshare-all"]
    return ["--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts",
            "--unshare-cgroup-try"]


def _open_parents(paths: list[str]) -> list[str]:
    """`--perms 0755 --dir D` for every folder above `paths` (outermost first), so that an
    unprivileged worker can pass through them to what is bound there.

    >>> _open_parents(["/root/.pyenv/v"])
    ['--perms', '0755', '--dir', '/root', '--perms', '0755', '--dir', '/root/.pyenv']
    """
    parents: list[str] = []
    for path in paths:
        for parent in reversed(Path(path).parents):
            if str(parent) not in ("/", "/tmp") and str(parent) not in parents and not _under(
                    str(parent), ["/usr"]):
                parents.append(str(parent))
    return [arg for parent in parents for arg in ("--perms", "0755", "--dir", parent)]


def bwrap_command(inner: list[str], lab: Lab) -> list[str]:
    """Wrap `inner` in bubblewrap: no network, own PID namespace, read-only system,
    a private tmpfs /tmp (the only writable place), no suites / solutions / tests."""
    args = ["bwrap", *_unshare(), "--die-with-parent", "--new-session",
            "--cap-drop", "ALL", "--proc", "/proc", "--dev", "/dev",
            "--size", str(TMPFS_BYTES), "--tmpfs", "/tmp"]
    # what the fork server needs to hand each worker to nobody and to kill it afterwards
    # (CAP_KILL: its PID namespace holds only its workers); a change of uid clears them
    if _root():
        for cap in ("CAP_SETUID", "CAP_SETGID", "CAP_CHOWN", "CAP_KILL"):
            args += ["--cap-add", cap]
    for top in ("/usr", "/bin", "/lib", "/lib32", "/lib64", "/sbin"):
        if os.path.islink(top):
            args += ["--symlink", os.readlink(top), top]
        elif os.path.isdir(top):
            args += ["--ro-bind", top, top]
    for etc in SYSTEM_FILES:
        args += ["--ro-bind-try", etc, etc]
    package_root = str(PACKAGE_ROOT)
    # never bind /tmp itself (or /): that would cover the private tmpfs with the real /tmp,
    # e.g. when a script in /tmp puts /tmp on sys.path; roots *inside* /tmp are fine
    roots = [r for r in python_roots() if r != package_root and not _under(r, ["/usr"])
             and not _under("/tmp", [r])]
    if _root():  # folders bwrap makes on the way to a bound one may be 700 (root's home, a
        args += _open_parents([*roots, str(PACKAGE_ROOT / "mindlab_core"),  # checkout in /tmp)
                               str(WORKER_DIR)])  # : open them to nobody
    for root in roots:
        args += ["--ro-bind", root, root]
    bound = ["/usr", *roots]
    if not _under(package_root, bound):  # a checkout: show only what the worker imports
        core = str(PACKAGE_ROOT / "mindlab_core")
        args += ["--ro-bind", core, core]
        package = str(GRADER_DIR / "__init__.py")
        args += ["--ro-bind", package, package, "--ro-bind", str(WORKER_DIR), str(WORKER_DIR)]
        bound += [core]
    folders, files = _sensitive_paths(lab)
    for folder in folders:
        if _under(folder, bound):
            args += ["--tmpfs", folder]
    for file in files:
        if _under(file, bound):
            args += ["--ro-bind", "/dev/null", file]
    return args + ["--chdir", "/tmp", "--", *inner]
