"""The oracle's machinery: calls under a time limit, violations, value comparisons, examples.

A property is a function `prop(f) -> None` that raises `Violation("sentence")` when the
implementation `f` breaks one sentence of the contract:

>>> def returns_a_str(f):
...     if type(call(f, "a")) is not str:
...         raise Violation("f('a') does not return a str")
>>> run_property(returns_a_str, lambda x: 3)
"f('a') does not return a str"
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np
from hypothesis import HealthCheck, Phase, Verbosity, given, settings
from hypothesis import strategies as st

LIMIT = 5.0  # seconds per call of an implementation (a batch of draws gets its own limit)
EXAMPLES = 12  # Hypothesis examples per generated-input property (derandomized)
RTOL, ATOL = 1e-9, 1e-12  # the tolerance on computed floats (probabilities, losses ...)

SETTINGS = settings(
    derandomize=True, max_examples=EXAMPLES, deadline=None, database=None,
    phases=(Phase.explicit, Phase.generate), report_multiple_bugs=False,
    suppress_health_check=list(HealthCheck), verbosity=Verbosity.quiet,
)


class Violation(AssertionError):
    """One sentence of the contract that an implementation breaks."""


class _TimeUp(BaseException):
    """Raised inside a call that ran out of time (a BaseException: `except Exception` misses it)."""


def _alarm(signum: int, frame: Any) -> None:
    raise _TimeUp()


def _in_thread(thunk: Callable[[], Any], limit: float) -> tuple[bool, Any]:
    box: list[tuple[bool, Any]] = []

    def target() -> None:
        try:
            box.append((True, thunk()))
        except BaseException as exc:  # noqa: BLE001 - every exception is a finding
            box.append((False, exc))

    worker = threading.Thread(target=target, daemon=True)
    worker.start()
    worker.join(limit)
    return box[0] if box else (False, _TimeUp())


def _with_alarm(thunk: Callable[[], Any], limit: float) -> tuple[bool, Any]:
    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, limit)
    try:
        return True, thunk()
    except BaseException as exc:  # noqa: BLE001 - every exception is a finding
        return False, exc
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def attempt(thunk: Callable[[], Any], limit: float | None = None) -> tuple[bool, Any]:
    """(True, value) or (False, exception) of thunk(), stopped after `limit` seconds.

    >>> attempt(lambda: 1 + 1)
    (True, 2)

    In the main thread a SIGALRM timer interrupts the call; elsewhere it runs in a daemon
    thread (a call that hangs there is abandoned, not killed: trusted code only).
    """
    limit = LIMIT if limit is None else limit
    main = threading.current_thread() is threading.main_thread()
    if main and hasattr(signal, "setitimer"):
        ok, value = _with_alarm(thunk, limit)
    else:
        ok, value = _in_thread(thunk, limit)
    if not ok and isinstance(value, KeyboardInterrupt):
        raise value
    return ok, value


def show(value: Any, width: int = 60) -> str:
    """A short description of a value for a violation's sentence: show([1, 2]) == '[1, 2]'."""
    if isinstance(value, np.ndarray):
        text = f"array of shape {value.shape}, dtype {value.dtype}"
        return text if value.size > 8 else f"{text}: {np.array2string(value, precision=6)}"
    try:
        text = repr(value)
    except Exception:  # noqa: BLE001 - a broken __repr__ is the implementation's
        text = f"a {type(value).__name__}"
    return text if len(text) <= width else text[:width - 3] + "..."


def _failed(what: str, exc: BaseException, limit: float) -> Violation:
    if isinstance(exc, _TimeUp):
        return Violation(f"{what} did not return within {limit:g} s")
    return Violation(f"{what} raised {type(exc).__name__}: {exc}")


def call(f: Callable, *args: Any, what: str = "the call", limit: float | None = None,
         **kwargs: Any) -> Any:
    """f(*args, **kwargs), or a Violation saying it raised or hung.

    >>> call(int, "7")
    7
    """
    limit = LIMIT if limit is None else limit
    ok, value = attempt(lambda: f(*args, **kwargs), limit)
    if not ok:
        raise _failed(what, value, limit)
    return value


def repeat(thunk: Callable[[], Any], times: int, what: str, limit: float | None = None) -> list:
    """[thunk() for each of `times`] under one limit (6 LIMIT): repeat(lambda: 1, 2, 'x')."""
    limit = 6 * LIMIT if limit is None else limit
    ok, value = attempt(lambda: [thunk() for _ in range(times)], limit)
    if not ok:
        raise _failed(what, value, limit)
    return value


def raises_value_error(f: Callable, *args: Any, what: str, limit: float | None = None,
                       **kwargs: Any) -> None:
    """A Violation unless f(*args, **kwargs) raises ValueError (a subclass is fine).

    >>> raises_value_error(int, "x", what="int('x')")
    """
    ok, value = attempt(lambda: f(*args, **kwargs), limit)
    if ok:
        raise Violation(f"{what} returned {show(value)} instead of raising ValueError")
    if not isinstance(value, ValueError):
        raise _failed(what, value, LIMIT if limit is None else limit) if isinstance(
            value, _TimeUp) else Violation(
            f"{what} raised {type(value).__name__} ({value}) instead of ValueError")


def accepted(f: Callable, *args: Any, what: str, **kwargs: Any) -> Any:
    """f(*args, **kwargs) for a valid (boundary) argument: raising is a Violation."""
    return call(f, *args, what=what, **kwargs)


