"""Grading on several processes (or threads), one Grader each; each grade is saved at once."""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import queue
import signal
import threading
import time
from collections.abc import Callable
from typing import Any

from ..worker.processes import die_with_parent
from .layouts import Entry

MAX_RESTARTS = 8  # graders started again after one died, per batch


def default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


def run_pool(todo: list[tuple[Entry, str]], jobs: int, make_grader: Callable[[], Any],
             grade_one: Callable, fault: Callable, save: Callable[[dict], None],
             progress: Callable | None) -> tuple[int, bool]:
    """Grade `todo` on `jobs` graders at once; (how many graded, interrupted?).

    Each grader lives in a process of its own where fork() exists (the judge's checks are
    Python: on threads, two graders would take turns at one interpreter lock), else on a
    thread. A grader saves each record itself, so a result survives whatever happens
    next. After a Ctrl-C the in-flight grades are dropped, not saved: the signal reached
    the learners' processes too, and a grade cut short by it is not the learner's.
    """
    if jobs > 1 and hasattr(os, "fork") and "fork" in multiprocessing.get_all_start_methods():
        return _run_processes(todo, jobs, make_grader, grade_one, fault, save, progress)
    return _run_threads(todo, jobs, make_grader, grade_one, fault, save, progress)


def _grade_all(next_task: Callable[[], Any], stopped: Callable[[], bool],
               make_grader: Callable[[], Any], grade_one: Callable, fault: Callable,
               deliver: Callable[[dict], None]) -> None:
    """One grader's loop: take tasks until none is left (or a stop), grade, deliver."""
    with contextlib.ExitStack() as stack:
        grader = None
        while not stopped():
            task = next_task()
            if task is None:
                return
            entry, digest = task
            try:
                if grader is None:
                    grader = stack.enter_context(make_grader())
                record = grade_one(grader, entry, digest)
            except Exception as exc:  # the grader's own fault: this row, then a fresh one
                record = fault(entry, digest, exc)
                with contextlib.suppress(Exception):
                    stack.close()
                grader = None
            if stopped():
                return
            deliver(record)


class _Count:
    """The records delivered so far, each shown by `progress(record, done, total)`."""

    def __init__(self, total: int, progress: Callable | None) -> None:
        self.total, self.progress, self.done = total, progress, 0

    def add(self, record: dict, show: bool = True) -> None:
        self.done += 1
        if show and self.progress is not None:
            self.progress(record, self.done, self.total)


def _run_threads(todo, jobs, make_grader, grade_one, fault, save, progress):
    tasks: queue.SimpleQueue = queue.SimpleQueue()
    for task in todo:
        tasks.put(task)
    done: queue.SimpleQueue = queue.SimpleQueue()
    stop = threading.Event()

    def next_task() -> Any:
        try:
            return tasks.get_nowait()
        except queue.Empty:
            return None

    def deliver(record: dict) -> None:
        save(record)
        done.put(record)

    def work() -> None:
        _grade_all(next_task, stop.is_set, make_grader, grade_one, fault, deliver)

    threads = [threading.Thread(target=work, daemon=True, name=f"grader-{i}")
               for i in range(jobs)]
    for t in threads:
        t.start()
    count = _Count(len(todo), progress)
    try:
        while count.done < len(todo) and any(t.is_alive() for t in threads):
            with contextlib.suppress(queue.Empty):
                count.add(done.get(timeout=0.2))
        with contextlib.suppress(queue.Empty):
            while True:  # records a dying thread delivered after the last check
                count.add(done.get_nowait(), show=False)
    except KeyboardInterrupt:
        stop.set()
        for t in threads:
            t.join(timeout=5)
        return count.done, True
    for t in threads:
        t.join()
    return count.done, False


def _run_processes(todo, jobs, make_grader, grade_one, fault, save, progress):
    """The graders as processes, each fed one student at a time over a pipe of its own:
    the parent always knows who each grader is grading, so a grader that dies (kill -9,
    the OOM killer) costs that student a fault row saying so, a fresh grader takes over,
    and nothing a dying process leaves half-written is shared. A Ctrl-C (or two) ends
    everything within 5 s.
    """
    from multiprocessing.connection import wait

    context = multiprocessing.get_context("fork")  # the closures go with the fork as they are
    stop = context.Event()

    def work(conn: Any) -> None:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a Ctrl-C is the parent's to handle
        die_with_parent()

        def next_task() -> Any:
            try:
                i = conn.recv()
            except (EOFError, OSError):  # the parent is gone or stopping
                return None
            return None if i is None else todo[i]

        def deliver(record: dict) -> None:
            save(record)
            conn.send(record)

        _grade_all(next_task, stop.is_set, make_grader, grade_one, fault, deliver)

    waiting = list(range(len(todo)))[::-1]  # the students not handed out yet (pop: next)
    graders: dict[Any, tuple[Any, int | None]] = {}  # pipe -> (process, student it grades)
    count, restarts = _Count(len(todo), progress), 0

    def hand_out(conn: Any, grader: Any) -> None:
        i = waiting.pop() if waiting else None
        graders[conn] = (grader, i)
        conn.send(i)

    def start() -> None:
        ours, theirs = context.Pipe()
        grader = context.Process(target=work, args=(theirs,), name="grader", daemon=True)
        grader.start()
        theirs.close()
        hand_out(ours, grader)

    try:
        for _ in range(min(jobs, len(todo))):
            start()
        while count.done < len(todo) and graders:
            for conn in wait(list(graders), timeout=0.2):
                grader, i = graders[conn]
                try:
                    count.add(conn.recv())
                    hand_out(conn, grader)
                    continue
                except (EOFError, OSError):  # it ended: out of work, or it died
                    del graders[conn]
                    conn.close()
                grader.join(timeout=5)
                if i is None:
                    continue
                entry, digest = todo[i]  # the student it was grading: a fault row, no hole
                why = f"its grading process died (exit status {grader.exitcode})"
                record = fault(entry, digest, RuntimeError(why))
                save(record)
                count.add(record)
                if waiting and restarts < MAX_RESTARTS:
                    restarts += 1
                    start()
    except KeyboardInterrupt:
        stop.set()
        for conn in graders:  # a grader waiting for work ends at once
            conn.close()
        _end([grader for grader, _ in graders.values()])
        return count.done, True
    for conn in list(graders):
        with contextlib.suppress(OSError):
            conn.send(None)
    _end([grader for grader, _ in graders.values()], patience=60.0)
    return count.done, False


def _end(graders: list, patience: float = 5.0) -> None:
    """Wait up to `patience` seconds for the graders to end, then kill what is left (a
    second Ctrl-C kills at once)."""
    deadline = time.monotonic() + patience
    try:
        for grader in graders:
            grader.join(timeout=max(0.0, deadline - time.monotonic()))
    except KeyboardInterrupt:
        pass
    for grader in graders:
        if grader.is_alive():
            grader.kill()
            grader.join()
