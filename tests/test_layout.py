"""The layout shows the architecture (docs/adding-a-lab.md, README's Layout table):
the process boundary is a folder, the CLI is the only place that imports click, one
protocol module frames every message, and no machinery module does several jobs."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LIBRARY = sorted(p for root in ("autograder", "mindlab_core") for p in (ROOT / root).rglob("*.py"))
MAX_LINES = 400  # one job per file: past this a module is doing several


def imports(path: Path) -> list[tuple[str, int]]:
    """(module, level) of every import in `path`; a relative import keeps its level."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(alias.name, 0) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            found.append((node.module or "", node.level))
    return found


def test_only_the_cli_imports_click():
    users = [p.relative_to(ROOT).as_posix() for p in LIBRARY
             if any(m == "click" or m.startswith("click.") for m, level in imports(p)
                    if level == 0)]
    assert all(u.startswith("autograder/cli/") for u in users), users


@pytest.mark.parametrize("path", sorted((ROOT / "autograder" / "worker").glob("*.py")),
                         ids=lambda p: p.name)
def test_the_worker_imports_nothing_of_the_judge(path):
    """What learner code's process imports is this folder, the standard library and numpy:
    the bwrap sandbox binds autograder/worker/ and nothing else of autograder/."""
    for module, level in imports(path):
        if level == 0:
            assert module.split(".")[0] not in ("mindlab_grader", "autograder", "mindlab_core",
                                                "click"), module
        else:
            assert level == 1, f"{path.name} imports {'.' * level}{module}"


def test_framing_is_written_once():
    """The 8-byte length in front of every message lives in worker/protocol.py only."""
    framing = [p.relative_to(ROOT).as_posix() for p in LIBRARY
               if '"<Q"' in p.read_text(encoding="utf-8")]
    assert framing == ["autograder/worker/protocol.py"]


def test_no_machinery_module_does_several_jobs():
    machinery = [p for p in LIBRARY if p.relative_to(ROOT).parts[0] == "autograder"
                 and "suites" not in p.parts]
    long = {p.relative_to(ROOT).as_posix(): n for p in machinery
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert not long, long


def test_isolation_backends_share_one_interface():
    from mindlab_grader.isolation import BACKENDS

    for name, backend in BACKENDS.items():
        assert backend.name == name and backend.summary
        assert isinstance(backend.problem(), str)
        assert isinstance(backend.inside("/tmp/x"), str)
