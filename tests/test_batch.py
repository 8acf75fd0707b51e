"""mindlab grade-batch: layouts, gradebook, resume after a kill, shards and merge.

Most tests drive mindlab_grader.batch with FakeGrader, a stand-in for grader.Grader whose
scores are written in the submission itself (`tool02=4`), so the batch machinery is
tested fast and exactly. The tests at the end grade real files with the real runner.
"""

from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from mindlab_grader import batch
from mindlab_grader.batch import records
from mindlab_grader.batch.layouts import LayoutError, discover
from mindlab_grader.labs import LAB01
from mindlab_grader.report import Report, tool_result
from mindlab_grader.report import TestResult as Result

ROOT = Path(__file__).resolve().parents[1]


class FakeGrader:
    """Stands in for grader.Grader: `toolNN=k` in the file gives k/10 on that tool.

    A file containing GRADER_FAULT makes grade() raise, like a broken worker pipe.
    """

    opened = 0

    def __init__(self, delay: float = 0.0) -> None:
        self.delay = delay

    def __enter__(self) -> FakeGrader:
        FakeGrader.opened += 1
        return self

    def __exit__(self, *exc: object) -> None:
        pass

    def grade(self, path: Path, name: str) -> Report:
        text = Path(path).read_text(errors="replace")
        if "GRADER_FAULT" in text:
            raise RuntimeError("worker pipe broke")
        if "GRADER_KILLED" in text:  # the grading process itself dies (the OOM killer, kill -9)
            os.kill(os.getpid(), signal.SIGKILL)
        time.sleep(self.delay)
        tools = []
        for tool in LAB01.tools:
            got = 10
            for line in text.splitlines():
                if line.startswith(f"{tool.id}="):
                    got = int(line.split("=")[1])
            tests = [Result(f"{tool.id} part {k}", got >= 5 * k, 5.0 if got >= 5 * k else 0,
                                5.0, "ok" if got >= 5 * k else f"{tool.id} part {k} is wrong",
                                id=f"{tool.id}_{k}", function=tool.functions[0])
                     for k in (1, 2)]
            tools.append(tool_result(tool.id, tool.title, tests))
        return Report(str(path), "lab01", "graded", sum(t.score for t in tools),
                      sum(t.max_score for t in tools), tools, provenance={"isolation": "fake"})


def fake_batch(folder: Path, out: Path, **kw):
    kw.setdefault("make_grader", FakeGrader)
    kw.setdefault("suite_hash", "suites-v1")
    kw.setdefault("jobs", 2)
    return batch.grade_batch(folder, out, **kw)


def read_csv(out: Path) -> dict[str, dict]:
    with open(out / "grades.csv", newline="") as f:
        return {row["student"]: row for row in csv.DictReader(f)}


@pytest.fixture
def klass(tmp_path: Path) -> Path:
    """A flat batch folder with good, partial and broken entries."""
    d = tmp_path / "class"
    d.mkdir()
    (d / "ada.py").write_text("x = 1\n")
    (d / "bob.py").write_text("tool02=5\ntool03=0\n")
    (d / "cy").mkdir()
    (d / "cy" / "lab01.ipynb").write_text("tool01=0\n")
    (d / "README.md").write_text("hand-ins of week 3\n")
    (d / "empty").mkdir()
    (d / "two").mkdir()
    (d / "two" / "a.py").write_text("")
    (d / "two" / "b.py").write_text("")
    (d / ".DS_Store").write_text("")
    return d


# ---------------------------------------------------------------- layouts


def test_flat_layout_gives_every_entry_a_row(klass: Path):
    layout, entries = discover(klass)
    assert layout == "flat"
    by = {e.student: e for e in entries}
    assert sorted(by) == ["README", "ada", "bob", "cy", "empty", "two"]
    assert by["ada"].path == klass / "ada.py"
    assert by["cy"].path == klass / "cy" / "lab01.ipynb"
    assert "not a submission" in by["README"].reason
    assert "no .py or .ipynb" in by["empty"].reason
    assert "2 candidate files" in by["two"].reason and "a.py" in by["two"].reason