def expect_array(value: Any, what: str, shape: tuple[int, ...] | None = None,
                 kind: str = "f") -> np.ndarray:
    """value, if it is an ndarray of that shape with dtype kind 'f' (float) / 'i' (int) ...

    >>> expect_array(np.zeros(2), "x", (2,)).tolist()
    [0.0, 0.0]
    """
    if not isinstance(value, np.ndarray):
        raise Violation(f"{what} returned {show(value)}, not a numpy array")
    if shape is not None and value.shape != tuple(shape):
        raise Violation(f"{what} returned shape {value.shape}, expected {tuple(shape)}")
    if kind and value.dtype.kind not in kind:
        raise Violation(f"{what} returned dtype {value.dtype}, expected kind {kind!r}")
    return value


def expect_float(value: Any, what: str) -> float:
    """value, if it is exactly a Python float (np.float64 is not 'a float' here)."""
    if type(value) is not float:
        raise Violation(f"{what} returned a {type(value).__name__} ({show(value)}), "
                        "not a plain Python float")
    return value


def close(got: Any, expected: Any, rtol: float = RTOL, atol: float = ATOL) -> bool:
    """Same shape, nan nowhere, equal infinities, and |got - expected| <= atol + rtol |expected|.

    >>> close(np.array([1.0, -np.inf]), np.array([1.0 + 1e-12, -np.inf]))
    True
    """
    got, expected = np.asarray(got, dtype=np.float64), np.asarray(expected, dtype=np.float64)
    if got.shape != expected.shape or np.isnan(got).any():
        return False
    inf = np.isinf(expected)
    if not np.array_equal(got[inf], expected[inf]) or np.isinf(got[~inf]).any():
        return False
    return bool(np.all(np.abs(got[~inf] - expected[~inf]) <= atol + rtol * np.abs(expected[~inf])))


def expect_close(got: Any, expected: Any, what: str, rtol: float = RTOL,
                 atol: float = ATOL) -> None:
    """A Violation naming the largest difference unless close(got, expected)."""
    if close(got, expected, rtol, atol):
        return
    g, e = np.asarray(got, dtype=np.float64), np.asarray(expected, dtype=np.float64)
    if g.shape != e.shape:
        raise Violation(f"{what} has shape {g.shape}, expected {e.shape}")
    with np.errstate(all="ignore"):
        bad = ~np.isclose(g, e, rtol=rtol, atol=atol, equal_nan=False) | (np.isnan(g))
    where = tuple(int(i) for i in np.argwhere(bad)[0]) if bad.any() else ()
    raise Violation(f"{what} is {g[where]!r} at {where}, expected {e[where]!r} "
                    f"(tolerance {rtol:g} relative + {atol:g})")


def snapshot(value: Any) -> Any:
    """A deep copy of arrays, lists, tuples and dicts, to compare with after a call."""
    if isinstance(value, np.ndarray):
        return value.copy()
    if isinstance(value, dict):
        return {k: snapshot(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(snapshot(v) for v in value)
    return value


def same(a: Any, b: Any) -> bool:
    """Exactly equal (nan equal to nan), recursively: same({'x': [1.0]}, {'x': [1.0]})."""
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return (isinstance(a, np.ndarray) and isinstance(b, np.ndarray) and a.shape == b.shape
                and a.dtype == b.dtype and np.array_equal(a, b, equal_nan=a.dtype.kind == "f"))
    if isinstance(a, dict):
        return isinstance(b, dict) and a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)):
        return (type(a) is type(b) and len(a) == len(b)
                and all(same(x, y) for x, y in zip(a, b)))
    return type(a) is type(b) and a == b


def expect_unchanged(f: Callable, args: tuple, what: str, **kwargs: Any) -> Any:
    """Call f on args, then a Violation if any argument differs from its copy taken before."""
    before = snapshot(args)
    value = call(f, *args, what=what, **kwargs)
    for position, (old, new) in enumerate(zip(before, args)):
        if not same(old, new):
            raise Violation(f"{what} changed its input number {position + 1} "
                            "(every input is left unchanged)")
    return value


def for_all(strategy: st.SearchStrategy, body: Callable[[Any], None],
            explicit: Iterable[Any] = (), examples: int = EXAMPLES) -> None:
    """body(case) on each explicit case, then on `examples` derandomized Hypothesis cases."""
    for case in explicit:
        body(case)

    @settings(SETTINGS, max_examples=examples)
    @given(strategy)
    def run(case: Any) -> None:
        body(case)

    try:
        run()
    except Violation:
        raise
    except BaseException as exc:  # a Flaky group: the same case failed once, then not
        for inner in getattr(exc, "exceptions", ()):
            if isinstance(inner, Violation):
                raise Violation(f"{inner.args[0]} (and not again on the same input)") from None
        raise


def seeds() -> st.SearchStrategy[int]:
    """Seeds for numpy generators: st.integers(0, 2**32 - 1)."""
    return st.integers(0, 2**32 - 1)


def run_property(prop: Callable[[Callable], None], f: Callable) -> str | None:
    """The violation sentence of one property on f, or None when it holds."""
    with np.errstate(all="ignore"):
        try:
            prop(f)
        except Violation as exc:
            return str(exc.args[0]) if exc.args else "a property failed"
        except _TimeUp:
            return "did not return within the time limit"
        except Exception as exc:  # noqa: BLE001 - what came back could not even be checked
            return f"returned something the oracle could not check ({type(exc).__name__}: {exc})"
    return None
