"""The property oracle: the lab contracts (SPEC §2, docs/lab02-contract.md) as executable checks.

    from oracle import violations, judge_namespace, judge_file
    violations("lab01", "softmax", {"softmax": my_softmax})   # [] when it meets the contract
    judge_file("lab02", "tests/mistakes/...")                  # {function: [sentences]}

Each graded function is judged on its own: while its properties run, every OTHER graded
function of the lab, as seen from the implementation's globals, is the reference's, so a
buggy softmax never makes read_row look wrong. Verdicts are deterministic (fixed seeds,
derandomized Hypothesis) and bounded (a time limit per call). Trusted code only: the
implementation runs in this process.

>>> import importlib
>>> from mindlab_grader.labs import get_lab
>>> ref = importlib.import_module(get_lab("lab01").reference)
>>> violations("lab01", "softmax", {"softmax": ref.softmax})
[]
"""

from __future__ import annotations

import contextlib
import importlib
import io
import os
import types
import warnings
from collections.abc import Callable
from pathlib import Path

from mindlab_grader.labs import get_lab

from . import lab01, lab02
from .core import run_property

PROPERTIES: dict[str, dict[str, list[Callable]]] = {
    "lab01": lab01.PROPERTIES, "lab02": lab02.PROPERTIES,
}

__all__ = ["PROPERTIES", "judge_file", "judge_namespace", "properties", "violations"]


def properties(lab: str, function: str) -> list[Callable]:
    """The property functions of one graded function: len(properties('lab01', 'softmax')) > 5."""
    if lab not in PROPERTIES:
        raise ValueError(f"the oracle knows no lab {lab!r}")
    if function not in get_lab(lab).functions:
        raise ValueError(f"{function!r} is not a graded function of {lab}")
    return PROPERTIES[lab][function]


def reference(lab: str) -> dict[str, Callable]:
    """{graded name: reference function} of a lab, from get_lab(lab).reference."""
    module = importlib.import_module(get_lab(lab).reference)
    return {name: getattr(module, name) for name in get_lab(lab).functions}


def _rebind(fn: types.FunctionType, scope: dict) -> types.FunctionType:
    copy = types.FunctionType(fn.__code__, scope, fn.__name__, fn.__defaults__, fn.__closure__)
    copy.__kwdefaults__ = fn.__kwdefaults__
    copy.__dict__.update(fn.__dict__)
    return copy


def isolated(lab: str, function: str, implementation: Callable) -> Callable:
    """The implementation, seeing the reference for every other graded function of the lab.

    Its globals are copied with the other graded names replaced; plain functions defined
    beside it (its helpers) are rebound to the copy too, so they see the reference as well.
    Anything that is not a plain Python function is returned as it is.
    """
    if not isinstance(implementation, types.FunctionType):
        return implementation
    original = implementation.__globals__
    scope = dict(original)
    for name, fn in reference(lab).items():
        if name != function:
            scope[name] = fn
    for name, value in original.items():
        if (isinstance(value, types.FunctionType) and value.__globals__ is original
                and not (name in get_lab(lab).functions and name != function)):
            scope[name] = _rebind(value, scope)
    return _rebind(implementation, scope)


def violations(lab: str, function: str, namespace: dict) -> list[str]:
    """Every property of `function` broken by namespace[function]: sentences, [] when none.

    Never raises for what the implementation does (it is missing, not callable, raises,
    hangs, returns nan or the wrong type: each becomes a sentence).
    """
    props = properties(lab, function)
    if function not in namespace:
        return [f"{function} is not defined"]
    if not callable(namespace[function]):
        return [f"{function} is not a function: it is {type(namespace[function]).__name__}"]
    implementation = isolated(lab, function, namespace[function])
    found = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for prop in props:
            sentence = run_property(prop, implementation)
            if sentence is not None:
                found.append(f"{prop.__name__}: {sentence}")
    return found


def judge_namespace(lab: str, namespace: dict) -> dict[str, list[str]]:
    """{graded function: violations} for every graded function of the lab."""
    return {function: violations(lab, function, namespace) for function in get_lab(lab).functions}


@contextlib.contextmanager
def _grading_environment():
    """MINDLAB_GRADING set (check cells return at once) and a non-interactive matplotlib."""
    saved = {key: os.environ.get(key) for key in ("MINDLAB_GRADING", "MPLBACKEND")}
    os.environ["MINDLAB_GRADING"] = "1"
    os.environ.setdefault("MPLBACKEND", "Agg")
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def load_file(path: str | Path) -> dict:
    """Run a .py submission's top-level code here and return its namespace (trusted code only)."""
    path = Path(path)
    namespace: dict = {"__name__": "submission", "__file__": str(path)}
    quiet = contextlib.redirect_stdout(io.StringIO())
    with _grading_environment(), warnings.catch_warnings(), quiet:
        warnings.simplefilter("ignore")
        exec(compile(path.read_text(), str(path), "exec"), namespace)
    return namespace


def judge_file(lab: str, path: str | Path) -> dict[str, list[str]]:
    """{graded function: violations} of a .py submission, run in this process (trusted only)."""
    return judge_namespace(lab, load_file(path))
