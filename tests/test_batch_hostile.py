"""grade-batch on a hostile class folder: a batch never dies of one entry, nothing a
learner wrote runs in a spreadsheet or a browser, and two runs never share one --out.

Every test grades a class holding good students next to the hostile entry and checks
the gradebook is written and the good students are graded (`assert_gradebook`).
"""

from __future__ import annotations

import csv
import json
import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from test_batch import ROOT, FakeGrader, fake_batch, read_csv

from mindlab_grader import batch
from mindlab_grader.batch import bounds, lock, records, safety
from mindlab_grader.batch.gradebook import write_gradebook
from mindlab_grader.batch.layouts import Entry, LayoutError, discover
from mindlab_grader.report import Report

GOOD = ("ada", "bob")


@pytest.fixture
def klass(tmp_path: Path) -> Path:
    """Two good students; each test adds its hostile entry."""
    d = tmp_path / "class"
    d.mkdir()
    (d / "ada.py").write_text("x = 1\n")
    (d / "bob").mkdir()
    (d / "bob" / "lab01.py").write_text("tool02=5\n")
    return d


def within(seconds: float, fn, *args, **kw):
    """fn(*args, **kw), failing the test (not hanging it) when it takes longer."""
    box: dict = {}

    def run() -> None:
        try:
            box["value"] = fn(*args, **kw)
        except BaseException as exc:  # noqa: BLE001 - handed to the test
            box["error"] = exc

    t = threading.Thread(target=run, daemon=True)
    t.start()
    t.join(seconds)
    assert not t.is_alive(), f"{fn.__name__} still running after {seconds} s: it blocked"
    if "error" in box:
        raise box["error"]
    return box["value"]


def assert_gradebook(out: Path, *bad: str) -> dict[str, dict]:
    """Every output is there, the good students are graded, each `bad` is an error row."""
    for name in ("grades.csv", "grades.json", "report.html", "manifest.json"):
        assert (out / name).is_file(), name
    rows = read_csv(out)
    assert rows["ada"]["score"] == "30.0" and rows["bob"]["score"] == "25.0"
    assert all(rows[g]["status"] == "graded" for g in GOOD)
    for b in bad:
        assert rows[b]["status"] == "error" and rows[b]["score"] == "", rows[b]
    assert (out / "feedback" / "ada.txt").is_file()
    return rows


def grade(klass: Path, tmp_path: Path, **kw) -> tuple[Path, dict[str, dict]]:
    out = tmp_path / "out"
    summary = within(60, fake_batch, klass, out, **kw)
    assert summary.faults == 0
    return out, read_csv(out)


# ---------------------------------------------------------------- entries that are not files


def test_a_fifo_is_an_error_row_and_never_blocks(klass: Path, tmp_path: Path):
    os.mkfifo(klass / "eve.py")
    (klass / "fay").mkdir()
    os.mkfifo(klass / "fay" / "lab01.py")
    out, rows = grade(klass, tmp_path)
    assert_gradebook(out, "eve", "fay")
    assert "FIFO" in rows["eve"]["reason"] and "fay/lab01.py is a FIFO" in rows["fay"]["reason"]


def test_a_link_to_dev_zero_is_an_error_row(klass: Path, tmp_path: Path):
    (klass / "zero.py").symlink_to("/dev/zero")
    (klass / "zed").mkdir()
    (klass / "zed" / "lab01.py").symlink_to("/dev/zero")
    out, rows = grade(klass, tmp_path)
    assert_gradebook(out, "zero", "zed")
    assert "/dev/zero, outside the batch folder" in rows["zero"]["reason"]


def test_a_link_to_proc_pagemap_is_an_error_row(klass: Path, tmp_path: Path):
    (klass / "page.py").symlink_to("/proc/self/pagemap")
    out, rows = grade(klass, tmp_path)
    assert_gradebook(out, "page")
    assert "outside the batch folder" in rows["page"]["reason"]


