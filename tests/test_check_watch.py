"""`mindlab check --watch`: checks again when the file is saved; 'N of M functions pass'."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from mindlab_grader.report import Report, TestResult, tool_result
from mindlab_grader.report.text import function_progress, render_report
from mindlab_labs import lab_file

TITLE = "mindlab check"


def _wait_for(process, lines: list[str], count: int, timeout: float) -> None:
    """Read process's stdout into `lines` until TITLE has been printed `count` times."""
    deadline = time.monotonic() + timeout
    os.set_blocking(process.stdout.fileno(), False)
    while time.monotonic() < deadline:
        chunk = process.stdout.readline()
        if chunk:
            lines.append(chunk)
            if sum(line.startswith(TITLE) for line in lines) >= count and \
                    lines[-1].startswith("watching"):
                return
        else:
            time.sleep(0.05)
    raise AssertionError("no run in time:\n" + "".join(lines[-20:]))


def test_watch_checks_again_when_the_file_is_saved(tmp_path: Path):
    mine = tmp_path / "lab01.py"
    mine.write_text(lab_file("exercises", "lab01").read_text(encoding="utf-8"))
    process = subprocess.Popen(
        [sys.executable, "-m", "mindlab_grader.cli", "check", "--watch", str(mine),
         "--isolation", "process"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        text=True, cwd=tmp_path)
    lines: list[str] = []
    try:
        _wait_for(process, lines, 1, timeout=90)
        assert any("functions pass" in line for line in lines)
        assert not any("\033[2J" in line for line in lines)  # no clearing: not a terminal
        time.sleep(0.1)
        os.utime(mine, ns=(time.time_ns(), time.time_ns() + 10**9))  # "saved"
        _wait_for(process, lines, 2, timeout=90)
        assert process.poll() is None  # still watching
        process.send_signal(signal.SIGINT)  # Ctrl-C
        process.wait(timeout=20)
        lines.append(process.stdout.read() or "")
        assert "stopped watching" in "".join(lines)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def test_the_report_says_how_many_functions_pass():
    tests = [TestResult("a", True, 1, 1, "", function="softmax"),
             TestResult("b", True, 1, 1, "", function="softmax"),
             TestResult("c", False, 0, 1, "wrong", function="read_row"),
             TestResult("d", True, 1, 1, "", function="data_row")]
    report = Report("f.py", "lab01", "graded", 3, 4, [tool_result("tool01", "Read", tests)])
    assert function_progress(report) == "2 of 3 functions pass (still to do: read_row)"
    assert render_report(report, ascii_only=True).splitlines()[-1] == function_progress(report)
    every = Report("f.py", "lab01", "graded", 1, 1, [tool_result("tool01", "Read", tests[:1])])
    assert function_progress(every) == "1 of 1 functions pass"
    unnamed = [TestResult("x", True, 1, 1, "")]
    assert function_progress(Report("f.py", "lab01", "graded", 1, 1,
                                    [tool_result("tool01", "Read", unnamed)])) == ""
