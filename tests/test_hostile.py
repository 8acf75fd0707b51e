"""The grader survives every file in tests/hostile/ and gives each the score it deserves.

Every hostile file is a full lab01 submission plus one attack (see its docstring). All
of them are graded once per isolation (process always; bwrap when it works here) by
two Graders in two threads, with short time limits, on the public suite (quick, and it
covers every graded function); a few are also graded with the hidden suite.
"""

from __future__ import annotations

import os
import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from mindlab_grader.grader import Grader
from mindlab_grader.isolation.bwrap import bwrap_problem
from mindlab_grader.labs import LAB01
from mindlab_grader.report import Report

HOSTILE = Path(__file__).parent / "hostile"
FILES = sorted(p for p in HOSTILE.iterdir() if p.suffix in (".py", ".ipynb"))
ISOLATIONS = ["process", pytest.param("bwrap", marks=pytest.mark.skipif(
    bool(bwrap_problem()), reason=f"bubblewrap unusable here: {bwrap_problem()}"))]
LIMITS = {"call_timeout": 1.0, "load_timeout": 2.5, "memory_mb": 1024}
ALL = set(LAB01.functions)

# file -> (functions whose checks must fail (every other check passes),
#          a pattern the failed checks' feedback, the notes or the integrity list must show)
EXPECT: dict[str, tuple[set[str], str]] = {
    "always_equal.py": ({"softmax", "read_row", "greedy_decode"}, r"returned a .*(Word|Anything|"
                                                                   r"ndarray subclass)"),
    "background_child.py": (set(), ""),
    "bad_encoding.py": (ALL, r"not valid utf-8 text \(byte 0xe9 on line 2\)"),
    "borrows_solutions.py": (set(), r"tried to import solutions"),
    "digs_reference.py": ({"softmax", "sample_word"}, r"softmax raised KeyError"),
    "borrows_stand_in.py": ({"rank_rules", "greedy_decode"},
                            r"greedy_decode asked for the reference solution's own"),
    "exit_at_import.py": ({"ablate_column", "sample_word", "rank_rules", "greedy_decode"},
                          r"line \d+ called exit\(\) while loading"),
    "fake_results.py": ({"read_row"}, r"still a stub"),
    "fake_heartbeats.py": ({"rank_rules"}, r"rank_rules stopped the program running it \(it "
                                          r"sent the grader something unreadable"),
    "flood_at_import.py": (set(), ""),
    "flood_in_function.py": (set(), ""),
    "garbage_files.py": (set(), ""),
    "fills_the_disk.py": (set(), r"tried to make more files than the grader allows"),
    "hang_at_import.py": (ALL, r"did not finish loading within 2.5 s"),
    "hang_in_sample_word.py": ({"sample_word"}, r"sample_word did not finish in time"),
    "kills_parent.py": ({"greedy_decode"}, r"greedy_decode"),
    "magics.ipynb": (set(), r"magic or shell line"),
    "memory_bomb.py": ({"belief_gap"}, r"MemoryError"),
    "os_exit_in_function.py": ({"rank_rules"}, r"exited with status 3"),
    "patch_numpy.py": ({"softmax"}, r"softmax"),
    "patch_pytest_builtins.py": ({"rank_rules"}, r"rank_rules"),
    "random_bytes.ipynb": (ALL, r"not a readable notebook"),
    # ctypes is how it crashes Python: the guard refuses it (without it: a segfault verdict)
    "segfault_in_function.py": ({"greedy_decode"},
                                r"segmentation fault|does not allow calling C code"),
    "stops_parent.py": ({"greedy_decode"}, r"greedy_decode"),
    "syntax_error.py": (ALL, r"syntax_error.py line 22: SyntaxError"),
    "truncated.ipynb": (ALL, r"not a readable notebook \(its JSON is broken at line \d+"),
    "wrong_signature.py": ({"data_row"}, r"could not be called the way the lab calls it"),
    # guard bypasses (worker/guard.py): each must be refused and said so in the integrity list
    "fspath_toctou_reads_reference.py": ({"softmax"}, r"tried to read files the grader keeps"),
    "dir_fd_reads_reference.py": ({"read_row"}, r"tried to read files the grader keeps"),
    # the next three are refused by the kernel (worker/lockdown.py's seccomp filter: EPERM)
    # below any Python hook, so they leave no integrity note: the verdicts are the proof
    "runs_program_posixsubprocess.py": ({"data_row"}, r"data_row"),
    "signals_parent_pidfd.py": ({"greedy_decode"}, r"greedy_decode"),
    "mknod_outside.py": (set(), r""),
    "reads_grader_environ.py": (set(), r"tried to read files the grader keeps"),
    "reuses_answers_sent_ahead.py": ({"softmax"}, r"softmax"),
    "shared_memory_outside.py": ({"greedy_decode"}, r"tried to write, link or change files"),
    # the kernel again: prlimit64, setpriority, sched_setaffinity on another process
    "limits_the_grader.py": (set(), r""),
    # a C module copied into its own folder, or into a memory file: refused before it loads
    "loads_c_from_its_folder.py": (set(), r"tried to call C code \(through ctypes, or a C "
                                          r"module"),
    # paths resolved as the kernel resolves them (symlinks followed), not by text rules
    "reads_through_a_link_to_dotdot.py": (set(), r"tried to read files the grader keeps"),
    # ctypes let go before the submission runs; gc's object lists and new code refused
    "rebuilds_ctypes_to_switch_off_the_guard.py": (set(), r"tried to call C code"),
    # the kernel again: no mode, owner, times or xattr changes; of /etc only what is needed
    "changes_file_metadata.py": (set(), r""),
    # Python's own test modules (raw pointers) and a second interpreter (no audit hook),
    # also under another name: refused by the module's last name part and its file name
    "loads_pythons_test_modules.py": ({"data_row"}, r"one of Python's own test modules"),
    # a 3,000-deep chain of folders: the clean-up recursed and died (no report at all)
    "deep_folders.py": (set(), r""),
}


