"""The portable path (no fork: --isolation spawn, and the memory watchdog) gives the same
verdicts as the fork server, check by check.

Here on Linux the spawn backend is forced: every file of the lab01 mistake library, the
solution and the hostile files that hang, exit, crash, flood or bomb memory are graded by
a fork-server Grader and by a spawn Grader, and each check's pass/fail and score must be
the same. `mindlab check` is also run in a Python whose os has no fork (nor killpg,
send_fds, resource: what Windows lacks), and the memory watchdog is forced on in place of
RLIMIT_AS. One spawned Python per file, not per check, keeps this near two minutes.
Where there is no fork (Windows CI), nothing can be compared: the spawn path alone must
give the reference full marks and make each mistake lose points in its own function only.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from mistakes import MISTAKES, write_submission, wrong_function

from mindlab_grader.grader import Grader
from mindlab_grader.isolation import resolve_isolation
from mindlab_grader.isolation.launch import WATCHDOG_VAR
from mindlab_grader.report import Report

FORK = hasattr(os, "fork")
needs_fork = pytest.mark.skipif(not FORK, reason="no fork() here: nothing to compare with")
ROOT = Path(__file__).resolve().parents[1]
HOSTILE = ROOT / "tests" / "hostile"
HOSTILE_FILES = ["hang_in_sample_word.py", "hang_at_import.py", "os_exit_in_function.py",
                 "exit_at_import.py", "segfault_in_function.py", "memory_bomb.py",
                 "flood_in_function.py", "flood_at_import.py", "syntax_error.py"]
LIMITS = {"call_timeout": 1.0, "load_timeout": 2.5, "memory_mb": 1024}
# what Windows lacks, taken out of a Linux Python before mindlab starts
NO_FORK = ("import os, socket, sys\n"
           "for n in ('fork', 'forkpty', 'killpg', 'register_at_fork'):\n"
           "    os.__dict__.pop(n, None)\n"
           "for n in ('send_fds', 'recv_fds'):\n"
           "    socket.__dict__.pop(n, None)\n"
           "sys.modules['resource'] = None\n"
           "sys.argv = ['mindlab', *sys.argv[1:]]\n"
           "from mindlab_grader.cli import main\n"
           "main()\n")
BIG_SCRATCH = '''

def belief_gap(W, counts, letter):
    """The right answer, after asking for 3 GB of scratch (over a 2 GB limit)."""
    scratch = np.zeros(3 * 2**30 // 8)
    scratch[:1000] = 1.0
    return 0.5 * float(np.abs(read_row(W, letter) - data_row(counts, letter)).sum())
'''


def verdicts(report: Report) -> dict[str, tuple[bool, float]]:
    """{tool id / check id: (passed, score)} of a report."""
    assert report.status == "graded", report.notes
    return {f"{tool.id} / {test.id or test.name}": (test.passed, test.score)
            for tool in report.tools for test in tool.tests}


def grade_all(files: list[Path], isolation: str, suite: str,
              **limits: object) -> dict[str, Report]:
    """Every file graded by one Grader (one spawned Python per file, at most)."""
    with Grader(lab="lab01", suite=suite, isolation=isolation, **limits) as grader:
        return {p.name: grader.grade(p) for p in files}


@pytest.fixture(scope="module")
def library(tmp_path_factory) -> list[Path]:
    """The solution and every lab01 mistake, as submission files."""
    folder = tmp_path_factory.mktemp("library")
    return [write_submission(None, folder)] + [write_submission(m, folder)
                                               for m in MISTAKES.values()]


def both(files: list[Path], suite: str, **limits: object) -> tuple[dict, dict]:
    """(fork-server reports, spawn reports), graded side by side in two threads."""
    with ThreadPoolExecutor(2) as pool:
        fork = pool.submit(grade_all, files, "process", suite, **limits)
        spawn = pool.submit(grade_all, files, "spawn", suite, **limits)
        return fork.result(), spawn.result()


@needs_fork
@pytest.mark.parametrize("suite", ["public", "hidden"])
def test_spawn_gives_the_fork_verdicts_on_the_whole_library(library, suite):
    fork, spawn = both(library, suite)
    assert set(fork) == set(spawn) == {p.name for p in library}
    for name in fork:
        assert spawn[name].provenance["isolation"] == "spawn"
        assert verdicts(spawn[name]) == verdicts(fork[name]), name
    assert all(passed for passed, _ in verdicts(fork["reference.py"]).values())
    assert sum(not all(p for p, _ in verdicts(r).values()) for r in fork.values()) \
        >= len(MISTAKES) // 2  # the library does lose points


@pytest.mark.skipif(FORK, reason="compared with the fork server above")
def test_spawn_alone_grades_the_library_as_it_should(library):
    reports = grade_all(library, "spawn", "hidden")
    assert all(passed for passed, _ in verdicts(reports["reference.py"]).values())
    for name, mistake in MISTAKES.items():
        tests = [t for tool in reports[f"{name}.py"].tools for t in tool.tests]
        assert {t.function for t in tests if not t.passed} <= {wrong_function(mistake)}, name


@needs_fork
def test_spawn_gives_the_fork_verdicts_on_hostile_files():
    files = [HOSTILE / name for name in HOSTILE_FILES]
    fork, spawn = both(files, "public", **LIMITS)
    for name in fork:
        assert verdicts(spawn[name]) == verdicts(fork[name]), name
    failed = [t.feedback for t in spawn["memory_bomb.py"].tools[0].tests if not t.passed]
    assert failed and all("MemoryError" in f for f in failed)
    crashed = [t.feedback for tool in spawn["os_exit_in_function.py"].tools
               for t in tool.tests if not t.passed]
    assert any("exited with status 3" in f for f in crashed), crashed


def test_the_memory_watchdog_gives_rlimit_as_verdicts(tmp_path, monkeypatch):
    """3 GB of scratch in belief_gap: MemoryError under RLIMIT_AS (2 GB), and the same
    verdicts with the watchdog in its place, forked or spawned."""
    source = write_submission(None, tmp_path).read_text() + BIG_SCRATCH
    path = tmp_path / "scratch.py"
    path.write_text(source)
    limited = grade_all([path], "process", "public", memory_mb=2048)["scratch.py"] \
        if FORK else None
    monkeypatch.setenv(WATCHDOG_VAR, "1")
    for isolation in ("process", "spawn") if FORK else ("spawn",):
        report = grade_all([path], isolation, "public", memory_mb=2048)["scratch.py"]
        for graded in filter(None, (report, limited)):
            lost = [t for tool in graded.tools for t in tool.tests if not t.passed]
            assert lost and {t.function for t in lost} == {"belief_gap"}, isolation
            assert "ran out of memory (MemoryError)" in lost[0].feedback, isolation
        # belief_gap's first check is lost the same way everywhere; a later check whose
        # call maps the same 3 GB lazily and raises within microseconds (a bad letter) is
        # beyond a watchdog's sampling once the peak is already that high (docs/platforms.md)
        if limited is not None:
            assert {k: v for k, v in verdicts(report).items() if "bad_letters" not in k} == \
                {k: v for k, v in verdicts(limited).items() if "bad_letters" not in k}


def mindlab(*args: str, no_fork: bool = False) -> subprocess.CompletedProcess:
    command = ([sys.executable, "-c", NO_FORK] if no_fork
               else [sys.executable, "-m", "mindlab_grader.cli"]) + list(args)
    return subprocess.run(command, capture_output=True, text=True, cwd=ROOT, timeout=300,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})


@pytest.mark.parametrize("mistake", [None, "sample_word_no_cap"])
def test_check_without_fork_prints_what_fork_prints(tmp_path, mistake):
    path = write_submission(MISTAKES[mistake] if mistake else None, tmp_path)
    forked = mindlab("check", str(path))
    spawned = mindlab("check", str(path), no_fork=True)
    assert spawned.returncode == forked.returncode == (0 if mistake is None else 1), \
        spawned.stderr
    assert spawned.stdout == forked.stdout


@needs_fork
def test_grade_without_fork_picks_spawn(tmp_path):
    path = write_submission(MISTAKES["read_row_off_by_one"], tmp_path)
    spawned = mindlab("grade", str(path), "--json", no_fork=True)
    forked = mindlab("grade", str(path), "--json", "--isolation", "process")
    assert spawned.returncode == forked.returncode == 0, spawned.stderr
    a, b = json.loads(spawned.stdout), json.loads(forked.stdout)
    assert a["provenance"]["isolation"] == "spawn"
    assert [(t["name"], t["passed"], t["score"]) for tool in a["tools"] for t in tool["tests"]] \
        == [(t["name"], t["passed"], t["score"]) for tool in b["tools"] for t in tool["tests"]]


@needs_fork
def test_auto_picks_spawn_only_without_fork(monkeypatch):
    assert resolve_isolation("auto", "public") == "process"
    assert resolve_isolation("spawn") == "spawn"
    monkeypatch.delattr(os, "fork")
    assert resolve_isolation("auto", "public") == resolve_isolation("auto") == "spawn"
    with pytest.raises(ValueError, match="needs fork"):
        resolve_isolation("process")
