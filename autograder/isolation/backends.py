"""The isolation backends, by name, and how `--isolation auto|bwrap|process` picks one.

>>> resolve_isolation("process")
'process'
"""

from __future__ import annotations

import os

from .base import Backend
from .bwrap import BwrapBackend
from .process import ProcessBackend

# strongest first: "auto" takes the first that works here (for the hidden suite)
BACKENDS: dict[str, Backend] = {b.name: b for b in (BwrapBackend(), ProcessBackend())}
ISOLATIONS = ("auto", *BACKENDS)


def get_backend(name: str) -> Backend:
    return BACKENDS[name]


def resolve_isolation(isolation: str, suite: str = "hidden") -> str:
    """A backend's name. auto: the strongest that works here for the hidden suite; process
    for the public suite (`mindlab check`, where start-up speed matters more)."""
    if isolation not in ISOLATIONS:
        raise ValueError(f"unknown isolation {isolation!r}: choose one of {', '.join(ISOLATIONS)}")
    if not hasattr(os, "fork"):
        raise ValueError("the isolated runner needs fork(), which this system lacks: "
                         "run mindlab on Linux or macOS (on Windows, inside WSL)")
    if isolation != "auto":
        problem = BACKENDS[isolation].problem()
        if problem:
            raise ValueError(f"--isolation {isolation} is not available: {problem}. Install "
                             "bubblewrap, or use --isolation process (see docs/threat-model.md).")
        return isolation
    if suite != "hidden":
        return "process"
    return next(name for name, backend in BACKENDS.items() if not backend.problem())
