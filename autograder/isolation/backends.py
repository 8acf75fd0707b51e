"""The isolation backends, by name, and how `--isolation auto|bwrap|process|spawn` picks one.

bwrap and process start a fork server (forkserver.py) and need fork(); spawn starts a
fresh Python per submission (spawnserver.py) and works everywhere, Windows included.

>>> resolve_isolation("process")
'process'
"""

from __future__ import annotations

import os

from .base import Backend
from .bwrap import BwrapBackend
from .process import ProcessBackend
from .spawn import SpawnBackend

# strongest first: "auto" takes the first that works here (for the hidden suite)
BACKENDS: dict[str, Backend] = {b.name: b for b in (BwrapBackend(), ProcessBackend(),
                                                    SpawnBackend())}
ISOLATIONS = ("auto", *BACKENDS)


NO_FORK = ("it needs fork(), which this system lacks (on Windows: use --isolation spawn, "
           "or auto, which picks it)")


def get_backend(name: str) -> Backend:
    return BACKENDS[name]


def server_kind(name: str) -> str:
    """'fork' (forkserver.ForkServer) or 'spawn' (spawnserver.SpawnServer) for a backend."""
    return getattr(BACKENDS[name], "server", "fork")


def backend_problem(name: str) -> str:
    """'' when backend `name` works here: its own problem(), and fork() if it forks."""
    if server_kind(name) == "fork" and not hasattr(os, "fork"):
        return NO_FORK
    return BACKENDS[name].problem()


def resolve_isolation(isolation: str, suite: str = "hidden") -> str:
    """A backend's name. auto: the strongest that works here for the hidden suite; process
    for the public suite (`mindlab check`, where start-up speed matters more); spawn for
    both where there is no fork()."""
    if isolation not in ISOLATIONS:
        raise ValueError(f"unknown isolation {isolation!r}: choose one of {', '.join(ISOLATIONS)}")
    if isolation != "auto":
        problem = backend_problem(isolation)
        if problem:
            raise ValueError(f"--isolation {isolation} is not available: {problem}."
                             + _fix(problem))
        return isolation
    if suite != "hidden":
        return "process" if not backend_problem("process") else "spawn"
    return next(name for name in BACKENDS if not backend_problem(name))


def _fix(problem: str) -> str:
    """What to do about a backend that does not work here, in one or two sentences."""
    if problem == NO_FORK:
        return ""
    if "not installed" in problem:
        return (" Install bubblewrap (apt-get install bubblewrap), or use --isolation "
                "process (see docs/threat-model.md).")
    return (" bubblewrap is installed but cannot make its namespaces here: in Docker, run "
            "the container with --security-opt seccomp=unconfined --security-opt "
            "apparmor=unconfined (or --privileged); on Ubuntu 24.04+, allow unprivileged "
            "user namespaces (sysctl kernel.apparmor_restrict_unprivileged_userns=0); or use "
            "--isolation process (see docs/threat-model.md).")


def fallback_note(asked: str, used: str, suite: str) -> str:
    """The one line `grade` and `grade-batch` print when auto could not use the strongest
    backend for the hidden suite, saying why ('' when nothing fell back).

    >>> fallback_note("process", "process", "hidden")
    ''
    """
    strongest = next(iter(BACKENDS))
    if asked != "auto" or suite != "hidden" or used == strongest:
        return ""
    why = backend_problem(strongest)
    return (f"note: grading with --isolation {used}, not {strongest}: {why}." + _fix(why))