def test_files_of_the_system_are_never_read_even_inside_the_folder(klass: Path, tmp_path: Path,
                                                                   monkeypatch):
    (klass / "sy").mkdir()
    (klass / "sy" / "lab01.py").write_text("x = 1\n")
    monkeypatch.setattr(safety, "SYSTEM", (*safety.SYSTEM, str(klass / "sy")))
    out, rows = grade(klass, tmp_path)  # as if the class sat in /proc: sizes lie there
    assert_gradebook(out, "sy")
    assert "file of the system" in rows["sy"]["reason"]
    with pytest.raises(safety.Unreadable, match="file of the system"):
        within(10, safety.hash_file, Path("/proc/self/pagemap"))
    with pytest.raises(safety.Unreadable, match="character device"):
        within(10, safety.hash_file, Path("/dev/zero"))
    fifo = tmp_path / "pipe.py"
    os.mkfifo(fifo)
    with pytest.raises(safety.Unreadable, match="FIFO"):
        within(10, safety.hash_file, fifo)


def test_a_link_to_a_file_outside_the_folder_is_an_error_row(klass: Path, tmp_path: Path):
    secret = tmp_path / "secret.py"
    secret.write_text("tool01=10\n")  # a fine submission, but not in the batch folder
    (klass / "mal.py").symlink_to(secret)
    out, rows = grade(klass, tmp_path)
    assert_gradebook(out, "mal")
    assert "link to" in rows["mal"]["reason"] and "outside" in rows["mal"]["reason"]


def test_a_link_to_another_students_file_is_an_error_row(klass: Path, tmp_path: Path):
    """Found from outside: `mallory/lab01.py -> ../alice/lab01.py` stayed inside the batch
    folder, so it was followed and mallory scored alice's marks (a class cloned from git
    repositories keeps links). A link must stay inside its own student's submission."""
    (klass / "twin.py").symlink_to(klass / "ada.py")
    (klass / "mal").mkdir()
    (klass / "mal" / "lab01.py").symlink_to(Path("..") / "ada.py")
    (klass / "own").mkdir()
    (klass / "own" / "work.py").write_text("x = 1\n")
    (klass / "own" / "lab01.py").symlink_to("work.py")  # inside its own folder: followed
    out, rows = grade(klass, tmp_path)
    assert_gradebook(out, "twin", "mal")
    assert "twin.py is a link to" in rows["twin"]["reason"]
    assert "mal/lab01.py is a link to ../ada.py, outside its own submission" in rows["mal"][
        "reason"]
    assert rows["own"]["status"] == "graded" and rows["ada"]["status"] == "graded"


def test_a_folder_holding_a_link_outside_at_any_depth_is_an_error_row(klass: Path,
                                                                      tmp_path: Path):
    deep = klass / "dan" / "a" / "b"
    deep.mkdir(parents=True)
    (klass / "dan" / "lab01.py").write_text("x = 1\n")
    (deep / "data.csv").symlink_to("/etc/passwd")
    (klass / "dia").mkdir()
    (klass / "dia" / "lab01.ipynb").write_text("{}")
    (klass / "dia" / "notes.txt").symlink_to(tmp_path / "class.txt")
    (klass / "dot").mkdir()
    (klass / "dot" / "lab01.py").write_text("x = 1\n")
    (klass / "dot" / ".venv" / "bin").mkdir(parents=True)  # never read: its links are fine
    (klass / "dot" / ".venv" / "bin" / "python").symlink_to(sys.executable)
    (klass / "cal").mkdir()
    (klass / "cal" / "lab01.py").write_text("x = 1\n")
    (klass / "cal" / "up").symlink_to(klass / "cal")  # a loop inside: harmless
    (klass / "cal" / "gone").symlink_to(klass / "cal" / "nowhere")
    out, rows = grade(klass, tmp_path)
    assert_gradebook(out, "dan", "dia")
    assert "dan/a/b/data.csv is a link to /etc/passwd" in rows["dan"]["reason"]
    assert "dia/notes.txt is a link to" in rows["dia"]["reason"]
    assert rows["cal"]["status"] == rows["dot"]["status"] == "graded"


