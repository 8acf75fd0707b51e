"""The learner, as a check sees it: call the learner's functions, get plain data back.

`learner.softmax(x)` returns what the learner's softmax returned (after crossing the
plain-data channel, see worker/wire.py) or raises LearnerRaised / LearnerTimeout /
LearnerCrashed / MissingFunction / NotLoaded, which the judge turns into feedback.
`learner.call` gives the full Outcome (value, what it raised, which arguments it
changed); `learner.calls` makes several calls of one function in one round trip (a
check's list of cases); `learner.repeat` calls a function many times in one round trip,
sharing one `np.random.Generator` made from `Rng(seed)`.

Two learners implement it: remote.WorkerLearner (a submission in an isolated worker:
what grading uses) and LocalLearner (trusted code in this process: notebooks, tests).

>>> LocalLearner({"double": lambda x: 2 * x}).double(21)
42
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence, Set
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Protocol

from .worker import wire
from .worker.calling import (
    NoSuchFunction,
    Outcome,
    Raised,
    call_isolated,
    repeat_isolated,
    snapshot,
)
from .worker.protocol import Rng

__all__ = ["Case", "Learner", "LearnerBase", "LearnerCrashed", "LearnerProblem",
           "LearnerRaised", "LearnerTimeout", "LocalLearner", "MissingFunction", "NotLoaded",
           "Outcome", "Raised", "Rng"]


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

    def calls(self, function: str, cases: list[Case], watch: bool = True) -> list[Outcome]: ...

    def repeat(self, function: str, times: int, *args: Any, **kwargs: Any) -> list[Any]: ...


class LearnerBase:
    """Shared sugar: learner.softmax(x) is call("softmax", x) that raises on failure."""

    # what loading and calling found out about the submission (WorkerLearner fills them)
    borrowed: Mapping[str, str] = MappingProxyType({})  # function -> why it earns nothing
    blocked: Sequence[str] = ()  # modules the grader hides that it tried to import
    refused: Set[str] = frozenset()  # kinds of thing the worker's guard refused it
    # True where each case of calls() reaches the learner as copies of its own (a worker:
    # decoded from the channel), so the cases of one batch may share their arrays
    cases_copied: bool = False

    @property
    def swaps_reference(self) -> bool:
        """Whether the reference stands in for the other graded functions a learner's function
        calls (the judge's `needs`): a WorkerLearner given the reference's answers does; in a
        student handout (no reference installed) the learner's own functions run."""
        return self.__dict__.get("answers") is not None

    def call(self, function: str, *args: Any, **kwargs: Any) -> Outcome:
        raise NotImplementedError

    def calls(self, function: str, cases: list[Case], watch: bool = True) -> list[Outcome]:
        """One Outcome per (args, kwargs), in order: call() for each (a worker batches them).

        watch=False: the caller never looks at Outcome.mutated (the judge then need not
        compare the arguments a worker sends back, and may leave `mutated` empty).
        """
        done = []
        for case in cases:  # each case's arguments made just before its call and let go
            args, kwargs = snapshot(case)  # after it, as in the worker (serve.Worker.calls)
            done.append(self.call(function, *args, **kwargs))
            del args, kwargs
        return done

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


@dataclass
class LocalLearner(LearnerBase):
    """Calls functions of a namespace in this process (notebooks, nbgrader, our own tests).

    Results still go through wire.roundtrip, so a check sees exactly what it would see
    across the worker channel. No time limit: use the worker for untrusted code.
    """

    namespace: dict
    reference: dict = field(default_factory=dict)

    @property
    def swaps_reference(self) -> bool:
        """True when given the reference's functions to swap in (LocalLearner(ns, {}): not)."""
        return bool(self.reference)

    def call(self, function: str, *args: Any, **kwargs: Any) -> Outcome:
        try:
            outcome = call_isolated(self.namespace, self.reference, function, args, kwargs)
        except NoSuchFunction:
            raise MissingFunction(function) from None
        outcome.value = wire.roundtrip(outcome.value)
        return outcome

    def repeat(self, function: str, times: int, *args: Any, **kwargs: Any) -> list[Any]:
        try:
            values, raised = repeat_isolated(self.namespace, self.reference, function, times,
                                             args, kwargs)
        except NoSuchFunction:
            raise MissingFunction(function) from None
        if raised is not None:
            raise LearnerRaised(function, raised)
        return [wire.roundtrip(v) for v in values]
