"""The mistake library: one typical learner mistake per file, and whole submissions made of them.

Each `lab01/<name>.py` defines ONE graded function the wrong way (its docstring names
the mistake). A submission is the reference source with that file appended, so the
wrong definition replaces the right one; it is plain source text, so it can be run in
this process (LocalLearner) or written to a file for the isolated runner:

    source = submission_source(MISTAKES["softmax_wrong_axis"])
    learner = LocalLearner(namespace(source), reference_functions())
"""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

from autograder.labs import LAB01

ROOT = Path(__file__).resolve().parents[2]
MISTAKES = {p.stem: p for p in sorted((Path(__file__).parent / "lab01").glob("*.py"))}


def wrong_function(path: Path) -> str:
    """The one graded function a mistake file defines (ValueError if not exactly one)."""
    tree = ast.parse(path.read_text())
    defined = [n.name for n in tree.body if isinstance(n, ast.FunctionDef)]
    graded = [name for name in defined if name in LAB01.functions]
    if len(graded) != 1 or len(defined) != 1:
        raise ValueError(f"{path.name} should define exactly one graded function, got {defined}")
    return graded[0]


def reference_source() -> str:
    """The reference core's lab01.py as a stand-alone file (its relative import made absolute)."""
    text = (ROOT / "mindlab_core" / "lab01.py").read_text()
    return text.replace("from .tokens import", "from mindlab_core.tokens import")


def submission_source(mistake: Path | None = None) -> str:
    """A full submission: the reference functions, then the mistake's wrong one (if any)."""
    source = reference_source()
    if mistake is None:
        return source
    return f"{source}\n\n# ---------------- the mistake: {mistake.stem}\n{mistake.read_text()}"


def write_submission(mistake: Path | None, folder: Path) -> Path:
    """The submission as a .py file in folder, named after the mistake."""
    path = folder / f"{mistake.stem if mistake else 'reference'}.py"
    path.write_text(submission_source(mistake))
    return path


def namespace(source: str) -> dict:
    """Run a submission's top-level code here (trusted code only: our own library)."""
    ns: dict = {"__name__": "submission"}
    exec(compile(source, "submission.py", "exec"), ns)
    return ns


def reference_functions() -> dict:
    """{graded name: reference function}, what call_isolated swaps in for the others."""
    module = importlib.import_module(LAB01.reference)
    return {name: getattr(module, name) for name in LAB01.functions}
