"""The worker: the only process that ever runs learner code.

Two kinds of process live here, both started by runner.py and never imported by the
judge for anything but the message framing (`send_message` / `recv_message`):

- the *zygote* (fork server): a fresh interpreter that imports numpy, the channel and
  the lab's reference once, hides them from learner code, then waits on its control
  socket. For every submission the judge sends it one end of a new socketpair; it
  forks a *worker* that owns that socket, and later kills the worker and everything
  it left behind. Start-up (Python + numpy, ~0.1 s) is paid once per zygote.
- the *worker*: a forked child in its own session, in an empty temporary directory,
  with fds 1/2 on /dev/null (printed text goes to a capped in-memory writer, never to
  the channel), RLIMIT_AS / RLIMIT_FSIZE / RLIMIT_CORE set. It loads the submission
  once (`load`), then answers `call`, `calls` and `repeat` requests until it is killed.

Every message is one wire.encode document behind an 8-byte length (see wire.py: plain
data only, no pickle). A worker request/reply, for example:

    judge -> worker  {"op": "call", "function": "softmax", "args": [array], "kwargs": {}}
    worker -> judge  {"kind": "result", "value": array, "raised": None, "mutated": [], ...}

While a `repeat` runs, the worker sends {"kind": "beat"} now and then, so the judge
can hold each *call* (not the whole batch) to its time limit.
"""

from __future__ import annotations

import contextlib
import gc
import importlib.abc
import io
import json
import linecache
import os
import signal
import socket
import struct
import sys
import time
import traceback
import types

from . import checks, wire

MAX_MESSAGE = 64 * 2**20  # bytes; a learner value larger than this arrives as Unsupported
BEAT_EVERY = 0.05  # seconds between heartbeats during a repeat
RNG_KEY = "$rng"  # {"$rng": seed} stands for checks.Rng(seed) on the wire
UNCARRIED = "value too large to carry, or one the grader could not read"  # "a ..." in feedback


# ---------------------------------------------------------------- framing (both sides)


def send_message(sock: socket.socket, value, fds: list[int] | None = None) -> None:
    """Send one value as an 8-byte length + wire.encode bytes (optionally passing fds)."""
    data = wire.encode(value)
    frame = struct.pack("<Q", len(data)) + data
    if fds:
        socket.send_fds(sock, [frame[:8]], fds)
        sock.sendall(frame[8:])
    else:
        sock.sendall(frame)


def _recv_exact(sock: socket.socket, n: int, deadline: float | None) -> bytes:
    chunks, got = [], 0
    while got < n:
        if deadline is not None:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError
            sock.settimeout(left)
        chunk = sock.recv(min(n - got, 1 << 20))
        if not chunk:
            raise EOFError("the other side closed the channel")
        chunks.append(chunk)
        got += len(chunk)
    return b"".join(chunks)


def recv_message(sock: socket.socket, timeout: float | None = None,
                 limit: int = MAX_MESSAGE + 2**20):
    """One value from the socket. TimeoutError, EOFError, or ValueError (malformed / too big)."""
    deadline = None if timeout is None else time.monotonic() + timeout
    (n,) = struct.unpack("<Q", _recv_exact(sock, 8, deadline))
    if n > limit:
        raise ValueError(f"message of {n} bytes is larger than the limit")
    return wire.decode(_recv_exact(sock, n, deadline))


def rng_to_wire(value):
    """Replace checks.Rng markers by {"$rng": seed} so they cross the channel."""
    if isinstance(value, checks.Rng):
        return {RNG_KEY: int(value.seed)}
    if type(value) in (list, tuple):
        return type(value)(rng_to_wire(v) for v in value)
    if type(value) is dict:
        return {k: rng_to_wire(v) for k, v in value.items()}
    return value


def rng_from_wire(value):
    if type(value) is dict and set(value) == {RNG_KEY}:
        return checks.Rng(int(value[RNG_KEY]))
    if type(value) in (list, tuple):
        return type(value)(rng_from_wire(v) for v in value)
    if type(value) is dict:
        return {k: rng_from_wire(v) for k, v in value.items()}
    return value


# ---------------------------------------------------------------- hiding the grader


