"""`mindlab release`: the student handout, with nothing in it that gives answers away.

    mindlab release --out handout/ --lab lab01

writes

    handout/lab01.ipynb, handout/lab01.py   the exercise notebook, both forms (stubs only)
    handout/README.md                       how a student installs mindlab and checks
    handout/dist/mindlab_interp_handout-0.1.0+lab01.handout-py3-none-any.whl
                                            the package as one wheel: what students install
    handout/mindlab-handout/                the wheel's source folder (kept for reading)
        pyproject.toml                      `mindlab-interp-handout` 0.1.0+lab01.handout,
                                            with the `student` extra (JupyterLab, ipywidgets)
        autograder/                         the runner, `mindlab check`, the lab's public suite
        mindlab_core/                       tokens, names, the bigram model, pictures, data
        mindlab_labs/exercises/             the exercise files (for `mindlab check` defaults)

What stays out: the solutions and the masters (mindlab_labs), every hidden suite, the
suite helpers only hidden suites import (e.g. common/hints.py), the instructor tools (sync,
release, batch grading) and the reference module of every lab
(`mindlab_core.lab01.reference`,
...). Without the reference, `mindlab check` runs each function with the learner's own
helpers (no reference swapping) and `mindlab tour` says it needs the full install.
`audit()` re-reads the result, the wheel's members too, and refuses a handout holding
solution markers or forbidden files, so a packaging slip fails loudly, not silently.
"""

from __future__ import annotations

import ast
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import mindlab_core
import mindlab_grader
import mindlab_labs
from mindlab_labs import lab_file

from ..labs import LABS, Lab, get_lab
from .project import WHEELS, pyproject, readme, wheel_name
from .wheel import WheelError, build_wheel, wheel_problems

__all__ = ["HANDOUT_PACKAGE", "WHEELS", "audit", "build", "handout_files", "packages_of",
           "pyproject", "readme", "wheel_name"]

HANDOUT_PACKAGE = "mindlab-handout"
LAB_MODULE = re.compile(r"^lab\d+")  # mindlab_core/labNN*: some lab's reference answers
MARKERS = ("### BEGIN SOLUTION", "### END SOLUTION", "### BEGIN HIDDEN TESTS",
           "### END HIDDEN TESTS")
# instructor tools (folders of autograder/): they read masters and solutions a handout does
# not have (the handout's `mindlab` answers these commands with "for instructors", cli/)
INSTRUCTOR_ONLY = ("batch", "handout")


class ReleaseError(ValueError):
    """The handout cannot be built (or would leak): the message says why and what to do."""


# ---------------------------------------------------------------- what goes in


def _py_files(folder: Path) -> Iterator[Path]:
    """The .py files directly in `folder` (no subfolders), sorted."""
    return iter(sorted(p for p in folder.glob("*.py") if p.is_file()))


def _suite_imports(source: str) -> set[tuple[str, str]]:
    """(lab, module) for every suite module that `source` imports, of any lab (or common).

    >>> sorted(_suite_imports("from mindlab_grader.suites.lab01 import inputs\\n"
    ...                       "from mindlab_grader.suites.lab02.calls import value"))
    [('lab01', 'inputs'), ('lab02', 'calls')]
    """
    prefix = "mindlab_grader.suites."
    found: set[tuple[str, str]] = set()
    for node in ast.walk(ast.parse(source)):
        names: list[str] = []
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith(prefix):
            names = [f"{node.module}.{alias.name}" for alias in node.names]
            names.append(str(node.module))
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names if alias.name.startswith(prefix)]
        for name in names:
            parts = name[len(prefix):].split(".")
            if len(parts) >= 2:
                found.add((parts[0], parts[1]))
    return found


def _is_reference(relative: Path, lab: Lab) -> bool:
    """True for what a `lab` handout must not hold of mindlab_core: the reference module
    of every lab (mindlab_core/lab01/reference.py, mindlab_core/lab02/reference.py) and
    everything of the other labs (mindlab_core/lab02/... in a lab01 handout).

    >>> _is_reference(Path("mindlab_core/lab01/reference.py"), get_lab("lab01"))
    True
    >>> _is_reference(Path("mindlab_core/bigram.py"), get_lab("lab01"))
    False
    """
    if relative.parts[:1] != ("mindlab_core",) or len(relative.parts) < 2:
        return False
    if any(_module(relative) == other.reference for other in LABS.values()):
        return True
    head = relative.parts[1].removesuffix(".py")
    return bool(LAB_MODULE.match(head)) and head != lab.id