def test_a_nbgrader_student_folder_linked_from_outside_is_an_error_row(tmp_path: Path):
    sub = tmp_path / "course" / "submitted"
    (sub / "ada" / "lab01").mkdir(parents=True)
    (sub / "ada" / "lab01" / "lab01.ipynb").write_text("{}")
    elsewhere = tmp_path / "elsewhere" / "lab01"
    elsewhere.mkdir(parents=True)
    (elsewhere / "lab01.ipynb").write_text("{}")
    (sub / "mal").symlink_to(elsewhere.parent)
    _, entries = discover(tmp_path / "course")
    by = {e.student: e for e in entries}
    assert by["ada"].path is not None
    assert by["mal"].path is None and "outside the batch folder" in by["mal"].reason
    out = tmp_path / "out"
    within(60, fake_batch, tmp_path / "course", out)
    rows = read_csv(out)
    assert rows["ada"]["status"] == "graded" and rows["mal"]["status"] == "error"


def test_a_nbgrader_student_folder_linked_inside_the_course_is_an_error_row(tmp_path: Path):
    """Found from outside: `submitted/eve -> ../source` stayed inside the course, so eve was
    graded on the master notebook (30/30, into nbgrader's gradebook too); a link to another
    student's folder did the same with that student's work."""
    course = tmp_path / "course"
    (course / "source" / "lab01").mkdir(parents=True)
    (course / "source" / "lab01" / "lab01.ipynb").write_text("{}")
    sub = course / "submitted"
    (sub / "ada" / "lab01").mkdir(parents=True)
    (sub / "ada" / "lab01" / "lab01.ipynb").write_text("{}")
    (sub / "eve").symlink_to(Path("..") / "source")
    (sub / "mal").symlink_to("ada")
    _, entries = discover(course)
    by = {e.student: e for e in entries}
    assert by["ada"].path is not None
    for name, target in (("eve", "../source"), ("mal", "ada")):
        assert by[name].path is None
        assert f"is a link to {target}, outside its own submission" in by[name].reason


def test_a_socket_a_looping_link_and_a_huge_file_are_error_rows(klass: Path, tmp_path: Path):
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(klass / "sock.py"))
    (klass / "loop.py").symlink_to(klass / "loop.py")
    with open(klass / "huge.py", "wb") as f:  # sparse: 51 MB on paper, nothing on disk
        f.truncate(safety.MAX_BYTES + 2**20)
    try:
        out, rows = grade(klass, tmp_path)
    finally:
        server.close()
    assert_gradebook(out, "sock", "loop", "huge")
    assert "socket" in rows["sock"]["reason"]
    assert "leads nowhere" in rows["loop"]["reason"]
    assert "larger than the 50 MB" in rows["huge"]["reason"]


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads a chmod 000 file anyway")
def test_an_unreadable_file_is_an_error_row(klass: Path, tmp_path: Path):
    (klass / "ro.py").write_text("x = 1\n")
    (klass / "ro.py").chmod(0)
    try:
        out, rows = grade(klass, tmp_path)
    finally:
        (klass / "ro.py").chmod(0o644)
    assert_gradebook(out, "ro")
    assert "cannot be read" in rows["ro"]["reason"]


def test_a_file_that_fails_to_open_is_an_error_row(klass: Path, tmp_path: Path, monkeypatch):
    """The chmod 000 case as root (who may read anything): opening it fails."""
    (klass / "ro.py").write_text("x = 1\n")
    real_open = os.open

    def deny(path, *args, **kw):
        if Path(path).name == "ro.py":
            raise PermissionError(13, "Permission denied")
        return real_open(path, *args, **kw)

    monkeypatch.setattr(safety.os, "open", deny)
    out, rows = grade(klass, tmp_path)
    assert_gradebook(out, "ro")
    assert "ro.py cannot be read (Permission denied)" in rows["ro"]["reason"]


