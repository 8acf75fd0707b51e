"""The `mindlab` console script: the command line (cli/), with one head start.

For `mindlab check FILE` the worker's start-up (a new Python importing numpy, ~0.15 s)
begins before the command line's own imports (click, every command, the suites), so the
two overlap on a machine's cores; the check then takes the worker over
(isolation/launch.prestart). Any other command starts as before.

>>> _check_target(["--lab", "lab02", "--isolation=process"])
('lab02', 'process')
>>> _check_target(["--watch"])[1], _check_target(["no_such_file.py"])
('auto', None)
"""

from __future__ import annotations

import sys
from pathlib import Path

_VALUED = ("--lab", "--isolation")  # check's options that take a value


def _check_target(args: list[str]) -> tuple[str, str] | None:
    """(lab, isolation) that `mindlab check ARGS` will use, or None when unsure (a folder,
    two files, an option it does not know): the check then starts its worker itself."""
    from .labs import lab_of

    given: dict[str, str] = {}
    files: list[str] = []
    rest = iter(args)
    for arg in rest:
        name, eq, value = arg.partition("=")
        if name in _VALUED:
            given[name] = value if eq else next(rest, "")
        elif arg in ("--verbose", "-v", "--watch", "--json"):
            continue
        elif arg.startswith("-"):
            return None
        else:
            files.append(arg)
    if len(files) > 1 or (files and not Path(files[0]).is_file()):
        return None
    lab = lab_of(Path(files[0]) if files else None, given.get("--lab"))
    return lab, given.get("--isolation", "auto")


def main() -> None:
    if sys.argv[1:2] == ["check"]:
        target = _check_target(sys.argv[2:])
        if target is not None:
            from .isolation import prestart

            prestart(*target)  # never raises: the check starts one itself if this failed
    from .cli import main as command_line

    command_line()