class Blocker(importlib.abc.MetaPathFinder):
    """Refuses imports of the grader, the solutions and the reference; remembers attempts.

    >>> b = Blocker(["solutions"]); b.blocks("solutions.lab01"), b.blocks("numpy")
    (True, False)
    """

    def __init__(self, names: list[str]) -> None:
        self.names = list(names)
        self.attempts: list[str] = []

    def blocks(self, fullname: str) -> bool:
        return any(fullname == n or fullname.startswith(n + ".") for n in self.names)

    def find_spec(self, fullname, path=None, target=None):
        if self.blocks(fullname):
            if fullname not in self.attempts:
                self.attempts.append(fullname)
            raise ModuleNotFoundError(f"No module named {fullname!r} (the grader hides it)",
                                      name=fullname)
        return None


class CappedWriter(io.TextIOBase):
    """Stands in for sys.stdout/sys.stderr: keeps the first `keep` characters, drops the rest.

    A flood of print() costs the learner's own time, never the grader's memory or disk.
    """

    def __init__(self, keep: int = 2000) -> None:
        self.keep = keep
        self.head: list[str] = []
        self.count = 0

    def write(self, s) -> int:
        s = str(s)
        if self.count < self.keep:
            self.head.append(s[: self.keep - self.count])
        self.count += len(s)
        return len(s)

    def writable(self) -> bool:
        return True

    def isatty(self) -> bool:
        return False

    def fileno(self) -> int:
        return 1  # /dev/null


# ---------------------------------------------------------------- the zygote


class Zygote:
    """State shared by every worker forked from this zygote (see zygote_main)."""

    def __init__(self, config: dict) -> None:
        self.config = config
        self.functions: list[str] = list(config["functions"])
        self.reference_file: str = config["reference_file"]
        self.refs, self.ref_globals = self._load_reference(config)
        self.shadows = {name: _copy_function(fn) for name, fn in self.refs.items()}
        self.blocker = Blocker(config["blocked"])
        self.tripped: set[str] = set()
        self.counter = 0
        for entry in config.get("preload", []):  # warm caches forked workers share
            module, _, attr = entry.partition(":")
            obj = importlib.import_module(module)
            if attr:
                getattr(obj, attr)()
        self._hide(config)
        for name in config.get("stubs", []):
            _install_stub(name, self.blocker)

    def _load_reference(self, config: dict) -> tuple[dict, dict]:
        """Build the reference module from source the judge sent (its file may be hidden)."""
        name = config["reference"]
        if not config["reference_source"]:  # a student handout has no reference to swap in
            return {}, {}
        package = name.rpartition(".")[0]
        if package:
            importlib.import_module(package)
        module = types.ModuleType(name)
        module.__file__ = self.reference_file
        module.__package__ = package
        sys.modules[name] = module
        exec(compile(config["reference_source"], self.reference_file, "exec"), vars(module))
        refs = {f: getattr(module, f) for f in self.functions}
        ref_globals = vars(module)
        ref_globals["__mindlab_trip__"] = self._trip
        return refs, ref_globals

    def _hide(self, config: dict) -> None:
        """Drop the grader and the reference from sys.modules and sys.path; block re-imports."""
        for mod in list(sys.modules):
            if any(mod == n or mod.startswith(n + ".") for n in config["blocked"]):
                parent, _, child = mod.rpartition(".")
                if parent in sys.modules and getattr(sys.modules[parent], child, None) is \
                        sys.modules[mod]:
                    try:
                        delattr(sys.modules[parent], child)
                    except AttributeError:
                        pass
                del sys.modules[mod]
        hidden = set(config.get("hide_paths", []))
        sys.path[:] = [p for p in sys.path if p not in hidden]
        sys.meta_path.insert(0, self.blocker)
        importlib.invalidate_caches()

    def _trip(self, args: tuple, kwargs: dict):
        """Runs instead of the reference of the function being graded: that is borrowing."""
        name = sys._getframe(1).f_code.co_name  # the tripwire is named after its function
        caller = sys._getframe(2)  # 0: _trip, 1: the tripwire body, 2: whoever called it
        if caller.f_globals is not self.ref_globals:  # the reference calling itself is fine
            self.tripped.add(name)
        return self.shadows[name](*args, **kwargs)