def test_a_gradescope_metadata_fifo_is_a_layout_error(klass: Path, tmp_path: Path):
    """The export's own metadata is not a student's entry: a FIFO there is a usage error
    (exit 2), at once; detected as flat, the same folder is graded."""
    os.mkfifo(klass / "submission_metadata.yml")
    with pytest.raises(LayoutError, match="FIFO"):
        within(10, discover, klass, "gradescope")
    out, rows = grade(klass, tmp_path)
    assert_gradebook(out, "submission_metadata")


# ---------------------------------------------------------------- names that are formulas


FORMULA_NAMES = ("=cmd", "+SUM(1,1)", "@x", "-2+3", '"<script>alert(1)')


def test_formula_and_script_names_are_neutralised_everywhere(klass: Path, tmp_path: Path):
    for name in FORMULA_NAMES:
        (klass / f"{name}.py").write_text("x = 1\n")
    (klass / "=HYPERLINK(1).md").write_text("")
    out, _ = grade(klass, tmp_path)
    assert_gradebook(out)
    with open(out / "grades.csv", newline="") as f:
        cells = {row[0]: row for row in csv.reader(f)}
    for name in FORMULA_NAMES[:4]:
        assert cells[f"'{name}"][1] == "30.0", name  # the cell starts with ', the score stays
    assert cells['"<script>alert(1)'][6] == "graded"  # '"' starts no formula
    hyper = cells["'=HYPERLINK(1)"]
    assert hyper[7].startswith("'=HYPERLINK(1).md is not a submission")
    book = {s["student"]: s for s in json.loads((out / "grades.json").read_text())["students"]}
    assert set(FORMULA_NAMES) <= set(book)  # JSON keeps the real names
    for name in FORMULA_NAMES:
        assert (out / book[name]["feedback"]).is_file()
        assert (out / book[name]["feedback"]).parent == out / "feedback"
    html = (out / "report.html").read_text()
    assert "<script" not in html and "&quot;&lt;script&gt;alert(1)</a>" in html
    assert 'href="feedback/%2BSUM%281%2C1%29.txt"' in html
    script_stem = Path(book[FORMULA_NAMES[4]]["feedback"]).name
    assert "<" not in script_stem and '"' not in script_stem


def test_names_that_are_paths_never_write_outside_feedback(tmp_path: Path):
    names = ["../x", "a/b", "a_b", "nul\0byte", "new\nline", "..", "Bea", "bea", "/etc/x",
             "x" * 300, "\x1b[2Jclear"]
    klass = tmp_path / "class"
    klass.mkdir()
    (klass / "ada.py").write_text("x = 1\n")
    (klass / "bob.py").write_text("tool02=5\n")
    out = tmp_path / "out"
    fake_batch(klass, out)
    good = [records.load_record(out, g) for g in GOOD]
    rows = [records.entry_record(Entry(n, None, Path("x")), "lab01", "hidden",
                                 reason=f"reason of {n}") for n in names]
    write_gradebook(out, [*good, *rows], {"lab": "lab01"}, seconds=0.0)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["class", "out"], "nothing beside"
    assert_gradebook(out)
    written = list((out / "feedback").iterdir())
    assert len(written) == 2 * len(names) + 4, "no two students share a file"
    assert all(p.parent == out / "feedback" and len(p.name.encode()) < 255 for p in written)
    book = {s["student"]: s for s in json.loads((out / "grades.json").read_text())["students"]}
    for n in names:
        assert bounds.printable(f"reason of {n}")[:40] in (out / book[n]["feedback"]).read_text()
    assert book["a_b"]["feedback"] == "feedback/a_b.txt"
    assert "\x1b" not in (out / "grades.csv").read_text()
    html = (out / "report.html").read_text()
    assert 'href="feedback/../' not in html and "\x00" not in html


