"""Calling a learner's function: one call, or many, with the other graded functions swapped.

Runs learner code: the worker calls these for the judge; the judge's process calls them
only for trusted code (LocalLearner: notebooks, our own tests).

>>> ns = {"double": lambda x: 2 * x}
>>> call_isolated(ns, {}, "double", (21,), {}).value
42
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from .protocol import Rng


class NoSuchFunction(Exception):
    """The namespace has no callable of that name (the judge says so to the learner as
    learner.MissingFunction)."""


@dataclass(frozen=True)
class Raised:
    """What a learner's function raised: its type's qualified names (MRO) and message."""

    type_names: tuple[str, ...]  # e.g. ("builtins.ValueError", "builtins.Exception", ...)
    message: str
    traceback: str = ""  # the learner's own frames only (shown with --verbose)

    @property
    def type_name(self) -> str:
        return self.type_names[0].removeprefix("builtins.")

    def is_a(self, exc: type[BaseException]) -> bool:
        """True when the raised type is `exc` or a subclass (real builtins, not look-alikes)."""
        return f"{exc.__module__}.{exc.__qualname__}" in self.type_names

    def __str__(self) -> str:
        return f"{self.type_name}: {self.message}" if self.message else self.type_name


@dataclass
class Outcome:
    """One call of a learner's function."""

    value: Any = None
    raised: Raised | None = None
    mutated: tuple = ()  # positions (int) or names (str) of arguments the call changed
    # in a batch (Learner.calls): the call timed out or crashed its worker (or came after
    # one that did), so there is nothing else to judge; raise it when the check gets here
    problem: Exception | None = None
    # the arguments as the call left them (call_isolated(keep=True)): the worker sends
    # them back, so the judge itself sees whether the call changed its inputs
    after: tuple | None = None


def raised_of(exc: BaseException) -> Raised:
    names = tuple(f"{c.__module__}.{c.__qualname__}" for c in type(exc).__mro__)
    try:
        message = str(exc)[:500]
    except Exception:  # a hostile __str__
        message = ""
    return Raised(names, message)


def materialize(value: Any, rng_cache: dict[int, np.random.Generator] | None = None) -> Any:
    """Replace Rng markers by real generators (one per seed within rng_cache)."""
    if isinstance(value, Rng):
        if rng_cache is None:
            return np.random.default_rng(value.seed)
        if value.seed not in rng_cache:  # (setdefault would build a generator every time)
            rng_cache[value.seed] = np.random.default_rng(value.seed)
        return rng_cache[value.seed]
    if type(value) in (list, tuple):
        return type(value)(materialize(v, rng_cache) for v in value)
    if type(value) is dict:
        return {k: materialize(v, rng_cache) for k, v in value.items()}
    return value


def same_value(a: Any, b: Any) -> bool:
    """Exact equality for plain data and arrays (nan equals nan), used to spot mutation."""
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        if not (isinstance(a, np.ndarray) and isinstance(b, np.ndarray)
                and a.shape == b.shape and a.dtype == b.dtype):
            return False
        try:
            if bool((a == b).all()):  # the usual case, ten times faster than array_equal's nan
                return True
        except Exception:
            pass
        return bool(np.array_equal(a, b, equal_nan=a.dtype.kind in "fc"))
    if isinstance(a, np.random.Generator):
        return True
    if type(a) in (list, tuple) and type(b) is type(a):
        return len(a) == len(b) and all(same_value(x, y) for x, y in zip(a, b))
    if type(a) is dict and type(b) is dict:
        return a.keys() == b.keys() and all(same_value(a[k], b[k]) for k in a)
    try:
        return bool(a == b) or (a != a and b != b)
    except Exception:
        return False


