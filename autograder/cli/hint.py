"""`mindlab hint FUNCTION`: one more hint each time you ask, never the solution.

    mindlab hint softmax            # hint 1 of 4
    mindlab hint softmax            # hints 1 and 2 of 4
    mindlab hint softmax --reset    # start softmax's hints again (no name: every function)

The hints live with each lab (mindlab_core/<lab>/hints.py); how many you have seen of
each function is kept in $XDG_CACHE_HOME/mindlab/hints.json (~/.cache/mindlab/ by default).
"""

from __future__ import annotations

import importlib
import json
import os
from pathlib import Path

import click

from ..labs import LABS
from . import main


def state_file() -> Path:
    """Where the hint counts are kept: $XDG_CACHE_HOME/mindlab/hints.json, else ~/.cache/."""
    cache = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(cache) / "mindlab" / "hints.json"


def load_state(path: Path) -> dict[str, int]:
    """{"lab01.softmax": hints shown}; an unreadable or odd file counts as no hints shown."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError):
        return {}
    if not isinstance(data, dict):
        return {}
    return {k: v for k, v in data.items() if isinstance(k, str) and isinstance(v, int)}


def save_state(path: Path, state: dict[str, int]) -> None:
    """Write the counts whole (a temporary file moved into place)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".tmp")
    partial.write_text(json.dumps(state, indent=1, sort_keys=True), encoding="utf-8")
    partial.replace(path)


def hints_of(lab_id: str) -> dict[str, tuple[str, ...]]:
    """The lab's hints by function name ({} when the lab ships none)."""
    try:
        module = importlib.import_module(f"mindlab_core.{lab_id}.hints")
    except ModuleNotFoundError:
        return {}
    return dict(module.HINTS)


def lab_of_function(function: str, lab_id: str | None) -> str:
    """The lab whose graded function this is (each name belongs to one lab), or ValueError."""
    labs = [LABS[lab_id]] if lab_id else list(LABS.values())
    for lab in labs:
        if function in lab.functions:
            return lab.id
    known = ", ".join(f for lab in labs for f in lab.functions)
    raise ValueError(f"{function!r} is not a graded function"
                     + (f" of {lab_id}" if lab_id else "") + f": choose one of {known}")


@main.command()
@click.argument("function", required=False)
@click.option("--lab", default=None,
              help="The lab (default: the one FUNCTION belongs to, e.g. softmax -> lab01).")
@click.option("--reset", is_flag=True, help="Forget the hints shown (of FUNCTION, or all).")
def hint(function: str | None, lab: str | None, reset: bool) -> None:
    """Give one more hint for FUNCTION each time you ask (never its solution)."""
    path = state_file()
    state = load_state(path)
    if reset:
        if function is None:
            forgotten = {k: v for k, v in state.items() if lab and not k.startswith(f"{lab}.")}
        else:
            key = f"{_lab(function, lab)}.{function}"
            forgotten = {k: v for k, v in state.items() if k != key}
        save_state(path, forgotten)
        click.echo(f"hints reset for {function or (lab or 'every function')}: the next "
                   "`mindlab hint` starts at hint 1")
        return
    if function is None:
        raise click.UsageError("name the function you want a hint for, e.g. mindlab hint "
                               "softmax")
    lab_id = _lab(function, lab)
    hints = hints_of(lab_id).get(function, ())
    if not hints:
        raise click.ClickException(f"{lab_id} has no hints for {function} yet: read its "
                                   "docstring and the notebook's text just above it")
    key = f"{lab_id}.{function}"
    shown = min(state.get(key, 0) + 1, len(hints))
    state[key] = shown
    save_state(path, state)
    for number, text in enumerate(hints[:shown], 1):
        click.echo(f"hint {number} of {len(hints)} for {function}: {text}")
    click.echo("(that was the last hint: the docstring's examples are the rest)"
               if shown == len(hints) else
               f"(run `mindlab hint {function}` again for hint {shown + 1})")


def _lab(function: str, lab: str | None) -> str:
    try:
        if lab is not None and lab not in LABS:
            raise ValueError(f"unknown lab {lab!r}: choose one of {', '.join(sorted(LABS))}")
        return lab_of_function(function, lab)
    except ValueError as bad:
        raise click.BadParameter(str(bad), param_hint="'FUNCTION'") from None
