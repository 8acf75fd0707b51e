"""Process isolation: the zygote runs as a plain process; only the worker's own limits apply.

Works wherever fork() does. The limits (RLIMIT_AS, RLIMIT_FSIZE, no core dumps, own
session, cwd in an empty temporary folder, time limits, hidden imports) are set by
worker/serve.py and worker/hiding.py for every backend; see docs/threat-model.md for
what this backend does not stop.
"""

from __future__ import annotations

from ..labs import Lab


class ProcessBackend:
    name = "process"
    summary = "a plain process with limits (any Linux or macOS machine)"

    def problem(self) -> str:
        return ""

    def wrap(self, inner: list[str], lab: Lab) -> list[str]:
        return inner

    def inside(self, tmp: str) -> str:
        return tmp
