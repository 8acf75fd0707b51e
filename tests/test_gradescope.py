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
import os
import re
import shutil
import stat
import subprocess
import zipfile
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner
from doc_commands import argv, blocks, working_in
from gradescope_env import RESULTS_SCHEMA, code_lines, leaking_stub, tampering_stub, texts
from venvs import fresh_venv, venv_env

from mindlab_grader.cli import main
from mindlab_grader.handout.gradescope_zip import build_zip
from mindlab_grader.labs import LAB01
from mindlab_labs import lab_file


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


@pytest.fixture(scope="module")
def site(installed: tuple[Path, Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The folder setup.sh installed mindlab into (mindlab_grader/, mindlab_core/); never this
    checkout (the stubs below write to it)."""
    venv, _ = installed
    probe = subprocess.run([str(venv / "bin" / "python"), "-c", "from mindlab_grader.isolation "
                            "import PACKAGE_ROOT; print(PACKAGE_ROOT)"], env=venv_env(venv),
                           cwd=tmp_path_factory.mktemp("probe"), capture_output=True,
                           text=True, check=True)
    found = Path(probe.stdout.strip())
    assert found.is_relative_to(venv.resolve()) or found.is_relative_to(venv), found
    return found


@pytest.fixture
def pristine(site: Path):
    """The installed suites and reference as they were, put back after the test (a stub
    may have changed them); yields {path: bytes}."""
    files = [*(site / "mindlab_grader" / "suites").rglob("*.py"),
             *(site / "mindlab_core").rglob("reference.py")]
    saved = {p: (p.read_bytes(), p.stat().st_mode) for p in files}
    yield {p: data for p, (data, _) in saved.items()}
    for path, (data, mode) in saved.items():
        if path.read_bytes() != data:
            path.write_bytes(data)
            path.chmod(mode)


def _grade(installed: tuple[Path, Path], root: Path, files: dict[str, bytes],
           options: list[str] | None = None, links: dict[str, Path] | None = None,
           start_in: str = "") -> dict:
    """Put `files` (and `links` to other files) in root/submission, run run_autograder (or,
    with `options`, the module it calls, given those options) from root / start_in,
    return results.json."""
    venv, source = installed
    (root / "submission").mkdir(parents=True)
    for name, data in files.items():
        (root / "submission" / name).write_bytes(data)
    for name, target in (links or {}).items():
        (root / "submission" / name).symlink_to(target)
    env = venv_env(venv, MINDLAB_AUTOGRADER_ROOT=str(root),
                   MINDLAB_PYTHON=str(venv / "bin" / "python"))
    command = ["bash", str(source / "run_autograder")] if options is None else \
        [str(venv / "bin" / "python"), "-m", "mindlab_grader.handout.gradescope_run", *options]
    run = subprocess.run(command, cwd=root / start_in, env=env, capture_output=True,
                         text=True, timeout=300)
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
    assert "mindlab/mindlab_grader/suites/lab01/hidden/test_tool01.py" in names
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


def test_a_link_to_the_installed_reference_is_no_submission(installed, site, tmp_path: Path):
    """Found from outside: submission/lab01.py linked to the installed reference was read by
    the judge (root, outside the sandbox) and its text sent to the worker."""
    reference = site / "mindlab_core" / "lab01" / "reference.py"
    assert reference.is_file()
    results = _grade(installed, tmp_path, {}, links={"lab01.py": reference})
    assert results["score"] == 0 and results["tests"] == []
    assert "link to a file outside its own folder" in results["output"]


FORGED_NUMPY = b"""import json, os
root = os.environ.get("MINDLAB_AUTOGRADER_ROOT", "/autograder")
os.makedirs(root + "/results", exist_ok=True)
with open(root + "/results/results.json", "w") as f:
    json.dump({"score": 30.0, "output": "forged by numpy.py", "tests": []}, f)
os._exit(0)
"""


def test_a_numpy_py_in_the_submission_never_runs_in_the_judge(installed, tmp_path: Path):
    """Found from outside: started in the submission folder, `python -m` put that folder
    first on the import path, and the student's numpy.py ran as root in the judge, writing
    results.json itself (30/30 for a stub)."""
    stub = lab_file("exercises", "lab01", ".py").read_bytes()
    results = _grade(installed, tmp_path, {"lab01.py": stub, "numpy.py": FORGED_NUMPY},
                     start_in="submission")
    assert results["score"] == 0 and "forged" not in results["output"]


def test_run_autograder_uses_the_mindlab_setup_installed(installed, tmp_path: Path):
    venv, _ = installed
    probe = subprocess.run([str(venv / "bin" / "python"), "-c",
                            "import mindlab_grader, mindlab_core.lab01.reference; "
                            "print(mindlab_grader.__file__)"],
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


# How the attacks below run: as run_autograder runs them (the strongest isolation here),
# and in a plain process, as on a Gradescope image without bubblewrap.
RUNS = [None, ["--lab", "lab01", "--isolation", "process"]]
CHANGED = "The grader's files changed while your code ran"


def _drops_root(site: Path) -> bool:
    """Whether the installed worker leaves root before running learner code (worker/)."""
    return "def drop_privileges" in (site / "mindlab_grader" / "worker" / "serve.py").read_text()


@pytest.mark.parametrize("options", RUNS, ids=["run_autograder", "process"])
def test_a_stub_that_edits_the_installed_suites_gets_zero(installed, site, pristine, options,
                                                          tmp_path: Path):
    suites = site / "mindlab_grader" / "suites" / "lab01"
    hidden = sorted(suites.glob("hidden/test_*.py"))
    public = sorted(suites.glob("public/test_*.py"))
    assert hidden and public
    stub = tampering_stub(LAB01.functions, hidden, public)
    results = _grade(installed, tmp_path, {"lab01.py": stub.encode()}, options)
    assert results["score"] == 0.0
    assert all(t["status"] == "failed" for t in results["tests"])
    checks = sum(pristine[p].count(b"\n@check(") for p in hidden)
    assert len(_graded(results)) == checks  # the suite as imported: none of the stub's checks
    assert sum(t["max_score"] for t in _graded(results)) == 30.0
    edited = [p.name for p in hidden + public if p.read_bytes() != pristine[p]]
    if os.geteuid() == 0 and _drops_root(site):  # learner code runs as nobody: it cannot
        assert not edited  # write the installed files at all
    assert (CHANGED in results["output"]) == bool(edited), (edited, results["output"])
    provenance = results["extra_data"]["provenance"]
    assert provenance["suites_changed"] == (["the public suite", "the hidden suite"]
                                            if edited else [])


@pytest.mark.parametrize("options", RUNS, ids=["run_autograder", "process"])
def test_no_output_shows_what_learner_code_read_from_the_graders_files(installed, site,
                                                                      options, tmp_path: Path):
    reference = site / "mindlab_core" / "lab01" / "reference.py"
    suite = site / "mindlab_grader" / "suites" / "lab01" / "hidden" / "test_tool01.py"
    secret = code_lines(reference) + code_lines(suite)
    assert len(secret) > 20
    stub = leaking_stub(LAB01.functions, reference, suite)
    results = _grade(installed, tmp_path, {"lab01.py": stub.encode()}, options)
    assert results["score"] == 0.0
    visible = [t for t in results["tests"] if t["visibility"] == "visible"]
    assert visible and any(t["status"] == "failed" for t in visible)
    everything = "\n".join(texts(results))
    shown = [line for line in secret if line in everything]
    assert not shown, shown
    assert all("unreadable" not in t["output"] for t in results["tests"])
    outputs = "\n".join(t["output"] for t in visible)
    assert "raised ValueError on an input" in outputs
    assert "an exception of your own" in outputs
    assert re.search(r"lab01\.py line \d+ raised ValueError while loading; the code after it",
                     results["output"]), results["output"]


def test_run_autograder_carries_the_limits_it_was_built_with(installed, tmp_path: Path):
    [[line]] = blocks("## 3.")[3:4]  # docs/workflows.md's line with the limits
    words = argv(line)
    limits = {k: float(words[words.index(f"--{k.replace('_', '-')}") + 1])
              for k in ("call_timeout", "load_timeout", "memory_mb")}
    out = _doc_command(line, tmp_path)
    with zipfile.ZipFile(out) as archive:
        script = archive.read("run_autograder").decode()
    flags = " ".join(f"--{k.replace('_', '-')} {v:g}" for k, v in limits.items())
    assert flags in " ".join(script.replace("\\\n", " ").split())
    (tmp_path / "source").mkdir()
    (tmp_path / "source" / "run_autograder").write_text(script)
    solved = lab_file("solutions", "lab01", ".py").read_bytes()
    results = _grade((installed[0], tmp_path / "source"), tmp_path / "ag", {"lab01.py": solved})
    assert results["score"] == 30.0
    provenance = results["extra_data"]["provenance"]
    assert {k: provenance[k] for k in limits} == limits
    default = (installed[1] / "run_autograder").read_text()
    assert "--call-timeout 2 --load-timeout 10 --memory-mb 2048" in default


def _as_nobody(folder: Path, attempts: dict[str, int]) -> dict[str, bool]:
    """{relative path: whether uid/gid 65534 could open it with that flag}, tried in a
    forked child through a descriptor of `folder` (so no parent folder is in the way)."""
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: become nobody, try each, report, exit
        try:
            os.setgroups([])
            os.setgid(65534)
            os.setuid(65534)
            found = {}
            for rel, flags in attempts.items():
                try:
                    os.close(os.open(rel, flags, dir_fd=fd))
                    found[rel] = True
                except OSError:
                    found[rel] = False
            os.write(write, json.dumps(found).encode())
        finally:
            os._exit(0)
    os.close(write)
    with os.fdopen(read) as pipe:
        data = pipe.read()
    os.waitpid(pid, 0)
    os.close(fd)
    return json.loads(data)


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0,
                    reason="Gradescope runs run_autograder as root; this run is not root")
def test_as_root_the_grader_files_are_closed_to_other_users(installed, site, tmp_path: Path):
    _grade(installed, tmp_path, {"lab01.py": b"x = 1\n"})
    hidden = site / "mindlab_grader" / "suites" / "lab01" / "hidden"
    reference = site / "mindlab_core" / "lab01" / "reference.py"
    for path in (hidden, hidden / "test_tool01.py", reference,
                 *reference.parent.glob("__pycache__/reference.*.pyc")):
        assert stat.S_IMODE(path.stat().st_mode) & 0o077 == 0, path
    for top in ("mindlab_grader", "mindlab_core"):
        for path in [site / top, *(site / top).rglob("*")]:
            info = path.lstat()
            assert info.st_uid == 0 and not info.st_mode & 0o022, path
    tries = {"mindlab_grader/suites/lab01/hidden/test_tool01.py": os.O_RDONLY,
             "mindlab_core/lab01/reference.py": os.O_RDONLY,
             "mindlab_grader/suites/lab01/public/test_tool01.py": os.O_WRONLY | os.O_APPEND,
             "mindlab_grader/grader.py": os.O_WRONLY | os.O_APPEND,
             "mindlab_grader/worker/serve.py": os.O_RDONLY,  # what a worker imports stays readable
             "mindlab_core/tokens.py": os.O_RDONLY}
    assert _as_nobody(site, tries) == {rel: rel.endswith(("serve.py", "tokens.py"))
                                       for rel in tries}