def handout_files(lab: Lab, grader: bool = False) -> dict[Path, Path]:
    """{path inside the package: source file} for the package a student installs.

    grader=True gives the grading side instead (autograder/gradescope.py ships it):
    every tool, the lab's whole suite (hidden checks too) and its reference; still
    nothing of other labs, and no solutions or masters.
    """
    files: dict[Path, Path] = {}
    core = Path(mindlab_core.__file__).resolve().parent
    for source in _py_files(core):
        files[Path("mindlab_core", source.name)] = source
    if (core / lab.id).is_dir():  # a lab's own models (minus its reference, dropped below)
        for source in _py_files(core / lab.id):
            files[Path("mindlab_core", lab.id, source.name)] = source
    for source in sorted((core / "data").glob("*")):
        # data of other labs stays out (e.g. lab02_residual.npz in a lab01 handout)
        if source.is_file() and (not LAB_MODULE.match(source.name)
                                 or source.name.startswith(lab.id)):
            files[Path("mindlab_core", "data", source.name)] = source
    tools = Path(mindlab_grader.__file__).resolve().parent
    for source in sorted(tools.rglob("*.py")):
        rel = source.relative_to(tools)
        if rel.parts[0] == "suites" or (not grader and rel.parts[0] in INSTRUCTOR_ONLY):
            continue
        files[Path("mindlab_grader", *rel.parts)] = source
    files[Path("mindlab_grader", "suites", "__init__.py")] = tools / "suites" / "__init__.py"
    files.update(_suite_files(lab, tools / "suites", grader))
    files[Path("mindlab_labs", "__init__.py")] = Path(mindlab_labs.__file__).resolve()
    if grader:
        return {rel: src for rel, src in files.items()
                if not _is_reference(rel, lab) or _module(rel) == lab.reference}
    for suffix in (".py", ".ipynb"):
        files[Path("mindlab_labs", "exercises", f"{lab.id}{suffix}")] = \
            lab_file("exercises", lab.id, suffix)
    return {rel: src for rel, src in files.items()
            if not _is_reference(rel, lab) and not _needs_reference(src)}


def _needs_reference(source: Path) -> bool:
    """True for a module that imports some lab's reference at its top level (e.g.
    mindlab_core/lab02/findings.py): it cannot even be imported without the answers."""
    if source.suffix != ".py":
        return False
    references = {lab.reference for lab in LABS.values()}
    for node in ast.parse(source.read_text(encoding="utf-8")).body:
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # from . import reference  (inside mindlab_core.lab02)
                base = ".".join([*_anchor(source, node.level), *filter(None, [base])])
            names = [base, *(f"{base}.{alias.name}" for alias in node.names)]
        if references & set(names):
            return True
    return False


def _anchor(source: Path, level: int) -> list[str]:
    """The package a relative import of `level` dots starts from, as name parts."""
    parts = []
    folder = source.parent
    while (folder / "__init__.py").is_file():
        parts.insert(0, folder.name)
        folder = folder.parent
    return parts[:len(parts) - level + 1]


def _suite_files(lab: Lab, suites: Path, grader: bool) -> dict[Path, Path]:
    """The lab's suites (public; hidden too for the grader) and every helper module they
    import, of any lab or common/, found by reading their imports: common/hints.py, used
    by hidden checks only, stays out of a handout; common/calls.py comes along."""
    kinds = ("public", "hidden") if grader else ("public",)
    for kind in kinds:
        if not (suites / lab.id / kind).is_dir():
            raise ReleaseError(f"{lab.id} has no {kind} suite ({suites / lab.id / kind}): "
                               f"write its {kind} checks first.")
    files: dict[Path, Path] = {}
    todo, done = {(lab.id, kind) for kind in kinds}, set()
    if grader and lab.likely:  # the judge's rule for the answers it sends ahead (answers.py)
        todo |= _suite_imports(f"from {lab.likely.partition(':')[0]} import questions\n")
    while todo - done:
        suite_lab, name = min(todo - done)
        done.add((suite_lab, name))
        if name == "hidden" and not grader:
            raise ReleaseError(f"a public check of {lab.id} imports the hidden suite of "
                               f"{suite_lab}: public checks must stand on their own.")
        folder = suites / suite_lab
        sources = [folder / "__init__.py"]
        sources += (list(_py_files(folder / name)) if name in ("public", "hidden")
                    else [folder / f"{name}.py"])
        for source in sources:
            if not source.is_file():
                raise ReleaseError(f"the {lab.id} checks import {source.stem} of "
                                   f"{suite_lab}, but {source} is missing.")
            files[Path("mindlab_grader", "suites") / source.relative_to(suites)] = source
            todo |= _suite_imports(source.read_text(encoding="utf-8"))
    return files


