"""CPU limits per call, calibrated to the reference (autograder/budgets.py, cpuclock.py).

No timed assertions: each test checks which limit ended a call (its sentence names it)
or that a slow but correct file keeps every point; benchmarks/hang_speed.py measures.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from mindlab_grader import budgets
from mindlab_grader.cpuclock import CpuClock
from mindlab_grader.grader import Grader, grade_file
from mindlab_grader.isolation.bwrap import bwrap_problem

ROOT = Path(__file__).resolve().parent.parent
CORRECT = (ROOT / "solutions" / "lab01.py").read_text(encoding="utf-8")
ISOLATIONS = ["process", pytest.param("bwrap", marks=pytest.mark.skipif(
    bool(bwrap_problem()), reason=f"bubblewrap unusable here: {bwrap_problem()}"))]
ENDLESS = "\ndef read_row(W, letter):\n    while True:\n        pass\n"
# every call of the wrapped functions burns 100x the CPU it needed (at least 20 ms): code
# 100x slower than the reference; a pause inside one call (a garbage collection, a first
# call's page faults on a loaded machine) is the machine's, not 100x slower code's, so
# what a call needed counts up to 0.5 ms (read_row's own is about 0.02 ms)
SLOWED = """
import time as _time

def _slowed(fn, factor=100):
    def slow(*args, **kwargs):
        start = _time.process_time()
        result = fn(*args, **kwargs)
        spent = min(max(_time.process_time() - start, 0.0002), 0.0005)
        while _time.process_time() - start < factor * spent:
            pass
        return result
    return slow

read_row, data_row, belief_gap = _slowed(read_row), _slowed(data_row), _slowed(belief_gap)
ablate_column, rank_rules = _slowed(ablate_column), _slowed(rank_rules)
"""


def _feedback(report, function: str) -> list[str]:
    return [t.feedback for tool in report.tools for t in tool.tests
            if t.function == function and not t.passed]


def _write(tmp_path: Path, source: str, name: str = "lab01.py") -> Path:
    path = tmp_path / name
    path.write_text(source, encoding="utf-8")
    return path


@pytest.mark.parametrize("isolation", ISOLATIONS)
def test_an_endless_loop_is_ended_by_its_cpu_limit_not_the_call_timeout(tmp_path, isolation):
    """The loop's check says it used more than its CPU limit (0.1 s, the floor: the
    reference needs microseconds), long before the 5 s call timeout; the other
    functions keep their points."""
    path = _write(tmp_path, CORRECT + ENDLESS)
    report = grade_file(path, isolation=isolation, call_timeout=5.0, load_timeout=10.0)
    said = _feedback(report, "read_row")
    assert said and f"used more than {budgets.FLOOR:g} s of CPU" in said[0], said
    assert budgets.FLOOR <= 0.25
    others = [t for tool in report.tools for t in tool.tests if t.function != "read_row"]
    assert others and all(t.passed for t in others)


def test_a_sleeping_call_still_times_out_by_the_wall_clock(tmp_path):
    """A call that waits without using CPU is ended by the per-call wall limit."""
    sleeping = "\nimport time\n\ndef read_row(W, letter):\n    time.sleep(30)\n"
    path = _write(tmp_path, CORRECT + sleeping)
    report = grade_file(path, isolation="process", call_timeout=0.5, load_timeout=10.0)
    said = _feedback(report, "read_row")
    assert said and "limit 0.5 s per call" in said[0], said


def test_a_correct_file_100x_slower_than_the_reference_keeps_every_point(tmp_path):
    """Five functions burning 100x their own CPU on every call (pure-Python speed) pass
    every hidden check: FACTOR (200) leaves them half their limit."""
    path = _write(tmp_path, CORRECT + SLOWED)
    report = grade_file(path, isolation="process")
    failed = [(t.id, t.feedback) for tool in report.tools for t in tool.tests if not t.passed]
    assert not failed and report.score == report.max_score


@pytest.mark.parametrize("isolation", ISOLATIONS)
def test_every_correct_outside_file_passes_under_cpu_limits(isolation):
    """Implementations written elsewhere (pure-Python loops, heapq, regexes, scipy style)."""
    files = sorted((ROOT / "tests" / "outside" / "lab01").glob("correct_*.py"))
    assert files
    with Grader(lab="lab01", suite="hidden", isolation=isolation) as grader:
        for file in files:
            report = grader.grade(file)
            failed = [t.id for tool in report.tools for t in tool.tests if not t.passed]
            assert not failed, (file.name, failed)


def test_the_judge_reads_a_busy_processs_cpu_from_outside():
    child = subprocess.Popen([sys.executable, "-c", "while True: pass"])
    try:
        clock = CpuClock.of(child.pid)
        if clock is None:
            pytest.skip("no /proc here")
        first = clock.seconds()
        while clock.seconds() - first < 0.05:  # it runs: its CPU time moves
            time.sleep(0.01)
        clock.close()
    finally:
        child.kill()
        child.wait()


@pytest.mark.skipif(not hasattr(os, "fork"), reason="RLIMIT_CPU: POSIX")
def test_a_worker_past_its_whole_cpu_budget_is_killed_by_the_kernel():
    """cpucap: soft = hard, so a handler for SIGXCPU cannot save it."""
    code = ("import signal; signal.signal(signal.SIGXCPU, signal.SIG_IGN)\n"
            "from mindlab_grader.worker.cpucap import cap_cpu; cap_cpu(1)\n"
            "while True: pass\n")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, timeout=60)
    assert done.returncode == -9


def test_limits_follow_the_reference():
    assert budgets.cpu_limit(0.0, 2.0) == budgets.FLOOR
    assert budgets.cpu_limit(0.005, 2.0) == pytest.approx(budgets.FACTOR * 0.005)
    assert budgets.cpu_limit(10.0, 2.0) == 2.0  # never above the call timeout
    assert budgets.wall_limit(2.0, 2.0) == budgets.WALL_FACTOR * 2.0