def test_two_entries_with_one_name_are_one_error_row(tmp_path: Path):
    (tmp_path / "ada.py").write_text("")
    (tmp_path / "ada.ipynb").write_text("{}")
    _, entries = discover(tmp_path)
    assert len(entries) == 1 and entries[0].path is None
    assert "2 entries are named ada" in entries[0].reason


def test_nbgrader_layout(tmp_path: Path):
    sub = tmp_path / "course" / "submitted"
    for student in ("ada", "bob"):
        (sub / student / "lab01").mkdir(parents=True)
        (sub / student / "lab01" / "lab01.ipynb").write_text("{}")
        (sub / student / "lab01" / "timestamp.txt").write_text("2024-01-01")
    (sub / "cy" / "lab00").mkdir(parents=True)
    layout, entries = discover(tmp_path / "course")
    assert layout == "nbgrader"
    by = {e.student: e for e in entries}
    assert by["ada"].path == sub / "ada" / "lab01" / "lab01.ipynb"
    assert by["cy"].path is None and "did not submit" in by["cy"].reason
    # submitted/ itself works too, when the layout is named
    assert discover(sub, "nbgrader")[1] == entries
    with pytest.raises(LayoutError, match="--assignment"):
        discover(tmp_path / "course", "nbgrader", lab="lab07")


def test_gradescope_export_layout(tmp_path: Path):
    meta = {"submission_101": {":submitters": [{":name": "Ada L", ":sid": "1001",
                                                 ":email": "ada@uni.edu"}], ":score": 0.0},
            "submission_102": {":submitters": [{":name": "Bob", ":sid": "1002"},
                                               {":name": "Cy", ":email": "cy@uni.edu"}]}}
    text = yaml.safe_dump(meta) + "submission_103:\n  :x: !ruby/object:BigDecimal 18:0.1e2\n"
    (tmp_path / "submission_metadata.yml").write_text(text)
    for sid in ("101", "102", "103"):
        (tmp_path / f"submission_{sid}").mkdir()
        (tmp_path / f"submission_{sid}" / "lab01.py").write_text("")
    layout, entries = discover(tmp_path)
    assert layout == "gradescope"
    assert [e.student for e in entries] == ["1001", "1002+cy@uni.edu", "submission_103"]
    assert all(e.path is not None for e in entries)


def test_a_name_a_student_chose_never_takes_anothers_sid(tmp_path: Path):
    """Found from outside: a submitter with no SID or e-mail named "1001" (Ada's SID) made
    both one error row, and Ada lost her grade; a name is kept apart by its folder."""
    meta = {"submission_1": {":submitters": [{":name": "Ada L", ":sid": "1001"}]},
            "submission_2": {":submitters": [{":name": "1001"}]}}
    (tmp_path / "submission_metadata.yml").write_text(yaml.safe_dump(meta))
    for n in ("1", "2"):
        (tmp_path / f"submission_{n}").mkdir()
        (tmp_path / f"submission_{n}" / "lab01.py").write_text("")
    _, entries = discover(tmp_path)
    assert [e.student for e in entries] == ["1001", "1001~submission_2"]
    assert all(e.path is not None for e in entries)


def test_a_sid_typed_in_twice_keeps_both_rows(tmp_path: Path):
    """Found from outside: a student who entered Ada's SID made Ada's row an error row
    ("2 entries are named 1001"); now each keeps its row, named with its folder, and
    SIDs that safe_name makes alike ("1001/" and "1001_") too."""
    meta = {"submission_1": {":submitters": [{":name": "Ada L", ":sid": "1001"}]},
            "submission_2": {":submitters": [{":name": "Eve", ":sid": "1001"}]},
            "submission_3": {":submitters": [{":name": "Bo", ":sid": "2002/"}]},
            "submission_4": {":submitters": [{":name": "Cy", ":sid": "2002_"}]}}
    (tmp_path / "submission_metadata.yml").write_text(yaml.safe_dump(meta))
    for n in "1234":
        (tmp_path / f"submission_{n}").mkdir()
        (tmp_path / f"submission_{n}" / "lab01.py").write_text("")
    _, entries = discover(tmp_path)
    assert [e.student for e in entries] == [
        "1001~submission_1", "1001~submission_2", "2002_~submission_3", "2002_~submission_4"]
    assert all(e.path is not None for e in entries)


