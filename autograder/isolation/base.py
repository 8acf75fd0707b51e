"""What every isolation backend is: a way to start the fork server, and whether it works here.

A backend wraps the zygote's command line (`wrap`) and says where, inside its view of
the file system, the zygote keeps its workers' folders (`inside`). `problem()` is '' when
the backend can run on this machine, else one sentence saying why not. Backends are
listed in backends.py; adding one is a file here and a line there.
"""

from __future__ import annotations

import importlib.util
import os
import site
import sys
from pathlib import Path
from typing import Protocol

from ..labs import Lab

# the grader package's folder: autograder/ in a checkout, installed as mindlab_grader
# (pyproject.toml maps it: `autograder` is another project on PyPI)
GRADER_DIR = Path(__file__).resolve().parents[1]
PACKAGE_ROOT = GRADER_DIR.parent  # holds the grader's folder and mindlab_core/


class GraderFault(Exception):
    """The grader itself cannot grade (not the learner's doing)."""


class Backend(Protocol):
    name: str
    summary: str  # one line for --help and docs/threat-model.md

    def problem(self) -> str:
        """'' when this backend works here, else why not (one sentence)."""
        ...

    def wrap(self, inner: list[str], lab: Lab) -> list[str]:
        """The command line that runs `inner` (the zygote) inside this backend."""
        ...

    def inside(self, tmp: str) -> str:
        """The zygote's own name for its folder `tmp` (the workers' folders go there)."""
        ...


SHARED_PREFIXES = ("/", "/usr", "/usr/local", "/opt", "/srv")  # not the interpreter's alone


def python_roots() -> list[str]:
    """Folders the zygote must read: the interpreter's prefixes, the import path's folders
    inside them (the standard library, site-packages) or the user's site-packages, and
    numpy's folder wherever it is. Not any other folder on the import path: `python -m`
    and `-c` put the folder the grader was started in there, and PYTHONPATH its own, and
    those hold the class (found from outside: started from a class folder, a stub ran
    another student's file, 30/30; from an nbgrader course, the master notebook).

    >>> all(os.path.isabs(root) for root in python_roots())
    True
    """
    prefixes = [os.path.realpath(p) for p in (sys.base_prefix, sys.prefix, sys.exec_prefix)]
    user = site.getusersitepackages() if site.ENABLE_USER_SITE else ""
    # a system interpreter's prefix (/usr) is only its lib folders: /usr/local/share or the
    # like may hold a class
    roots = [os.path.join(p, lib) for p in prefixes if p in SHARED_PREFIXES
             for lib in ("lib", "lib64", "lib32")] + [p for p in prefixes
                                                       if p not in SHARED_PREFIXES]
    inside = list(roots)  # (a shared prefix's lib folders only, not /usr/local/share)
    for entry in sys.path:
        real = os.path.realpath(entry) if entry and os.path.isabs(entry) else ""
        if real and (any(real == p or real.startswith(p.rstrip(os.sep) + os.sep)
                         for p in inside) or (user and real == os.path.realpath(user))
                     or os.path.basename(real) in ("site-packages", "dist-packages")):
            roots.append(real)
    spec = importlib.util.find_spec("numpy")  # (found, not imported)
    if spec is not None and spec.submodule_search_locations:
        roots.append(os.path.dirname(os.path.realpath(list(spec.submodule_search_locations)[0])))
    found = []
    for root in roots:
        root = os.path.realpath(root)
        if os.path.isdir(root) and root not in found:
            found.append(root)
    return found


def open_to_others(paths: list[str]) -> bool:
    """True when an unprivileged user may read every one of `paths`: each folder on the way
    down is searchable by others (o+x) and the folder itself readable (o+r). Workers drop
    to `nobody` only then (an interpreter under root's home, mode 700, is not).

    >>> open_to_others(["/usr"])
    True
    """
    import stat

    for path in paths:
        here = Path(path)
        for folder in [*reversed(here.parents), here]:
            try:
                mode = folder.stat().st_mode
            except OSError:
                return False
            if not mode & stat.S_IXOTH or (folder == here and not mode & stat.S_IROTH):
                return False
    return True


# of /etc only what the interpreter and its libraries read (bwrap binds these alone): the
# rest holds files only root may read (/etc/shadow: read by a worker that stays root)
SYSTEM_FILES = ("/etc/ld.so.cache", "/etc/ld.so.conf", "/etc/ld.so.conf.d", "/etc/alternatives",
                "/etc/localtime", "/etc/nsswitch.conf", "/etc/passwd", "/etc/group")