def test_a_file_named_with_a_newline_is_graded(klass: Path, tmp_path: Path):
    (klass / "new\nline.py").write_text("x = 1\n")
    (klass / "Ada.py").write_text("tool01=0\n")  # 'ada' but for case
    out, rows = grade(klass, tmp_path)
    assert_gradebook(out)
    assert rows["new\nline"]["status"] == "graded" and rows["Ada"]["score"] == "20.0"
    book = {s["student"]: s for s in json.loads((out / "grades.json").read_text())["students"]}
    assert book["ada"]["feedback"] == "feedback/ada.txt"
    assert book["Ada"]["feedback"].lower() != "feedback/ada.txt"  # one file each, on any disk
    assert "tool01" in (out / book["Ada"]["feedback"]).read_text()
    assert len(list((out / "results").glob("*.json"))) == len(rows)


# ---------------------------------------------------------------- text that is too long


class FloodGrader(FakeGrader):
    """A report whose notes and feedback are what a hostile submission could make them."""

    def grade(self, path: Path, name: str) -> Report:
        report = super().grade(path, name)
        if "FLOOD" in Path(path).read_text():
            report.notes = ['=HYPERLINK("http://evil","x")', "x" * 30_000_000,
                            "\x1b[2J\x1b[31mred", *[f"note {i}" for i in range(40)]]
            report.integrity = ["y" * 10**6] * 50
            report.tools[0].tests[0].feedback = "f" * 30_000_000
        return report


def test_a_30_mb_note_is_cut_in_every_output(klass: Path, tmp_path: Path):
    (klass / "flo.py").write_text("FLOOD\n")
    out, rows = grade(klass, tmp_path, make_grader=FloodGrader)
    assert_gradebook(out)
    assert rows["flo"]["status"] == "graded" and rows["flo"]["reason"].startswith("'=HYPER")
    assert len(rows["flo"]["reason"]) <= bounds.REASON_CHARS + 1
    for path in out.rglob("*"):
        if path.is_file():
            assert path.stat().st_size < 200_000, path
    report = json.loads((out / "feedback" / "flo.json").read_text())
    assert len(report["notes"]) == bounds.MAX_NOTES and report["notes"][-1].startswith("… (cut")
    assert report["notes"][1].endswith("… (cut)") and len(report["notes"][1]) == 500
    assert len(report["integrity"]) == bounds.MAX_NOTES
    feedback = report["tools"][0]["tests"][0]["feedback"]
    assert len(feedback) == bounds.FEEDBACK_CHARS and feedback.endswith("… (cut)")
    text = (out / "feedback" / "flo.txt").read_text()
    assert "\x1b" not in text and "\\x1b[2J" in text


def test_records_of_an_older_run_are_bounded_when_read(klass: Path, tmp_path: Path):
    out, _ = grade(klass, tmp_path)
    path = out / "results" / "ada.json"
    record = json.loads(path.read_text())
    record["report"]["notes"] = ["z" * 5_000_000]
    path.write_text(json.dumps(record))
    (out / "results" / "bob.json").write_text('{"version": 1, "student": "bob", "report": 7}')
    again = within(60, fake_batch, klass, out)
    assert again.reused == 1 and again.graded_now == 1  # bob's damaged record is regraded
    assert len(json.loads((out / "feedback" / "ada.json").read_text())["notes"][0]) == 500
    assert_gradebook(out)
    rows, _ = batch_merge([out], tmp_path / "merged")
    assert {r["student"] for r in rows} == set(GOOD)


def batch_merge(parts, out):
    from mindlab_grader import batch

    return batch.merge(parts, out)


# ---------------------------------------------------------------- one run per --out


SLOW_BATCH = """
import sys
sys.path[:0] = [{root!r}, {tests!r}]
from test_batch import FakeGrader
from mindlab_grader import batch
batch.grade_batch(sys.argv[1], sys.argv[2], jobs=1, suite_hash="suites-v1",
                  make_grader=lambda: FakeGrader(delay=0.5), command="mindlab grade-batch x")
"""


def wait_for(condition, timeout: float = 60) -> None:
    deadline = time.time() + timeout
    while not condition():
        assert time.time() < deadline, "timed out"
        time.sleep(0.05)


