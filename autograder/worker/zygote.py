"""The zygote (fork server): imports numpy and the lab's reference once, forks a worker per
submission, and kills each worker and everything it left behind.

Started by isolation/launch.py (inside bubblewrap or not) as

    python -E -s -c "...; from autograder.worker.zygote import zygote_main; zygote_main(fd)"

it reads its JSON config, answers "ready", then serves `spawn` and `kill` on its control
socket (protocol.py) until that closes. Start-up (Python + numpy, ~0.1 s) is paid once per
zygote; a fresh worker costs milliseconds.
"""

from __future__ import annotations

import gc
import importlib
import os
import socket
import sys
import types

from . import protocol
from .hiding import Blocker, hide, install_stub
from .processes import describe_status, die_with_parent, kill_all, remove_tree, set_subreaper
from .serve import worker_entry


class Zygote:
    """State shared by every worker forked from this zygote (see zygote_main).

    The judge's handle on this process is forkserver.ForkServer."""

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
        hide(config["blocked"], config.get("hide_paths", []), self.blocker)
        for name in config.get("stubs", []):
            install_stub(name, self.blocker)

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

    def _trip(self, args: tuple, kwargs: dict):
        """Runs instead of the reference of the function being graded: that is borrowing."""
        name = sys._getframe(1).f_code.co_name  # the tripwire is named after its function
        caller = sys._getframe(2)  # 0: _trip, 1: the tripwire body, 2: whoever called it
        if caller.f_globals is not self.ref_globals:  # the reference calling itself is fine
            self.tripped.add(name)
        return self.shadows[name](*args, **kwargs)


def _copy_function(fn: types.FunctionType) -> types.FunctionType:
    copy = types.FunctionType(fn.__code__, fn.__globals__, fn.__name__, fn.__defaults__,
                              fn.__closure__)
    copy.__kwdefaults__ = fn.__kwdefaults__
    return copy


def zygote_main(control_fd: int) -> None:
    """Serve fork requests on the control socket until it closes."""
    control = socket.socket(fileno=control_fd)
    die_with_parent()
    set_subreaper()
    zygote = Zygote(protocol.recv_json(control))  # JSON: the judge sends it before numpy
    gc.freeze()  # forked workers share these pages instead of copying them on first gc
    protocol.send_message(control, {"kind": "ready", "pid": os.getpid()})
    live: dict[int, str] = {}
    while True:
        try:
            request, fds = protocol.recv_with_fds(control)
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
                worker_entry(zygote, fds[0], tmp)
            os.close(fds[0])
            live[pid] = tmp
            protocol.send_message(control, {"kind": "spawned", "pid": pid})
        elif op == "kill":
            pid = int(request["pid"])
            status = kill_all(pid)
            remove_tree(live.pop(pid, ""))
            protocol.send_message(control, {"kind": "killed",
                                           "status": describe_status(status)})
        else:
            break
    for pid, tmp in live.items():
        kill_all(pid)
        remove_tree(tmp)