def test_every_hostile_file_has_an_expectation():
    assert len(FILES) >= 15
    assert {p.name for p in FILES} == set(EXPECT)


_REPORTS: dict[str, dict[str, Report]] = {}


def grade_all(isolation: str) -> dict[str, Report]:
    """Every hostile file graded once, split over two Graders in two threads."""
    if isolation not in _REPORTS:
        def run(files: list[Path]) -> dict[str, Report]:
            with Grader(lab="lab01", suite="public", isolation=isolation, **LIMITS) as grader:
                return {p.name: grader.grade(p) for p in files}

        with ThreadPoolExecutor(2) as pool:
            halves = pool.map(run, [FILES[0::2], FILES[1::2]])
        _REPORTS[isolation] = {k: v for half in halves for k, v in half.items()}
    return _REPORTS[isolation]


def assert_spec_shape(data: dict) -> None:
    """SPEC §4: these keys, these types (extra keys are allowed)."""
    assert {"submission", "lab", "status", "score", "max_score", "tools"} <= set(data)
    assert data["status"] in ("graded", "error")
    assert isinstance(data["score"], float) and isinstance(data["max_score"], float)
    for tool in data["tools"]:
        assert {"id", "title", "score", "max_score", "tests"} <= set(tool)
        for test in tool["tests"]:
            assert {"name", "passed", "score", "max_score", "feedback"} <= set(test)
            assert isinstance(test["passed"], bool) and test["feedback"].strip()
        assert tool["score"] == sum(t["score"] for t in tool["tests"])
    assert data["score"] == sum(t["score"] for t in data["tools"])


@pytest.mark.parametrize("isolation", ISOLATIONS)
@pytest.mark.parametrize("name", sorted(EXPECT))
def test_hostile_file_gets_the_score_it_deserves(isolation, name):
    report = grade_all(isolation)[name]
    assert_spec_shape(report.to_json())
    assert report.status == "graded", report.notes
    assert report.provenance["isolation"] == isolation
    losing, pattern = EXPECT[name]
    tests = [t for tool in report.tools for t in tool.tests]
    assert {t.function for t in tests} == ALL  # every function is checked
    failed = {t.function for t in tests if not t.passed}
    assert failed == losing, [t.feedback for t in tests if not t.passed]
    assert report.max_score == 30.0
    if not losing:
        assert report.score == report.max_score
    if losing == ALL:
        assert report.score == 0.0
    text = "\n".join([t.feedback for t in tests if not t.passed] + report.notes
                     + report.integrity)
    assert re.search(pattern, text), text


@pytest.mark.parametrize("isolation", ISOLATIONS)
def test_printed_text_never_reaches_the_report(isolation):
    report = grade_all(isolation)["fake_results.py"]
    assert "30/30" not in str(report.to_json())
    assert report.score < report.max_score


@pytest.mark.parametrize("isolation", ISOLATIONS)
def test_borrowing_is_recorded_and_earns_nothing(isolation):
    reports = grade_all(isolation)
    blocked = reports["borrows_solutions.py"].integrity
    for module in ("solutions", "mindlab_core.lab01.reference", "mindlab_labs",
                   "mindlab_grader.suites"):
        assert any(f"import {module}" in line for line in blocked), blocked
    dug = reports["digs_reference.py"]  # nothing of the reference is in the worker to dig
    assert all(t.score == 0 for tool in dug.tools for t in tool.tests
               if t.function in ("softmax", "sample_word"))
    kept = reports["borrows_stand_in.py"]  # the grader's stand-in, kept and asked later
    for function in ("rank_rules", "greedy_decode"):
        assert any(line.startswith(f"{function} asked for the reference")
                   for line in kept.integrity), kept.integrity
    assert all(t.score == 0 for tool in kept.tools for t in tool.tests
               if t.function in ("rank_rules", "greedy_decode"))


