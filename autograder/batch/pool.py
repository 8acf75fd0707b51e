"""Grading on several processes (or threads), one Grader each; each grade is saved at once."""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import queue
import signal
import threading
from collections.abc import Callable
from typing import Any

from ..worker.processes import die_with_parent
from .layouts import Entry


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


def _collect(total: int, get: Callable[[float], dict | None], alive: Callable[[], bool],
             progress: Callable | None, counted: list[int]) -> None:
    """Count the records the graders deliver into counted[0] (calling `progress`) until
    all are in (counted survives a Ctrl-C on the way)."""
    while counted[0] < total and alive():
        record = get(0.2)
        if record is None:
            continue
        counted[0] += 1
        if progress is not None:
            progress(record, counted[0], total)
    while get(0.0) is not None:  # records a dying grader delivered after the last check
        counted[0] += 1


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

    def get(timeout: float) -> dict | None:
        try:
            return done.get(timeout=timeout) if timeout else done.get_nowait()
        except queue.Empty:
            return None

    threads = [threading.Thread(target=work, daemon=True, name=f"grader-{i}")
               for i in range(jobs)]
    for t in threads:
        t.start()
    counted = [0]
    try:
        _collect(len(todo), get, lambda: any(t.is_alive() for t in threads), progress, counted)
    except KeyboardInterrupt:
        stop.set()
        for t in threads:
            t.join(timeout=5)
        return counted[0], True
    for t in threads:
        t.join()
    return counted[0], False


def _run_processes(todo, jobs, make_grader, grade_one, fault, save, progress):
    context = multiprocessing.get_context("fork")  # the closures go with the fork as they are
    tasks = context.Queue()
    for task in todo:
        tasks.put(task)
    for _ in range(jobs):
        tasks.put(None)  # one end mark per grader
    done = context.Queue()
    stop = context.Event()

    def deliver(record: dict) -> None:
        save(record)
        done.put(record)

    def work() -> None:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a Ctrl-C is the parent's to handle
        die_with_parent()
        _grade_all(tasks.get, stop.is_set, make_grader, grade_one, fault, deliver)
        done.close()
        done.join_thread()  # every record delivered before this grader exits

    def get(timeout: float) -> dict | None:
        try:
            return done.get(timeout=timeout) if timeout else done.get_nowait()
        except queue.Empty:
            return None

    graders = [context.Process(target=work, name=f"grader-{i}") for i in range(jobs)]
    for p in graders:
        p.start()
    counted = [0]
    try:
        _collect(len(todo), get, lambda: any(p.is_alive() for p in graders), progress, counted)
    except KeyboardInterrupt:
        stop.set()
        for p in graders:
            p.join(timeout=5)
            if p.is_alive():
                p.kill()
        return counted[0], True
    for p in graders:
        p.join()
    return counted[0], False
