"""A worker started on its own, with no fork server: what spawnserver.SpawnServer runs.

Started (behind isolation/spawn.py's nanny) as

    python -E -s -c "...; from mindlab_grader.worker.standalone import standalone_main; ..." PORT

it reads its token on stdin, connects to 127.0.0.1:PORT, sends the token, reads the same
JSON config a zygote gets, prepares as a zygote does (zygote.Zygote: imports, preloads,
hidden modules, stubs), says {"kind": "ready", "pid": N} and then serves as the Worker
itself. On POSIX it becomes a worker exactly as a forked one does (serve.worker_entry:
own session, limits, unprivileged uid as root, the guard); on Windows, where there are
no sessions or uids, it confines itself (serve._confine) and serves.
"""

from __future__ import annotations

import os
import socket
import sys

from . import protocol
from .processes import die_with_parent
from .serve import Worker, _confine, worker_entry
from .zygote import Zygote

CONNECT_TIMEOUT = 30.0  # seconds to reach the judge's listening socket


def standalone_main(port: int) -> None:
    """Connect to the judge, prove who we are, prepare, serve; never return (os._exit).

    >>> # python -E -s -c BOOT 40123 <paths...>   (token on stdin; isolation/spawn.py)
    """
    token = sys.stdin.readline().strip()
    sock = socket.create_connection(("127.0.0.1", port), timeout=CONNECT_TIMEOUT)
    sock.settimeout(None)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    protocol.send_json(sock, {"token": token})
    die_with_parent()
    config = protocol.recv_json(sock)
    zygote = Zygote(config)
    tmp = os.path.join(config["tmp_base"], "w")
    os.mkdir(tmp, 0o700)
    protocol.send_message(sock, {"kind": "ready", "pid": os.getpid()})
    if os.name == "posix":
        worker_entry(zygote, sock.detach(), tmp)  # never returns
    code = 0
    try:
        _confine(config, tmp)
        Worker(zygote, sock).serve()
    except BaseException:
        code = 70
    finally:
        os._exit(code)
