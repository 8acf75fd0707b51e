"""Starting a fork server (worker/zygote.py) in a backend, and handing it its config.

Needs nothing heavier than the standard library until the zygote has started, so
`mindlab check` imports numpy while its zygote starts up (see prestart).
"""

from __future__ import annotations

import atexit
import contextlib
import importlib.util
import os
import socket
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from ..labs import LABS, Lab, get_lab
from ..worker.processes import remove_tree
from .backends import get_backend, resolve_isolation, server_kind
from .base import (
    GRADER_DIR,
    PACKAGE_ROOT,
    SYSTEM_FILES,
    GraderFault,
    open_to_others,
    python_roots,
)

# the grader under its installed name and its folder's (a checkout puts the folder on the
# import path), and the project's other folders
BLOCKED = ("mindlab_grader", "autograder", "mindlab_labs", "solutions", "labs", "tests")
# modules that do nothing while grading, for every lab: the notebook's own check cells
# (the grading happens out here); each lab adds its own (its pictures)
STUBS = ("mindlab_grader.notebook", "autograder.notebook")  # (older notebooks: autograder)
# imported (and called, after ':') once in the zygote, so every forked worker has them
PRELOAD = ("numpy.random", "numpy.random._pickle")
# the zygote imports the worker under its folder's name (autograder in a checkout,
# mindlab_grader installed): the worker's imports are relative, it needs no mapping
BOOT = ("import sys; sys.path[:] = sys.argv[2:]; "
        f"from {GRADER_DIR.name}.worker.zygote import zygote_main; zygote_main(int(sys.argv[1]))")


def reference_file(lab: Lab) -> str:
    """The reference module's source file (hidden from the worker), or '' when it is not
    installed: a student handout (handout/release.py) ships without it, and checks then
    run without swapping."""
    try:
        spec = importlib.util.find_spec(lab.reference)
    except ImportError:  # its package is not installed either (a handout of another lab)
        return ""
    if spec is None or not spec.origin:
        return ""
    return str(Path(spec.origin).resolve())


@dataclass
class Launch:
    """A zygote process just started: its control socket, its folder, its stderr file."""

    proc: subprocess.Popen
    control: socket.socket
    tmp: str
    stderr: IO[bytes]


# one thread for every BLAS numpy may use (OpenBLAS, MKL, Apple's Accelerate, BLIS): set
# before the zygote imports numpy, so no BLAS thread exists when it forks (they would not
# survive fork(): Accelerate's would hang), and a spawned worker stays single-threaded too
BLAS_THREADS = {name: "1" for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS",
                                       "MKL_NUM_THREADS", "VECLIB_MAXIMUM_THREADS",
                                       "BLIS_NUM_THREADS", "NUMEXPR_NUM_THREADS")}
WATCHDOG_VAR = "MINDLAB_MEMORY_WATCHDOG"  # "1": the memory watchdog instead of RLIMIT_AS


def zygote_env(home: str) -> dict[str, str]:
    """The whole environment of a zygote or spawned worker: nothing of the caller's but PATH
    (and on Windows what Python needs to start).

    >>> zygote_env("/tmp/x")["OPENBLAS_NUM_THREADS"], zygote_env("/tmp/x")["HOME"]
    ('1', '/tmp/x')
    """
    env = {"PATH": os.environ.get("PATH", os.defpath), "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8",
           "HOME": home, **BLAS_THREADS,
           "PYTHONDONTWRITEBYTECODE": "1", "PYTHONHASHSEED": "0",
           "MPLBACKEND": "Agg"}
    if os.name == "nt":  # Python cannot start on Windows without SYSTEMROOT
        env.update({k: os.environ[k] for k in ("SYSTEMROOT", "WINDIR") if k in os.environ})
        env["TEMP"] = env["TMP"] = home
    return env


def zygote_config(lab: Lab, isolation: str, memory_mb: int | None, file_mb: int,
                  tmp: str) -> dict:
    """The JSON config a zygote (or a spawned worker) gets first: what to import, hide, stub
    and limit; `tmp` is the folder its workers' folders go in, as the judge names it."""
    ref_file = reference_file(lab)
    numpy_spec = importlib.util.find_spec("numpy")  # locates numpy without importing it
    numpy_inside = bool(numpy_spec and numpy_spec.origin
                        and numpy_spec.origin.startswith(str(PACKAGE_ROOT) + os.sep))
    hide = [str(PACKAGE_ROOT)] if (GRADER_DIR / "suites").is_dir() \
        and not numpy_inside else []
    return {
        "functions": list(lab.functions),
        "answers": bool(ref_file),  # the judge answers for the reference (answers.py)
        "reference_file": ref_file, "blocked": [*BLOCKED, lab.reference],
        "hide_paths": hide, "tmp_base": get_backend(isolation).inside(tmp),
        "memory_bytes": (memory_mb or 0) * 2**20, "file_bytes": file_mb * 2**20,
        "memory_watchdog": os.environ.get(WATCHDOG_VAR) == "1",  # tests force it on Linux
        "preload": [*PRELOAD, *lab.preload], "stubs": [*STUBS, *lab.stubs],
        "while_grading": list(lab.while_grading),
        **guard_paths(),  # what the worker's guard lets learner code read (worker/guard.py)
        "drop": drops_to_nobody(isolation),  # workers leave root for nobody
    }


def boot_paths() -> list[str]:
    """sys.path of a zygote or spawned worker: the project first, then Python's own."""
    return [str(PACKAGE_ROOT)] + [p for p in python_roots() if p != str(PACKAGE_ROOT)]