def test_a_second_run_on_one_out_exits_at_once(klass: Path, tmp_path: Path):
    for i in range(6):
        (klass / f"s{i}.py").write_text("x = 1\n")
    out = tmp_path / "out"
    script = tmp_path / "slow.py"
    script.write_text(SLOW_BATCH.format(root=str(ROOT), tests=str(ROOT / "tests")))
    first = subprocess.Popen([sys.executable, str(script), str(klass), str(out)])
    try:
        wait_for(lambda: len(list((out / "results").glob("*.json"))) >= 1)
        t = time.monotonic()
        second = subprocess.run([sys.executable, "-m", "mindlab_grader.cli", "grade-batch",
                                 str(klass), "--out", str(out), "--jobs", "1"],
                                cwd=ROOT, capture_output=True, text=True, timeout=60)
        assert time.monotonic() - t < 20, "the second run should not wait"
        assert second.returncode == 3, second.stderr
        assert f"another grade-batch (pid {first.pid}, started " in second.stderr
        assert f"is writing to {out}: wait for it or choose another --out" in second.stderr
        assert "Traceback" not in second.stderr
        merged = subprocess.run([sys.executable, "-m", "mindlab_grader.cli", "merge-grades",
                                 str(out), "--out", str(out)], cwd=ROOT, capture_output=True,
                                text=True, timeout=60)
        assert merged.returncode == 3 and "another grade-batch" in merged.stderr
        assert first.poll() is None, "the first run goes on"
    finally:
        assert first.wait(timeout=120) == 0
    assert_gradebook(out)
    assert len(read_csv(out)) == 2 + 6


def test_a_second_run_in_the_same_process_is_refused(klass: Path, tmp_path: Path):
    out = tmp_path / "out"
    started = threading.Event()

    class Slow(FakeGrader):
        def grade(self, path: Path, name: str) -> Report:
            started.set()
            time.sleep(0.5)
            return super().grade(path, name)

    t = threading.Thread(target=fake_batch, args=(klass, out), kwargs={"make_grader": Slow,
                                                                       "jobs": 1})
    t.start()
    assert started.wait(30)
    with pytest.raises(lock.OutLocked, match=f"pid {os.getpid()}"):
        within(10, fake_batch, klass, out)
    with pytest.raises(lock.OutLocked):
        batch_merge([out], out)
    t.join(60)
    assert_gradebook(out)
    assert within(30, fake_batch, klass, out).reused == 2  # the lock is free again


def test_a_stale_lock_is_taken_over(klass: Path, tmp_path: Path, monkeypatch):
    out = tmp_path / "out"
    out.mkdir()
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    (out / ".lock").write_text(json.dumps({"pid": dead.pid, "host": socket.gethostname(),
                                           "started": "yesterday", "command": "mindlab x"}))
    grade(klass, tmp_path)
    assert_gradebook(out)
    # where the file system has no flock, the holder's pid decides
    monkeypatch.setattr(lock, "fcntl", None)
    (out / ".lock").write_text(json.dumps({"pid": dead.pid, "host": socket.gethostname()}))
    assert within(30, fake_batch, klass, out).reused == 2
    alive = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        (out / ".lock").write_text(json.dumps({"pid": alive.pid, "host": socket.gethostname(),
                                               "started": "now",
                                               "command": "mindlab merge-grades a"}))
        with pytest.raises(lock.OutLocked, match=f"another merge-grades \\(pid {alive.pid}"):
            fake_batch(klass, out)
    finally:
        alive.kill()
        alive.wait()


