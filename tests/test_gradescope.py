"""`mindlab gradescope`: the autograder.zip, run as Gradescope runs it.

The zip is built with the command docs/workflows.md gives, then unpacked into a
temporary folder standing in for /autograder (MINDLAB_AUTOGRADER_ROOT points the scripts
there). setup.sh really runs, in a
fresh venv whose `python3` is first on PATH: it pip-installs the mindlab shipped in the
zip (its dependencies are already visible, see tests/venvs.py, so nothing heavy is
downloaded). run_autograder then grades submissions with that installed copy, and each
results.json is validated against Gradescope's documented format.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner
from doc_commands import argv, blocks, working_in
from venvs import fresh_venv, venv_env

from autograder.cli import main
from autograder.handout.gradescope_zip import build_zip
from autograder.labs import LAB01
from mindlab_labs import lab_file

# Gradescope's results.json, from its autograder specification ("Output format",
# gradescope-autograders.readthedocs.io/en/latest/specs/): a top-level score (required
# unless every test has one), execution_time in seconds, output, visibility,
# stdout_visibility, extra_data, and tests[] with score, max_score, status, name,
# number, output, tags, visibility (and *_format, extra_data).
VISIBILITY = {"enum": ["hidden", "after_due_date", "after_published", "visible"]}
FORMAT = {"enum": ["text", "html", "simple_format", "md", "ansi"]}
RESULTS_SCHEMA = {
    "type": "object",
    "required": ["score", "tests"],
    "properties": {
        "score": {"type": "number", "minimum": 0},
        "execution_time": {"type": "number", "minimum": 0},
        "output": {"type": "string"},
        "output_format": FORMAT,
        "visibility": VISIBILITY,
        "stdout_visibility": VISIBILITY,
        "extra_data": {"type": "object"},
        "tests": {"type": "array", "items": {
            "type": "object",
            "required": ["score", "max_score", "name"],
            "properties": {
                "score": {"type": "number", "minimum": 0},
                "max_score": {"type": "number", "minimum": 0},
                "status": {"enum": ["passed", "failed"]},
                "name": {"type": "string", "minLength": 1},
                "name_format": FORMAT,
                "number": {"type": "string"},
                "output": {"type": "string"},
                "output_format": FORMAT,
                "tags": {"type": "array", "items": {"type": "string"}},
                "visibility": VISIBILITY,
                "extra_data": {"type": "object"},
            },
            "additionalProperties": False,
        }},
        "leaderboard": {"type": "array"},
    },
    "additionalProperties": False,
}


def _doc_command(line: str, folder: Path) -> Path:
    """Run one `mindlab ...` line of docs/workflows.md in `folder`; the zip it wrote."""
    runner = CliRunner()
    with working_in(folder) as here:
        result = runner.invoke(main, argv(line))
        assert result.exit_code == 0, result.output
        return Path(here) / "autograder.zip"


@pytest.fixture(scope="module")
def zip_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The zip `mindlab gradescope` writes, run as docs/workflows.md types it."""
    [[line]] = blocks("## 3.")[0:1]
    return _doc_command(line, tmp_path_factory.mktemp("gs"))


