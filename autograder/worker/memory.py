"""The memory limit where RLIMIT_AS does not hold (macOS accepts it and ignores it; Windows
has no `resource`): a watchdog thread that gives the same verdict, MemoryError.

While a learner call runs (`watch()`), a daemon thread measures the worker's memory every
POLL seconds; over the limit, it interrupts the main thread (`_thread.interrupt_main` with
a signal whose handler raises MemoryError: no ctypes, which the worker's guard refuses),
so the learner's code raises MemoryError where it stands, as an allocation over RLIMIT_AS
does on Linux. After the call, the peak the system kept is compared too, so a peak too
short to be polled still counts. A single C-level operation that fills far more than the
limit (np.ones of 50 GB) cannot be interrupted: past HARD times the limit the worker ends
itself (exit HARD_EXIT), a crash of that call.

What is measured: on Linux, the address space (what RLIMIT_AS counts; /proc/self/statm,
VmPeak); on Windows the committed memory (psutil, else GetProcessMemoryInfo); on macOS the
resident memory or the growth of the address space since start, whichever is larger.

>>> with watch() as w:  # no watchdog started in this process: a no-op
...     pass
>>> w.over
False
"""

from __future__ import annotations

import _thread
import contextlib
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from typing import TypeVar

from .calling import Outcome, Raised, raised_of

POLL = 0.02  # seconds between two measurements during a learner call
HARD = 2.0  # resident memory past this many times the limit ends the worker at once
HARD_EXIT = 137  # the exit status it ends with
CARRIER = signal.SIGINT  # the signal interrupt_main simulates (never a real one: see start)
T = TypeVar("T")


def needed(config: dict) -> bool:
    """True where RLIMIT_AS cannot hold (no `resource`, or macOS), or when forced on.

    >>> needed({"memory_bytes": 0, "memory_watchdog": True})
    False
    """
    if not config.get("memory_bytes"):
        return False
    if config.get("memory_watchdog") or sys.platform == "darwin":
        return True
    try:
        import resource  # noqa: F401
    except ImportError:
        return True
    return False


class Meter:
    """now(), peak() and resident() of this process, in bytes (0 when unknown)."""

    def __init__(self) -> None:
        self.now: Callable[[], int] = lambda: 0
        self.peak: Callable[[], int] = lambda: 0
        self.resident: Callable[[], int] = lambda: 0
        if sys.platform.startswith("linux") and self._linux():
            return
        with contextlib.suppress(Exception):
            self._psutil()

    def _linux(self) -> bool:
        """Opened once, read with pread: no `open` event for the worker's guard to see."""
        try:
            statm = os.open("/proc/self/statm", os.O_RDONLY)
            status = os.open("/proc/self/status", os.O_RDONLY)
        except OSError:
            return False
        page = os.sysconf("SC_PAGE_SIZE")
        self.now = lambda: int(os.pread(statm, 200, 0).split()[0]) * page
        self.resident = lambda: int(os.pread(statm, 200, 0).split()[1]) * page
        self.peak = lambda: _status_kb(os.pread(status, 4096, 0), b"VmPeak:") * 1024
        return True

    def _psutil(self) -> None:
        try:
            import psutil
        except ImportError:
            if os.name == "nt":
                self._windows()
            return
        me = psutil.Process()
        if os.name == "nt":
            self.now = lambda: int(me.memory_info().private)
            self.peak = lambda: int(me.memory_info().peak_pagefile)
        else:  # macOS: vms holds gigabytes of shared maps, so count only its growth
            start = me.memory_info()
            self.now = lambda: max((info := me.memory_info()).rss,
                                   start.rss + info.vms - start.vms)
            import resource

            self.peak = lambda: resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # bytes
        self.resident = lambda: int(me.memory_info().rss)

    def _windows(self) -> None:
        """Without psutil on Windows: GetProcessMemoryInfo through ctypes."""
        import ctypes
        from ctypes import wintypes

        class Counters(ctypes.Structure):
            _fields_ = [("cb", wintypes.DWORD), ("PageFaultCount", wintypes.DWORD),
                        *[(n, ctypes.c_size_t) for n in (
                            "PeakWorkingSetSize", "WorkingSetSize", "QuotaPeakPagedPoolUsage",
                            "QuotaPagedPoolUsage", "QuotaPeakNonPagedPoolUsage",
                            "QuotaNonPagedPoolUsage", "PagefileUsage", "PeakPagefileUsage",
                            "PrivateUsage")]]

        psapi = ctypes.WinDLL("psapi")
        me = ctypes.windll.kernel32.GetCurrentProcess()

        def read() -> Counters:
            counters = Counters()
            counters.cb = ctypes.sizeof(Counters)
            psapi.GetProcessMemoryInfo(me, ctypes.byref(counters), counters.cb)
            return counters

        self.now = lambda: int(read().PrivateUsage)
        self.peak = lambda: int(read().PeakPagefileUsage)
        self.resident = lambda: int(read().WorkingSetSize)