def _module(relative: Path) -> str:
    """Path("mindlab_core/lab01/reference.py") -> "mindlab_core.lab01.reference"."""
    return ".".join(relative.with_suffix("").parts)


def packages_of(files: dict[Path, Path]) -> list[str]:
    """Dotted packages of the handout: every folder holding a shipped .py or lab file."""
    found = {".".join(rel.parent.parts) for rel in files if rel.parent.name != "data"}
    return sorted(found)


# ---------------------------------------------------------------- building and auditing


def audit(out: Path, lab: Lab) -> list[str]:
    """Why the handout in `out` would give answers away ([] when it would not)."""
    problems = []
    for path in sorted(out.rglob("*")):
        rel = path.relative_to(out)
        if path.is_dir():
            if rel.name in ("hidden", "solutions", "masters"):
                problems.append(f"{rel} is a folder of hidden checks or answers")
            continue
        if _is_reference(Path(*rel.parts[1:]), lab) or "solutions" in rel.parts:
            problems.append(f"{rel} holds reference answers")
        if path.suffix in (".py", ".ipynb", ".md", ".toml", ".txt"):
            text = path.read_text(encoding="utf-8", errors="replace")
            problems += [f"{rel} contains {m!r}" for m in MARKERS if m in text]
        if path.suffix == ".whl":
            problems += wheel_problems(path, lambda member: _secret_member(member, lab),
                                       MARKERS)
    return problems


def _secret_member(member: Path, lab: Lab) -> bool:
    """True for a wheel member holding reference answers, hidden checks or solutions."""
    return (_is_reference(member, lab)
            or bool({"hidden", "solutions", "masters"} & set(member.parts[:-1])))


def build(out: Path, lab_id: str = "lab01", force: bool = False) -> list[Path]:
    """Write the handout of `lab_id` to `out`; return the files written.

    `out` must be new or empty unless `force` (which replaces what a release put there).
    """
    lab = get_lab(lab_id)
    if out.exists() and not out.is_dir():
        raise ReleaseError(f"{out} is a file: pass a folder for the handout, e.g. --out handout/")
    if out.is_dir() and any(out.iterdir()) and not force:
        raise ReleaseError(f"{out} is not empty: pass a new folder, or --force to replace "
                           "the handout in it.")
    _refuse_stale(lab)
    files = handout_files(lab)
    package = out / HANDOUT_PACKAGE
    for old in (package, out / WHEELS):
        if old.exists():
            shutil.rmtree(old)
    written = []
    for rel, source in files.items():
        target = package / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
        written.append(target)
    extras = {package / "pyproject.toml": pyproject(lab, packages_of(files)),
              out / "README.md": readme(lab)}
    for target, text in extras.items():
        target.write_text(text, encoding="utf-8")
        written.append(target)
    for suffix in (".ipynb", ".py"):
        target = out / f"{lab.id}{suffix}"
        shutil.copyfile(lab_file("exercises", lab.id, suffix), target)
        written.append(target)
    _refuse_leaks(out, lab)
    written.append(_wheel(package, out / WHEELS, lab))
    _refuse_leaks(out, lab)
    return written


def _refuse_leaks(out: Path, lab: Lab) -> None:
    """Stop a release whose handout would give answers away (see audit)."""
    problems = audit(out, lab)
    if problems:
        raise ReleaseError("the handout would give answers away, so it was not finished: "
                           + "; ".join(problems))


def _wheel(package: Path, dist: Path, lab: Lab) -> Path:
    """Build the handout's wheel into `dist` (package/ stays as it was: no build/ litter)."""
    try:
        wheel = build_wheel(package, dist)
    except WheelError as exc:
        raise ReleaseError(str(exc)) from None
    if wheel.name != wheel_name(lab):  # the README names this file
        raise ReleaseError(f"pip named the wheel {wheel.name}, not {wheel_name(lab)}")
    return wheel


def _refuse_stale(lab: Lab) -> None:
    """A handout built from exercises older than the master would teach the old lab."""
    from .generate import MasterError, stale_files

    try:
        stale = stale_files(lab.id)
    except MasterError:
        return  # no master here (e.g. an install without labs/): ship the exercises as they are
    if stale:
        names = ", ".join(p.name for p in stale)
        raise ReleaseError(f"{names} differ from the master labs/{lab.id}.py: run "
                           f"`mindlab sync --lab {lab.id}` first, then release.")
