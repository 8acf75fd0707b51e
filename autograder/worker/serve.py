"""A worker: the forked child that loads one submission and answers the judge's calls.

It runs in its own session, in an empty temporary directory, with fds 0/1/2 on /dev/null
(what learner code prints goes nowhere), RLIMIT_AS / RLIMIT_FSIZE / RLIMIT_CORE set. It
loads the submission once (`load`), then answers `call`, `calls` and `repeat` requests
(protocol.py) until the zygote kills it. It never returns: os._exit, whatever learner
code does.

While a `repeat` runs, the worker sends {"kind": "beat"} now and then, so the judge
can hold each *call* (not the whole batch) to its time limit.
"""

from __future__ import annotations

import functools
import io
import linecache
import os
import signal
import socket
import sys
import time
import traceback
import types
from typing import TYPE_CHECKING

from . import cpucap, guard, landlock, lockdown, memory, protocol, wire
from .calling import (
    NoSuchFunction,
    Outcome,
    Raised,
    call_isolated,
    raised_of,
    repeat_isolated,
    snapshot,
)
from .hiding import Silent, forget_native
from .processes import die_with_parent
from .standins import StandIns

if TYPE_CHECKING:
    from .zygote import Zygote

BEAT_EVERY = 0.05  # seconds between heartbeats during a repeat
MAX_OPEN_FILES = 256  # file descriptors a worker may hold (RLIMIT_NOFILE)


def worker_entry(zygote: Zygote, channel_fd: int, tmp: str) -> None:
    """Become a worker; never return (os._exit), whatever learner code does."""
    code = 0
    try:
        getattr(os, "setsid", lambda: None)()  # POSIX (on Windows: see standalone.py)
        die_with_parent()
        _confine(zygote.config, tmp)
        worker = Worker(zygote, socket.socket(fileno=channel_fd))
        # a process the learner's code forks never speaks for the worker: its copy of the
        # channel is closed at once (a builtin bound now: nothing later can change it)
        os.register_at_fork(after_in_child=functools.partial(os.close, channel_fd))
        if zygote.config.get("drop"):
            lockdown.drop_to_nobody(tmp)
        else:
            lockdown.drop_capabilities()  # root that stays root: no capabilities left
        landlock.restrict(tmp, zygote.file_rules)  # (where the kernel has Landlock)
        lockdown.forbid_syscalls(os.getpid())
        forget_native(zygote.blocker, zygote.native_holders)
        guard.install(tmp, zygote.config.get("readable", []), zygote.config.get("hidden", []))
        worker.serve()
    except BaseException:
        code = 70
    finally:
        os._exit(code)


def _confine(config: dict, tmp: str) -> None:
    """cwd in an empty directory, no stdin, fds 1/2 on /dev/null, resource limits."""
    os.chdir(tmp)
    os.environ["HOME"] = os.environ["TMPDIR"] = tmp
    # an import writes no bytecode: beside an editable install's sources (mindlab_core not
    # compiled yet) that write was refused, and every honest file got an integrity note
    sys.dont_write_bytecode = True
    null = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(null, fd)
    os.close(null)
    sys.stdin = io.StringIO("")
    sys.stdout = Silent()
    sys.stderr = Silent()
    # a too-big file is an error, not a kill (Windows has no SIGXFSZ)
    signal.signal(getattr(signal, "SIGXFSZ", signal.SIGINT), signal.SIG_IGN)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    watched = memory.start(config)  # where RLIMIT_AS does not hold (memory.py)
    try:
        import resource
    except ImportError:  # not on this platform
        return
    # open files too: with MAX_MADE files (guard.py) a submission needs a handful, and each
    # open one can hold up to the size limit on disk
    limits = [(resource.RLIMIT_CORE, 0), (resource.RLIMIT_FSIZE, config["file_bytes"]),
              (resource.RLIMIT_NOFILE, MAX_OPEN_FILES)]
    if config.get("memory_bytes") and not watched:
        limits.append((resource.RLIMIT_AS, config["memory_bytes"]))
    for which, value in limits:
        try:
            resource.setrlimit(which, (value, value))
        except (ValueError, OSError):
            pass  # e.g. macOS refuses RLIMIT_AS: the wall-time limit still applies


def _encoded(value) -> bytes:
    """wire.encode(value), or b"" when it cannot be carried (unreadable or too large)."""
    try:
        data = wire.encode(value)
    except BaseException:  # e.g. the learner patched numpy so their value cannot encode
        return b""
    if len(data) > protocol.MAX_MESSAGE or int.from_bytes(data[:4], "little") > wire.MAX_HEADER \
            or not wire.within_values(data):
        return b""
    return data


def _outcome_data(outcome: Outcome) -> dict:
    """An Outcome as plain data for the channel (remote.WorkerLearner._outcome reads it):
    the arguments as the call left them go back too, so the judge decides on mutation."""
    raised = outcome.raised
    args, kwargs = outcome.after if outcome.after is not None else ((), {})
    return {"value": outcome.value,
            "raised": None if raised is None else
            {"types": list(raised.type_names), "message": raised.message,
             "trace": raised.traceback},
            "after": [_carried(a) for a in args],
            "after_kwargs": {k: _carried(v) for k, v in kwargs.items()}}