class Nothing:
    """What a stubbed picture returns: any attribute or call gives Nothing again."""

    def __getattr__(self, name: str) -> Nothing:
        if name.startswith("__"):
            raise AttributeError(name)
        return self

    def __call__(self, *args, **kwargs) -> Nothing:
        return self

    def __iter__(self):
        return iter(())

    def __repr__(self) -> str:
        return "<not drawn while grading>"


def _install_stub(name: str, blocker: Blocker | None = None) -> None:
    """Put a do-nothing module at `name` (e.g. pictures, or the in-notebook check cells).

    The grader draws no pictures and runs no in-notebook checks: learner code that
    calls them keeps running, quickly, and their results are never graded.
    """
    module = types.ModuleType(name, "stand-in while grading: every function does nothing")
    module.__path__ = []  # a package, so `import name.sub` asks the Blocker (and is refused)
    module.__getattr__ = lambda attr: (Nothing() if not attr.startswith("__")
                                       else _no_attr(attr))
    sys.modules[name] = module
    parent, _, child = name.rpartition(".")
    if parent:
        if parent not in sys.modules:
            if blocker is not None and blocker.blocks(parent):  # hidden (autograder): a
                _install_stub(parent, blocker)  # stand-in too, never an import attempt
            else:  # a real package keeps its other modules (mindlab_core.lab02's models)
                importlib.import_module(parent)
        setattr(sys.modules[parent], child, module)


def _no_attr(attr: str):
    raise AttributeError(attr)


def _copy_function(fn: types.FunctionType) -> types.FunctionType:
    copy = types.FunctionType(fn.__code__, fn.__globals__, fn.__name__, fn.__defaults__,
                              fn.__closure__)
    copy.__kwdefaults__ = fn.__kwdefaults__
    return copy


def _tripwire_code(name: str) -> types.CodeType:
    """A code object that hands its arguments to __mindlab_trip__ in its function's globals."""
    source = f"def {name}(*args, **kwargs):\n    return __mindlab_trip__(args, kwargs)\n"
    scope: dict = {}
    exec(compile(source, "<mindlab tripwire>", "exec"), scope)
    return scope[name].__code__


