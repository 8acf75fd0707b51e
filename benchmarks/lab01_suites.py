"""How long do lab 01's suites take on a correct submission? Target: hidden suite < 1 s in process.

Measures, in one run: each suite per tool with LocalLearner (in process, the way the
notebook and our tests run it), the irreducible part (drawing the same number of words
straight from the reference sample_word, no judge), and one hidden grading through the
isolated runner. Prints medians and the ratio suite / irreducible.

    python benchmarks/lab01_suites.py [--repeat 5] [--no-worker]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from mistakes import namespace, reference_functions, submission_source, write_submission  # noqa: E402

from mindlab_grader.checks import LocalLearner  # noqa: E402
from mindlab_grader.judge import run_lab  # noqa: E402
from mindlab_grader.labs import LAB01  # noqa: E402
from mindlab_grader.suites.lab01.hidden import test_tool02 as t2  # noqa: E402


def median_seconds(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def suite_seconds(suite: str, repeat: int) -> dict[str, float]:
    learner = LocalLearner(namespace(submission_source()), reference_functions())
    run_lab(LAB01, suite, learner)  # imports and precomputed expectations, paid once
    per_tool: dict[str, list[float]] = {tool.id: [] for tool in LAB01.tools}
    for _ in range(repeat):
        marks: list[float] = []  # before_tool marks each tool's start
        run_lab(LAB01, suite, learner,
                before_tool=lambda _id, marks=marks: marks.append(time.perf_counter()))
        marks.append(time.perf_counter())
        for tool, begin, end in zip(LAB01.tools, marks, marks[1:]):
            per_tool[tool.id].append(end - begin)
    return {tool: statistics.median(times) for tool, times in per_tool.items()}


def irreducible_seconds(repeat: int) -> float:
    """Drawing the hidden suite's words directly: the sampling any grader must pay for
    (for a learner who draws as the lab says: the agreement words of each check)."""
    def draw() -> None:  # the suite's own AGREE_* words, drawn again the same way
        t2._reference_words(t2.N_AGREE, t2.W, 71, max_len=2)
        t2._reference_words(len(t2.AGREE_LENGTHS), t2.SHORT, 72)
        for temperature, seed in t2.TEMPERATURES:
            t2._reference_words(t2.N_AGREE, t2.TEMPERED[temperature], seed,
                                temperature=temperature)
        t2._reference_words(len(t2.AGREE_LONG), t2.LONG, t2.LONG_SEED,
                            temperature=t2.LONG_TEMPERATURE)

    return median_seconds(draw, repeat)


def worker_seconds(repeat: int) -> float:
    from mindlab_grader.grader import Grader

    with tempfile.TemporaryDirectory() as folder, \
            Grader(lab="lab01", suite="hidden", isolation="auto") as grader:
        path = write_submission(None, Path(folder))
        grader.grade(path)  # starts the zygote
        return median_seconds(lambda: grader.grade(path), repeat)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--no-worker", action="store_true")
    args = parser.parse_args()
    warnings.simplefilter("ignore", RuntimeWarning)
    floor = irreducible_seconds(args.repeat)
    for suite in ("public", "hidden"):
        tools = suite_seconds(suite, args.repeat)
        total = sum(tools.values())
        detail = "  ".join(f"{tool} {s * 1000:.0f} ms" for tool, s in tools.items())
        print(f"{suite:6} suite, LocalLearner: {total * 1000:6.0f} ms  ({detail})")
    hidden = sum(suite_seconds("hidden", args.repeat).values())
    print(f"irreducible sampling (reference sample_word alone): {floor * 1000:.0f} ms; "
          f"hidden suite / irreducible = {hidden / floor:.2f}x; target hidden < 1000 ms: "
          f"{'met' if hidden < 1.0 else 'NOT met'}")
    if not args.no_worker:
        print(f"hidden suite through the isolated runner (one grade, zygote warm): "
              f"{worker_seconds(args.repeat) * 1000:.0f} ms")


if __name__ == "__main__":
    main()
