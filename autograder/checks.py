"""How a check is written, and the learner it talks to.

A check is a small function, in check50's spirit: its name says what it tests, its
docstring's first line is the claim the learner reads, and a failure is a `Fail`
carrying a hint written for the learner. It receives a `learner` and calls the
learner's functions through it, never directly:

    @check(points=2, function="softmax")
    def test_softmax_rows_sum_to_one(learner):
        '''softmax gives rows that sum to 1'''
        p = expect_array(learner.softmax(LOGITS), "softmax(logits)", shape=(4, 27))
        if not np.allclose(p.sum(axis=1), 1):
            raise Fail(f"your probabilities sum to {p.sum(axis=1)[0]:.3g}: softmax divides "
                       "each exp by its row's total")

`learner.softmax(...)` returns what the learner's softmax returned (after crossing the
plain-data channel, see wire.py) or raises LearnerRaised / LearnerTimeout /
LearnerCrashed / MissingFunction, which the judge turns into feedback. `learner.call`
gives the full Outcome (value, what it raised, which arguments it changed);
`learner.calls` makes several calls of one function in one round trip (a check's list of
cases); `learner.repeat` calls a function many times in one round trip, sharing one
`np.random.Generator` made from `Rng(seed)`.

Checks are plain pytest tests too: `pytest autograder/suites/lab01/hidden` runs them
against the reference (see suites/conftest.py).
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np

from . import wire
from .wire import Unsupported

# ---------------------------------------------------------------- writing checks


class Fail(Exception):
    """A failed check. The message is what the learner reads: observation, expectation, hint."""


@dataclass(frozen=True)
class CheckInfo:
    points: float
    function: str  # the graded function this check is about
    claim: str  # first line of the docstring
    after: tuple[str, ...] = ()  # ids of checks (same module) that must pass before this runs


def check(points: float, function: str,
          after: str | tuple[str, ...] = ()) -> Callable[[Callable], Callable]:
    """Mark a test function as a graded check worth `points`, about `function`.

    `after` names the checks (their function names without `test_`, in the same module)
    this one needs, in check50's spirit (`@check(compiles)`): when one of them did not
    pass, this check is reported as not run, with no points, instead of failing:

        @check(points=1, function="data_row", after="data_row_runs")
        def test_data_row_rejects_bad_letters(learner): ...
    """
    needs = (after,) if isinstance(after, str) else tuple(after)

    def mark(fn: Callable) -> Callable:
        claim = (fn.__doc__ or fn.__name__).strip().splitlines()[0]
        fn.mindlab_check = CheckInfo(float(points), function, claim, needs)
        return fn

    return mark


# ---------------------------------------------------------------- talking to the learner


@dataclass(frozen=True)
class Rng:
    """Stands for np.random.default_rng(seed) on the learner's side of the channel."""

    seed: int


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
    output: str = ""  # what it printed (cut short)
    # in a batch (Learner.calls): the call timed out or crashed its worker (or came after
    # one that did), so there is nothing else to judge; raise it when the check gets here
    problem: Exception | None = None


class LearnerProblem(Exception):
    """Something went wrong on the learner's side; the judge writes the feedback."""

    def __init__(self, function: str, detail: str = "") -> None:
        super().__init__(function, detail)
        self.function = function
        self.detail = detail


class LearnerRaised(LearnerProblem):
    def __init__(self, function: str, raised: Raised) -> None:
        super().__init__(function, str(raised))
        self.raised = raised


class LearnerTimeout(LearnerProblem):
    """The call did not finish in its time limit."""


class LearnerCrashed(LearnerProblem):
    """The process running the learner's code died (exit, os._exit, segfault, killed)."""


class MissingFunction(LearnerProblem):
    """The learner's file has no callable of that name (detail: why, when known)."""


class NotLoaded(LearnerProblem):
    """The learner's file could not be loaded at all; detail is the sentence saying why."""


Case = tuple[tuple, dict]  # the (args, kwargs) of one call


class Learner(Protocol):
    def call(self, function: str, *args: Any, **kwargs: Any) -> Outcome: ...

    def calls(self, function: str, cases: list[Case]) -> list[Outcome]: ...

    def repeat(self, function: str, times: int, *args: Any, **kwargs: Any) -> list[Any]: ...


