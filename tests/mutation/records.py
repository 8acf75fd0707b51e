"""The files of tests/mutation/: the recorded equivalent mutants and REPORT-<lab>.md.

equivalent-<lab>.json is a list of entries keyed by `key`, the hash of the mutated
function's source (tests/mutation/mutants.py): an entry stays valid while that function's
text stays the same, wherever it moves in the file. `"equivalent": true` records a mutant
the oracle passes and the suite gives full marks, with the reason (written by hand where a
person can say why); `"equivalent": false` is a reviewer's refutation of a mutant the
oracle passes (the reason names an input where it goes wrong): it counts as a gap.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .analysis import Analysis, Outcome

HERE = Path(__file__).resolve().parent
DEFAULT_REASON = "the oracle's properties hold"


def equivalents_path(lab: str) -> Path:
    return HERE / f"equivalent-{lab}.json"


def report_path(lab: str) -> Path:
    return HERE / f"REPORT-{lab}.md"


def load_equivalents(lab: str) -> dict[str, dict[str, Any]]:
    """{key: entry} of the recorded equivalent mutants of a lab ({} without the file)."""
    path = equivalents_path(lab)
    if not path.exists():
        return {}
    return {entry["key"]: entry for entry in json.loads(path.read_text())}


def entry(outcome: Outcome, equivalent: bool, reason: str) -> dict[str, Any]:
    """The JSON record of one mutant the oracle passes."""
    m = outcome.mutant
    return {"key": m.key, "function": m.function, "operator": m.operator,
            "occurrence": m.occurrence, "line": m.line, "before": m.before,
            "after": m.after, "equivalent": equivalent, "reason": reason}


def save_equivalents(analysis: Analysis) -> Path:
    """Record every mutant the oracle passes and the suite gives full marks, keeping what a
    person wrote (reasons, refutations); entries no mutant has any more are dropped."""
    old = load_equivalents(analysis.lab)
    kept = []
    for o in analysis.outcomes:
        was = old.get(o.mutant.key)
        if was is not None:
            kept.append(entry(o, was["equivalent"], was["reason"]))
        elif o.kind == "unrecorded-equivalent":
            kept.append(entry(o, True, DEFAULT_REASON))
    path = equivalents_path(analysis.lab)
    path.write_text(json.dumps(kept, indent=1, ensure_ascii=False) + "\n")
    return path


def counts(outcomes: list[Outcome]) -> dict[str, int]:
    """generated / killed / equivalent / survived / disagreements of some outcomes."""
    return {
        "generated": len(outcomes),
        "killed": sum(o.kind in ("killed", "false-positive") for o in outcomes),
        "equivalent": sum(o.kind == "equivalent" for o in outcomes),
        "survived": sum(o.kind in ("gap", "unclassified", "unrecorded-equivalent")
                        for o in outcomes),
        "disagreements": sum(bool(o.disagreement) for o in outcomes),
    }


def table(analysis: Analysis) -> list[str]:
    """A markdown table of the counts per tool and in total."""
    lines = ["| tool | generated | killed | equivalent | survived | disagreements |",
             "|---|---|---|---|---|---|"]
    tools = sorted({o.mutant.tool for o in analysis.outcomes})
    for tool in [*tools, "total"]:
        chosen = [o for o in analysis.outcomes if tool in ("total", o.mutant.tool)]
        c = counts(chosen)
        lines.append(f"| {tool} | " + " | ".join(str(v) for v in c.values()) + " |")
    return lines


def _verdict(outcome: Outcome) -> str:
    if outcome.oracle is None:
        return "unclassified (no oracle)"
    if not outcome.oracle:
        return "passes"
    return "rejects: " + "; ".join(outcome.oracle)[:300]


def _reason(outcome: Outcome, recorded: dict[str, dict[str, Any]]) -> str:
    if outcome.mutant.key in recorded:
        entry = recorded[outcome.mutant.key]
        return ("equivalent: " if entry["equivalent"] else "NOT equivalent: ") + entry["reason"]
    return {"gap": "SUITE GAP: add a check", "unclassified": "awaiting the oracle",
            "unrecorded-equivalent": "oracle passes it: record it (--record) with a reason",
            }.get(outcome.kind, outcome.disagreement)


def _row(outcome: Outcome, recorded: dict[str, dict[str, Any]]) -> str:
    m = outcome.mutant
    cell = [m.function, str(m.line), m.operator.split("/")[-1] + f" #{m.occurrence}",
            f"`- {m.before}`<br>`+ {m.after}`", _verdict(outcome), _reason(outcome, recorded)]
    return "| " + " | ".join(c.replace("|", "\\|") for c in cell) + " |"


def write_report(analysis: Analysis) -> Path:
    """tests/mutation/REPORT-<lab>.md: the counts, every survivor, every disagreement."""
    recorded = load_equivalents(analysis.lab)
    head = "| function | line | operator | mutation | oracle | reason |"
    rule = "|---|---|---|---|---|---|"
    survivors = [o for o in analysis.outcomes if o.kind not in ("killed", "false-positive")]
    lines = [f"# Mutation report: {analysis.lab}", "",
             "Written by `python benchmarks/mutation.py`; see docs/mutation.md. Mutants of "
             f"`solutions/{analysis.lab}.py` (cosmic-ray operators, graded functions only), "
             "graded by the hidden suite and judged by the property oracle (tests/oracle).",
             "", *table(analysis), "",
             f"The unmutated solution: {_baseline(analysis)}.", "",
             f"## Survivors ({len(survivors)}: full marks)", "", head, rule,
             *(_row(o, recorded) for o in survivors), "",
             f"## Disagreements ({len(analysis.disagreements())})", "",
             "The suite took points it should not have: the oracle passes the function, "
             "or another tool lost points, or the file could not be graded.", "",
             head, rule, *(_row(o, recorded) for o in analysis.disagreements()), "",
             f"## Oracle misses ({len(analysis.oracle_misses())})", "",
             "The oracle passes these mutants, but equivalent-<lab>.json records why each is "
             "wrong (an input where it differs): properties for tests/oracle to add.", "",
             head, rule, *(_row(o, recorded) for o in analysis.oracle_misses()), ""]
    path = report_path(analysis.lab)
    path.write_text("\n".join(lines))
    return path


def _baseline(analysis: Analysis) -> str:
    g = analysis.baseline
    score = sum(s for s, _ in g.scores.values())
    top = sum(t for _, t in g.scores.values())
    text = f"{g.status}, {score:g}/{top:g}"
    if analysis.baseline_oracle is not None:
        bad = [f for f, v in analysis.baseline_oracle.items() if v]
        text += "; the oracle rejects " + ", ".join(bad) if bad else "; the oracle passes it"
    return text
