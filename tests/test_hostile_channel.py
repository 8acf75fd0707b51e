"""Attacks on the channel and on requests planned ahead, found from outside: each is a
function of tests/hostile/channel/ appended to the lab 01 solution and graded with the
hidden suite (the suite the plan serves), under every isolation that works here.

- negative_buffer_sizes: a forged reply whose buffer sizes go back and forth, so one 40 MB
  buffer would decode 30 times (1.2 GB in the judge): refused, the judge stays small;
- millions_of_tiny_values: 4 MB replies of 1.9 million nested empty lists, seconds of the
  judge's CPU each (a grade took 69 s against a 60 s budget): refused unread;
- cpu_while_asking: a call 12x over its CPU limit that asks the judge a question every
  2 ms, so the judge never waited long enough to look at its CPU clock: cut off;
- works_in_a_child: a call 15x over its CPU limit done by a forked child while the worker
  waits: the CPU of what a worker started is the worker's (cpuclock.py);
- answers_cost_the_judge: every call asks the reference a question it needs a second
  for, so the judge burned a core for the whole 60 s budget: the judge's CPU answering a
  call's questions counts against that call;
- fills_every_request_of_a_plan: every request of a planned group answered up to its own
  reply cap, all held by the judge at once (568 MB): what a plan keeps is bounded;
- tiny_value_keeps_a_big_frame / grows_what_comes_back: a one-number value beside 63 MB of
  bytes nothing uses, or of an argument grown in place, in each planned request's first
  reply: each value kept its whole reply alive (495 MB and 348 MB): unused bytes are
  refused, a small array is copied out of its reply;
- asks_for_a_huge_answer: one question of small arguments that the reference broadcasts
  to 8500 x 8500 (1.1 GB of the judge): the judge answers within 256 MB more than it holds;
- lab02_question_numpy_cannot_stop (on the lab 02 solution): one question that is one C
  call of numpy, 150 s that no watchdog could stop: its answerer process is killed;
- lab02_fills_the_answer_cache: questions made new each time whose answers are 26 MB
  each, all kept by the judge for later students (2.3 GB): only small answers are kept;
- counts_its_calls / grows_its_input: functions that see the plan (more calls, one bigger
  request): one verdict wherever and whenever the file is graded, as without a plan where
  the suite's own caps are concerned.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from mindlab_grader.grader import Grader
from mindlab_grader.isolation.bwrap import bwrap_problem

ROOT = Path(__file__).resolve().parent.parent
CHANNEL = Path(__file__).parent / "hostile" / "channel"
ISOLATIONS = ["process", pytest.param("bwrap", marks=pytest.mark.skipif(
    bool(bwrap_problem()), reason=f"bubblewrap unusable here: {bwrap_problem()}"))]


def _submission(name: str, folder: Path) -> Path:
    path = folder / name
    path.write_text((ROOT / "solutions" / "lab01.py").read_text() + "\n\n# %% the attack\n"
                    + (CHANNEL / name).read_text())
    return path


def _rows(report) -> list:
    return [(t.id, c.id, c.passed, c.score, c.feedback) for t in report.tools for c in t.tests]


def _failed(report) -> set[str]:
    return {c.function for t in report.tools for c in t.tests if not c.passed}


def test_every_channel_attack_is_tested():
    assert {p.name for p in CHANNEL.glob("*.py")} == {
        "negative_buffer_sizes.py", "millions_of_tiny_values.py", "cpu_while_asking.py",
        "counts_its_calls.py", "grows_its_input.py", "answers_cost_the_judge.py",
        "works_in_a_child.py", "fills_every_request_of_a_plan.py",
        "tiny_value_keeps_a_big_frame.py", "grows_what_comes_back.py",
        "asks_for_a_huge_answer.py", "lab02_question_numpy_cannot_stop.py",
        "lab02_fills_the_answer_cache.py",
        "leaves_a_process_chain.py"}  # (the last: tests/test_hostile_batch.py)


def _timed_grade(path: Path, isolation: str) -> tuple:
    """(the hidden-suite report of `path`, the seconds its grade took)."""
    with Grader(lab="lab01", suite="hidden", isolation=isolation) as grader:
        start = time.monotonic()
        report = grader.grade(path)
        return report, time.monotonic() - start


def _cut_off_by_cpu(attack: str, function: str, folder: Path, isolation: str) -> None:
    """`function` alone loses points, its feedback naming its CPU limit (before the fixes
    these files got 30/30)."""
    report, _ = _timed_grade(_submission(attack, folder), isolation)
    assert _failed(report) == {function}
    feedback = [c.feedback for t in report.tools for c in t.tests if not c.passed]
    assert any("of CPU" in f for f in feedback), feedback


def _judge_peak(path: Path, isolation: str, lab: str = "lab01") -> dict:
    """{"mb": the judge's peak memory growth while grading `path`, "failed": functions}:
    graded in a process of its own, so its peak memory is this grade's."""
    script = (
        "import json, resource, sys\n"
        "from mindlab_grader.grader import Grader\n"
        f"with Grader(lab={lab!r}, suite='hidden', isolation={isolation!r}) as g:\n"
        "    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        f"    r = g.grade({str(path)!r})\n"
        "    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        "print(json.dumps({'mb': (after - before) / 1024, 'failed': sorted(\n"
        "    {c.function for t in r.tools for c in t.tests if not c.passed})}))\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=300, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("isolation", ISOLATIONS)
def test_a_plan_keeps_what_the_judge_holds_bounded(tmp_path: Path, isolation: str):
    found = _judge_peak(_submission("fills_every_request_of_a_plan.py", tmp_path), isolation)
    assert found["failed"] == ["rank_rules"]
    assert found["mb"] < 250, found  # (before the fix: 568 MB)


@pytest.mark.parametrize("isolation", ISOLATIONS)
@pytest.mark.parametrize("attack", ["tiny_value_keeps_a_big_frame.py",
                                    "grows_what_comes_back.py"])
def test_a_small_value_never_keeps_its_whole_reply(tmp_path: Path, isolation: str,
                                                   attack: str):
    found = _judge_peak(_submission(attack, tmp_path), isolation)
    assert found["failed"] == ["rank_rules"]
    # (before the fix: 241 MB here, 495 MB at the judge's peak; grows_what_comes_back up
    # to 348 MB, as often as its CPU limit let it: now about 50 MB, one reply's worth)
    assert found["mb"] < 150, found


@pytest.mark.parametrize("isolation", ISOLATIONS)
def test_a_question_of_small_arguments_never_takes_the_judge_much_memory(tmp_path: Path,
                                                                         isolation: str):
    found = _judge_peak(_submission("asks_for_a_huge_answer.py", tmp_path), isolation)
    assert found["failed"] == []
    assert found["mb"] < 150, found  # (before the fix: 1,149 MB)


@pytest.mark.parametrize("isolation", ISOLATIONS)
def test_a_question_numpy_cannot_stop_ends_with_its_answerer(tmp_path: Path, isolation: str):
    """One question whose answer is one C call of numpy (float16 matrices, no BLAS) held
    the judge for 106-150 s, past every limit; the answerer computing it is killed."""
    path = tmp_path / "lab02.py"
    path.write_text((ROOT / "solutions" / "lab02.py").read_text() + "\n\n# %% the attack\n"
                    + (CHANNEL / "lab02_question_numpy_cannot_stop.py").read_text())
    with Grader(lab="lab02", suite="hidden", isolation=isolation) as grader:
        start = time.monotonic()
        report = grader.grade(path)
        seconds = time.monotonic() - start
        assert grader.answers.answerer.started == 2  # the one killed, and the next
    assert seconds < 20, seconds
    assert _failed(report) == {"mean_difference_direction", "toy_forward"}  # (toy_forward:
    assert any("toy_forward" in c.feedback and "no use for" in c.feedback  # borrowed)
               for t in report.tools for c in t.tests)


@pytest.mark.parametrize("isolation", ISOLATIONS)
def test_answers_kept_for_later_questions_stay_small(tmp_path: Path, isolation: str):
    path = tmp_path / "lab02.py"
    path.write_text((ROOT / "solutions" / "lab02.py").read_text() + "\n\n# %% the attack\n"
                    + (CHANNEL / "lab02_fills_the_answer_cache.py").read_text())
    found = _judge_peak(path, isolation, lab="lab02")
    assert found["mb"] < 250, found  # (before the fix: 1.5-2.3 GB)


@pytest.mark.parametrize("isolation", ISOLATIONS)
def test_a_long_cell_with_a_syntax_error_costs_the_judge_little(tmp_path: Path,
                                                                isolation: str):
    """The solution, then a cell of a 1.4 MB list literal that ends in a syntax error: the
    judge compiled that cell again to quote Python's message, 1.2 GB of its memory (found
    from outside). Now a cell that long is named, not compiled again."""
    path = tmp_path / "lab01.py"
    path.write_text((ROOT / "solutions" / "lab01.py").read_text() + "\n\n# %%\nx = ["
                    + "1," * 700_000 + "]\n1 +\n")
    found = _judge_peak(path, isolation)
    assert found["mb"] < 150, found


@pytest.mark.parametrize("isolation", ISOLATIONS)
def test_a_reply_never_decodes_to_more_than_it_holds(tmp_path: Path, isolation: str):
    path = _submission("negative_buffer_sizes.py", tmp_path)
    found = _judge_peak(path, isolation)
    assert found["failed"] == ["softmax"]
    assert found["mb"] < 400, found  # (before the fix: over 1,200 MB)


@pytest.mark.parametrize("isolation", ISOLATIONS)
def test_millions_of_tiny_values_are_refused_unread(tmp_path: Path, isolation: str):
    report, seconds = _timed_grade(_submission("millions_of_tiny_values.py", tmp_path),
                                   isolation)
    assert _failed(report) == {"read_row"}
    assert seconds < 20, seconds  # (before the fix: 69 s, past the 60 s budget)


@pytest.mark.parametrize("isolation", ISOLATIONS)
def test_the_cpu_limit_holds_while_a_function_keeps_asking(tmp_path: Path, isolation: str):
    _cut_off_by_cpu("cpu_while_asking.py", "greedy_decode", tmp_path, isolation)


@pytest.mark.parametrize("isolation", ISOLATIONS)
def test_a_function_counting_its_calls_gets_one_verdict_everywhere(tmp_path: Path,
                                                                   isolation: str):
    path = _submission("counts_its_calls.py", tmp_path)
    correct = tmp_path / "correct.py"
    correct.write_text((ROOT / "solutions" / "lab01.py").read_text())
    with Grader(lab="lab01", suite="hidden", isolation=isolation) as first, \
            Grader(lab="lab01", suite="hidden", isolation=isolation) as later:
        alone = first.grade(path)  # a Grader's first file (mindlab grade) ...
        later.grade(correct)
        after_another = later.grade(path)  # ... and one graded after another (a batch)
    assert _rows(alone) == _rows(after_another)
    assert "rank_rules" in _failed(alone)


@pytest.mark.parametrize("isolation", ISOLATIONS)
def test_one_request_for_a_group_keeps_each_requests_byte_cap(tmp_path: Path, isolation: str):
    path = _submission("grows_its_input.py", tmp_path)
    with Grader(lab="lab01", suite="hidden", isolation=isolation) as planned, \
            Grader(lab="lab01", suite="hidden", isolation=isolation) as plain:
        plain._recorded = False  # no plan: every request crosses on its own
        with_plan, without = planned.grade(path), plain.grade(path)
    assert _rows(with_plan) == _rows(without)  # (before the fix: two read_row checks
    assert not any("killed by signal" in row[4] for row in _rows(with_plan))  # "crashed")


@pytest.mark.parametrize("isolation", ISOLATIONS)
def test_the_cpu_of_what_a_call_started_is_the_calls(tmp_path: Path, isolation: str):
    _cut_off_by_cpu("works_in_a_child.py", "softmax", tmp_path, isolation)


@pytest.mark.parametrize("isolation", ISOLATIONS)
def test_the_judges_time_answering_a_call_is_the_calls(tmp_path: Path, isolation: str):
    report, seconds = _timed_grade(_submission("answers_cost_the_judge.py", tmp_path),
                                   isolation)
    assert seconds < 25, seconds  # (before the fix: 61 s, a judge core all along)
    asking = {"softmax", "read_row", "data_row", "belief_gap", "ablate_column", "sample_word",
              "rank_rules"}  # (greedy_decode is the one asked for: borrowed, no credit)
    assert _failed(report) == asking | {"greedy_decode"}
    for function in asking:
        assert any("of CPU" in c.feedback for t in report.tools for c in t.tests
                   if c.function == function), function
