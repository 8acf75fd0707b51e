"""`mindlab check` and `grade` with more than one lab: which lab a file is checked against,
the --lab help, and loading notes that point at the learner's own line."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from mindlab_grader.cli import main
from mindlab_grader.cli.options import lab_of
from mindlab_grader.labs import LABS
from mindlab_labs import lab_file

QUICK = ["--isolation", "process"]


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


@pytest.mark.parametrize("command", ["check", "grade"])
def test_lab_option_help_names_every_lab(command):
    help_text = " ".join(run(command, "--help").output.split())
    for lab in LABS.values():
        assert f"{lab.id} is '{lab.title}'" in help_text


def test_a_file_named_after_a_lab_is_that_labs(tmp_path, monkeypatch):
    assert lab_of(Path("lab02.ipynb"), None) == "lab02"
    assert lab_of(Path("sub/lab02_alice.py"), None) == "lab02"
    assert lab_of(Path("my_lab02.py"), None) == lab_of(Path("Alice-Lab02.ipynb"), None) == "lab02"
    assert lab_of(Path("lab01_vs_lab02.py"), None) == "lab01"  # two labs named: the default
    assert lab_of(Path("collab02.py"), None) == "lab01"  # not a lab's name
    assert lab_of(Path("lab02.py"), "lab01") == "lab01"  # --lab wins
    assert lab_of(Path("alice.py"), None) == lab_of(Path("lab1.py"), None) == "lab01"
    assert lab_of(Path("lab99.py"), None) == "lab01"  # not a lab: the default
    monkeypatch.chdir(tmp_path)
    assert lab_of(None, None) == "lab01"
    (tmp_path / "lab02.ipynb").write_text("{}")
    assert lab_of(None, None) == "lab02"  # the one lab file here
    (tmp_path / "lab01.py").write_text("")
    assert lab_of(None, None) == "lab01"  # two labs here: the default


def test_check_lab02_py_without_lab_runs_lab02s_checks(tmp_path):
    path = tmp_path / "lab02.py"
    shutil.copy(lab_file("solutions", "lab02"), path)
    result = run("check", str(path), *QUICK)
    assert result.exit_code == 0, result.output
    assert result.output.startswith("mindlab check · lab02 ·")
    assert "Total: 40/40" in result.output


def test_grade_lab02_py_without_lab_says_which_lab_it_graded(tmp_path):
    path = tmp_path / "lab02.py"
    shutil.copy(lab_file("solutions", "lab02"), path)
    result = run("grade", str(path), *QUICK)
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"mindlab grade · lab02 · hidden checks on {path}\n")
    assert "Total: 40/40" in result.output


def test_loading_notes_name_the_line_that_called_a_stub(tmp_path):
    """In a .py every cell has the same file name: the note names the demo line that ran
    into the stub, not the stub's own `raise NotImplementedError()` (as a notebook does)."""
    path = tmp_path / "lab02.py"
    shutil.copy(lab_file("exercises", "lab02"), path)
    result = run("check", str(path), *QUICK)
    assert result.exit_code == 1
    lines = path.read_text(encoding="utf-8").splitlines()
    noted = [int(n) for n in re.findall(r"lab02\.py line (\d+) raised", result.output)]
    assert noted and len(set(noted)) == len(noted)
    for n in noted:
        assert "NotImplementedError" not in lines[n - 1]
        assert any(f"{f}(" in lines[n - 1] for f in LABS["lab02"].functions), lines[n - 1]


def test_grade_without_hidden_checks_is_a_usage_error(tmp_path, monkeypatch):
    """A student handout ships no hidden suite: grade says to use check (exit 2)."""
    import mindlab_grader.cli.grading

    (tmp_path / "autograder" / "suites" / "lab01" / "public").mkdir(parents=True)
    monkeypatch.setattr(mindlab_grader.cli.grading, "GRADER_DIR", tmp_path / "autograder")
    path = tmp_path / "lab01.py"
    path.write_text("", encoding="utf-8")
    result = CliRunner().invoke(main, ["grade", str(path), "--json"])
    assert result.exit_code == 2
    assert "the hidden checks are not part of the student handout: use mindlab check" \
        in result.output
