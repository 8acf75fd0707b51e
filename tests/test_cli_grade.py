"""`mindlab check` and `mindlab grade`: output, files written, exit statuses."""

from __future__ import annotations

import json
import os
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner
from test_runner import correct_source

from mindlab_grader.cli import main

HOSTILE = Path(__file__).parent / "hostile"
QUICK = ["--isolation", "process", "--call-timeout", "1", "--load-timeout", "2.5"]


@pytest.fixture
def run():
    def invoke(*args: str):
        return CliRunner().invoke(main, list(args), catch_exceptions=False)

    return invoke


@pytest.fixture
def correct(tmp_path) -> Path:
    path = tmp_path / "lab01.py"
    path.write_text(correct_source(), encoding="utf-8")
    return path


def test_grade_json_is_the_spec_object(run, correct):
    result = run("grade", str(correct), "--lab", "lab01", "--json", *QUICK)
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["submission"] == str(correct) and data["lab"] == "lab01"
    assert data["status"] == "graded" and data["score"] == data["max_score"] == 30.0
    assert [t["id"] for t in data["tools"]] == ["tool01", "tool02", "tool03"]
    test = data["tools"][0]["tests"][0]
    assert {"name", "passed", "score", "max_score", "feedback"} <= set(test)
    assert data["provenance"]["isolation"] == "process"


def test_grade_writes_gradescope_and_junit(run, tmp_path):
    gs, junit = tmp_path / "results.json", tmp_path / "junit.xml"
    sub = HOSTILE / "hang_in_sample_word.py"
    result = run("grade", str(sub), "--gradescope", str(gs), "--junit", str(junit), *QUICK)
    assert result.exit_code == 0, result.output
    results = json.loads(gs.read_text())
    assert results["score"] == sum(t["score"] for t in results["tests"]) < 30
    for test in results["tests"]:
        assert {"score", "max_score", "name", "output", "visibility", "status"} <= set(test)
        assert test["status"] in ("passed", "failed")
    assert results["stdout_visibility"] == "hidden"
    root = ET.parse(junit).getroot()
    assert root.tag == "testsuites" and int(root.get("failures")) > 0
    failures = root.findall(".//failure")
    assert failures and all("sample_word" in (f.text or "") for f in failures)


def test_grade_of_a_hostile_file_still_exits_0_with_a_report(run):
    result = run("grade", str(HOSTILE / "hang_at_import.py"), "--json", *QUICK)
    assert result.exit_code == 0
    data = json.loads(result.output)
    assert data["status"] == "graded" and data["score"] == 0.0
    assert "did not finish loading" in data["notes"][0]


@pytest.mark.parametrize("args, words", [
    (["grade", "missing.py"], "does not exist"),
    (["grade", "{file}", "--lab", "lab99"], "unknown lab"),
    (["grade", "{file}", "--isolation", "docker"], "docker"),
    (["grade", "{txt}"], ".py file or a .ipynb"),
    (["grade"], "Missing argument"),
    (["grade", "{folder}"], "use mindlab grade-batch"),
])
def test_grade_usage_errors_exit_2(run, correct, args, words):
    txt = correct.with_suffix(".txt")
    txt.write_text("x")
    args = [a.format(file=correct, txt=txt, folder=correct.parent) for a in args]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2 and words in result.output


def test_check_finds_the_file_and_passes(run, correct, monkeypatch):
    monkeypatch.chdir(correct.parent)
    result = run("check", "--isolation", "process")
    assert result.exit_code == 0, result.output
    assert "✓ " in result.output and "✗" not in result.output
    assert "Total: 30/30" in result.output and "\033[" not in result.output  # no colour: no tty


def test_check_fails_with_one_line_per_check(run, tmp_path):
    source = correct_source().replace("def data_row(counts", "def data_row_(counts")
    path = tmp_path / "mine.py"
    path.write_text(source)
    result = run("check", str(path), "--isolation", "process", "--verbose")
    assert result.exit_code == 1
    failing = [line for line in result.output.splitlines() if line.startswith("  ✗")]
    assert failing and "Your file has no function named data_row" in result.output


def test_check_verbose_shows_the_learners_traceback(run, tmp_path):
    path = tmp_path / "lab01.py"
    path.write_text("def softmax(logits):\n    return 1 / 0\n")
    result = run("check", str(path), "--isolation", "process", "--verbose")
    assert result.exit_code == 1
    assert "Your traceback" in result.output and "ZeroDivisionError" in result.output


