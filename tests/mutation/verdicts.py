"""What the hidden suite and the property oracle say about each mutant.

The suite: each mutant is written to a temporary folder and graded by the isolated runner's
`Grader` (one per worker process, at most two at once, so the fork server stays warm).
The oracle (tests/oracle, `violations(lab, function, namespace)`) judges the mutated
function in a forked child, on a namespace holding the mutant's imports and definitions
only (no demo code), with a time limit; while it is missing every verdict is None.
"""

from __future__ import annotations

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

from .mutants import ROOT

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
        from mindlab_grader.runner import Grader
    except ImportError:
        from mindlab_grader.grader import Grader
    return Grader


def _grade_one(grader: Any, path: Path) -> Graded:
    start = time.monotonic()
    report = grader.grade(path)
    scores = {t.id: (float(t.score), float(t.max_score)) for t in report.tools}
    return Graded(report.status, scores, list(report.notes), time.monotonic() - start)


def _grade_shard(lab: str, sources: Sequence[str], todo: Any, conn: Connection) -> None:
    """Child process: take indices from `todo` until None, grade those sources with one
    Grader, send (index, Graded) for each."""
    with tempfile.TemporaryDirectory(prefix="mindlab-mutants-") as folder, \
            grader_class()(lab=lab, suite="hidden", isolation="process") as grader:
        for index in iter(todo.get, None):
            path = Path(folder) / f"mutant{index:05d}.py"
            path.write_text(sources[index])
            conn.send((index, _grade_one(grader, path)))
            path.unlink()
    conn.close()


def grade_sources(lab: str, sources: Sequence[str], jobs: int = 2,
                  progress: Callable[[int, int], None] | None = None) -> list[Graded]:
    """The hidden suite's verdict on each source text, graded by `jobs` processes (<= 2)
    that share one queue of work; `progress(done, total)` is called after each file."""
    jobs = max(1, min(jobs, 2, len(sources)))
    ctx = multiprocessing.get_context("fork")
    todo = ctx.Queue()
    for index in [*range(len(sources)), *[None] * jobs]:
        todo.put(index)
    shards = []
    for _ in range(jobs):
        parent, child = ctx.Pipe(duplex=False)
        proc = ctx.Process(target=_grade_shard, args=(lab, sources, todo, child))
        proc.start()
        child.close()
        shards.append((proc, parent))
    results: dict[int, Graded] = {}
    open_conns = [conn for _, conn in shards]
    while open_conns:
        for conn in multiprocessing.connection.wait(open_conns):
            try:
                index, graded = conn.recv()
            except EOFError:
                open_conns.remove(conn)
                continue
            results[index] = graded
            if progress is not None:
                progress(len(results), len(sources))
    for proc, _ in shards:
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


def _judge_in_child(violations: Callable, lab: str, function: str, source: str,
                    conn: Connection, folder: str) -> None:
    """Child process: run `source` (definitions only), judge one function, send the
    sentences; it works
    in the temporary `folder` (see judge_sources), so what it writes lands there."""
    os.chdir(folder)
    os.environ["MINDLAB_GRADING"] = "1"
    try:
        namespace: dict = {"__name__": "submission"}
        with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
            warnings.simplefilter("ignore")
            exec(compile(source, "mutant.py", "exec"), namespace)
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


def _start(ctx: Any, violations: Callable, folder: str, index: int,
           task: tuple[str, str, str]) -> _Running:
    parent, child = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_judge_in_child, args=(violations, *task, child, folder))
    proc.start()
    child.close()
    return _Running(index, proc, parent, time.monotonic() + ORACLE_SECONDS)


def _finish(run: _Running) -> list[str]:
    """The child's sentences, or one saying it gave none in time; the child is reaped."""
    verdict = [f"no verdict: the judging process died or ran over {ORACLE_SECONDS:.0f} s"]
    if run.conn.poll(0):
        with contextlib.suppress(EOFError):
            verdict = run.conn.recv()[1]
    if run.proc.is_alive():
        run.proc.kill()
    run.proc.join()
    run.conn.close()
    return verdict


def judge_sources(tasks: Sequence[tuple[str, str, str]], jobs: int = 2,
                  progress: Callable[[int, int], None] | None = None) -> list[list[str] | None]:
    """The oracle's verdict on each (lab, function, source) task: the function as the
    source (definitions only: mutants.definitions_only) defines it, `jobs` forks at a time
    (<= 2); None for every task while there is no oracle. `progress(done, total)` after
    each."""
    violations = oracle_violations()
    if violations is None:
        return [None] * len(tasks)
    with tempfile.TemporaryDirectory(prefix="mindlab-oracle-") as folder:
        return _judge_all(violations, tasks, jobs, progress, folder)


def _judge_all(violations: Callable, tasks: Sequence[tuple[str, str, str]], jobs: int,
               progress: Callable[[int, int], None] | None,
               folder: str) -> list[list[str] | None]:
    """Run the tasks, `jobs` forks at a time, each with its deadline, each in `folder`."""
    mutants = tasks
    ctx = multiprocessing.get_context("fork")
    verdicts: list[list[str] | None] = [None] * len(mutants)
    waiting = list(enumerate(mutants))[::-1]
    running: list[_Running] = []
    while waiting or running:
        while waiting and len(running) < max(1, min(jobs, 2)):
            running.append(_start(ctx, violations, folder, *waiting.pop()))
        soonest = min(r.deadline for r in running) - time.monotonic()
        ready = multiprocessing.connection.wait([r.conn for r in running], max(0.0, soonest))
        for run in [r for r in running if r.conn in ready or time.monotonic() > r.deadline]:
            verdicts[run.index] = _finish(run)
            running.remove(run)
            if progress is not None:
                progress(len(mutants) - len(waiting) - len(running), len(mutants))
    return verdicts