def call_isolated(namespace: dict, reference: dict, function: str, args: tuple,
                  kwargs: dict, rng_cache: dict | None = None,
                  trace: Callable[[BaseException], str] | None = None,
                  watch: bool = True, keep: bool = False) -> Outcome:
    """Call namespace[function] with every *other* graded function swapped for the reference.

    This is what grades each function on its own: a learner's read_row that calls
    their buggy softmax gets the reference softmax during the call. `reference` maps
    graded names to reference functions ({} means: no swapping). The caller's
    arguments are copied in, and compared afterwards to report mutation (`watch=False`
    skips that: the worker leaves the comparing to the judge and `keep`s the arguments as
    the call left them in Outcome.after, to send them back).
    `trace(exc)`, when given, renders what the call raised for Raised.traceback.
    Runs learner code: only ever call it inside the worker (or for trusted local code).
    """
    fn = namespace.get(function)
    if not callable(fn):
        raise NoSuchFunction(function)
    real_args = materialize(args, rng_cache)
    real_kwargs = materialize(kwargs, rng_cache)
    before_args = snapshot(real_args) if watch else ()
    before_kwargs = snapshot(real_kwargs) if watch else {}
    saved = _swap_others(namespace, reference, function)
    try:
        value = fn(*real_args, **real_kwargs)
        raised = None
    except Exception as exc:  # SystemExit and KeyboardInterrupt are the worker's business
        value, raised = None, _raised_with_trace(exc, trace)
    finally:
        _restore(namespace, saved)
    mutated = tuple(i for i, (a, b) in enumerate(zip(before_args, real_args))
                    if not same_value(a, b))
    mutated += tuple(k for k in before_kwargs if not same_value(before_kwargs[k], real_kwargs[k]))
    return Outcome(value=value, raised=raised, mutated=mutated,
                   after=(real_args, real_kwargs) if keep else None)


def repeat_isolated(namespace: dict, reference: dict, function: str, times: int,
                    args: tuple, kwargs: dict,
                    trace: Callable[[BaseException], str] | None = None,
                    between: Callable[[], None] | None = None) -> tuple[list, Raised | None]:
    """`times` calls of namespace[function] with the same arguments, as call_isolated.

    One np.random.Generator per Rng seed is shared by all the calls, so they draw on
    from one another like a loop in the learner's own notebook. The other graded
    functions are swapped for the reference once for the whole run (a statistical check
    makes hundreds of calls: per-call bookkeeping would cost more than the calls), and
    inputs are not watched. Returns (values, None), or at the first call that raises,
    (the values before it, what it raised). `between()` runs after each call (the
    worker's heartbeat).
    """
    fn = namespace.get(function)
    if not callable(fn):
        raise NoSuchFunction(function)
    cache: dict[int, np.random.Generator] = {}
    real_args = materialize(args, cache)
    real_kwargs = materialize(kwargs, cache)
    values = []
    saved = _swap_others(namespace, reference, function)
    try:
        for _ in range(times):
            try:
                values.append(fn(*real_args, **real_kwargs))
            except Exception as exc:
                return values, _raised_with_trace(exc, trace)
            if between is not None:
                between()
    finally:
        _restore(namespace, saved)
    return values, None


def _swap_others(namespace: dict, reference: dict, function: str) -> dict:
    """Put the reference in place of every graded function but `function`; what was there."""
    saved = {}
    for name, ref in reference.items():
        if name != function:
            saved[name] = namespace.get(name, _ABSENT)
            namespace[name] = ref
    return saved


def _restore(namespace: dict, saved: dict) -> None:
    for name, old in saved.items():
        if old is _ABSENT:
            namespace.pop(name, None)
        else:
            namespace[name] = old


def _raised_with_trace(exc: BaseException,
                       trace: Callable[[BaseException], str] | None) -> Raised:
    raised = raised_of(exc)
    if trace is not None:
        try:
            raised = Raised(raised.type_names, raised.message, trace(exc))
        except Exception:
            pass
    return raised


_ABSENT = object()


def snapshot(value: Any) -> Any:
    """A copy to compare against after the call (generators are never compared: kept as is)."""
    if isinstance(value, np.random.Generator):
        return value
    if type(value) is np.ndarray:
        return value.copy()
    if type(value) in (list, tuple):
        return type(value)(snapshot(v) for v in value)
    if type(value) is dict:
        return {k: snapshot(v) for k, v in value.items()}
    return copy.deepcopy(value)
