"""Grading on several threads, one Grader each; what each thread grades is saved at once."""

from __future__ import annotations

import contextlib
import os
import queue
import threading
from collections.abc import Callable
from typing import Any

from .layouts import Entry


def default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


def run_pool(todo: list[tuple[Entry, str]], jobs: int, make_grader: Callable[[], Any],
             grade_one: Callable, fault: Callable, save: Callable[[dict], None],
             progress: Callable | None) -> tuple[int, bool]:
    """Grade `todo` on `jobs` threads, one Grader each; (how many graded, interrupted?).

    A worker saves each record itself, so a result survives whatever happens next.
    After a Ctrl-C the in-flight grades are dropped, not saved: the signal reached
    the learners' processes too, and a grade cut short by it is not the learner's.
    """
    tasks: queue.SimpleQueue = queue.SimpleQueue()
    for task in todo:
        tasks.put(task)
    done: queue.SimpleQueue = queue.SimpleQueue()
    stop = threading.Event()

    def work() -> None:
        with contextlib.ExitStack() as stack:
            grader = None
            while not stop.is_set():
                try:
                    entry, digest = tasks.get_nowait()
                except queue.Empty:
                    return
                try:
                    if grader is None:
                        grader = stack.enter_context(make_grader())
                    record = grade_one(grader, entry, digest)
                except Exception as exc:  # the grader's own fault: this row, then a fresh one
                    record = fault(entry, digest, exc)
                    with contextlib.suppress(Exception):
                        stack.close()
                    grader = None
                if stop.is_set():
                    return
                save(record)
                done.put(record)

    threads = [threading.Thread(target=work, daemon=True, name=f"grader-{i}")
               for i in range(jobs)]
    for t in threads:
        t.start()
    count = 0
    try:
        while count < len(todo) and any(t.is_alive() for t in threads):
            try:
                record = done.get(timeout=0.2)
            except queue.Empty:
                continue
            count += 1
            if progress is not None:
                progress(record, count, len(todo))
        while True:  # records a dying thread delivered after the last check
            try:
                done.get_nowait()
                count += 1
            except queue.Empty:
                break
    except KeyboardInterrupt:
        stop.set()
        for t in threads:
            t.join(timeout=5)
        return count, True
    for t in threads:
        t.join()
    return count, False
