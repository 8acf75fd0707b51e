"""What the hidden suite and the property oracle say about each mutant.

The suite: each mutant is written to a temporary folder and graded by the isolated runner's
`Grader` (one per worker process, at most two at once, so the fork server stays warm).
The oracle (tests/oracle, `violations(lab, function, namespace)`) judges the mutated
function in a forked child, on a namespace holding the mutant's imports and definitions
only (no demo code), with a time limit; while it is missing every verdict is None.
"""

from __future__ import annotations

import ast
import contextlib
import io
import multiprocessing
import multiprocessing.connection
import os
import sys
import tempfile
import time
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from .mutants import ROOT, Mutant

ORACLE_SECONDS = 120.0  # per mutant; the oracle limits each call itself (oracle.core.LIMIT)


@dataclass
class Graded:
    """The hidden suite's verdict on one file: {tool: (score, max_score)}, status, notes."""

    status: str
    scores: dict[str, tuple[float, float]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def lost(self) -> set[str]:
        """The tools that lost points (all of them when the grader could not grade)."""
        return {tool for tool, (score, top) in self.scores.items() if score < top}


def grader_class() -> type:
    """The runner's Grader, wherever the concurrent reorganisation has put it."""
    try:
        from autograder.runner import Grader
    except ImportError:
        from autograder.grader import Grader
    return Grader


def _grade_one(grader: Any, path: Path) -> Graded:
    start = time.monotonic()
    report = grader.grade(path)
    scores = {t.id: (float(t.score), float(t.max_score)) for t in report.tools}
    return Graded(report.status, scores, list(report.notes), time.monotonic() - start)


def _grade_shard(lab: str, sources: list[tuple[int, str]], conn: Connection) -> None:
    """Child process: grade (index, source) pairs with one Grader, send (index, Graded)."""
    with tempfile.TemporaryDirectory(prefix="mindlab-mutants-") as folder, \
            grader_class()(lab=lab, suite="hidden", isolation="process") as grader:
        for index, source in sources:
            path = Path(folder) / f"mutant{index:05d}.py"
            path.write_text(source)
            conn.send((index, _grade_one(grader, path)))
            path.unlink()
    conn.close()


def grade_sources(lab: str, sources: Sequence[str], jobs: int = 2) -> list[Graded]:
    """The hidden suite's verdict on each source text, graded by `jobs` processes (<= 2)."""
    jobs = max(1, min(jobs, 2, len(sources)))
    ctx = multiprocessing.get_context("fork")
    results: dict[int, Graded] = {}
    shards = []
    for shard in range(jobs):
        parent, child = ctx.Pipe(duplex=False)
        work = [(i, s) for i, s in enumerate(sources) if i % jobs == shard]
        proc = ctx.Process(target=_grade_shard, args=(lab, work, child), daemon=False)
        proc.start()
        child.close()
        shards.append((proc, parent, len(work)))
    for proc, conn, count in shards:
        for _ in range(count):
            with contextlib.suppress(EOFError):
                index, graded = conn.recv()
                results[index] = graded
        proc.join()
    lost = Graded("error", notes=["the grading process died before grading this file"])
    return [results.get(i, lost) for i in range(len(sources))]


def oracle_violations() -> Callable[[str, str, dict], list[str]] | None:
    """tests/oracle's `violations`, or None while the oracle cannot be imported."""
    tests = str(ROOT / "tests")
    if tests not in sys.path:
        sys.path.insert(0, tests)
    try:
        from oracle import violations
    except ImportError:
        return None
    return violations


def definitions_source(source: str) -> str:
    """The imports, functions and classes of `source`, with the top-level assignments of
    names those functions read (e.g. BOS): what the graded functions need, no demo code."""
    tree = ast.parse(source)
    defs = [n for n in tree.body if isinstance(n, ast.FunctionDef | ast.ClassDef)]
    read = {n.id for d in defs for n in ast.walk(d)
            if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}
    kept = [n for n in tree.body
            if isinstance(n, ast.Import | ast.ImportFrom | ast.FunctionDef | ast.ClassDef)
            or (isinstance(n, ast.Assign)
                and any(isinstance(t, ast.Name) and t.id in read for t in n.targets))]
    return "\n\n".join(ast.get_source_segment(source, n) or "" for n in kept) + "\n"


def _judge_in_child(violations: Callable, lab: str, function: str, source: str,
                    conn: Connection) -> None:
    """Child process: run the definitions, judge one function, send the sentences."""
    os.chdir(tempfile.mkdtemp(prefix="mindlab-oracle-"))  # anything it writes lands there
    os.environ["MINDLAB_GRADING"] = "1"
    try:
        namespace: dict = {"__name__": "submission"}
        with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
            warnings.simplefilter("ignore")
            exec(compile(definitions_source(source), "mutant.py", "exec"), namespace)
            conn.send(("ok", list(violations(lab, function, namespace))))
    except BaseException as exc:  # noqa: BLE001 - the mutant broke loading: a finding
        conn.send(("ok", [f"the mutant's definitions do not run: {type(exc).__name__}: {exc}"]))
    finally:
        conn.close()
        os._exit(0)


@dataclass
class _Running:
    index: int
    proc: Any
    conn: Connection
    deadline: float


def _start(ctx: Any, violations: Callable, index: int, mutant: Mutant) -> _Running:
    parent, child = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_judge_in_child,
                       args=(violations, mutant.lab, mutant.function, mutant.source, child))
    proc.start()
    child.close()
    return _Running(index, proc, parent, time.monotonic() + ORACLE_SECONDS)


def _finish(run: _Running) -> list[str]:
    """The child's sentences, or one saying it gave none in time; the child is reaped."""
    verdict = [f"the oracle gave no verdict within {ORACLE_SECONDS:.0f} s"]
    if run.conn.poll(0):
        with contextlib.suppress(EOFError):
            verdict = run.conn.recv()[1]
    if run.proc.is_alive():
        run.proc.kill()
    run.proc.join()
    run.conn.close()
    return verdict


def judge_mutants(mutants: Sequence[Mutant], jobs: int = 2) -> list[list[str] | None]:
    """The oracle's verdict on each mutant's own function, `jobs` forks at a time (<= 2);
    None for every mutant while there is no oracle."""
    violations = oracle_violations()
    if violations is None:
        return [None] * len(mutants)
    ctx = multiprocessing.get_context("fork")
    verdicts: list[list[str] | None] = [None] * len(mutants)
    waiting = list(enumerate(mutants))[::-1]
    running: list[_Running] = []
    while waiting or running:
        while waiting and len(running) < max(1, min(jobs, 2)):
            running.append(_start(ctx, violations, *waiting.pop()))
        soonest = min(r.deadline for r in running) - time.monotonic()
        ready = multiprocessing.connection.wait([r.conn for r in running], max(0.0, soonest))
        for run in [r for r in running if r.conn in ready or time.monotonic() > r.deadline]:
            verdicts[run.index] = _finish(run)
            running.remove(run)
    return verdicts