class LearnerBase:
    """Shared sugar: learner.softmax(x) is call("softmax", x) that raises on failure."""

    def call(self, function: str, *args: Any, **kwargs: Any) -> Outcome:
        raise NotImplementedError

    def calls(self, function: str, cases: list[Case]) -> list[Outcome]:
        """One Outcome per (args, kwargs), in order: call() for each (a worker batches them)."""
        return [self.call(function, *args, **kwargs) for args, kwargs in cases]

    def repeat(self, function: str, times: int, *args: Any, **kwargs: Any) -> list[Any]:
        raise NotImplementedError

    def problem_reached(self, problem: LearnerProblem) -> None:
        """The judge tells which problem became a check's feedback (see WorkerLearner)."""

    def shared(self, key: Any, compute: Callable[[], Any]) -> Any:
        """compute() once per learner (and submission), then the same answer for every check.

        Lets several checks judge one costly draw, e.g. the first letters and the lengths
        of the same sampled words. What compute() raised is raised again each time.
        """
        memo = self.__dict__.setdefault("_shared", {})
        if key not in memo:
            try:
                memo[key] = (True, compute())
            except Exception as exc:  # a Fail or a learner problem: every sharer sees it
                memo[key] = (False, exc)
        ok, result = memo[key]
        if not ok:
            raise result
        return result

    def __getattr__(self, function: str) -> Callable[..., Any]:
        if function.startswith("_"):
            raise AttributeError(function)

        def invoke(*args: Any, **kwargs: Any) -> Any:
            outcome = self.call(function, *args, **kwargs)
            if outcome.raised is not None:
                raise LearnerRaised(function, outcome.raised)
            return outcome.value

        return invoke


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
        return (isinstance(a, np.ndarray) and isinstance(b, np.ndarray)
                and a.shape == b.shape and a.dtype == b.dtype
                and bool(np.array_equal(a, b, equal_nan=a.dtype.kind in "fc")))
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
                  watch: bool = True) -> Outcome:
    """Call namespace[function] with every *other* graded function swapped for the reference.

    This is what grades each function on its own: a learner's read_row that calls
    their buggy softmax gets the reference softmax during the call. `reference` maps
    graded names to reference functions ({} means: no swapping). The caller's
    arguments are copied in, and compared afterwards to report mutation (`watch=False`
    skips that: it halves the cost of a call whose inputs nobody asks about).
    `trace(exc)`, when given, renders what the call raised for Raised.traceback.
    Runs learner code: only ever call it inside the worker (or for local checks).
    """
    fn = namespace.get(function)
    if not callable(fn):
        raise MissingFunction(function)
    real_args = materialize(args, rng_cache)
    real_kwargs = materialize(kwargs, rng_cache)
    before_args = _snapshot(real_args) if watch else ()
    before_kwargs = _snapshot(real_kwargs) if watch else {}
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
    return Outcome(value=value, raised=raised, mutated=mutated)


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
        raise MissingFunction(function)
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


def _snapshot(value: Any) -> Any:
    """A copy to compare against after the call (generators are never compared: kept as is)."""
    if isinstance(value, np.random.Generator):
        return value
    if type(value) is np.ndarray:
        return value.copy()
    if type(value) in (list, tuple):
        return type(value)(_snapshot(v) for v in value)
    if type(value) is dict:
        return {k: _snapshot(v) for k, v in value.items()}
    return copy.deepcopy(value)


@dataclass
class LocalLearner(LearnerBase):
    """Calls functions of a namespace in this process (notebooks, nbgrader, our own tests).

    Results still go through wire.roundtrip, so a check sees exactly what it would see
    across the worker channel. No time limit: use the worker for untrusted code.
    """

    namespace: dict
    reference: dict = field(default_factory=dict)

    def call(self, function: str, *args: Any, **kwargs: Any) -> Outcome:
        outcome = call_isolated(self.namespace, self.reference, function, args, kwargs)
        outcome.value = wire.roundtrip(outcome.value)
        return outcome

    def repeat(self, function: str, times: int, *args: Any, **kwargs: Any) -> list[Any]:
        values, raised = repeat_isolated(self.namespace, self.reference, function, times,
                                         args, kwargs)
        if raised is not None:
            raise LearnerRaised(function, raised)
        return [wire.roundtrip(v) for v in values]


# ---------------------------------------------------------------- judging what came back


def describe(value: Any) -> str:
    """'a list', 'a float', 'a numpy array of shape (27,)' — for messages."""
    if isinstance(value, Unsupported):
        return _a(value.type_name)
    if isinstance(value, np.ndarray):
        return f"a numpy array of shape {value.shape}"
    if value is None:
        return "None (is a return statement missing?)"
    return _a(type(value).__name__)


def _a(name: str) -> str:
    """'a list', 'an int', 'an object of ...' — the article a learner expects."""
    return f"{'an' if name[:1].lower() in 'aeiou' else 'a'} {name}"


def expect_array(value: Any, what: str, shape: tuple[int, ...] | None = None) -> np.ndarray:
    """The value as a float ndarray, or Fail saying what came back instead."""
    if not isinstance(value, np.ndarray):
        raise Fail(f"{what} returned {describe(value)}, expected a numpy array"
                   + (f" of shape {shape}" if shape else "") + ".")
    if value.dtype.kind not in "fiub":
        raise Fail(f"{what} returned an array of dtype {value.dtype}, expected numbers.")
    if shape is not None and value.shape != shape:
        raise Fail(f"{what} returned shape {value.shape}, expected {shape}.")
    return value.astype(np.float64)


def expect_float(value: Any, what: str) -> float:
    """A real number (Python float or int, or a numpy scalar), or Fail."""
    if type(value) in (float, int) or isinstance(value, (np.floating, np.integer)):
        return float(value)
    if isinstance(value, np.ndarray) and value.shape == ():
        return float(value)
    raise Fail(f"{what} returned {describe(value)}, expected a float.")


def expect_str(value: Any, what: str) -> str:
    if type(value) is str:
        return value
    if isinstance(value, np.str_):
        return str(value)
    raise Fail(f"{what} returned {describe(value)}, expected a str.")
