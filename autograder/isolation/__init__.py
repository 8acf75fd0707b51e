"""Where learner code runs: one backend per kind of isolation, all with the same interface.

- base.py      the Backend interface (problem, wrap, inside), GraderFault, PACKAGE_ROOT
- process.py   a plain process with the worker's own limits
- bwrap.py     bubblewrap's sandbox (Linux)
- backends.py  the registry and `--isolation auto|bwrap|process`
- launch.py    starting a fork server in a backend (and prestarting one)
"""

from .backends import BACKENDS, ISOLATIONS, fallback_note, get_backend, resolve_isolation
from .base import GRADER_DIR, PACKAGE_ROOT, GraderFault
from .launch import launch_zygote, prestart, take_prestarted

__all__ = ["BACKENDS", "GRADER_DIR", "ISOLATIONS", "PACKAGE_ROOT", "GraderFault", "fallback_note",
           "get_backend", "launch_zygote", "prestart", "resolve_isolation", "take_prestarted"]