def _processes_with(marker: str) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                cmdline = Path(f"/proc/{entry}/cmdline").read_bytes()
            except OSError:
                continue
            if marker.encode() in cmdline:
                found.append(int(entry))
    return found


@pytest.mark.skipif(not Path("/proc/self").exists(), reason="needs /proc")
@pytest.mark.parametrize("isolation", ISOLATIONS)
def test_nothing_outlives_its_submission(isolation):
    with Grader(lab="lab01", suite="public", isolation=isolation, **LIMITS) as grader:
        report = grader.grade(HOSTILE / "background_child.py")
        assert report.score == report.max_score
        assert _processes_with("mindlab-hostile-orphan") == []


@pytest.mark.parametrize("name", ["garbage_files.py", "deep_folders.py"])
def test_garbage_files_are_deleted_with_the_worker(name):
    with Grader(lab="lab01", suite="public", isolation="process", **LIMITS) as grader:
        assert grader.grade(HOSTILE / name).score == 30.0
        tmp = Path(grader._zygote.tmp)
        assert tmp.is_dir() and list(tmp.iterdir()) == []
    assert not tmp.exists()


@pytest.mark.parametrize("isolation", ISOLATIONS)
def test_hidden_suite_a_hang_costs_only_its_function(isolation):
    with Grader(lab="lab01", suite="hidden", isolation=isolation, **LIMITS) as grader:
        report = grader.grade(HOSTILE / "hang_in_sample_word.py")
        after = grader.grade(HOSTILE / "kills_parent.py")  # then the grader goes on
    tests = [t for tool in report.tools for t in tool.tests]
    assert {t.function for t in tests if not t.passed} == {"sample_word"}
    assert report.score == report.max_score - sum(t.max_score for t in tests
                                                  if t.function == "sample_word")
    assert {t.function for tool in after.tools for t in tool.tests
            if not t.passed} == {"greedy_decode"}


MKNOD_MARKS = ("/tmp/mindlab-hostile-mknod-file", "/tmp/mindlab-hostile-mknod-fifo")


BORROWS_A_NEIGHBOUR = """
import os, sys
for root in list(sys.path):
    try:
        names = os.listdir(root)
    except OSError:
        continue
    for name in names:
        if name == "ada.py":
            try:
                exec(compile(open(os.path.join(root, name)).read(), "ada", "exec"), globals())
            except OSError:
                pass
"""


@pytest.mark.parametrize("isolation", ISOLATIONS)
def test_the_folder_the_grader_started_in_is_not_the_workers_to_read(isolation, tmp_path,
                                                                     monkeypatch):
    """Found from outside: `python -m mindlab_grader.cli grade-batch class` (or PYTHONPATH=
    class) put the class folder on the judge's import path, whose folders workers could
    read: a stub ran another student's file from there and scored 30/30."""
    root = Path(__file__).resolve().parent.parent
    klass = tmp_path / "class"
    klass.mkdir()
    (klass / "ada.py").write_text((root / "solutions" / "lab01.py").read_text())
    eve = klass / "eve.py"
    eve.write_text((root / "exercises" / "lab01.py").read_text() + BORROWS_A_NEIGHBOUR)
    monkeypatch.chdir(klass)
    monkeypatch.syspath_prepend(str(klass))  # what python -m from there, or PYTHONPATH, does
    with Grader(lab="lab01", suite="hidden", isolation=isolation, **LIMITS) as grader:
        report = grader.grade(eve)
    assert report.status == "graded" and report.score == 0


def test_workers_read_the_systems_libraries_not_its_shared_folders():
    """Found from outside: /usr, /opt, /bin and /sbin were readable whole, so a class kept
    under /opt/course or /usr/local/share was readable to every worker (30/30 for a stub
    that ran a classmate's file). Only the interpreter's folders and the libraries stay."""
    from mindlab_grader.isolation.base import python_roots
    from mindlab_grader.isolation.launch import guard_paths

    readable = guard_paths()["readable"]
    for shared in ("/usr", "/usr/local", "/usr/share", "/opt", "/srv", "/bin", "/sbin", "/"):
        assert shared not in readable and shared not in python_roots(), shared


def test_another_installed_copy_keeps_its_answers_hidden(tmp_path):
    """Found from outside: a second install of mindlab in a folder workers may read (the
    interpreter's site-packages) kept its solutions and references readable."""
    from mindlab_grader.isolation.launch import GRADER_DIR, other_copies

    site = tmp_path / "site-packages"
    for part in ("mindlab_labs/solutions", "mindlab_grader/suites", "mindlab_core/lab01"):
        (site / part).mkdir(parents=True)
    (site / "mindlab_core" / "lab01" / "reference.py").write_text("")
    hidden = other_copies([str(site)], GRADER_DIR)
    assert {str(site / "mindlab_labs"), str(site / "mindlab_grader"),
            str(site / "mindlab_core" / "lab01" / "reference.py")} <= set(hidden)


