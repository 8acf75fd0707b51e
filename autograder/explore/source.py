"""Where an explore page's numbers come from: the reference, or a learner's file in a worker.

`open_source(lab, file)` yields a Learner: for no file, the lab's reference in this
process (trusted code, LocalLearner); for a file, the grader's isolated worker
(mindlab_grader.grader.open_learner), so learner code never runs in the page-building process.
`attempt(problems, name, thunk)` runs one call and turns whatever went wrong on the
learner's side into the plain sentence the page shows in that tool's section.
"""

from __future__ import annotations

import contextlib
import importlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from ..labs import get_lab
from ..learner import (
    LearnerBase,
    LearnerCrashed,
    LearnerProblem,
    LearnerRaised,
    LearnerTimeout,
    LocalLearner,
    MissingFunction,
    NotLoaded,
    Outcome,
)


class Problems:
    """What went wrong, per function, in the order it was met: {function: sentence}."""

    def __init__(self) -> None:
        self.found: dict[str, str] = {}

    def add(self, function: str, sentence: str) -> None:
        """Remember the first sentence for `function` (later ones say the same again)."""
        self.found.setdefault(function, sentence)

    def of(self, *functions: str) -> list[str]:
        """The sentences about these functions (a tool's section shows its own)."""
        return [self.found[f] for f in functions if f in self.found]


def sentence(function: str, problem: BaseException) -> str:
    """The page's sentence for a learner problem, e.g. 'your read_row raised ValueError: ...'."""
    if isinstance(problem, LearnerRaised):
        return f"your {function} raised {problem.raised}"
    if isinstance(problem, LearnerTimeout):
        return (f"your {function} did not finish in time (an endless loop?), so from there "
                "on the page shows the reference's answers in its place")
    if isinstance(problem, LearnerCrashed):
        return f"your {function} crashed the process running it{problem.detail}"
    if isinstance(problem, MissingFunction):
        why = f": {problem.detail}" if problem.detail else ""
        return f"your file has no function {function}{why}"
    if isinstance(problem, NotLoaded):
        return problem.detail or "your file could not be loaded"
    return f"your {function} could not be called ({type(problem).__name__})"


def value_of(function: str, outcome: Outcome) -> Any:
    """The value of one Outcome of learner.calls, raising the learner problem it holds."""
    if outcome.problem is not None:
        raise outcome.problem
    if outcome.raised is not None:
        raise LearnerRaised(function, outcome.raised)
    return outcome.value


def attempt(problems: Problems, function: str, thunk: Callable[[], Any]) -> Any:
    """thunk(), or None after noting in `problems` why the learner's `function` failed."""
    try:
        return thunk()
    except (LearnerProblem, BadValue) as problem:
        text = str(problem) if isinstance(problem, BadValue) else sentence(function, problem)
        problems.add(function, text)
        return None


class BadValue(Exception):
    """A learner's function returned something the page cannot show; str is the sentence."""


@contextlib.contextmanager
def open_source(lab: str, file: Path | None, call_timeout: float = 2.0) -> Iterator[LearnerBase]:
    """The reference (file None) or the learner's file in the grader's worker, loaded."""
    spec = get_lab(lab)
    if file is None:
        module = importlib.import_module(spec.reference)
        yield LocalLearner({name: getattr(module, name) for name in spec.functions})
        return
    from ..grader import open_learner

    with open_learner(file, spec, call_timeout=call_timeout) as learner:
        yield learner


def load_problem(learner: LearnerBase) -> str:
    """The sentence saying why the whole file could not be loaded, or ''."""
    return str(getattr(learner, "load_failure", "") or "")
