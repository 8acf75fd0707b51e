"""A suite's requests planned ahead: the cases its checks ask of one function, in one round trip.

A suite asks for a function's cases check by check: read_row's four hidden checks make
four requests, each a round trip to the worker. Run once on the reference, in the judge
(`Plan.record`, when a Grader of the hidden suite makes its first learner), the suite's
requests are written down; the requests for one function that follow one another (no
other function's, no `repeat`, in between) make a group. When a submission's first
request of a group arrives, the WorkerLearner sends the whole group's cases in one
request (`Prefetch.later`) and keeps the outcomes of the later requests
(`Prefetch.keep`); a later request whose cases equal a kept request's, argument for
argument (calling.same_value), gets those outcomes (`Prefetch.kept`) instead of a round
trip. A request is its cases and whether its check looks at what the calls did to their
inputs (`watch`): a kept outcome serves only a request that watches as it was asked.

What a learner's function sees is the suite's calls in the suite's order, sooner. Where a
submission takes the suite elsewhere (a failed check skips the checks after it), a kept
request nobody asks for is skipped, and a request that matches nothing crosses as usual;
the skipped request's cases were called all the same (a function that counts its calls
sees them). Every submission a Grader of the hidden suite grades is graded with the
plan, so a file's verdict is the same on every path. Each request of a group keeps the
caps of a request of its own (bytes, questions, values: exchange.Limits.segments), and a
timeout or crash is served only to the request it happened in: when it happened in an
earlier request's cases, every kept outcome is dropped and the request crosses again (a
fresh worker), as it would have without a plan.

>>> plan = Plan({"f": [[Request([((1,), {})]), Request([((2,), {})], watch=False)]]})
>>> ahead = Prefetch(plan)
>>> ahead.later("f", [((1,), {})], watch=True)
[Request(cases=[((2,), {})], watch=False)]
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from .learner import Case, LocalLearner, Outcome
from .worker.calling import same_value

Segment = list[Case]  # the cases of one request


class Request(NamedTuple):
    """One request of a suite: its cases, and whether its check looks at Outcome.mutated."""

    cases: Segment
    watch: bool = True

MAX_KEPT_BYTES = 32 * 2**20  # the values a group's later requests are kept with, at most
NOT_KEPT = Outcome()  # an outcome past that: its request crosses again when it comes


class Plan:
    """The groups of requests a suite makes, by function: {function: [[Request, ...], ...]}."""

    def __init__(self, groups: dict[str, list[list[Request | Segment]]]) -> None:
        self.groups = {function: [[s if isinstance(s, Request) else Request(s) for s in group]
                                  for group in function_groups]
                       for function, function_groups in groups.items()}  # (a bare list: watched)

    @classmethod
    def record(cls, lab: Any, suite: str, module: Any) -> Plan | None:
        """The plan of `suite`, run on the reference `module` in this process (trusted
        code); None when that run fails (then every request crosses on its own)."""
        from .judge import run_lab

        functions = {name: getattr(module, name) for name in lab.functions
                     if callable(getattr(module, name, None))}
        recorder = _Recorder(dict(functions), functions)
        try:
            run_lab(lab, suite, recorder)
        except Exception:
            return None
        return cls(_grouped(recorder.log))


_RECORDED: dict[tuple[str, str], Plan | None] = {}  # (lab, suite) -> its plan, this process's


def recorded(lab: Any, suite: str, module: Any) -> Plan | None:
    """Plan.record once per process for each lab and suite; a plan is only ever read, so
    the Graders of one process share it."""
    key = (lab.id, suite)
    if key not in _RECORDED:
        _RECORDED[key] = Plan.record(lab, suite, module)
    return _RECORDED[key]


class Prefetch:
    """One submission's requests against a Plan: what was sent ahead, what is kept."""

    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        self.function: str | None = None
        self.segments: list[tuple[Request, list[Outcome]]] = []  # kept, in the plan's order
        self.first_problem = -1  # index in `segments` of the first one holding a problem

    def later(self, function: str, cases: list[Case],
              watch: bool = True) -> list[Request] | None:
        """The plan's later requests of the group the request (cases, watch) begins, or None."""
        for group in self.plan.groups.get(function, ()):
            if _same_request(group[0], cases, watch):
                return group[1:]
        return None

    def keep(self, function: str, cases: list[Case], later: list[Request],
             outcomes: list[Outcome]) -> list[Outcome]:
        """Keep the outcomes of `later` (sent after `cases` in one request); the first
        len(cases) outcomes are `cases`' own."""
        self.function, self.segments, self.first_problem = function, [], -1
        start = len(cases)
        own_problem = any(o.problem is not None for o in outcomes[:start])
        for segment in later:
            kept = outcomes[start:start + len(segment.cases)]
            start += len(segment.cases)
            if any(o is NOT_KEPT for o in kept):  # past MAX_KEPT_BYTES: this one and the
                break                             # rest cross again, as without a plan
            if self.first_problem < 0 and any(o.problem is not None for o in kept):
                self.first_problem = len(self.segments)
            self.segments.append((segment, kept))
        if own_problem:  # it hung or crashed in its own cases: nothing later is kept
            self.drop()
        return outcomes[:len(cases)]

    def kept(self, function: str, cases: list[Case],
             watch: bool = True) -> list[Outcome] | None:
        """The kept outcomes of a request equal to (cases, watch), or None (ask the worker)."""
        if function != self.function:
            self.drop()
            return None
        for i, (segment, outcomes) in enumerate(self.segments):
            if _same_request(segment, cases, watch):
                if 0 <= self.first_problem < i:  # a problem of a request never served
                    break
                if self.first_problem == i:  # served here: what follows it holds it too
                    self.drop()
                else:
                    self.segments = self.segments[i + 1:]
                    self.first_problem -= i + 1 if self.first_problem > i else 0
                return outcomes
        self.drop()
        return None

    def drop(self) -> None:
        self.function, self.segments, self.first_problem = None, [], -1