def _set_subreaper() -> None:
    """Linux: orphans of our workers become our children, so we can kill them afterwards."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER
    except Exception:
        pass


def _die_with_parent() -> None:
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG
    except Exception:
        pass


def _children(pid: int) -> list[int]:
    """Pids whose parent is `pid` (Linux /proc; [] elsewhere).

    One read of /proc/PID/task/PID/children when the kernel has it (the zygote is single
    threaded, so its main task has them all); else a scan of every /proc/N/stat.
    """
    try:
        with open(f"/proc/{pid}/task/{pid}/children", "rb") as f:
            return [int(n) for n in f.read().split()]
    except (OSError, ValueError):
        pass
    found = []
    try:
        entries = os.listdir("/proc")
    except OSError:
        return found
    for entry in entries:
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as f:
                stat = f.read()
            ppid = int(stat[stat.rindex(b")") + 2 :].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        if ppid == pid:
            found.append(int(entry))
    return found


def describe_status(status: int | None) -> str:
    """' (killed by signal 11, a segmentation fault)' — for LearnerCrashed messages."""
    if status is None:
        return ""
    if os.WIFSIGNALED(status):
        sig = os.WTERMSIG(status)
        what = {signal.SIGSEGV: ", a segmentation fault", signal.SIGKILL: "",
                signal.SIGABRT: ", an abort"}.get(sig, "")
        return f" (it was killed by signal {sig}{what})"
    if os.WIFEXITED(status):
        return f" (it exited with status {os.WEXITSTATUS(status)})"
    return ""


def zygote_main(control_fd: int) -> None:
    """Serve fork requests on the control socket until it closes."""
    control = socket.socket(fileno=control_fd)
    _die_with_parent()
    _set_subreaper()
    (n,) = struct.unpack("<Q", _recv_exact(control, 8, None))
    zygote = Zygote(json.loads(_recv_exact(control, n, None)))  # JSON: sent before numpy
    gc.freeze()  # forked workers share these pages instead of copying them on first gc
    send_message(control, {"kind": "ready", "pid": os.getpid()})
    live: dict[int, str] = {}
    while True:
        try:
            request, fds = _recv_with_fds(control)
        except (EOFError, OSError, ValueError):
            break
        op = request.get("op")
        if op == "spawn":
            zygote.counter += 1
            tmp = os.path.join(zygote.config["tmp_base"], f"w{zygote.counter}")
            os.mkdir(tmp, 0o700)
            pid = os.fork()
            if pid == 0:
                control.close()
                _worker_entry(zygote, fds[0], tmp)
            os.close(fds[0])
            live[pid] = tmp
            send_message(control, {"kind": "spawned", "pid": pid})
        elif op == "kill":
            pid = int(request["pid"])
            status = _kill_all(pid)
            _remove_tree(live.pop(pid, ""))
            send_message(control, {"kind": "killed", "status": describe_status(status)})
        else:
            break
    for pid, tmp in live.items():
        _kill_all(pid)
        _remove_tree(tmp)


def _recv_with_fds(control: socket.socket) -> tuple[dict, list[int]]:
    header, fds, _, _ = socket.recv_fds(control, 8, 4)
    if not header:
        raise EOFError
    if len(header) < 8:
        header += _recv_exact(control, 8 - len(header), None)
    (n,) = struct.unpack("<Q", header)
    if n > 2**20:
        raise ValueError("control message too large")
    return wire.decode(_recv_exact(control, n, None)), fds


def _kill_all(pid: int) -> int | None:
    """Kill a worker, its process group and every process it left behind; its wait status."""
    for kill in (lambda: os.killpg(pid, signal.SIGKILL), lambda: os.kill(pid, signal.SIGKILL)):
        try:
            kill()
        except OSError:
            pass
    status = None
    try:
        _, status = os.waitpid(pid, 0)
    except ChildProcessError:
        pass
    for _ in range(100):  # leftovers re-parented to us (we are a subreaper)
        orphans = _children(os.getpid())
        if not orphans:
            break
        for child in orphans:
            for kill in (lambda c=child: os.killpg(c, signal.SIGKILL),
                         lambda c=child: os.kill(c, signal.SIGKILL)):
                try:
                    kill()
                except OSError:
                    pass
        for child in orphans:
            try:
                os.waitpid(child, 0)
            except ChildProcessError:
                pass
    while True:  # reap anything else that already ended
        try:
            if os.waitpid(-1, os.WNOHANG)[0] == 0:
                break
        except ChildProcessError:
            break
    return status


def _remove_tree(path: str) -> None:
    """Delete a worker's directory even if the learner made parts of it read-only."""
    if not path or not os.path.isdir(path):
        return
    import shutil

    for root, dirs, _ in os.walk(path):
        for d in dirs:
            try:
                os.chmod(os.path.join(root, d), 0o700)
            except OSError:
                pass
    shutil.rmtree(path, ignore_errors=True)


# ---------------------------------------------------------------- the worker


def _worker_entry(zygote: Zygote, channel_fd: int, tmp: str) -> None:
    """Become a worker; never return (os._exit), whatever learner code does."""
    code = 0
    try:
        os.setsid()
        _die_with_parent()
        _confine(zygote.config, tmp)
        Worker(zygote, socket.socket(fileno=channel_fd)).serve()
    except BaseException:
        code = 70
    finally:
        os._exit(code)


def _confine(config: dict, tmp: str) -> None:
    """cwd in an empty directory, no stdin, fds 1/2 on /dev/null, resource limits."""
    os.chdir(tmp)
    os.environ["HOME"] = os.environ["TMPDIR"] = tmp
    null = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(null, fd)
    os.close(null)
    sys.stdin = io.StringIO("")
    sys.stdout = CappedWriter()
    sys.stderr = CappedWriter()
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a too-big file is an error, not a kill
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        import resource
    except ImportError:  # not on this platform
        return
    limits = [(resource.RLIMIT_CORE, 0), (resource.RLIMIT_FSIZE, config["file_bytes"])]
    if config.get("memory_bytes"):
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
    return data if len(data) <= MAX_MESSAGE else b""


def _outcome_data(outcome: checks.Outcome) -> dict:
    """An Outcome as plain data for the channel (runner.WorkerLearner._outcome reads it)."""
    raised = outcome.raised
    return {"value": outcome.value,
            "raised": None if raised is None else
            {"types": list(raised.type_names), "message": raised.message,
             "trace": raised.traceback},
            "mutated": list(outcome.mutated)}


