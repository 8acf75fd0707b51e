"""One student in a batch cannot touch another's grade, nor stop the batch.

Each attack in tests/hostile/batch/ is a full lab01 submission plus one attack on what
later students share with it (the fork server, the grader). It is graded FIRST, then
correct students (copies of solutions/lab01.py and of examples/class/) in the same job
(`mindlab grade-batch --jobs 1`, in a subprocess: an attack that kills the grader must
not take pytest with it). Every correct student keeps full marks and sees nothing of the
attacker. A reply built to be expensive to read is held to the submission's budget.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from test_hostile import ISOLATIONS, LIMITS

from mindlab_grader.grader import Grader

ROOT = Path(__file__).resolve().parents[1]
BATCH = Path(__file__).parent / "hostile" / "batch"
SOLUTION = ROOT / "solutions" / "lab01.py"
FULL_MARKS_EXAMPLE = ROOT / "examples" / "class" / "ada.ipynb"  # 30/30: the solution notebook
CHANNEL = Path(__file__).parent / "hostile" / "channel"  # attacks appended to the solution
ATTACKS = ["writes_zygote_memory.py", "kills_grader.py", "leaves_a_process_chain.py"]
# attacks whose processes spin while the attacker's own calls run: a call's CPU is what it
# and everything it started used (cpuclock.py), so the call running then loses its check
SPINS = {"leaves_a_process_chain.py"}
GOOD = ["zz_good_1", "zz_good_2", "zz_good_3"]


def _class(tmp: Path, attack: str) -> Path:
    klass = tmp / "class"
    klass.mkdir()
    _attacker(attack, klass / "aaa_attacker.py")  # sorted first: graded first
    for name in GOOD[:-1]:
        shutil.copy(SOLUTION, klass / f"{name}.py")
    shutil.copy(FULL_MARKS_EXAMPLE, klass / f"{GOOD[-1]}.ipynb")
    return klass


def _attacker(attack: str, path: Path) -> Path:
    """The attack as a whole submission: batch/ holds whole files, channel/ the functions
    appended to the solution."""
    if (BATCH / attack).is_file():
        shutil.copy(BATCH / attack, path)
    else:
        path.write_text(SOLUTION.read_text() + "\n\n" + (CHANNEL / attack).read_text())
    return path


def test_every_batch_attack_is_listed():
    assert {p.name for p in BATCH.glob("*.py")} | {"leaves_a_process_chain.py"} == {
        *ATTACKS, "huge_reply_frame.py"}


@pytest.mark.parametrize("isolation", ISOLATIONS)
@pytest.mark.parametrize("attack", ATTACKS)
def test_students_graded_after_an_attacker_keep_full_marks(tmp_path, isolation, attack):
    klass, out = _class(tmp_path, attack), tmp_path / "out"
    done = subprocess.run(
        [sys.executable, "-m", "mindlab_grader.cli", "grade-batch", str(klass), "--out", str(out),
         "--jobs", "1", "--isolation", isolation, "--call-timeout", "1",
         "--load-timeout", "2.5", "--budget", "30"],
        capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert done.returncode == 0, (done.returncode, done.stdout[-2000:], done.stderr[-2000:])
    students = {s["student"]: s for s in json.loads((out / "grades.json").read_text())["students"]}
    assert set(GOOD) <= set(students), sorted(students)
    for name in GOOD:
        report = students[name]["report"]
        assert students[name]["status"] == "graded", students[name]
        failed = [t["feedback"] for tool in report["tools"] for t in tool["tests"]
                  if not t["passed"]]
        assert report["score"] == report["max_score"] == 30.0, (name, failed[:3])
        text = (out / "feedback" / f"{name}.txt").read_text()
        assert "attacker" not in text and "Your code tried" not in text, (name, text)
    attacker = students["aaa_attacker"]["report"]
    lost = [t["feedback"] for tool in attacker["tools"] for t in tool["tests"]
            if not t["passed"]]
    if attack in SPINS:  # lost only to the CPU that what it started used
        assert all("of CPU" in f or f.startswith("not run") for f in lost), lost
    else:  # its functions are correct: the attack earns nothing
        assert not lost, lost


@pytest.mark.parametrize("isolation", ISOLATIONS)
def test_an_expensive_reply_is_held_to_the_budget(isolation):
    """64 MB of '[[],[],...]' written on the channel: the judge stops reading (or
    decoding) it at its limits; the grade ends within the budget, softmax losing its
    checks and nothing else."""
    budget = 8.0
    with Grader(lab="lab01", suite="public", isolation=isolation, budget=budget,
                **LIMITS) as grader:
        grader.grade(SOLUTION)  # warm
        start = time.monotonic()
        report = grader.grade(BATCH / "huge_reply_frame.py")
        took = time.monotonic() - start
    failed = {t.function for tool in report.tools for t in tool.tests if not t.passed}
    assert took < budget + 5, f"grading took {took:.1f} s with a budget of {budget:g} s"
    assert failed == {"softmax"}, failed
    assert os.getpid()  # (the judge is alive)


@pytest.mark.parametrize("isolation", ISOLATIONS)
def test_nothing_a_submission_started_outlives_its_grade(tmp_path, isolation):
    """A chain of 140 processes, each in a session of its own: once the file is graded,
    nothing is left below the fork server (before: the last 40 kept running)."""
    from mindlab_grader.worker.processes import descendants

    with Grader(lab="lab01", suite="public", isolation=isolation, **LIMITS) as grader:
        grader.grade(SOLUTION)
        server = grader._zygote.proc.pid
        before = len(descendants(server))  # the fork server itself (and bwrap's own)
        report = grader.grade(_attacker("leaves_a_process_chain.py", tmp_path / "chain.py"))
        time.sleep(0.5)  # (a survivor would have forked on by now)
        left = len(descendants(server))
    lost = [t.feedback for tool in report.tools for t in tool.tests if not t.passed]
    assert all("of CPU" in f or f.startswith("not run") for f in lost), lost  # (its CPU)
    assert left == before, f"{left - before} processes left behind"


@pytest.mark.skipif(not os.path.isdir(f"/proc/{os.getpid()}/task"), reason="needs Linux /proc")
def test_a_thread_that_ends_mid_scan_hides_no_child(monkeypatch):
    """every_child reads one children file per thread: a thread gone between the listing
    and its file (listed first here) costs that file only, never the other threads' children."""
    from mindlab_grader.worker import processes

    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        listdir = os.listdir
        monkeypatch.setattr(processes.os, "listdir",
                            lambda path: ["999999999", *listdir(path)])
        assert child.pid in processes.every_child(os.getpid())
    finally:
        child.kill()
        child.wait()
