"""One mutation analysis of a lab: every mutant graded, judged and classified.

    result = analyse("lab01")
    result.survivors()          # the work list: mutants with full marks, not known equivalent

Classes of a mutant (F its function, T F's tool):

- killed: T lost points (and, if the oracle spoke, it rejects F);
- equivalent: full marks, the oracle passes F, and the mutant is recorded in
  tests/mutation/equivalent-<lab>.json (with a reason);
- unrecorded-equivalent: full marks and the oracle passes F, but not recorded yet;
- gap: full marks but the oracle rejects F (the suite misses a contract violation);
- unclassified: full marks and no oracle verdict (the oracle is not there);
- false-positive: T lost points although the oracle passes F.

Independently, `collateral` lists the other tools that lost points (always a disagreement:
only F changed) and `error` marks a file the grader could not grade at all.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass, field

from autograder.labs import get_lab

from . import records
from .mutants import Mutant, mutants, solution_path
from .verdicts import Graded, grade_sources, judge_mutants, oracle_violations

SURVIVING = ("gap", "unclassified", "unrecorded-equivalent")


@dataclass
class Outcome:
    """One mutant with the suite's and the oracle's verdicts and its class."""

    mutant: Mutant
    graded: Graded
    oracle: list[str] | None  # None: no oracle verdict
    kind: str = ""
    collateral: list[str] = field(default_factory=list)

    @property
    def disagreement(self) -> str:
        """Why the agreement rule is broken by this mutant, '' when it is not."""
        why = []
        if self.graded.status != "graded":
            why.append("the grader could not grade the file: " + "; ".join(self.graded.notes))
        if self.collateral:
            why.append(f"other tools lost points: {', '.join(self.collateral)}")
        if self.kind == "false-positive":
            why.append(f"the oracle passes {self.mutant.function} but {self.mutant.tool} "
                       "lost points")
        if self.kind == "gap":
            why.append(f"the oracle rejects {self.mutant.function} but it got full marks")
        return "; ".join(why)


def classify(outcome: Outcome, equivalent: set[str]) -> Outcome:
    """Set the outcome's kind and collateral from its verdicts (see the module docstring)."""
    lost = outcome.graded.lost()
    tool = outcome.mutant.tool
    outcome.collateral = sorted(lost - {tool})
    killed = tool in lost or outcome.graded.status != "graded"
    if outcome.oracle is None:
        outcome.kind = "killed" if killed else "unclassified"
    elif outcome.oracle:
        outcome.kind = "killed" if killed else "gap"
    elif killed:
        outcome.kind = "false-positive"
    else:
        recorded = outcome.mutant.key in equivalent
        outcome.kind = "equivalent" if recorded else "unrecorded-equivalent"
    return outcome


@dataclass
class Analysis:
    """All outcomes of one lab, the baseline grade of the unmutated solution, timings."""

    lab: str
    outcomes: list[Outcome]
    baseline: Graded
    baseline_oracle: dict[str, list[str]] | None
    solution_sha256: tuple[str, str]  # the solution file before and after the run
    seconds: dict[str, float]

    def of(self, kind: str) -> list[Outcome]:
        return [o for o in self.outcomes if o.kind == kind]

    def survivors(self) -> list[Outcome]:
        """Full marks and not a recorded equivalent: the suites' work list."""
        return [o for o in self.outcomes if o.kind in SURVIVING]

    def disagreements(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.disagreement]

    def stale_equivalents(self) -> list[str]:
        """Keys recorded as equivalent that no current mutant has (the solution changed)."""
        keys = {o.mutant.key for o in self.outcomes}
        return sorted(set(records.load_equivalents(self.lab)) - keys)


def _sha256(lab: str) -> str:
    return hashlib.sha256(solution_path(lab).read_bytes()).hexdigest()


def _baseline_oracle(lab: str) -> dict[str, list[str]] | None:
    """The oracle's verdict on every graded function of the unmutated solution."""
    violations = oracle_violations()
    if violations is None:
        return None
    from .verdicts import judge

    source = solution_path(lab).read_text()
    return {f: judge(violations, lab, f, source) for f in get_lab(lab).functions}


def analyse(lab: str, jobs: int = 2, only: set[str] | None = None) -> Analysis:
    """Make, grade, judge and classify every mutant of the lab (of `only`'s functions)."""
    before = _sha256(lab)
    clock = time.monotonic()
    made = [m for m in mutants(lab) if only is None or m.function in only]
    seconds = {"generate": time.monotonic() - clock}
    clock = time.monotonic()
    source = solution_path(lab).read_text()
    graded = grade_sources(lab, [source, *(m.source for m in made)], jobs=jobs)
    seconds["grade"] = time.monotonic() - clock
    clock = time.monotonic()
    verdicts = judge_mutants(made, jobs=jobs)
    baseline_oracle = _baseline_oracle(lab)
    seconds["oracle"] = time.monotonic() - clock
    equivalent = set(records.load_equivalents(lab))
    outcomes = [classify(Outcome(m, g, v), equivalent)
                for m, g, v in zip(made, graded[1:], verdicts)]
    return Analysis(lab, outcomes, graded[0], baseline_oracle, (before, _sha256(lab)), seconds)
