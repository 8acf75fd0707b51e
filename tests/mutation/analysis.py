"""One mutation analysis of a lab: every mutant graded, judged and classified.

    result = analyse("lab01")
    result.survivors()          # the work list: mutants with full marks, not known equivalent

Classes of a mutant (F its function, T F's tool):

- killed: T lost points (and, if the oracle spoke, it rejects F);
- equivalent: full marks, the oracle passes F, and the mutant is recorded in
  tests/mutation/equivalent-<lab>.json (with a reason);
- unrecorded-equivalent: full marks and the oracle passes F, but not recorded yet;
- gap: full marks but the oracle rejects F (the suite misses a contract violation), or the
  oracle passes F and equivalent-<lab>.json records why it is wrong all the same
  ("equivalent": false, with the input that shows it: the oracle misses it too);
- unclassified: full marks and no oracle verdict (the oracle is not there);
- false-positive: T lost points although the oracle passes F (and no reviewer refuted it).

Independently, `collateral` lists the other tools that lost points (always a disagreement:
only F changed) and `error` marks a file the grader could not grade at all. Disagreements
are the suite taking points it should not (false positives, collateral, errors); the
opposite, a gap, is a survivor.
"""

from __future__ import annotations

import functools
import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from mindlab_grader.labs import get_lab

from . import records
from .mutants import Mutant, definitions_only, mutants, solution_path
from .verdicts import Graded, grade_sources, judge_sources

STAGES = ("grade", "oracle")
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
        return "; ".join(why)

    def refuted(self, recorded: dict[str, dict]) -> bool:
        """The oracle passes the mutant, but equivalent-<lab>.json records a reviewer's
        reason why it is wrong anyway (the oracle misses it): then it is no equivalent."""
        entry = recorded.get(self.mutant.key)
        return self.oracle == [] and entry is not None and not entry["equivalent"]


def classify(outcome: Outcome, recorded: dict[str, dict]) -> Outcome:
    """Set the outcome's kind and collateral from its verdicts (see the module docstring);
    `recorded` is {key: entry} of equivalent-<lab>.json."""
    lost = outcome.graded.lost()
    tool = outcome.mutant.tool
    outcome.collateral = sorted(lost - {tool})
    killed = tool in lost or outcome.graded.status != "graded"
    entry = recorded.get(outcome.mutant.key)
    if outcome.oracle is None:
        outcome.kind = "killed" if killed else "unclassified"
    elif outcome.oracle or outcome.refuted(recorded):
        outcome.kind = "killed" if killed else "gap"
    elif killed:
        outcome.kind = "false-positive"
    else:
        outcome.kind = "equivalent" if entry else "unrecorded-equivalent"
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

    def oracle_misses(self) -> list[Outcome]:
        """Mutants the oracle passes that a reviewer showed wrong (for the oracle's author)."""
        recorded = records.load_equivalents(self.lab)
        return [o for o in self.outcomes if o.refuted(recorded)]

    def stale_equivalents(self) -> list[str]:
        """Keys recorded as equivalent that no current mutant has (the solution changed)."""
        keys = {o.mutant.key for o in self.outcomes}
        return sorted(set(records.load_equivalents(self.lab)) - keys)


def _sha256(lab: str) -> str:
    return hashlib.sha256(solution_path(lab).read_bytes()).hexdigest()


def _baseline_oracle(lab: str, source: str) -> dict[str, list[str]] | None:
    """The oracle's verdict on every graded function of the unmutated solution."""
    functions = get_lab(lab).functions
    verdicts = judge_sources([(lab, f, source) for f in functions])
    if verdicts[0] is None:
        return None
    return dict(zip(functions, verdicts))


def analyse(lab: str, jobs: int = 2, only: set[str] | None = None, whole_file: bool = False,
            progress: Callable[[str, int, int], None] | None = None) -> Analysis:
    """Make, grade, judge and classify every mutant of the lab (of `only`'s functions);
    `progress(stage, done, total)` is told how far grading and judging are.

    The suite grades each mutant's definitions_only text (the demo cells blanked out: they
    earn no points, and in lab02 they cost 10x the grading); whole_file grades it all."""

    step = {s: (functools.partial(progress, s) if progress else None) for s in STAGES}
    before = _sha256(lab)
    clock = time.monotonic()
    made = [m for m in mutants(lab) if only is None or m.function in only]
    seconds = {"generate": time.monotonic() - clock}
    clock = time.monotonic()
    source = solution_path(lab).read_text()
    defs = [definitions_only(t, source) for t in (source, *(m.source for m in made))]
    texts = [source, *(m.source for m in made)] if whole_file else defs
    graded = grade_sources(lab, texts, jobs=jobs, progress=step["grade"])
    seconds["grade"] = time.monotonic() - clock
    clock = time.monotonic()
    tasks = [(lab, m.function, text) for m, text in zip(made, defs[1:])]
    verdicts = judge_sources(tasks, jobs=jobs, progress=step["oracle"])
    baseline_oracle = _baseline_oracle(lab, defs[0])
    seconds["oracle"] = time.monotonic() - clock
    recorded = records.load_equivalents(lab)
    outcomes = [classify(Outcome(m, g, v), recorded)
                for m, g, v in zip(made, graded[1:], verdicts)]
    return Analysis(lab, outcomes, graded[0], baseline_oracle, (before, _sha256(lab)), seconds)
