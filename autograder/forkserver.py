"""The judge's handle on one fork server (worker/zygote.py), started by an isolation backend.

>>> # with ForkServer(lab, "process", memory_mb=2048, file_mb=16) as server: ...
>>> # pid, sock = server.spawn(); ...; server.kill(pid)
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess

from .isolation import GraderFault, launch_zygote, take_prestarted
from .labs import Lab
from .worker import protocol
from .worker.processes import remove_tree

STARTUP_TIMEOUT = 60.0  # seconds for a zygote to import numpy and the reference
KILL_TIMEOUT = 3.0  # seconds for a zygote to kill a worker; longer means the learner stopped it


class ForkServer:
    """Handle on one fork server (worker.zygote.zygote_main), in the isolation asked for."""

    def __init__(self, lab: Lab, isolation: str, memory_mb: int | None, file_mb: int) -> None:
        launch = (take_prestarted((lab.id, isolation, memory_mb, file_mb))
                  or launch_zygote(lab, isolation, memory_mb, file_mb))
        self.isolation = isolation
        self.proc, self.control, self.tmp, self.stderr = (launch.proc, launch.control,
                                                          launch.tmp, launch.stderr)
        self.ready = False

    def _await_ready(self) -> None:
        try:
            reply = protocol.recv_message(self.control, STARTUP_TIMEOUT)
            if reply.get("kind") != "ready":
                raise ValueError(reply)
        except (OSError, EOFError, TimeoutError, ValueError) as exc:
            self.stderr.seek(0)
            why = self.stderr.read().decode(errors="replace").strip()[-1500:]
            self.close()
            raise GraderFault(f"the worker process did not start ({type(exc).__name__})"
                              + (f":\n{why}" if why else "")) from exc
        self.ready = True

    def spawn(self) -> tuple[int, socket.socket]:
        """A fresh worker: (its pid as the zygote knows it, our end of its channel)."""
        if not self.ready:
            self._await_ready()
        ours, theirs = socket.socketpair()
        try:
            protocol.send_message(self.control, {"op": "spawn"}, fds=[theirs.fileno()])
            reply = protocol.recv_message(self.control, 10)
            return int(reply["pid"]), ours
        except Exception:
            ours.close()
            raise
        finally:
            theirs.close()

    def kill(self, pid: int) -> str:
        """Kill a worker and whatever it left behind; its exit described (' (exit 3)')."""
        protocol.send_message(self.control, {"op": "kill", "pid": pid})
        reply = protocol.recv_message(self.control, KILL_TIMEOUT)
        return str(reply.get("status", ""))

    def alive(self) -> bool:
        return self.proc.poll() is None

    def close(self, force: bool = False) -> None:
        """Stop the zygote (it kills its workers on the way out); `force`: kill it at once."""
        with contextlib.suppress(OSError):
            self.control.close()
        proc = getattr(self, "proc", None)
        if proc is not None:
            try:
                proc.wait(timeout=0 if force else 2)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(OSError):
                    os.killpg(proc.pid, 9)
                proc.kill()
                proc.wait()
        self.stderr.close()
        remove_tree(self.tmp)