def launch_zygote(lab: Lab, isolation: str, memory_mb: int | None, file_mb: int) -> Launch:
    """Start worker.zygote.zygote_main in backend `isolation`; send it its configuration."""
    backend = get_backend(isolation)
    tmp = tempfile.mkdtemp(prefix="mindlab-")
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        os.chmod(tmp, 0o711)  # workers may run as nobody: they may pass through, not list
    stderr = tempfile.TemporaryFile()
    ours, theirs = socket.socketpair()
    inner = [sys.executable, "-E", "-s", "-c", BOOT, str(theirs.fileno()), *boot_paths()]
    env = zygote_env(backend.inside(tmp))
    cmd = backend.wrap(inner, lab)
    config = zygote_config(lab, isolation, memory_mb, file_mb, tmp)
    try:
        proc = subprocess.Popen(cmd, pass_fds=[theirs.fileno()], cwd=tmp, env=env,
                                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                stderr=stderr, start_new_session=True)
    except OSError as exc:
        ours.close()
        stderr.close()
        remove_tree(tmp)
        raise GraderFault(f"could not start the worker process: {exc}") from exc
    finally:
        theirs.close()
    from ..worker import protocol  # numpy, imported while the zygote starts up

    with contextlib.suppress(OSError):  # if it died at once, waiting for it says why
        protocol.send_json(ours, config)
    return Launch(proc, ours, tmp, stderr)


# the system's shared libraries and time zones: not /usr, /opt or /srv whole, where a class
# may be kept (found from outside: a class under /opt or /usr/local/share was readable)
SYSTEM_ROOTS = ("/usr/lib", "/usr/lib32", "/usr/lib64", "/usr/share/zoneinfo", "/lib", "/lib32",
                "/lib64")
# what of the project learner code never reads beside the grader (GRADER_DIR): the
# suites, the answers
PRIVATE = ("mindlab_labs", "solutions", "exercises", "labs", "tests",
           "examples", "benchmarks", "docs")


def drops_to_nobody(isolation: str) -> bool:
    """Whether workers leave root for `nobody` (serve.drop_privileges): always when the
    grader runs as root in bwrap (the sandbox shows the interpreter to everyone); with
    process isolation only where the interpreter is readable by others."""
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        return False
    return isolation == "bwrap" or open_to_others(python_roots())


def guard_paths() -> dict[str, list[str]]:
    """{"readable": roots learner code may read, "hidden": what inside them it may not}.

    Readable: the interpreter and its import path, the system, and mindlab_core; hidden:
    the rest of the project (in a checkout its root is on the import path; in an install
    it is site-packages) and every lab's reference module with its cached bytecode.
    """
    core = PACKAGE_ROOT / "mindlab_core"
    tools = GRADER_DIR
    readable = [r for r in python_roots() if r != str(PACKAGE_ROOT)]
    # (the worker's own folder: tracebacks read its files)
    readable += [*SYSTEM_ROOTS, *SYSTEM_FILES, str(core), str(tools / "worker")]
    hidden = [str(PACKAGE_ROOT / name) for name in PRIVATE]
    if tools.is_dir():  # the grader, but for the worker's own folder
        hidden += [str(p) for p in sorted(tools.iterdir()) if p.name != "worker"]
    for lab in LABS.values():
        ref = reference_file(lab)
        if ref:
            hidden.append(ref)
            hidden += [str(p) for p in Path(ref).parent.glob(f"__pycache__/{Path(ref).stem}.*")]
    hidden += other_copies(readable, tools)
    return {"readable": readable, "hidden": hidden}


def other_copies(readable: list[str], tools: Path) -> list[str]:
    """What another installed copy of mindlab holds of the answers, in any folder learner
    code may read (found from outside: a second install's mindlab_labs/solutions was
    readable beside the running one): its grader, labs and references."""
    found = []
    for root in map(Path, readable):
        for name in ("mindlab_grader", "mindlab_labs"):
            if (root / name).is_dir() and (root / name).resolve() != tools.resolve():
                found.append(str(root / name))
        found += [str(p) for p in sorted(root.glob("mindlab_core/*/reference.py"))]
        found += [str(p) for p in sorted(root.glob("mindlab_core/*/__pycache__/reference.*"))]
    return found


_PRESTARTED: dict[tuple, Launch] = {}


def prestart(lab_id: str, isolation: str = "auto", suite: str = "public",
             memory_mb: int | None = 2048, file_mb: int = 16) -> None:
    """Start a zygote now, so its start-up overlaps the caller's imports (mindlab check).

    A Grader made afterwards with the same lab, isolation and limits takes it over;
    one never taken is stopped when the program exits; one already started is not
    started again (the console script starts it before `mindlab check` does). Never raises.
    """
    try:
        lab = get_lab(lab_id)
        used = resolve_isolation(isolation, suite)
        key = (lab.id, used, memory_mb, file_mb)
        if key in _PRESTARTED:
            return
        if server_kind(used) == "spawn":  # the first spawned worker (spawnserver.py)
            from .spawn import start_child

            _PRESTARTED[key] = start_child(lab, memory_mb, file_mb)  # type: ignore[assignment]
        else:
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
        if hasattr(launch, "discard"):  # a spawned worker (isolation/spawn.py)
            launch.discard()
            continue
        launch.control.close()
        with contextlib.suppress(OSError):
            os.killpg(launch.proc.pid, 9)
        launch.proc.wait()
        launch.stderr.close()
        remove_tree(launch.tmp)