def _carried(value):
    """An argument as it goes back: a Generator (the one input meant to change) as None."""
    return None if type(value).__name__ == "Generator" else value


def first_line(source: str) -> int:
    """The 1-based line of a cell's first non-blank line (cells keep the file's numbering)."""
    for n, line in enumerate(source.splitlines(), 1):
        if line.strip():
            return n
    return 1


class Worker:
    """Loads one submission, then answers call / repeat requests over its socket."""

    def __init__(self, zygote: Zygote, sock: socket.socket) -> None:
        self.z = zygote
        self.sock = sock
        self.namespace: dict = {}
        self.learner_files: set[str] = set()
        self.trace = self._trace  # None when the judge shows no tracebacks (load's "traces")
        # what the learner's function under test gets for the *other* graded functions:
        # stand-ins that ask the judge, which alone holds the reference (standins.py)
        self.answers = StandIns(sock)
        self.refs = {name: self.answers.stand_in(name) for name in zygote.functions} \
            if zygote.answers else {}

    def serve(self) -> None:
        while True:
            try:
                request = protocol.recv_message(self.sock, shared=True)
            except (EOFError, OSError, ValueError):
                return
            op = request.get("op")
            self.answers.forget(request.get("function"))  # none of its own at hand
            self.answers.keep_ahead(request)
            if op == "load":
                reply = self.load(request)
            elif op == "call":
                reply = self.call(request)
            elif op == "calls":
                reply = self.calls(request)
            elif op == "repeat":
                reply = self.repeat(request)
            else:
                return
            self.reply(reply)

    def reply(self, value: dict) -> None:
        if value.get("kind") in ("loaded", "result"):  # what the guard refused, by kind
            value = {**value, "refused": dict(guard.REFUSALS)}
        data = _encoded(value)
        if not data:
            value = {k: v for k, v in value.items() if k not in ("value", "values")}
            value["value"] = wire.Unsupported(protocol.UNCARRIED)
            data = wire.encode(value)
        protocol.send_frame(self.sock, data)

    # ------------------------------------------------------------ load

    def load(self, request: dict) -> dict:
        """Run the submission's code cells once, in order. Problems become notes."""
        cpucap.cap_cpu(request.get("cpu_seconds"))  # before the first learner line (cpucap.py)
        if request.get("traces") is False:
            self.trace = None
        name = request["module"]
        module = types.ModuleType(name)
        module.__file__ = request["display"]
        sys.modules[name] = module
        self.namespace = ns = vars(module)
        notes: list[str] = []
        stop = request["stop_on_error"]
        skip = set(request.get("skip", ()))
        for i, (source, filename) in enumerate(request["cells"]):
            if i in skip:  # it hung on an earlier load: say so, run the rest
                notes.append(f"{filename}: the cell starting at line {first_line(source)} "
                             "did not finish loading in time (an endless loop or a long "
                             "computation?), so it was skipped; the cells after it still ran.")
                continue
            if not stop:  # cell by cell: the judge learns which cell hangs, if one does
                self.reply({"kind": "beat", "cell": i})
            self.learner_files.add(filename)
            linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
            problem, fatal = self._run_cell(source, filename, ns, stop)
            if problem:
                notes.append(problem)
                if stop or fatal:
                    break
        defined = {f: "function" if callable(ns[f]) else wire.type_name(ns[f])
                   for f in self.z.functions if f in ns}
        return {"kind": "loaded", "notes": notes, "defined": defined,
                "borrowed": self._borrowed_at_load(), "blocked": list(self.z.blocker.attempts)}

    def _run_cell(self, source: str, filename: str, ns: dict,
                  stop: bool) -> tuple[str, bool]:
        """('', False) when the cell ran; else (one sentence, whether loading must stop)."""
        try:
            code = compile(source, filename, "exec", dont_inherit=True)
        except SyntaxError as exc:
            where = f"{filename} line {exc.lineno}" if exc.lineno else filename
            return (f"{where}: SyntaxError: {exc.msg}. Python cannot run code with a syntax "
                    "error, so nothing in it was graded: fix that line."), False
        except (ValueError, MemoryError, RecursionError, OverflowError) as exc:
            return (f"{filename} could not be read as Python "
                    f"({type(exc).__name__}: {exc})."), False
        try:
            exec(code, ns)
        except SystemExit:
            return (f"{filename} line {self._line(sys.exc_info()[2], filename)} called exit() "
                    "while loading, so the grader stopped reading your code there: remove the "
                    "exit call (functions defined after it are missing)."), True
        except BaseException as exc:
            raised = raised_of(exc)
            rest = ("the code after it did not run, so functions defined after it are missing"
                    if stop else "the rest of that cell did not run")
            return (f"{filename} line {self._line(exc.__traceback__, filename)} raised {raised} "
                    f"while loading; {rest}."), False
        return "", False

    @staticmethod
    def _line(tb, filename: str) -> str:
        """The cell's own line that raised: the outermost frame in `filename`, so a demo
        line calling a stub is named, not the stub's `raise` (in a .py every cell has the
        same filename; in a notebook a stub defined in another cell has another one)."""
        for frame in traceback.extract_tb(tb):
            if frame.filename == filename:
                return str(frame.lineno)
        return "?"

    def _borrowed_at_load(self) -> dict[str, str]:
        """Graded names bound to the reference's own function, code or module."""
        ref_codes = {id(fn.__code__) for fn in self.refs.values()}
        blocked = self.z.blocker.names
        found = {}
        for name in self.z.functions:
            obj = self.namespace.get(name)
            if obj is None:
                continue
            try:
                code = getattr(obj, "__code__", None)
                module = str(getattr(obj, "__module__", "") or "")
                filename = getattr(code, "co_filename", "")
            except BaseException:
                continue
            core = module.partition(".")[0] == "mindlab_core"  # another lab's reference too
            if (any(obj is fn for fn in self.refs.values()) or id(code) in ref_codes
                    or filename == self.z.reference_file or core
                    or any(module == b or module.startswith(b + ".") for b in blocked)):
                found[name] = (f"{name} is the reference solution's function, not yours "
                               f"(it comes from {module or filename}), so it earns no credit.")
        return found

    # ------------------------------------------------------------ calls

    def _trace(self, exc: BaseException) -> str:
        frames = [f for f in traceback.extract_tb(exc.__traceback__)
                  if f.filename in self.learner_files]
        return "".join(traceback.format_list(frames))[-3000:]  # the judge adds the last line

    def _exited(self, exc: SystemExit) -> Raised:
        """exit() inside a graded function: reported as what it raised; we keep serving."""
        return Raised(("builtins.SystemExit", "builtins.BaseException"),
                             str(exc.code), self.trace(exc) if self.trace else "")

    def _one_call(self, function: str, args, kwargs) -> Outcome:
        """call_isolated, the arguments kept as the call left them (the judge compares)."""
        try:
            return memory.run(lambda: call_isolated(  # memory.py: where RLIMIT_AS cannot
                self.namespace, self.refs, function, args, kwargs, trace=self.trace,
                watch=False, keep=True), memory.no_memory)
        except SystemExit as exc:
            return Outcome(raised=self._exited(exc))

    def _result(self, function: str, outcome: Outcome) -> dict:
        return {"kind": "result", **_outcome_data(outcome)}

    def call(self, request: dict) -> dict:
        function = request["function"]
        args = protocol.rng_from_wire(tuple(request["args"]))
        kwargs = protocol.rng_from_wire(request["kwargs"])
        try:
            outcome = self._one_call(function, args, kwargs)
        except NoSuchFunction:
            return {"kind": "missing"}
        return self._result(function, outcome)

    def _heartbeat(self):
        """A function to call after each call of a repeat: it sends a beat when BEAT_EVERY
        has passed since the last one, so the judge, which waits at most one call's time
        limit for any message, holds each call of the repeat to that limit (give or take
        BEAT_EVERY). A batch of calls needs none: it answers each case as it finishes."""
        last = time.monotonic()

        def beat() -> None:
            nonlocal last
            now = time.monotonic()
            if now - last > BEAT_EVERY:
                self.reply({"kind": "beat"})
                last = now

        return beat

    def calls(self, request: dict) -> dict:
        """One call per case, in order, each with its own arguments, sent back as the call
        left them (the judge compares); the last case's outcome is the final reply."""
        function = request["function"]
        cases = request["cases"]
        for i in range(len(cases)):
            # each case's arguments made just before its call and let go after its answer,
            # as in a notebook's loop: a function that keeps results by id(W) meets a new
            # matrix where a freed one was (request["cases"] made them all at once)
            args, kwargs = snapshot(cases[i])
            cases[i] = None
            try:
                outcome = self._one_call(function, protocol.rng_from_wire(tuple(args)),
                                         protocol.rng_from_wire(kwargs))
            except NoSuchFunction:
                return {"kind": "missing"}
            del args, kwargs
            if i == len(cases) - 1:
                return self._result(function, outcome)
            # each answer on its own: the judge keeps it if a later case hangs or crashes,
            # and times every case from the answer before it
            self.reply({"kind": "case", **_outcome_data(outcome)})
            del outcome
        return {"kind": "result"}  # (no cases: the judge never sends such a request)

    def repeat(self, request: dict) -> dict:
        """`times` calls sharing one Generator per Rng seed; heartbeats keep the judge patient."""
        function = request["function"]
        args = protocol.rng_from_wire(tuple(request["args"]))
        kwargs = protocol.rng_from_wire(request["kwargs"])
        beat = self._heartbeat()
        try:
            values, raised = memory.run(lambda: repeat_isolated(
                self.namespace, self.refs, function, int(request["times"]), args,
                kwargs, trace=self.trace, between=beat), memory.no_memory_repeat)
        except NoSuchFunction:
            return {"kind": "missing"}
        except SystemExit as exc:
            values, raised = [], self._exited(exc)
        if raised is not None:
            return self._result(function, Outcome(raised=raised))
        return {"kind": "result", "values": values, "raised": None}
