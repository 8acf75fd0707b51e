"""The class report (report.html): its numbers, and that it renders offline in Chromium."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from mindlab_grader.batch import records
from mindlab_grader.batch.layouts import Entry
from mindlab_grader.report import Report, tool_result
from mindlab_grader.report import TestResult as Result
from mindlab_grader.report.html import check_stats, render_html

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
HOSTILE_NAME = "<script>alert(1)</script>"


def record(student: str, passed: list[bool], seconds: float = 0.1) -> dict:
    """A graded record whose tool01 has one check per entry of `passed`."""
    tests = [Result(f"check {k}", ok, 2.0 if ok else 0.0, 2.0,
                    "fine" if ok else f"check {k} failed: <b>{HOSTILE_NAME}</b>",
                    id=f"c{k}", function="softmax") for k, ok in enumerate(passed)]
    report = Report(f"{student}.py", "lab01", "graded", sum(t.score for t in tests),
                    2.0 * len(tests), [tool_result("tool01", "Read its mind", tests)])
    entry = Entry(student, Path(f"{student}.py"), Path(f"{student}.py"))
    return records.graded_record(entry, report, "lab01", "hidden", "d", "s", seconds)


def class_records() -> list[dict]:
    rows = [record(f"s{i}", [True, i % 2 == 0, i % 5 == 0], seconds=i / 10) for i in range(10)]
    rows.append(record(HOSTILE_NAME, [False, False, False]))
    rows.append(records.entry_record(Entry("README", None, Path("README.md"), "not a submission"),
                                   "lab01", "hidden"))
    return rows


MANIFEST = {"lab": "lab01", "suite": "hidden", "suite_hash": "abc", "isolation": ["bwrap"],
            "ended": "2024-01-01T00:00:00+00:00", "complete": True}


def test_checks_are_sorted_worst_first():
    stats = check_stats(class_records())
    assert [s["name"] for s in stats] == ["check 2", "check 1", "check 0"]
    assert [(s["passed"], s["total"]) for s in stats] == [(2, 11), (5, 11), (10, 11)]
    assert stats[0]["failures"].most_common(1)[0][1] == 9


def test_report_is_self_contained_and_escapes_what_learners_wrote():
    html = render_html(class_records(), MANIFEST)
    assert "<script" not in html and "<link" not in html and "src=" not in html
    assert html.count("<svg") == 2
    assert "http" not in html.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "not a submission" in html and "11 graded, 1 error." in html


def test_student_names_are_escaped_and_links_url_encoded():
    names = ["=cmd", "../x", 'a"b<i>c', "new\nline\x00", "50% & more"]
    rows = [record(n, [True]) for n in names]
    links = {"=cmd": "feedback/=cmd.txt", "../x": "feedback/_._x~d6b96a97d1.txt"}
    html = render_html(rows, MANIFEST, links)
    assert 'href="feedback/%3Dcmd.txt">=cmd</a>' in html
    assert 'href="feedback/_._x~d6b96a97d1.txt">../x</a>' in html
    assert 'href="feedback/a%22b%3Ci%3Ec.txt">a&quot;b&lt;i&gt;c</a>' in html
    assert 'href="feedback/50%25%20%26%20more.txt">50% &amp; more</a>' in html
    assert "<i>" not in html and "\x00" not in html and "new\nline\\x00" in html


def run_chromium(tmp_path: Path, page: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         f"--user-data-dir={tmp_path / 'profile'}", "--enable-logging=stderr", "--v=0",
         "--window-size=1200,1600", *args, page.as_uri()],
        capture_output=True, text=True, timeout=120)


def console_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if ":CONSOLE" in line]


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed")
def test_console_errors_would_be_caught(tmp_path: Path):
    page = tmp_path / "bad.html"
    page.write_text("<html><body><script>undefinedFunction();</script></body></html>")
    assert console_lines(run_chromium(tmp_path, page, "--dump-dom").stderr)


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed")
def test_report_renders_in_chromium_with_pictures_and_no_console_errors(tmp_path: Path):
    import matplotlib.image

    page = tmp_path / "report.html"
    page.write_text(render_html(class_records(), MANIFEST), encoding="utf-8")
    dom = run_chromium(tmp_path, page, "--dump-dom")
    assert dom.returncode == 0, dom.stderr[-2000:]
    assert console_lines(dom.stderr) == []
    assert dom.stdout.count("<svg") == 2 and dom.stdout.count("<rect") >= 10
    assert "What to re-teach" in dom.stdout

    shot = tmp_path / "shot.png"
    result = run_chromium(tmp_path, page, f"--screenshot={shot}")
    assert result.returncode == 0 and console_lines(result.stderr) == []
    pixels = matplotlib.image.imread(shot)[..., :3]
    bar_blue = (abs(pixels - [0x4C / 255, 0x72 / 255, 0xB0 / 255]).max(axis=-1) < 0.02).sum()
    assert bar_blue > 2000, "the histogram's bars should be drawn"
