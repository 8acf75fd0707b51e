"""The student handout (`mindlab release`): what students get, that it installs and checks,
and that nothing in it gives answers away.

The install tests pip-install the handout package into a fresh virtual environment
(pip's normal build, so a broken pyproject fails here), --no-deps: the heavy dependencies
come from the running environment (tests/venvs.py), the repository's mindlab does not
(the leak tests below prove that only the handout is importable as mindlab).
"""

from __future__ import annotations

import ast
import re
import shlex
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from doc_commands import argv, blocks, working_in
from venvs import fresh_venv, venv_env

from mindlab_grader.cli import main
from mindlab_grader.handout.release import (
    HANDOUT_PACKAGE,
    MARKERS,
    WHEELS,
    audit,
    build,
    wheel_name,
)
from mindlab_grader.labs import LABS, get_lab
from mindlab_grader.suites.lab01 import hidden, public
from mindlab_labs import lab_file

ROOT = Path(__file__).resolve().parent.parent
TEXT = (".py", ".ipynb", ".md", ".toml", ".txt", ".cfg", ".json")
TOTAL = re.compile(r"Total: (\S+)/(\S+) \((\d+) of (\d+) checks pass(?:, \d+ not run)?\)")


@pytest.fixture(scope="module")
def handout(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("release") / "handout"
    build(out, "lab01")
    return out


def _texts(folder: Path) -> dict[Path, str]:
    return {p: p.read_text(encoding="utf-8", errors="replace")
            for p in folder.rglob("*") if p.is_file() and p.suffix in TEXT}


def _solution_lines() -> list[str]:
    """Distinctive lines of every solution region of the master and of the reference."""
    master = lab_file("masters", "lab01").read_text(encoding="utf-8")
    regions = re.findall(r"### BEGIN SOLUTION\n(.*?)### END SOLUTION", master, re.S)
    lines = [line.strip() for region in regions for line in region.splitlines()]
    reference = (ROOT / "mindlab_core" / "lab01" / "reference.py").read_text(encoding="utf-8")
    source = reference.splitlines()
    for node in ast.parse(reference).body:
        if isinstance(node, ast.FunctionDef):
            body = node.body[1:] if isinstance(node.body[0], ast.Expr) else node.body
            for statement in body:
                lines += [s.strip() for s in source[statement.lineno - 1:statement.end_lineno]]
    return sorted({s for s in lines if len(s) >= 20 and not s.startswith("#")})


def _check_names(package) -> tuple[set[str], set[str]]:
    """(function names, first docstring lines) of the checks in a suite package."""
    names, claims = set(), set()
    for file in Path(package.__file__).parent.glob("test_*.py"):
        for node in ast.parse(file.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.FunctionDef) and node.name.startswith("test_"):
                names.add(node.name)
                doc = ast.get_docstring(node)
                if doc:
                    claims.add(doc.strip().splitlines()[0])
    return names, claims


# ---------------------------------------------------------------- the files


def test_handout_has_the_exercise_both_forms_and_an_installable_package(handout: Path):
    for suffix in (".ipynb", ".py"):
        assert (handout / f"lab01{suffix}").read_bytes() == \
            lab_file("exercises", "lab01", suffix).read_bytes()
    assert "mindlab check lab01.ipynb" in (handout / "README.md").read_text(encoding="utf-8")
    package = handout / HANDOUT_PACKAGE
    assert (package / "pyproject.toml").is_file()
    assert (package / "mindlab_grader" / "suites" / "lab01" / "public" / "test_tool01.py").is_file()
    assert (package / "mindlab_core" / "data" / "names.txt").is_file()
    assert [p.name for p in (handout / WHEELS).iterdir()] == [wheel_name(get_lab("lab01"))]


def test_the_wheel_is_the_package_with_the_student_extra(handout: Path):
    wheel = handout / WHEELS / wheel_name(get_lab("lab01"))
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        [meta] = [n for n in names if n.endswith(".dist-info/METADATA")]
        metadata = archive.read(meta).decode()
    package = handout / HANDOUT_PACKAGE
    shipped = {p.relative_to(package).as_posix() for p in package.rglob("*")
               if p.is_file() and p.name != "pyproject.toml"}
    assert shipped == {n for n in names if ".dist-info/" not in n}
    assert "Name: mindlab-interp-handout" in metadata
    assert "Version: 0.1.0+lab01.handout" in metadata
    assert "Provides-Extra: student" in metadata
    assert re.search(r"Requires-Dist: jupyterlab.*extra == .student.", metadata)
    assert re.search(r"Requires-Dist: matplotlib>=3\.7", metadata)
    readme = (handout / "README.md").read_text(encoding="utf-8")
    assert f'python -m pip install "{WHEELS}/{wheel.name}[student]"' in readme
    assert f"!pip install {wheel.name}" in readme  # the Colab cell


def test_no_solution_marker_hidden_suite_or_reference_in_the_handout(handout: Path):
    files = [p.relative_to(handout).as_posix() for p in handout.rglob("*")]
    for forbidden in ("hidden", "solutions", "masters", "stats.py",
                      "mindlab_core/lab01/reference.py", "mindlab_core/lab02", "generate.py"):
        assert not [f for f in files if forbidden in f], forbidden
    # the hidden checks' hints (suites/common/hints.py) stay out; the learner's progressive
    # hints (mindlab_core/lab01/hints.py, `mindlab hint`) are for students
    assert not [f for f in files if f.endswith("hints.py") and "/mindlab_grader/" in f"/{f}"]
    for path, text in _texts(handout).items():
        for marker in MARKERS:
            assert marker not in text, f"{path} holds {marker}"
        assert "grade_tool(" not in text or path.name in ("notebook.py", "checkcell.py")
    assert audit(handout, get_lab("lab01")) == []


def test_no_solution_body_or_hidden_check_text_in_the_handout(handout: Path):
    texts = _texts(handout)
    lines = _solution_lines()
    assert len(lines) > 20  # the probe itself is meaningful
    for line in lines:
        leaks = [p.name for p, text in texts.items() if line in text]
        assert not leaks, f"solution line {line!r} is in {leaks}"
    hidden_names, hidden_claims = _check_names(hidden)
    public_names, public_claims = _check_names(public)
    secret = (hidden_names - public_names) | (hidden_claims - public_claims)
    # the check API's own docs (checks.py, shipped to everyone) use one as their example
    framework = "".join(p.read_text(encoding="utf-8") for p in (ROOT / "autograder").glob("*.py"))
    secret = {s for s in secret if s not in framework}
    assert len(secret) > 10
    for text_id in secret:
        leaks = [p.name for p, text in texts.items() if text_id in text]
        assert not leaks, f"hidden check {text_id!r} is in {leaks}"


def test_audit_catches_a_leak(handout: Path, tmp_path: Path):
    copy = tmp_path / "copy"
    shutil.copytree(handout, copy)
    (copy / "extra.py").write_text("def f():\n    ### BEGIN SOLUTION\n    return 1\n")
    (copy / HANDOUT_PACKAGE / "mindlab_core" / "lab01" / "reference.py").write_text("")
    with zipfile.ZipFile(copy / WHEELS / "leaky-0-py3-none-any.whl", "w") as leaky:
        leaky.writestr("mindlab_core/lab02/reference.py", "")
        leaky.writestr("mindlab_grader/suites/lab01/hidden/test_tool01.py", "")
        leaky.writestr("mindlab_grader/x.py", "### BEGIN HIDDEN TESTS\n")
    problems = audit(copy, get_lab("lab01"))
    assert any("extra.py" in p and "BEGIN SOLUTION" in p for p in problems)
    assert any("lab01/reference.py" in p and "reference answers" in p for p in problems)
    for member in ("lab02/reference.py", "hidden/test_tool01.py", "BEGIN HIDDEN TESTS"):
        assert any("leaky-0-py3-none-any.whl:" in p and member in p for p in problems), member


def test_release_command_refuses_a_non_empty_folder_unless_forced(tmp_path: Path):
    out = tmp_path / "h"
    runner = CliRunner()
    first = runner.invoke(main, ["release", "--out", str(out), "--lab", "lab01"])
    assert first.exit_code == 0, first.output
    assert "mindlab-handout" in first.output
    again = runner.invoke(main, ["release", "--out", str(out)])
    assert again.exit_code == 2 and "not empty" in again.output
    forced = runner.invoke(main, ["release", "--out", str(out), "--force"])
    assert forced.exit_code == 0
    bad = runner.invoke(main, ["release", "--out", str(out), "--lab", "lab99", "--force"])
    assert bad.exit_code == 2 and "unknown lab" in bad.output


# ---------------------------------------------------------------- installed in a fresh venv


@pytest.fixture(scope="module")
def venv(handout: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv with only the handout installed as mindlab (see tests/venvs.py)."""
    env = tmp_path_factory.mktemp("venv") / "env"
    python = fresh_venv(env)
    # the students' command from docs/workflows.md, pointed at this venv, --no-deps
    [install, _] = blocks("## 1.")[1]
    prog, *args = shlex.split(install)
    assert prog == "python" and args[:3] == ["-m", "pip", "install"]
    result = subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install",
                             "--quiet", "--no-deps", *args[3:]], cwd=handout,
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    return env


def _run(venv: Path, args: list[str], cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(args, cwd=cwd, env=venv_env(venv), capture_output=True, text=True,
                          timeout=300)


@pytest.mark.parametrize("form", [".ipynb", ".py"])
def test_installed_handout_checks_the_exercise_kindly(form: str, handout: Path, venv: Path,
                                                      tmp_path: Path):
    for suffix in (".py", ".ipynb"):
        shutil.copy(handout / f"lab01{suffix}", tmp_path)
    [_, check] = blocks("## 1.")[1]  # mindlab check lab01.ipynb, as docs/workflows.md says
    result = _run(venv, shlex.split(check.replace(".ipynb", form)), tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    score, most, passed, total = TOTAL.search(result.stdout).groups()
    assert (float(score), float(most), int(passed)) == (0.0, 30.0, 0)
    assert "NotImplementedError" in result.stdout


def test_release_as_the_docs_say(tmp_path: Path):
    [[line]] = blocks("## 1.")[0:1]
    runner = CliRunner()
    with working_in(tmp_path) as here:
        result = runner.invoke(main, argv(line))
        assert result.exit_code == 0, result.output
        assert sorted(p.name for p in (Path(here) / "handout").iterdir()) == [
            "README.md", WHEELS, "lab01.ipynb", "lab01.py", HANDOUT_PACKAGE]


def test_installed_handout_passes_every_public_check_on_the_solution(venv: Path,
                                                                   tmp_path: Path):
    for suffix in (".py", ".ipynb"):
        shutil.copy(lab_file("solutions", "lab01", suffix), tmp_path / f"mine{suffix}")
        result = _run(venv, ["mindlab", "check", f"mine{suffix}"], tmp_path)
        assert result.returncode == 0, result.stdout + result.stderr
        score, most, passed, total = TOTAL.search(result.stdout).groups()
        assert score == most == "30" and passed == total


def test_installed_handout_imports_no_answers(venv: Path, tmp_path: Path):
    probe = ("import importlib, sys\n"
             "import mindlab_core, mindlab_grader\n"
             "print('FROM', mindlab_core.__file__)\n"
             "for name in sys.argv[1:]:\n"
             "    try:\n"
             "        importlib.import_module(name)\n"
             "        print('LEAK', name)\n"
             "    except ImportError:\n"
             "        print('absent', name)\n")
    names = ["mindlab_core.lab01.reference", "mindlab_core.lab02.reference",
             "mindlab_labs.solutions",
             "mindlab_labs.masters", "solutions", "labs", "mindlab_grader.suites.lab01.hidden",
             "mindlab_grader.suites.lab01.hints", "mindlab_grader.suites.common.hints",
             "mindlab_grader.handout"]
    result = _run(venv, [str(venv / "bin" / "python"), "-c", probe, *names], tmp_path)
    assert result.returncode == 0, result.stderr
    assert str(venv) in result.stdout.splitlines()[0]  # the handout's own mindlab_core
    assert "LEAK" not in result.stdout, result.stdout
    assert result.stdout.count("absent") == len(names)


def test_installed_handout_says_what_needs_the_full_install(venv: Path, tmp_path: Path):
    tour = _run(venv, ["mindlab", "tour"], tmp_path)
    assert tour.returncode == 1 and "full install" in tour.stderr
    sync = _run(venv, ["mindlab", "sync"], tmp_path)
    assert sync.returncode == 1 and "full install" in sync.stderr
    (tmp_path / "lab01.py").write_text("", encoding="utf-8")
    grade = _run(venv, ["mindlab", "grade", "lab01.py"], tmp_path)
    assert grade.returncode == 2 and "not part of the student handout" in grade.stderr
    assert "mindlab check lab01.py" in grade.stderr and not grade.stdout
    assert "Traceback" not in tour.stderr + sync.stderr + grade.stderr
    version = _run(venv, ["mindlab", "--version"], tmp_path)
    assert "handout" in version.stdout and "mindlab-interp-handout" in version.stdout
    for message in (tour.stderr, sync.stderr):
        assert "mindlab-interp" in message and "pip install mindlab)" not in message


def test_installed_handout_help_lists_only_what_works_there(venv: Path, tmp_path: Path):
    shown = _run(venv, ["mindlab", "--help"], tmp_path)
    assert shown.returncode == 0, shown.stderr
    commands = shown.stdout.split("Commands:")[1].split()
    listed = {word for word in commands if word in main.commands}
    assert listed == {"check", "hint"}, shown.stdout
    assert "mindlab grade" not in shown.stdout and "mindlab tour" not in shown.stdout
    hint = subprocess.run(["mindlab", "hint", "softmax"], cwd=tmp_path, capture_output=True,
                          text=True, timeout=300,
                          env={**venv_env(venv), "XDG_CACHE_HOME": str(tmp_path)})
    assert hint.returncode == 0 and "hint 1" in hint.stdout.lower(), hint.stdout + hint.stderr
    full = CliRunner().invoke(main, ["--help"])
    assert set(main.commands) <= set(full.output.split("Commands:")[1].split())


def test_building_and_installing_leave_no_litter_in_the_handout(handout: Path, venv: Path):
    litter = [p.relative_to(handout).as_posix() for p in handout.rglob("*")
              if p.name == "build" or p.name.endswith(".egg-info")]
    assert not litter


@pytest.mark.parametrize("lab", sorted(lab for lab in LABS if lab_file("masters", lab).is_file()))
def test_every_labs_handout_leaves_out_every_reference(lab: str, tmp_path: Path):
    """Each lab's handout: audited clean, no lab's reference, no module that imports one
    (lab02's findings.py), no other lab's models; shared suite helpers come along."""
    out = tmp_path / lab
    build(out, lab)
    files = {p.relative_to(out / HANDOUT_PACKAGE).as_posix()
             for p in (out / HANDOUT_PACKAGE).rglob("*.py")}
    assert audit(out, get_lab(lab)) == []
    for other in LABS.values():
        assert other.reference.replace(".", "/") + ".py" not in files
        if other.id != lab:
            assert not [f for f in files if f.startswith(f"mindlab_core/{other.id}")]
    assert not [f for f in files if f.endswith("findings.py")]
    for source in files:  # every suite module a public check imports is shipped
        if source.startswith("mindlab_grader/suites/"):
            assert "/hidden/" not in source and not source.endswith(("hints.py", "stats.py"))