def test_bad_folder_or_layout_is_a_clear_error(tmp_path: Path):
    with pytest.raises(LayoutError, match="not a folder"):
        discover(tmp_path / "missing")
    with pytest.raises(LayoutError, match="unknown layout"):
        discover(tmp_path, "moodle")


# ---------------------------------------------------------------- the gradebook


def test_gradebook_has_one_row_per_student(klass: Path, tmp_path: Path):
    out = tmp_path / "out"
    summary = fake_batch(klass, out)
    rows = read_csv(out)
    assert list(rows) == ["README", "ada", "bob", "cy", "empty", "two"]
    assert rows["ada"]["score"] == "30.0" and rows["ada"]["status"] == "graded"
    assert rows["bob"]["score"] == "15.0"
    assert (rows["bob"]["tool01"], rows["bob"]["tool02"], rows["bob"]["tool03"]) == \
        ("10.0", "5.0", "0.0")
    assert rows["two"]["status"] == "error" and rows["two"]["score"] == ""
    assert "candidate files" in rows["two"]["reason"]
    assert (summary.graded, summary.errors, summary.reused) == (3, 3, 0)

    book = json.loads((out / "grades.json").read_text())
    by = {s["student"]: s for s in book["students"]}
    assert by["cy"]["report"]["tools"][0]["score"] == 0.0
    assert Report.from_json(by["cy"]["report"]).score == 20.0
    assert (out / "feedback" / "bob.txt").read_text()
    assert json.loads((out / "feedback" / "bob.json").read_text())["score"] == 15.0
    assert "not graded" in (out / "feedback" / "empty.txt").read_text()
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["counts"] == {"students": 6, "graded": 3, "errors": 3, "faults": 0}
    assert manifest["suite_hash"] == "suites-v1" and manifest["isolation"] == ["fake"]
    assert manifest["complete"] and manifest["versions"]["python"]
    assert "<svg" in (out / "report.html").read_text()


def test_outdir_inside_the_batch_folder_is_not_a_student(klass: Path):
    fake_batch(klass, klass / "grades")
    again = fake_batch(klass, klass / "grades")
    assert "grades" not in read_csv(klass / "grades") and again.reused == 3


def test_merge_ignores_students_gone_from_a_part(klass: Path, tmp_path: Path):
    out = tmp_path / "out"
    fake_batch(klass, out)
    (klass / "bob.py").unlink()
    fake_batch(klass, out)
    assert "bob" not in read_csv(out)
    rows, _ = batch.merge([out], tmp_path / "merged")
    assert "bob" not in {r["student"] for r in rows}


def test_rerun_reuses_unchanged_and_regrades_changed(klass: Path, tmp_path: Path):
    out = tmp_path / "out"
    fake_batch(klass, out)
    again = fake_batch(klass, out)
    assert (again.reused, again.graded_now) == (3, 0)
    (klass / "bob.py").write_text("tool02=0\n")
    changed = fake_batch(klass, out)
    assert (changed.reused, changed.graded_now) == (2, 1)
    assert read_csv(out)["bob"]["score"] == "20.0"
    assert fake_batch(klass, out, force=True).graded_now == 3
    assert fake_batch(klass, out, suite_hash="suites-v2").graded_now == 3


def test_a_grader_fault_costs_one_row_and_is_retried(klass: Path, tmp_path: Path):
    (klass / "bea.py").write_text("GRADER_FAULT\n")
    out = tmp_path / "out"
    FakeGrader.opened = 0
    summary = fake_batch(klass, out, jobs=1)
    rows = read_csv(out)
    assert rows["bea"]["status"] == "error" and "worker pipe broke" in rows["bea"]["reason"]
    assert rows["ada"]["status"] == rows["bob"]["status"] == "graded"
    assert summary.faults == 1 and FakeGrader.opened == 2  # a fresh grader after the fault
    assert fake_batch(klass, out).graded_now == 1  # the fault is retried, the rest reused


