"""Mutation analysis of the hidden suites: do they kill every mutant of the solutions?

Makes every cosmic-ray mutant of the graded functions of solutions/<lab>.py (copies in a
temporary folder only), grades each with the hidden suite (two Graders at most), judges
each with the property oracle (tests/oracle), prints per lab and tool: mutants generated /
killed / equivalent / survived / disagreements and the wall time, and writes
tests/mutation/REPORT-<lab>.md. See docs/mutation.md.

    python benchmarks/mutation.py                    # both labs
    python benchmarks/mutation.py lab01 --jobs 1
    python benchmarks/mutation.py lab02 --function project --function cosine_similarity
    python benchmarks/mutation.py --record           # also rewrite equivalent-<lab>.json
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from mutation import records  # noqa: E402
from mutation.analysis import Analysis, analyse  # noqa: E402


def summary(analysis: Analysis) -> str:
    """The counts table, the timings and the work list of one lab, as plain text."""
    seconds = analysis.seconds
    lines = [f"{analysis.lab}: " + ", ".join(f"{k} {v:.1f} s" for k, v in seconds.items())
             + f", total {sum(seconds.values()):.1f} s", *records.table(analysis)]
    if analysis.solution_sha256[0] != analysis.solution_sha256[1]:
        lines.append(f"WARNING: solutions/{analysis.lab}.py changed during the run")
    for outcome in analysis.survivors():
        m = outcome.mutant
        lines.append(f"  survivor [{outcome.kind}] {m.name} line {m.line}: {m.after}")
    for outcome in analysis.disagreements():
        lines.append(f"  disagreement {outcome.mutant.name}: {outcome.disagreement}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("labs", nargs="*", default=["lab01", "lab02"])
    parser.add_argument("--jobs", type=int, default=2, help="grading processes (at most 2)")
    parser.add_argument("--function", action="append", help="only this graded function")
    parser.add_argument("--record", action="store_true",
                        help="record the oracle-equivalent survivors in equivalent-<lab>.json")
    parser.add_argument("--whole-file", action="store_true",
                        help="grade the whole mutated file, demo cells included (slow)")
    parser.add_argument("--no-report", action="store_true", help="do not write REPORT-<lab>.md")
    args = parser.parse_args(argv)
    if args.record and args.function:
        parser.error("--record needs every function: it rewrites the whole record")
    start = time.monotonic()
    for lab in args.labs:
        analysis = analyse(lab, jobs=args.jobs, only=set(args.function or []) or None,
                           whole_file=args.whole_file,
                           progress=_progress(lab))
        if args.record:
            print("recorded", records.save_equivalents(analysis))
            analysis = _reclassified(analysis)
        if not args.no_report and not args.function:
            print("wrote", records.write_report(analysis))
        print(summary(analysis), flush=True)
    print(f"wall time {time.monotonic() - start:.1f} s")
    return 0


def _progress(lab: str):
    """A progress callback printing a line to stderr every 50 files and at the end."""
    def report(stage: str, done: int, total: int) -> None:
        if done % 50 == 0 or done == total:
            print(f"  {lab} {stage}: {done}/{total}", file=sys.stderr, flush=True)
    return report


def _reclassified(analysis: Analysis) -> Analysis:
    """The same outcomes classified again against the equivalents just recorded."""
    from mutation.analysis import classify

    recorded = records.load_equivalents(analysis.lab)
    analysis.outcomes = [classify(o, recorded) for o in analysis.outcomes]
    return analysis


if __name__ == "__main__":
    raise SystemExit(main())