def _first_line(source: str) -> int:
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
        self.tripwires = {name: _tripwire_code(name) for name in zygote.refs}

    def serve(self) -> None:
        while True:
            try:
                request = recv_message(self.sock)
            except (EOFError, OSError, ValueError):
                return
            op = request.get("op")
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
        data = _encoded(value)
        if not data:
            value = {k: v for k, v in value.items() if k not in ("value", "values")}
            value["value"] = wire.Unsupported(UNCARRIED)
            data = wire.encode(value)
        self.sock.sendall(struct.pack("<Q", len(data)) + data)

    # ------------------------------------------------------------ load

    def load(self, request: dict) -> dict:
        """Run the submission's code cells once, in order. Problems become notes."""
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
                notes.append(f"{filename}: the cell starting at line {_first_line(source)} "
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
        defined = {}
        for f in self.z.functions:
            if f in ns:
                defined[f] = "function" if callable(ns[f]) else wire.type_name(ns[f])
        return {"kind": "loaded", "notes": notes, "defined": defined,
                "borrowed": self._borrowed_at_load(), "blocked": list(self.z.blocker.attempts),
                "printed": sys.stdout.count + sys.stderr.count}

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
            raised = checks.raised_of(exc)
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
        ref_codes = {id(fn.__code__) for fn in self.z.refs.values()}
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
            if (any(obj is fn for fn in self.z.refs.values()) or id(code) in ref_codes
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

    @contextlib.contextmanager
    def _tripwire(self, function: str):
        """While inside, the reference of `function` notes who calls it (borrowing)."""
        ref = self.z.refs.get(function)
        if ref is None:
            yield
            return
        original = ref.__code__
        ref.__code__ = self.tripwires[function]
        try:
            yield
        finally:
            ref.__code__ = original

    def _exited(self, exc: SystemExit) -> checks.Raised:
        """exit() inside a graded function: reported as what it raised; we keep serving."""
        return checks.Raised(("builtins.SystemExit", "builtins.BaseException"),
                             str(exc.code), self._trace(exc))

    def _one_call(self, function: str, args, kwargs) -> checks.Outcome:
        """call_isolated with the tripwire set on the reference of `function`."""
        try:
            with self._tripwire(function):
                return checks.call_isolated(self.namespace, self.z.refs, function, args,
                                            kwargs, trace=self._trace)
        except SystemExit as exc:
            return checks.Outcome(raised=self._exited(exc))

    def _result(self, function: str, outcome: checks.Outcome) -> dict:
        return {"kind": "result", **_outcome_data(outcome),
                "borrowed": function in self.z.tripped}

    def call(self, request: dict) -> dict:
        function = request["function"]
        args = rng_from_wire(tuple(request["args"]))
        kwargs = rng_from_wire(request["kwargs"])
        try:
            outcome = self._one_call(function, args, kwargs)
        except checks.MissingFunction:
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
        """One call per case, in order, each with its own arguments and watched for mutation."""
        function = request["function"]
        for args, kwargs in request["cases"]:
            try:
                outcome = self._one_call(function, rng_from_wire(tuple(args)),
                                         rng_from_wire(kwargs))
            except checks.MissingFunction:
                return {"kind": "missing"}
            # each answer on its own: the judge keeps it if a later case hangs or crashes,
            # and times every case from the answer before it
            self.reply({"kind": "case", **_outcome_data(outcome)})
        return {"kind": "result", "borrowed": function in self.z.tripped}

    def repeat(self, request: dict) -> dict:
        """`times` calls sharing one Generator per Rng seed; heartbeats keep the judge patient."""
        function = request["function"]
        args = rng_from_wire(tuple(request["args"]))
        kwargs = rng_from_wire(request["kwargs"])
        beat = self._heartbeat()
        try:
            with self._tripwire(function):
                values, raised = checks.repeat_isolated(
                    self.namespace, self.z.refs, function, int(request["times"]), args,
                    kwargs, trace=self._trace, between=beat)
        except checks.MissingFunction:
            return {"kind": "missing"}
        except SystemExit as exc:
            values, raised = [], self._exited(exc)
        if raised is not None:
            return self._result(function, checks.Outcome(raised=raised))
        return {"kind": "result", "values": values, "raised": None, "mutated": [],
                "borrowed": function in self.z.tripped}