# ---------------------------------------------------------------- shards and merge


def test_shards_split_the_class_and_merge_joins_it(klass: Path, tmp_path: Path):
    for i in range(12):
        (klass / f"s{i:02d}.py").write_text(f"tool03={i % 11}\n")
    whole = tmp_path / "whole"
    fake_batch(klass, whole)
    parts = [tmp_path / f"part{i}" for i in (1, 2, 3)]
    seen: list[str] = []
    for i, part in enumerate(parts, 1):
        fake_batch(klass, part, shard=(i, 3))
        seen += list(read_csv(part))
    assert sorted(seen) == sorted(read_csv(whole))  # every student in exactly one shard
    merged = tmp_path / "merged"
    rows, warnings = batch.merge(parts, merged)
    assert warnings == []
    strip = [{k: v for k, v in r.items()} for r in read_csv(merged).values()]
    assert strip == list(read_csv(whole).values())
    _, warnings = batch.merge(parts[:2], tmp_path / "merged2")
    assert any("3/3" in w and "missing" in w for w in warnings)


def test_shard_parsing_and_stability():
    assert batch.parse_shard("2/4") == (2, 4)
    for bad in ("0/4", "5/4", "2", "a/b"):
        with pytest.raises(ValueError, match="shard"):
            batch.parse_shard(bad)
    assert records.shard_of("ada", 4) == records.shard_of("ada", 4)
    assert {records.shard_of(f"s{i}", 4) for i in range(40)} == {1, 2, 3, 4}


# ---------------------------------------------------------------- nothing lost


SLOW_BATCH = """
import sys, time
sys.path[:0] = [{root!r}, {tests!r}]
from test_batch import FakeGrader
from mindlab_grader import batch
batch.grade_batch(sys.argv[1], sys.argv[2], jobs=1, suite_hash="suites-v1",
                  make_grader=lambda: FakeGrader(delay=0.3))
"""


def kill_once_saved(proc: subprocess.Popen, out: Path, at_least: int, timeout: float) -> int:
    """SIGKILL a running batch once `at_least` results are saved; how many were saved."""
    deadline = time.time() + timeout
    while time.time() < deadline and len(list((out / "results").glob("*.json"))) < at_least:
        time.sleep(0.05)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    return len(list((out / "results").glob("*.json")))


def test_a_killed_batch_continues_where_it_stopped(tmp_path: Path):
    folder, out = tmp_path / "class", tmp_path / "out"
    folder.mkdir()
    for i in range(12):
        (folder / f"s{i:02d}.py").write_text(f"tool01={i % 11}\n")
    script = tmp_path / "slow.py"
    script.write_text(SLOW_BATCH.format(root=str(ROOT), tests=str(ROOT / "tests")))
    proc = subprocess.Popen([sys.executable, str(script), str(folder), str(out)])
    kept = kill_once_saved(proc, out, 4, timeout=60)
    assert 4 <= kept < 12, "the kill should land halfway"
    assert not (out / "grades.csv").exists()
    summary = fake_batch(folder, out)
    assert summary.reused == kept and summary.graded_now == 12 - kept
    assert summary.pending == 0 and summary.errors == 0
    rows = read_csv(out)
    assert len(rows) == 12 and all(r["status"] == "graded" for r in rows.values())
    assert (rows["s03"]["tool01"], rows["s05"]["tool01"]) == ("0.0", "5.0")


# ---------------------------------------------------------------- the command line


def test_cli_usage_errors_exit_2(tmp_path: Path):
    from click.testing import CliRunner

    from mindlab_grader.cli import main

    runner = CliRunner()
    result = runner.invoke(main, ["grade-batch", str(tmp_path / "nope"), "--out",
                                  str(tmp_path / "o")])
    assert result.exit_code == 2
    result = runner.invoke(main, ["grade-batch", str(tmp_path), "--out", str(tmp_path / "o"),
                                  "--shard", "5/4"])
    assert result.exit_code == 2 and "shard" in result.output
    result = runner.invoke(main, ["merge-grades", str(tmp_path), "--out", str(tmp_path / "o")])
    assert result.exit_code == 2 and "results/" in result.output
    (tmp_path / "alice.py").write_text("x = 1\n")
    result = runner.invoke(main, ["grade-batch", str(tmp_path), "--out", str(tmp_path)])
    assert result.exit_code == 2 and "submissions folder itself" in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["alice.py"], "nothing written"