def joined(cases: list[Case], watch: bool,
           later: list[Request]) -> tuple[list[Case], tuple[int, ...], list[bool]]:
    """A request's cases then its group's later requests' as one request: all the cases,
    where each later request's begin, and whether each case is watched.

    >>> joined([((1,), {})], True, [Request([((2,), {})], watch=False)])
    ([((1,), {}), ((2,), {})], (1,), [True, False])
    """
    starts, at = [], len(cases)
    for request in later:
        starts.append(at)
        at += len(request.cases)
    return (list(cases) + [case for request in later for case in request.cases], tuple(starts),
            [watch] * len(cases) + [request.watch for request in later for _ in request.cases])


class Arrivals(list):
    """The Outcomes of one batch's cases, each read as its answer arrives (`read(data, i)`:
    the arguments it sends back are judged and let go at once); from case `later_from` on
    (a plan's later requests) their values are kept up to MAX_KEPT_BYTES in all, then
    NOT_KEPT: what the judge holds stays bounded however big a worker's answers are."""

    def __init__(self, read: Any, later_from: int) -> None:
        super().__init__()
        self.read, self.later_from, self.held = read, later_from, 0

    def append(self, data: Any) -> None:
        outcome = self.read(data, len(self))
        if len(self) >= self.later_from:
            self.held += held_bytes(outcome.value)
            if self.held > MAX_KEPT_BYTES:
                outcome = NOT_KEPT
        super().append(outcome)


def held_bytes(value: Any, depth: int = 0) -> int:
    """About how many bytes a decoded value holds.

    >>> held_bytes([np.zeros(4), "ab"])  # a list, 32 bytes of floats, 2 of text
    98
    """
    if type(value) is np.ndarray:  # a view of its reply's bytes holds the whole reply
        base = value
        while type(base.base) is np.ndarray:
            base = base.base
        if base.base is None:
            return value.nbytes
        try:
            return max(value.nbytes, memoryview(getattr(base.base, "obj", base.base)).nbytes)
        except TypeError:
            return value.nbytes
    if type(value) is str:
        return len(value)
    if type(value) in (list, tuple) and depth < 4:
        return 64 + sum(held_bytes(v, depth + 1) for v in value)
    if type(value) is dict and depth < 4:
        return 64 + sum(held_bytes(v, depth + 1) for v in value.values())
    return 64


class _Recorder(LocalLearner):
    """A LocalLearner that writes down every request: (function, Request), or (function,
    None) for a repeat (which ends a group)."""

    def __init__(self, namespace: dict, reference: dict) -> None:
        super().__init__(namespace, reference)
        self.log: list[tuple[str, Request | None]] = []
        self.arrays: dict[tuple, np.ndarray] = {}  # one copy of each array met

    def call(self, function: str, *args: Any, **kwargs: Any) -> Outcome:
        self.log.append((function, Request([self._copy((args, kwargs))])))
        return LocalLearner.call(self, function, *args, **kwargs)

    def calls(self, function: str, cases: list[Case], watch: bool = True) -> list[Outcome]:
        self.log.append((function, Request([self._copy(case) for case in cases], watch)))
        return [LocalLearner.call(self, function, *args, **kw) for args, kw in cases]

    def repeat(self, function: str, times: int, *args: Any, **kwargs: Any) -> list[Any]:
        self.log.append((function, None))
        return LocalLearner.repeat(self, function, times, *args, **kwargs)

    def _copy(self, value: Any) -> Any:
        """A copy the calls cannot change, equal arrays one object (each crosses once)."""
        if type(value) is np.ndarray:
            key = (value.dtype.str, value.shape, value.tobytes())
            if key not in self.arrays:
                self.arrays[key] = value.copy()
            return self.arrays[key]
        if type(value) in (list, tuple):
            return type(value)(self._copy(v) for v in value)
        if type(value) is dict:
            return {k: self._copy(v) for k, v in value.items()}
        return value


def _grouped(log: list[tuple[str, Request | None]]) -> dict[str, list[list[Request]]]:
    """Runs of requests for one function, two or more long, by function."""
    groups: dict[str, list[list[Request]]] = {}
    run: list[Request] = []
    last = None
    for function, segment in [*log, ("", None)]:
        if function != last or segment is None:
            if len(run) > 1:
                groups.setdefault(str(last), []).append(run)
            run = []
        if segment is not None:
            run.append(segment)
        last = function
    return groups


def _same_request(request: Request, cases: list[Case], watch: bool) -> bool:
    return request.watch == watch and _same_cases(request.cases, cases)


def _same_cases(a: list[Case], b: list[Case]) -> bool:
    return len(a) == len(b) and all(
        same_value(tuple(x[0]), tuple(y[0])) and same_value(dict(x[1]), dict(y[1]))
        for x, y in zip(a, b))
