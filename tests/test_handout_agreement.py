"""The student handout's `mindlab check` blames the same tools as the full install (issue #13).

The lab 01 handout wheel (`mindlab release`) is installed, offline and --no-deps, in a fresh
venv (tests/venvs.py, as tests/test_release.py does); then every lab 01 submission of the
mistake library (tests/mistakes/: the reference with one function made wrong), and the
reference itself, is checked twice with `mindlab check FILE --json`: by this checkout
(`python -m mindlab_grader.cli`) and by the venv's `mindlab`.

The handout has no reference to swap in for a learner's other functions, so a check whose
function calls a failing one is reported "not run" ("not checked until softmax passes")
where the full install, calling the reference softmax, passes it. The rule, per submission:

- both reports are graded, with the same checks in the same order;
- the tools at fault are the same: the set of (tool, function) with at least one *failed*
  check is equal in both (a not-run check blames nothing);
- check by check, the status is the same, with one exception: a check the full install
  passes may be "not run" in the handout, only when its feedback names what it waits for
  and that has not passed in the handout report: "not checked until F passes" with F a
  function having a non-passing check, or 'not run: it needs "CLAIM"' with the check of
  that claim not passing. A handout never fails a check that the full install passes,
  and never leaves unrun a check that the full install fails.

One pool of 2 threads runs all the checks (one file per `mindlab check` process).
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from mistakes import MISTAKES, write_submission
from venvs import fresh_venv, venv_env

from mindlab_grader.handout.release import WHEELS, build, wheel_name
from mindlab_grader.labs import get_lab

NAMES = [None, *sorted(MISTAKES)]  # None: the reference, no mistake
FULL = [sys.executable, "-m", "mindlab_grader.cli", "check"]
WAITS_FOR_FUNCTION = re.compile(r"not checked until (\w+) passes")
WAITS_FOR_CHECK = re.compile(r'not run: it needs "(.*)" to pass first\.')

# mistakes where the handout blames another tool than the full install (a product bug):
# {mistake name: the cause}; none found so far
DISAGREEMENTS: dict[str, str] = {}


@pytest.fixture(scope="module")
def handout_venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv with only the lab 01 handout wheel installed (offline, --no-deps: numpy,
    click... come from the running environment, see tests/venvs.py)."""
    out = tmp_path_factory.mktemp("release") / "handout"
    build(out, "lab01")
    wheel = out / WHEELS / wheel_name(get_lab("lab01"))
    env = tmp_path_factory.mktemp("venv") / "env"
    python = fresh_venv(env)
    result = subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install",
                             "--quiet", "--no-index", "--no-deps", str(wheel)],
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    version = subprocess.run(["mindlab", "--version"], env=venv_env(env), capture_output=True,
                             text=True, timeout=120)
    assert "handout" in version.stdout, version.stdout + version.stderr  # not this checkout
    return env


def _check(args: list[str], folder: Path, env: dict[str, str] | None) -> dict[str, Any]:
    """The --json report of one `mindlab check`, or {"crashed": what it printed}."""
    run = subprocess.run(args, cwd=folder, env=env, capture_output=True, text=True, timeout=300)
    try:
        return json.loads(run.stdout)
    except json.JSONDecodeError:
        return {"crashed": f"exit {run.returncode}\n{run.stdout}\n{run.stderr}"}


@pytest.fixture(scope="module")
def reports(handout_venv: Path, tmp_path_factory: pytest.TempPathFactory
            ) -> dict[str | None, tuple[dict, dict]]:
    """{mistake (None: the reference): (full install's report, handout's report)}."""
    folder = tmp_path_factory.mktemp("submissions")
    files = {name: write_submission(MISTAKES[name] if name else None, folder) for name in NAMES}
    env = venv_env(handout_venv)
    handout = str(handout_venv / "bin" / "mindlab")
    jobs = [(name, args, e) for name in NAMES
            for args, e in (([*FULL, files[name].name, "--json"], None),
                            ([handout, "check", files[name].name, "--json"], env))]
    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(lambda job: _check(job[1], folder, job[2]), jobs))
    return {name: (results[2 * i], results[2 * i + 1]) for i, name in enumerate(NAMES)}


def _tests(report: dict) -> list[tuple[str, dict]]:
    return [(tool["id"], test) for tool in report["tools"] for test in tool["tests"]]


def at_fault(report: dict) -> set[tuple[str, str]]:
    """(tool, function) of every failed check (not-run checks blame nothing)."""
    return {(tool, t["function"]) for tool, t in _tests(report) if t["status"] == "failed"}


def _summary(report: dict) -> str:
    lines = [f"{tool} {t['id']} [{t['status']}] {t['feedback']}" for tool, t in _tests(report)
             if t["status"] != "passed"]
    return "\n  ".join(lines) or "every check passes"


def _mark(name: str | None):
    if name in DISAGREEMENTS:
        return pytest.param(name, marks=pytest.mark.xfail(strict=True, reason=DISAGREEMENTS[name]))
    return name


@pytest.mark.parametrize("name", [_mark(n) for n in NAMES], ids=[n or "reference" for n in NAMES])
def test_the_handout_blames_the_tools_the_full_install_blames(name, reports):
    full, handout = reports[name]
    for who, report in (("full install", full), ("handout", handout)):
        assert "crashed" not in report, f"{who}: {report.get('crashed')}"
        assert report["status"] == "graded" and report["suite"] == "public", (who, report["notes"])
    both = f"\nfull install:\n  {_summary(full)}\nhandout:\n  {_summary(handout)}"
    full_tests, handout_tests = _tests(full), _tests(handout)
    assert [(tool, t["id"]) for tool, t in full_tests] == \
        [(tool, t["id"]) for tool, t in handout_tests], "not the same public checks" + both
    assert at_fault(handout) == at_fault(full), "the tools at fault differ" + both
    if name is None:
        assert not at_fault(full), "the reference fails a check" + both

    not_passing = {t["function"] for _, t in handout_tests if t["status"] != "passed"}
    claims_not_passing = {t["name"] for _, t in handout_tests if t["status"] != "passed"}
    for (tool, mine), (_, theirs) in zip(handout_tests, full_tests, strict=True):
        where = f"{tool} {mine['id']}: full install {theirs['status']!r}, handout " \
                f"{mine['status']!r} ({mine['feedback']})"
        if mine["status"] == theirs["status"]:
            continue
        assert mine["status"] == "not run", "the handout judges a check differently: " + where
        assert theirs["status"] == "passed", (
            "the handout does not run a check the full install fails, so it hides a fault "
            "the full install reports: " + where + both)
        # passed with the reference swapped in, not run without it: what it waits for
        # must be something that did not pass in the handout's own report
        function = WAITS_FOR_FUNCTION.match(mine["feedback"])
        check = WAITS_FOR_CHECK.match(mine["feedback"])
        assert function or check, "a not-run check that names no cause: " + where
        if function:
            assert function[1] in not_passing, \
                f"it waits for {function[1]}, which passes every handout check: " + where + both
        else:
            assert check[1] in claims_not_passing, \
                "it waits for a check that passes in the handout: " + where + both