# ---------------------------------------------------------------- with the real runner


sys.path.insert(0, str(ROOT / "benchmarks"))
import make_class  # noqa: E402

from mindlab_grader.labs import get_lab  # noqa: E402


def mindlab_grade(path: Path) -> dict:
    """What `mindlab grade FILE --json` prints for one file (its own Grader)."""
    done = subprocess.run([sys.executable, "-m", "mindlab_grader.cli", "grade", str(path),
                           "--lab", "lab01", "--json"], capture_output=True, text=True,
                          cwd=ROOT)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.fixture(scope="module")
def graded_examples(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("examples") / "grades"
    summary = batch.grade_batch(ROOT / "examples" / "class", out, jobs=2)
    assert summary.faults == 0
    return out


def test_example_class_is_up_to_date():
    # ada.ipynb copies the solution notebook: that it gets 30/30 is checked below
    assert make_class.stale(make_class.example_files(), copies=("ada.ipynb",)) == [], \
        "run: python benchmarks/make_class.py"


def test_manifest_names_the_suites_as_every_report_does(graded_examples: Path):
    manifest = json.loads((graded_examples / "manifest.json").read_text())
    report = json.loads((graded_examples / "feedback" / "ada.json").read_text())
    assert manifest["suites_sha256"] == report["provenance"]["suites_sha256"]
    assert manifest["suites_sha256"][:12] in (graded_examples / "report.html").read_text()


def test_example_class_grades_as_expected(graded_examples: Path):
    rows = read_csv(graded_examples)
    assert rows["README"]["status"] == "error"
    assert rows["ada"]["score"] == "30.0"  # the solution notebook
    # the hostile hand-in: its greedy_decode kills the grader's process; only tool03 suffers
    assert rows["zed"]["status"] == "graded"
    assert (rows["zed"]["tool01"], rows["zed"]["tool02"]) == ("10.0", "10.0")
    assert float(rows["zed"]["tool03"]) < 10
    lab = get_lab("lab01")
    mistaken = 0
    for path in sorted((ROOT / "examples" / "class").rglob("*.py")):
        text = path.read_text()
        if "# ---------------- the mistake: " not in text:
            continue
        mistake = text.split("# ---------------- the mistake: ")[1].split()[0]
        function = make_class.wrong_function(ROOT / "tests" / "mistakes" / "lab01"
                                             / f"{mistake}.py")
        student = path.parent.name if path.parent.name != "class" else path.stem
        row = rows[student]
        for tool in lab.tools:  # points lost only on the tool holding the wrong function
            full = float(row[tool.id]) == 10.0
            assert full == (function not in tool.functions), (student, mistake, tool.id)
        mistaken += 1
    assert mistaken == 12
    report = (graded_examples / "report.html").read_text()
    assert "What to re-teach" in report and "zed" in report


def test_batch_scores_equal_single_grades(graded_examples: Path):
    book = {s["student"]: s for s in
            json.loads((graded_examples / "grades.json").read_text())["students"]}
    for student in ("ada", "bruno", "chloe", "zed"):
        single = mindlab_grade(Path(book[student]["submission"]))
        report = book[student]["report"]
        assert (report["score"], report["status"]) == (single["score"], single["status"])
        assert [t["score"] for t in report["tools"]] == [t["score"] for t in single["tools"]]


HOSTILE = {
    "hang_at_load": "while True:\n    pass\n",
    "memory_bomb": "x = bytearray(8 * 2**30)\nx[::4096] = b'1' * len(x[::4096])\n",
    "flood": "import sys\nfor _ in range(10**6):\n    sys.stdout.write('spam ' * 100)\n",
    "exits": "import sys\nsys.exit(3)\n",
    "kills_parent": "import os, signal\nos.kill(os.getppid(), signal.SIGKILL)\n",
}


def test_hostile_submissions_cost_only_their_own_rows(tmp_path: Path):
    from tests.mistakes import MISTAKES, submission_source

    folder = tmp_path / "class"
    folder.mkdir()
    (folder / "good.py").write_text(submission_source())
    (folder / "wrong.py").write_text(submission_source(MISTAKES["softmax_wrong_axis"]))
    for name, code in HOSTILE.items():  # each attack first, then the right functions
        (folder / f"{name}.py").write_text(code + submission_source())
    out = tmp_path / "out"
    summary = batch.grade_batch(folder, out, jobs=2)
    rows = read_csv(out)
    assert summary.faults == 0 and len(rows) == 2 + len(HOSTILE)
    assert all(r["status"] == "graded" for r in rows.values()), rows
    assert rows["good"]["score"] == "30.0"
    assert 0 < float(rows["wrong"]["score"]) < 30
    for name in HOSTILE:
        single = mindlab_grade(folder / f"{name}.py")
        assert float(rows[name]["score"]) == single["score"], name
    assert rows["hang_at_load"]["score"] == "0.0" and rows["hang_at_load"]["reason"]


def test_a_killed_cli_run_continues_where_it_stopped(tmp_path: Path):
    folder, out = tmp_path / "class", tmp_path / "out"
    folder.mkdir()
    for path in sorted((ROOT / "examples" / "class").glob("*.py"))[:8]:
        (folder / path.name).write_text(path.read_text())
    cmd = [sys.executable, "-m", "mindlab_grader.cli", "grade-batch", str(folder), "--out",
           str(out), "--jobs", "1"]
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    kept = kill_once_saved(proc, out, 3, timeout=120)
    assert 3 <= kept < 8
    done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert f"reused {kept}," in done.stdout
    rows = read_csv(out)
    assert len(rows) == 8 and all(r["status"] == "graded" for r in rows.values())


def test_cli_shards_and_merge_grades(tmp_path: Path):
    from tests.mistakes import MISTAKES, submission_source

    folder = tmp_path / "class"
    folder.mkdir()
    for i, name in enumerate(["softmax_wrong_axis", "greedy_no_cap", "data_row_column"]):
        (folder / f"s{i}.py").write_text(submission_source(MISTAKES[name]))
    (folder / "notes.txt").write_text("not a submission")
    parts = []
    for i in (1, 2):
        parts.append(tmp_path / f"part{i}")
        done = subprocess.run([sys.executable, "-m", "mindlab_grader.cli", "grade-batch",
                               str(folder), "--out", str(parts[-1]), "--shard", f"{i}/2"],
                              cwd=ROOT, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
    done = subprocess.run([sys.executable, "-m", "mindlab_grader.cli", "merge-grades",
                           *map(str, parts), "--out", str(tmp_path / "all")],
                          cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0 and "4 students, 3 graded, 1 errors" in done.stdout
    rows = read_csv(tmp_path / "all")
    assert sorted(rows) == ["notes", "s0", "s1", "s2"]
    assert json.loads((tmp_path / "all" / "manifest.json").read_text())["complete"]


def test_a_grading_process_that_dies_costs_its_student_a_fault_row_only(tmp_path):
    """Found from outside: with graders in processes (--jobs 2), kill -9 of one left its
    student "not graded yet" under a complete manifest. Now that student gets an error
    row saying why, a fresh grader takes over, and every other student is graded."""
    klass = tmp_path / "class"
    klass.mkdir()
    for i in range(8):
        (klass / f"s{i}.py").write_text("tool01=7\n" if i != 3 else "GRADER_KILLED\n")
    out = tmp_path / "out"
    summary = fake_batch(klass, out, jobs=2)
    rows = read_csv(out)
    assert rows["s3"]["status"] == "error" and "its grading process died" in rows["s3"]["reason"]
    assert all(rows[f"s{i}"]["status"] == "graded" for i in range(8) if i != 3)
    assert summary.graded_now == 8 and not summary.interrupted
