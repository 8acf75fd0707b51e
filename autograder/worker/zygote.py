"""The zygote (fork server): imports numpy and the lab's reference once, forks a worker per
submission, and kills each worker and everything it left behind.

Started by isolation/launch.py (inside bubblewrap or not) as

    python -E -s -c "...; from mindlab_grader.worker.zygote import zygote_main; zygote_main(fd)"

it reads its JSON config, answers "ready", then serves `spawn` and `kill` on its control
socket (protocol.py) until that closes. Start-up (Python + numpy, ~0.1 s) is paid once per
zygote; a fresh worker costs milliseconds.
"""

from __future__ import annotations

import gc
import importlib
import os
import socket

from . import landlock, protocol
from .hiding import Blocker, hide, install_stub, native_holders
from .processes import (
    describe_status,
    die_with_parent,
    kill_all,
    make_undumpable,
    remove_tree,
    set_subreaper,
)
from .serve import worker_entry


class Zygote:
    """State shared by every worker forked from this zygote (see zygote_main).

    It holds no reference answers: a worker asks the judge for them (serve.py), so
    nothing of the reference is in memory that learner code could borrow. The judge's
    handle on this process is forkserver.ForkServer."""

    def __init__(self, config: dict) -> None:
        self.config = config
        self.functions: list[str] = list(config["functions"])
        self.reference_file: str = config["reference_file"]  # a learner reading it is noted
        self.answers: bool = bool(config["answers"])  # can the judge answer for the reference?
        self.blocker = Blocker(config["blocked"])
        self.counter = 0
        # what the kernel lets each worker read (worker/landlock.py), worked out once here
        self.file_rules = landlock.rules(config.get("readable", []), config.get("hidden", []))
        self.native_holders = native_holders()  # what each worker clears (hiding.py)
        for entry in config.get("preload", []):  # warm caches forked workers share
            module, attr = _attribute(entry)
            if attr:
                getattr(module, attr)()
        for entry in config.get("while_grading", []):  # e.g. a sample for a demo's data
            name, _, replacement = entry.partition("=")
            target, source = (_attribute(part) for part in (name, replacement))
            setattr(target[0], target[1], getattr(*source))
        hide(config["blocked"], config.get("hide_paths", []), self.blocker)
        for name in config.get("stubs", []):
            install_stub(name, self.blocker)


def _attribute(entry: str) -> tuple[object, str]:
    """("module:name") -> (the imported module, "name"); "module" -> (it, "")."""
    module, _, attr = entry.partition(":")
    return importlib.import_module(module), attr


def zygote_main(control_fd: int) -> None:
    """Serve fork requests on the control socket until it closes."""
    control = socket.socket(fileno=control_fd)
    die_with_parent()
    set_subreaper()
    zygote = Zygote(protocol.recv_json(control))  # JSON: the judge sends it before numpy
    make_undumpable()  # no worker can read or write this process's memory through /proc
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
    os._exit(0)  # nothing to flush: skipping the interpreter's tear-down saves the judge ~15 ms