@pytest.mark.parametrize("isolation", ISOLATIONS)
def test_no_file_is_made_outside_the_workers_folder(isolation):
    for mark in MKNOD_MARKS:
        if os.path.lexists(mark):
            os.unlink(mark)
    try:
        with Grader(lab="lab01", suite="public", isolation=isolation, **LIMITS) as grader:
            grader.grade(HOSTILE / "mknod_outside.py")
        made = [mark for mark in MKNOD_MARKS if os.path.lexists(mark)]
    finally:
        for mark in MKNOD_MARKS:
            if os.path.lexists(mark):
                os.unlink(mark)
    assert made == []


@pytest.mark.parametrize("isolation", ISOLATIONS)
def test_no_shared_memory_outlives_the_worker(isolation):
    """shm_open makes a file in /dev/shm with no audited open: the guard refuses the
    module that does it, so nothing is left for the next student."""
    mark = "/dev/shm/mindlab_hostile_shm"
    if os.path.lexists(mark):
        os.unlink(mark)
    try:
        with Grader(lab="lab01", suite="public", isolation=isolation, **LIMITS) as grader:
            grader.grade(HOSTILE / "shared_memory_outside.py")
        left = os.path.lexists(mark)
    finally:
        if os.path.lexists(mark):
            os.unlink(mark)
    assert not left


@pytest.mark.parametrize("isolation", ISOLATIONS)
def test_the_graders_environment_never_reaches_the_feedback(isolation):
    """The grader's own environment (and command line) are not the learner's to read: a
    marker in the environment of `mindlab check` never shows in what it prints."""
    import subprocess
    import sys

    marker = "hostile-marker-5c1e9b"
    env = {**os.environ, "MINDLAB_HOSTILE_MARKER": marker}
    done = subprocess.run([sys.executable, "-m", "mindlab_grader.cli", "check",
                           str(HOSTILE / "reads_grader_environ.py"), "--isolation", isolation],
                          capture_output=True, text=True, env=env, timeout=120)
    assert "belief_gap" in done.stdout, done.stdout + done.stderr
    assert marker not in done.stdout + done.stderr


@pytest.mark.parametrize("isolation", ISOLATIONS)
def test_forged_heartbeats_never_hold_the_judge(isolation):
    """Five minutes of fake heartbeats and case answers cost one function, at once."""
    report = grade_all(isolation)["fake_heartbeats.py"]
    assert report.provenance["seconds"] < 10, report.provenance


_READ_ONLY_TREE = """
import importlib.util, os, sys
spec = importlib.util.spec_from_file_location("processes", sys.argv[1])
processes = importlib.util.module_from_spec(spec)
spec.loader.exec_module(processes)
base = os.path.join(sys.argv[2], "w1")
os.makedirs(base + "/A")
os.mkdir(base + "/A/B", 0o500)  # a folder moves to another parent only if it is writable
os.makedirs(base + "/C/D/E")
for folder, mode in (("/C/D/E", 0o500), ("/C/D", 0o500), ("/C", 0)):
    os.chmod(base + folder, mode)
processes.remove_tree(base)
print(sorted(root for root, _, _ in os.walk(sys.argv[2])))
"""


def test_folders_made_read_only_are_removed_by_a_cleaner_that_is_not_root(tmp_path):
    """`mkdir("A/B", 0o500)`: a cleaner that is not root could not move B out of A, and
    left the tree behind (found from outside). Run as an ordinary user (as nobody, via
    setpriv, when the tests run as root)."""
    import shutil
    import subprocess
    import sys
    import tempfile

    from mindlab_grader.worker import processes

    cmd, folder = [sys.executable, "-c", _READ_ONLY_TREE], tmp_path
    if os.geteuid() == 0:
        python = shutil.which("python3", path="/usr/bin:/bin")
        if not (shutil.which("setpriv") and python):
            pytest.skip("needs setpriv and a system python3 to run as nobody")
        folder = Path(tempfile.mkdtemp(prefix="mindlab-test-"))  # (reachable by nobody)
        os.chmod(folder, 0o777)
        cmd = ["setpriv", "--reuid", "65534", "--regid", "65534", "--clear-groups", python,
               "-c", _READ_ONLY_TREE]
    try:
        done = subprocess.run([*cmd, processes.__file__, str(folder)], capture_output=True,
                              text=True, timeout=60)
    finally:
        if folder != tmp_path:
            shutil.rmtree(folder, ignore_errors=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == repr([str(folder)])