@pytest.fixture(scope="module")
def installed(zip_path: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(the venv, the unpacked source folder) after setup.sh ran as Gradescope runs it."""
    base = tmp_path_factory.mktemp("image")
    source = base / "source"
    with zipfile.ZipFile(zip_path) as archive:
        archive.extractall(source)
    venv = base / "venv"
    fresh_venv(venv, with_pip=True)
    setup = subprocess.run(["bash", str(source / "setup.sh")], cwd=base, env=venv_env(venv),
                           capture_output=True, text=True, timeout=900)
    assert setup.returncode == 0, setup.stdout + setup.stderr
    return venv, source


def _grade(installed: tuple[Path, Path], root: Path, files: dict[str, bytes]) -> dict:
    """Put `files` in root/submission, run run_autograder, return results.json."""
    venv, source = installed
    (root / "submission").mkdir(parents=True)
    for name, data in files.items():
        (root / "submission" / name).write_bytes(data)
    env = venv_env(venv, MINDLAB_AUTOGRADER_ROOT=str(root),
                   MINDLAB_PYTHON=str(venv / "bin" / "python"))
    run = subprocess.run(["bash", str(source / "run_autograder")], cwd=root, env=env,
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout + run.stderr
    results = json.loads((root / "results" / "results.json").read_text(encoding="utf-8"))
    jsonschema.validate(results, RESULTS_SCHEMA)
    return results


def _graded(results: dict) -> list[dict]:
    return [t for t in results["tests"] if "public" not in t["tags"]]


def _by_tool(results: dict) -> dict[str, float]:
    return {tool.id: sum(t["score"] for t in _graded(results) if tool.id in t["tags"])
            for tool in LAB01.tools}


def test_zip_has_gradescopes_two_scripts_at_its_root_and_no_solutions(zip_path: Path):
    with zipfile.ZipFile(zip_path) as archive:
        infos = {i.filename: i for i in archive.infolist()}
    assert {"setup.sh", "run_autograder"} <= set(infos)
    for script in ("setup.sh", "run_autograder"):
        assert (infos[script].external_attr >> 16) & 0o111, f"{script} is not executable"
    names = set(infos)
    assert "mindlab/pyproject.toml" in names
    assert "mindlab/autograder/suites/lab01/hidden/test_tool01.py" in names
    # the reference the hidden suite needs
    assert "mindlab/mindlab_core/lab01/reference.py" in names
    assert not [n for n in names if "solutions" in n or "masters" in n or "lab02" in n]


def test_solved_notebook_gets_full_marks_with_feedback_per_check(installed, tmp_path: Path):
    solved = lab_file("solutions", "lab01", ".ipynb").read_bytes()
    results = _grade(installed, tmp_path, {"lab01.ipynb": solved})
    graded = _graded(results)
    assert results["score"] == 30.0 == sum(t["max_score"] for t in graded)
    assert all(t["status"] == "passed" for t in results["tests"])
    assert {t["visibility"] for t in graded} == {"after_published"}
    public = [t for t in results["tests"] if "public" in t["tags"]]
    assert public and all(t["visibility"] == "visible" and t["max_score"] == 0 for t in public)
    assert len({t["number"] for t in results["tests"]}) == len(results["tests"])
    assert "provenance" in results["extra_data"]


def test_one_mistake_costs_only_its_tool_and_says_why(installed, tmp_path: Path):
    source = lab_file("solutions", "lab01", ".py").read_text(encoding="utf-8")
    wrong = source.replace("ablated[:, index(letter)] = -np.inf",
                           "ablated[:, index(letter)] = -1e9")
    assert wrong != source
    results = _grade(installed, tmp_path, {"lab01.py": wrong.encode()})
    tools = _by_tool(results)
    assert tools["tool01"] == tools["tool03"] == 10.0
    assert tools["tool02"] < 10.0
    assert results["score"] == sum(tools.values())
    failed = [t for t in _graded(results) if t["status"] == "failed"]
    assert failed and all("ablate_column" in t["tags"] for t in failed)
    assert all(t["output"] and "ablate_column" in t["output"] for t in failed)


def test_a_submission_without_one_lab_file_gets_zero_and_a_reason(installed, tmp_path: Path):
    results = _grade(installed, tmp_path / "two", {"a.py": b"x = 1\n", "b.py": b"y = 2\n"})
    assert results["score"] == 0 and results["tests"] == []
    assert "several files" in results["output"] and "lab01.ipynb" in results["output"]
    empty = _grade(installed, tmp_path / "none", {"notes.txt": b"hello"})
    assert empty["score"] == 0 and "no .py or .ipynb" in empty["output"]


def test_run_autograder_uses_the_mindlab_setup_installed(installed, tmp_path: Path):
    venv, _ = installed
    probe = subprocess.run([str(venv / "bin" / "python"), "-c",
                            "import autograder, mindlab_core.lab01.reference; "
                            "print(autograder.__file__)"],
                           cwd=tmp_path, env=venv_env(venv), capture_output=True, text=True)
    assert probe.returncode == 0, probe.stderr
    assert probe.stdout.startswith(str(venv))


def test_gradescope_command_sets_the_visibility_of_hidden_checks(tmp_path: Path):
    [[line]] = blocks("## 3.")[1:2]
    assert "--hidden-visibility visible" in line
    out = _doc_command(line, tmp_path)
    with zipfile.ZipFile(out) as archive:
        script = archive.read("run_autograder").decode()
    assert re.search(r"--hidden-visibility visible\b", script)
    bad = CliRunner().invoke(main, ["gradescope", "--hidden-visibility", "sometimes"])
    assert bad.exit_code == 2


def test_trying_the_zip_as_the_docs_say(installed, zip_path: Path, tmp_path: Path):
    """docs/workflows.md's dry run: unpack, add a submission, run run_autograder."""
    venv, _ = installed
    shutil.copy(zip_path, tmp_path / "autograder.zip")
    (tmp_path / "solutions").mkdir()
    shutil.copy(lab_file("solutions", "lab01", ".ipynb"), tmp_path / "solutions")
    [lines] = blocks("## 3.")[2:3]
    run = subprocess.run(["bash", "-euo", "pipefail", "-c", "\n".join(lines)], cwd=tmp_path,
                         env=venv_env(venv), capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "mindlab lab01: 30/30" in run.stdout
    results = json.loads((tmp_path / "ag" / "results" / "results.json").read_text())
    jsonschema.validate(results, RESULTS_SCHEMA)
    assert results["score"] == 30.0


def test_build_zip_refuses_an_unknown_lab(tmp_path: Path):
    with pytest.raises(ValueError, match="unknown lab"):
        build_zip(tmp_path / "x.zip", "lab99")
    assert not (tmp_path / "x.zip").exists()


def test_an_out_path_that_cannot_be_written_is_a_usage_error(tmp_path: Path):
    (tmp_path / "afile").write_text("")
    bad = CliRunner().invoke(main, ["gradescope", "--out", str(tmp_path / "afile" / "x.zip")])
    assert bad.exit_code == 2 and "cannot write" in bad.output