def _status_kb(status: bytes, key: bytes) -> int:
    """The kB figure of one /proc/PID/status line.

    >>> _status_kb(b"Name: x\\nVmPeak:\\t  2048 kB\\n", b"VmPeak:")
    2048
    """
    for line in status.splitlines():
        if line.startswith(key):
            return int(line.split()[1])
    return 0


class Watchdog:
    """The polling thread and the state one `watch()` shares with it."""

    def __init__(self, limit: int, meter: Meter) -> None:
        self.limit, self.meter = limit, meter
        self.armed = self.fired = False
        self.lock = threading.Lock()
        signal.signal(CARRIER, self._handler)  # in place of SIG_IGN: real ones are ignored
        threading.Thread(target=self._poll, name="mindlab-memory", daemon=True).start()

    def _handler(self, signum, frame) -> None:
        if self.armed and self.fired:  # else a real signal, or one arriving after the call
            raise MemoryError(f"the worker's memory went over its limit "
                              f"({self.limit // 2**20} MB)")

    def _poll(self) -> None:
        while True:
            time.sleep(POLL)
            if not self.armed:
                continue
            with contextlib.suppress(Exception):
                if self.meter.now() > self.limit:
                    with self.lock:
                        if self.armed and not self.fired:
                            self.fired = True
                            _thread.interrupt_main(CARRIER)
                if self.meter.resident() > HARD * self.limit:
                    os._exit(HARD_EXIT)


class Watch:
    """One learner call watched; `over` once it has ended: it went over the limit."""

    over = False


_DOG: Watchdog | None = None


def start(config: dict) -> bool:
    """Start the watchdog when `needed(config)`; True if it runs (then skip RLIMIT_AS)."""
    global _DOG
    if _DOG is not None or not needed(config):
        return _DOG is not None
    meter = Meter()
    if meter.now() <= 0:
        return False  # nothing to measure with here: no limit (docs/platforms.md)
    _DOG = Watchdog(int(config["memory_bytes"]), meter)
    return True


@contextlib.contextmanager
def watch() -> Iterator[Watch]:
    """Around one learner call: MemoryError inside it when memory goes over the limit;
    afterwards `.over` (the MemoryError, if it escaped the call, is swallowed: `.over`)."""
    state, dog = Watch(), _DOG
    if dog is None:
        yield state
        return
    peak = dog.meter.peak()
    with dog.lock:
        dog.fired, dog.armed = False, True
    try:
        yield state
    except MemoryError:
        state.over = True
    finally:
        with dog.lock:
            dog.armed = False
        after = dog.meter.peak()
        state.over = state.over or dog.fired or dog.meter.now() > dog.limit \
            or (after > peak and after > dog.limit)


def run(call: Callable[[], T], instead: Callable[[], T]) -> T:
    """call() watched; instead() when it went over the limit (serve.py's calls).

    >>> run(lambda: 1, lambda: 2)
    1
    """
    with watch() as state:
        result = call()
    return instead() if state.over else result  # (unbound only when over)


def no_memory() -> Outcome:
    """A call's Outcome when it ran out of memory, as a failed allocation would give.
    (Imported at the top: once the zygote hid autograder, no import of it works.)"""
    return Outcome(raised=raised_of(MemoryError()))


def no_memory_repeat() -> tuple[list, Raised | None]:
    """repeat_isolated's (values, raised) when a repeat ran out of memory."""
    return [], no_memory().raised
