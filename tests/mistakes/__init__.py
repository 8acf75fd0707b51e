"""The mistake library: one typical learner mistake per file, and whole submissions made of them.

Each `<lab>/<name>.py` (lab01/, lab02/) defines ONE graded function of that lab the wrong
way (its docstring names the mistake). A submission is the lab's reference source with
that file appended, so the wrong definition replaces the right one; it is plain source
text, so it can be run in this process (LocalLearner) or written to a file for the
isolated runner:

    source = submission_source(MISTAKES["softmax_wrong_axis"])             # lab01
    learner = LocalLearner(namespace(source), reference_functions())
    source = submission_source(library("lab02")["project_cosine"], lab="lab02")
    graded("lab01", "softmax_wrong_axis", "public")   # {tool id: ToolResult}, cached

The independent outside implementations (tests/outside/<lab>/*.py, whole submissions, see
its MANIFEST.json) are graded the same way: graded_outside("lab01", "wrong_rank_numpy_str",
"public").
"""

from __future__ import annotations

import ast
import functools
import importlib
import json
import re
import warnings
from pathlib import Path

from mindlab_grader.checks import LocalLearner
from mindlab_grader.judge import run_lab
from mindlab_grader.labs import get_lab
from mindlab_grader.report import ToolResult

ROOT = Path(__file__).resolve().parents[2]
RELATIVE = re.compile(r"^from (\.+)(\w*)", re.M)  # from .tokens / from ..tokens / from . import


def library(lab: str = "lab01") -> dict[str, Path]:
    """{mistake name: file} of one lab, sorted by name."""
    return {p.stem: p for p in sorted((Path(__file__).parent / lab).glob("*.py"))}


MISTAKES = library("lab01")


def wrong_function(path: Path, lab: str = "lab01") -> str:
    """The one graded function a mistake file defines (ValueError if not exactly one)."""
    tree = ast.parse(path.read_text())
    defined = [n.name for n in tree.body if isinstance(n, ast.FunctionDef)]
    graded = [name for name in defined if name in get_lab(lab).functions]
    if len(graded) != 1 or len(defined) != 1:
        raise ValueError(f"{path.name} should define exactly one graded function, got {defined}")
    return graded[0]


def reference_source(lab: str = "lab01") -> str:
    """The lab's reference module as a stand-alone file, its relative imports made absolute.

    mindlab_core/lab01/reference.py's `from .tokens import` and mindlab_core/lab02/reference.py's
    `from ..tokens import` both become `from mindlab_core.tokens import`.
    """
    module = get_lab(lab).reference
    package = module.split(".")[:-1]  # the reference is a module, not a package

    def absolute(match: re.Match) -> str:
        base = package[:len(package) - len(match[1]) + 1]
        return "from " + ".".join([*base, *filter(None, [match[2]])])

    text = (ROOT / (module.replace(".", "/") + ".py")).read_text()
    return RELATIVE.sub(absolute, text)


def submission_source(mistake: Path | None = None, lab: str = "lab01") -> str:
    """A full submission: the lab's reference functions, then the mistake's wrong one (if any)."""
    source = reference_source(lab)
    if mistake is None:
        return source
    return f"{source}\n\n# ---------------- the mistake: {mistake.stem}\n{mistake.read_text()}"


def write_submission(mistake: Path | None, folder: Path, lab: str = "lab01") -> Path:
    """The submission as a .py file in folder, named after the mistake."""
    path = folder / f"{mistake.stem if mistake else 'reference'}.py"
    path.write_text(submission_source(mistake, lab))
    return path


def namespace(source: str) -> dict:
    """Run a submission's top-level code here (trusted code only: our own library)."""
    ns: dict = {"__name__": "submission"}
    exec(compile(source, "submission.py", "exec"), ns)
    return ns


def reference_functions(lab: str = "lab01") -> dict:
    """{graded name: reference function}, what call_isolated swaps in for the others."""
    module = importlib.import_module(get_lab(lab).reference)
    return {name: getattr(module, name) for name in get_lab(lab).functions}


def _run(lab: str, source: str, suite: str) -> dict[str, ToolResult]:
    learner = LocalLearner(namespace(source), reference_functions(lab))
    with warnings.catch_warnings():  # overflow and nan are what some mistakes are about
        warnings.simplefilter("ignore", RuntimeWarning)
        return {tool.id: tool for tool in run_lab(get_lab(lab), suite, learner)}


@functools.cache
def graded(lab: str, mistake: str | None, suite: str) -> dict[str, ToolResult]:
    """{tool id: result} of one submission (reference + mistake), run in this process, the
    reference swapped in for the other graded functions (as the full install does)."""
    return _run(lab, submission_source(library(lab)[mistake] if mistake else None, lab), suite)


OUTSIDE = ROOT / "tests" / "outside"


def outside(lab: str) -> dict[str, str | None]:
    """{outside file: the function it gets wrong, or None for a correct one} (MANIFEST.json)."""
    manifest = json.loads((OUTSIDE / "MANIFEST.json").read_text())
    return {name: entry["wrong"] for name, entry in sorted(manifest[lab].items())}


@functools.cache
def graded_outside(lab: str, name: str, suite: str) -> dict[str, ToolResult]:
    """{tool id: result} of one outside file, graded like a mistake (see graded)."""
    return _run(lab, (OUTSIDE / lab / f"{name}.py").read_text(), suite)