def test_check_without_a_file_explains(run, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    none = CliRunner().invoke(main, ["check"])
    assert none.exit_code == 2 and "no lab01.py or lab01.ipynb" in none.output



def test_check_picks_the_more_recently_saved_of_a_pair(tmp_path, monkeypatch):
    """The handout holds lab01.py and lab01.ipynb: plain `mindlab check` must still work."""
    import os

    monkeypatch.chdir(tmp_path)
    (tmp_path / "lab01.py").write_text("def softmax(x):\n    return 1 / 0\n")
    (tmp_path / "lab01.ipynb").write_text("{}")  # not a notebook: it would be a load note
    os.utime(tmp_path / "lab01.ipynb", (1_000_000, 1_000_000))  # saved long ago
    newer_py = CliRunner().invoke(main, ["check", "--isolation", "process"])
    assert newer_py.exit_code == 1
    assert "lab01.py is the more recently saved" in newer_py.output
    assert _checked(newer_py.output).endswith("lab01.py")
    os.utime(tmp_path / "lab01.py", (1_000, 1_000))  # now the notebook is newer
    newer_nb = CliRunner().invoke(main, ["check", "--isolation", "process"])
    assert _checked(newer_nb.output).endswith("lab01.ipynb")


def _checked(output: str) -> str:
    """The file named on `mindlab check`'s header line."""
    return next(line for line in output.splitlines() if "public checks on" in line).strip()


def test_grade_says_in_one_line_when_it_falls_back_from_bwrap_and_why(run, correct, monkeypatch):
    """auto on a machine where bubblewrap is installed but cannot sandbox: one line saying
    so and what to do; --isolation bwrap there is a usage error with the same advice."""
    from mindlab_grader.isolation import BACKENDS

    monkeypatch.setattr(BACKENDS["bwrap"], "problem",
                        lambda: "bwrap cannot create a sandbox here (no permission)")
    result = run("grade", str(correct))
    assert result.exit_code == 0
    assert "note: grading with --isolation process, not bwrap" in result.output
    assert "--security-opt" in result.output
    refused = run("grade", str(correct), "--isolation", "bwrap")
    assert refused.exit_code == 2 and "installed but cannot make its namespaces" in \
        refused.output


# ---------------------------------------------------------------- --json, folders, notebooks, labs


def test_check_json_is_the_grade_json_shape_with_the_public_suite(run, correct, tmp_path):
    result = run("check", str(correct), "--json", "--isolation", "process")
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["suite"] == "public" and report["status"] == "graded"
    assert report["score"] == report["max_score"] == 30
    graded = json.loads(run("grade", str(correct), "--json", *QUICK).output)
    assert set(report) == set(graded) and graded["suite"] == "hidden"
    broken = tmp_path / "broken_lab01.py"
    broken.write_text(correct_source().replace("def softmax(", "def softmax_("))
    failing = run("check", str(broken), "--json", "--isolation", "process")
    assert failing.exit_code == 1 and json.loads(failing.output)["score"] < 30


def test_check_of_a_folder_checks_the_lab_file_in_it(run, correct):
    result = run("check", str(correct.parent), "--isolation", "process")
    assert result.exit_code == 0, result.output
    assert f"public checks on {correct}" in result.output


def test_check_in_a_notebook_says_how_to_check_the_kernels_state(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("COLAB_RELEASE_TAG", "release-colab-test")
    for args in (["check"], ["check", str(tmp_path)]):
        result = CliRunner().invoke(main, args)
        assert result.exit_code == 2
        words = " ".join(result.output.split())
        assert "checks a saved file, not your kernel" in words
        assert 'check_tool("lab01"' in words
        assert "from mindlab_grader.notebook import check" in words
        assert "!mindlab check /content/lab01.ipynb" in words
    monkeypatch.delenv("COLAB_RELEASE_TAG")
    for name in ("JUPYTERHUB_USER", "JPY_PARENT_PID", "JPY_SESSION_NAME"):
        monkeypatch.delenv(name, raising=False)
    plain = CliRunner().invoke(main, ["check"])
    assert plain.exit_code == 2 and "kernel" not in plain.output


@pytest.mark.parametrize("command", ["grade", "check"])
def test_a_file_of_another_lab_is_named_not_graded(command, run, tmp_path):
    from mindlab_labs import lab_file

    path = tmp_path / "alice.py"  # no lab in the name: lab01 by default
    path.write_text(lab_file("exercises", "lab02", ".py").read_text(encoding="utf-8"))
    result = CliRunner().invoke(main, [command, str(path), "--isolation", "process"])
    assert result.exit_code == 2, result.output
    words = " ".join(result.output.split())
    assert "alice.py looks like a lab02 file (it defines mean_difference_direction" in words
    assert "run with --lab lab02" in words and "no function named" not in words
    own = tmp_path / "bob.py"  # a lab01 file with one function missing is still lab01's
    own.write_text(correct_source().replace("def softmax(", "def softmax_("))
    assert "looks like" not in run("check", str(own), "--isolation", "process").output


@pytest.mark.parametrize("command", ["grade", "check"])
def test_a_file_too_deep_for_pythons_parser_is_reported_not_a_traceback(command, tmp_path):
    """A 10,000-term sum is a RecursionError in ast.parse: guessing the lab from the
    file's functions crashed `mindlab grade` and `check` with no report (found from
    outside). Now that cell defines nothing, and the file is graded as it is."""
    path = tmp_path / "lab01.py"
    path.write_text(correct_source() + "\n# %%\nx = " + "+".join(["1"] * 10_000) + "\n")
    result = CliRunner().invoke(main, [command, str(path), "--json", "--isolation", "process"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["status"] == "graded" and data["score"] == data["max_score"] > 0
    assert "could not be read as Python (RecursionError" in " ".join(data["notes"])


def test_guessing_the_lab_reads_def_lines_and_parses_nothing(tmp_path, monkeypatch):
    """ast.parse of a 2 MB literal held the judge at 1 GB before `mindlab grade` without
    --lab graded anything (found from outside): the lab is guessed from the `def` lines,
    read as text."""
    import ast

    from mindlab_grader import lab_guess

    monkeypatch.setattr(ast, "parse", lambda *a, **k: pytest.fail("parsed the file"))
    path = tmp_path / "lab01.py"
    path.write_text(correct_source() + "\n# %%\nx = [" + "1," * 300_000 + "]\n")
    assert {"softmax", "greedy_decode"} <= lab_guess.defined_names(path)


def test_grading_a_link_to_a_file_elsewhere_grades_nothing(run, correct, tmp_path):
    """Found from outside: `lab01.py -> solutions/lab01.py` scored 30/30, the judge reading
    the link's target outside any sandbox. A link to a file beside it is read as usual,
    and `mindlab check` (a learner's own machine) follows links."""
    solution = Path(__file__).resolve().parent.parent / "solutions" / "lab01.py"
    (tmp_path / "sym").mkdir()
    (tmp_path / "sym" / "lab01.py").symlink_to(solution)
    data = json.loads(run("grade", str(tmp_path / "sym" / "lab01.py"), "--json", *QUICK).output)
    assert data["status"] == "error" and data["score"] == 0
    assert "link to a file outside its own folder" in data["notes"][0]
    (tmp_path / "own.py").symlink_to(correct.name)  # beside it: graded
    data = json.loads(run("grade", str(tmp_path / "own.py"), "--lab", "lab01", "--json",
                          *QUICK).output)
    assert data["status"] == "graded" and data["score"] == 30.0
    checked = run("check", str(tmp_path / "sym" / "lab01.py"), "--isolation", "process")
    assert checked.exit_code == 0, checked.output


def test_a_pipe_named_like_a_submission_is_refused_at_once(run, tmp_path):
    if not hasattr(os, "mkfifo"):
        pytest.skip("no FIFOs here")
    os.mkfifo(tmp_path / "lab01.py")
    data = json.loads(run("grade", str(tmp_path / "lab01.py"), "--json", *QUICK).output)
    assert data["status"] == "error" and "not a regular file" in data["notes"][0]


def test_an_honest_file_gets_no_integrity_note_where_bytecode_is_not_written_yet(run):
    """Found from outside: after `pip install -e`, mindlab_core/lab02/directions.py had no
    bytecode, the worker's import tried to write it, the guard refused, and every lab 02
    file (the untouched exercise too) was told it tried to write outside its folder."""
    core = Path(__file__).resolve().parent.parent / "mindlab_core" / "lab02"
    for stale in (core / "__pycache__").glob("directions.*.pyc"):
        stale.unlink()
    stub = Path(__file__).resolve().parent.parent / "exercises" / "lab02.py"
    data = json.loads(run("grade", str(stub), "--lab", "lab02", "--json", *QUICK).output)
    assert data["status"] == "graded" and data["integrity"] == []


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0,
                    reason="making a link another user owns needs root")
def test_a_folder_link_another_user_made_on_the_way_grades_nothing(run, tmp_path):
    """Found from outside: `~mallory/lab01 -> solutions/` (a link mallory made in her own
    folder) had `mindlab grade ~mallory/lab01/lab01.py` score the solutions 30/30."""
    solutions = Path(__file__).resolve().parent.parent / "solutions"
    home = tmp_path / "home" / "mallory"
    home.mkdir(parents=True)
    (home / "lab01").symlink_to(solutions)
    os.lchown(home / "lab01", 65534, 65534)  # made by nobody, not by the grader
    data = json.loads(run("grade", str(home / "lab01" / "lab01.py"), "--json", *QUICK).output)
    assert data["status"] == "error" and data["score"] == 0
    assert "is a symbolic link another user made" in data["notes"][0]