def test_scores_we_write_stay_numbers_and_learner_cells_do_not(tmp_path: Path):
    from mindlab_grader.batch.gradebook import csv_rows

    row = records.entry_record(Entry("-x", None, Path("x")), "lab01", "hidden",
                               status="graded", reason="-1 is wrong",
                               report={"score": -1.5, "max_score": 30.0, "tools": [
                                   {"id": "tool01", "title": "t", "score": -1.5,
                                    "max_score": 10.0, "tests": []}]})
    header, rows = csv_rows([row])
    assert header[:4] == ["student", "score", "max_score", "tool01"]
    cells = dict(zip(header, rows[0], strict=False))
    assert (cells["student"], cells["score"], cells["tool01"]) == ("'-x", "-1.5", "-1.5")
    assert cells["reason"] == "'-1 is wrong" and cells["status"] == "graded"


def test_merge_of_crafted_records_writes_only_inside_out(klass: Path, tmp_path: Path):
    out, _ = grade(klass, tmp_path)
    manifest = json.loads((out / "manifest.json").read_text())
    evil = json.loads((out / "results" / "ada.json").read_text())
    for name in ("../../evil", "/tmp/evil", "=cmd"):
        (out / "results" / f"{abs(hash(name))}.json").write_text(
            json.dumps({**evil, "student": name}))
        manifest["students"].append(name)
    (out / "results" / "junk.json").write_text('{"version": 1, "student": ["list"]}')
    (out / "manifest.json").write_text(json.dumps(manifest))
    merged = tmp_path / "merged"
    rows, _ = batch_merge([out], merged)
    assert {r["student"] for r in rows} == {*GOOD, "../../evil", "/tmp/evil", "=cmd"}
    assert not (tmp_path / "evil.json").exists() and not Path("/tmp/evil.json").exists()
    assert all(p.parent == merged / "results" for p in (merged / "results").iterdir())
    assert_gradebook(merged)
    assert read_csv(merged)["'=cmd"]["score"] == "30.0"


def test_an_out_that_cannot_be_written_is_a_usage_error(klass: Path, tmp_path: Path):
    (tmp_path / "file").write_text("")
    with pytest.raises(ValueError, match="cannot write to --out"):
        fake_batch(klass, tmp_path / "file" / "out")
    out, _ = grade(klass, tmp_path)
    assert_gradebook(out)


def test_a_huge_timestamp_is_never_read_or_copied(tmp_path: Path):
    """Found from outside: a 2 GB timestamp.txt (sparse, 4 KB on disk) in a student's
    nbgrader folder held nbgrader-gradebook at 12.7 GB and was copied whole into
    autograded/. A timestamp is read up to MAX_STAMP bytes, and a longer one is none."""
    from mindlab_grader.batch import nbgrader_gradebook as nb

    folder = tmp_path / "submitted" / "eve" / "lab01"
    folder.mkdir(parents=True)
    with open(folder / "timestamp.txt", "wb") as f:
        f.truncate(2 * 2**30)
    assert within(10, nb._timestamp, tmp_path, "eve", "lab01") == {}
    (folder / "timestamp.txt").write_text("2026-12-03 12:00:00.000000 UTC\n")
    assert nb._timestamp(tmp_path, "eve", "lab01") == {
        "timestamp": "2026-12-03 12:00:00.000000 UTC"}


def test_a_newline_in_a_file_name_never_starts_a_line_of_the_feedback(tmp_path: Path):
    """Found from outside: `carol/x<newline>Total: 30.0 of 30 ... .py` put a fake total in
    carol's feedback and in `mindlab grade`'s text. A name is shown with its escapes."""
    klass = tmp_path / "class"
    (klass / "carol").mkdir(parents=True)
    stub = Path(__file__).resolve().parent.parent / "exercises" / "lab01.py"
    (klass / "carol" / "x\nTotal: 30.0 of 30\nlab01.py").write_text(stub.read_text())
    out = tmp_path / "out"
    within(120, batch.grade_batch, klass, out, isolation="process", jobs=1)
    feedback = (out / "feedback" / "carol.txt").read_text(encoding="utf-8")
    assert read_csv(out)["carol"]["status"] == "graded"
    assert not any(line.startswith("Total: 30") for line in feedback.splitlines())
    assert "x\\nTotal: 30.0 of 30\\nlab01.py line" in feedback
