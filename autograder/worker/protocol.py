"""The protocol between the judge and a worker: every message, and how it is framed.

This is the one place that says what may cross the process boundary. Both sides import
it; it imports nothing of the judge. A message is one `wire.encode` document (plain data
only, no pickle: see wire.py) behind an 8-byte little-endian length:

    frame = HEADER.pack(len(data)) + data

The judge talks to two kinds of process (see zygote.py and serve.py):

zygote (fork server), on its control socket
    start-up  the judge sends one JSON config (framed the same way; sent before numpy loads)
              zygote -> {"kind": "ready", "pid": N}
    spawn     {"op": "spawn"} with the worker's socket passed as an fd
              zygote -> {"kind": "spawned", "pid": N}
    kill      {"op": "kill", "pid": N}
              zygote -> {"kind": "killed", "status": " (it exited with status 3)"}

worker, on its own socket
    load      {"op": "load", "cells": [[source, filename], ...], "module": str, "display": str,
               "stop_on_error": bool, "skip": [cell index, ...], "cpu_seconds": int,
               "traces": bool (False: RAISED's "trace" stays "", nobody will show it)}
              worker -> {"kind": "beat", "cell": i} before each cell (notebooks), then
              {"kind": "loaded", "notes": [str], "defined": {name: kind},
               "borrowed": {name: sentence}, "blocked": [module]}
    call      {"op": "call", "function": str, "args": [...], "kwargs": {...}}
              worker -> RESULT
    calls     {"op": "calls", "function": str, "cases": [[args, kwargs], ...]}
              worker -> {"kind": "case", **OUTCOME} per case as it finishes but the
              last, then RESULT: the last case's outcome
    repeat    {"op": "repeat", "function": str, "times": n, "args": [...], "kwargs": {...}}
              worker -> {"kind": "beat"} now and then, then
              {"kind": "result", "values": [...], "raised": None, "refused": {...}},
              or RESULT for the call that raised
    any call  worker -> {"kind": "missing"} when the function is not there
    any call  worker -> {"kind": "ask", "function": str, "args": [...], "kwargs": {...}}
              while it runs (a stand-in for the reference's other graded function),
              judge -> {"op": "answer", "value": v, "raised": None | RAISED}
    ahead     any call, calls or repeat may carry "ahead": [[QUESTION, ANSWER], ...]: the
              answers of questions it is likely to ask, kept by question_key as if asked;
              questions of one function alike but for one array argument go as one item
              STACKED = {"function": str, "args": array, "values": array}: question i
              has the only argument args[i] and the answer values[i] (stack_ahead)

    OUTCOME = {"value": v, "raised": None | RAISED, "after": [args as the call left them],
               "after_kwargs": {...}}
    RAISED  = {"types": [qualified names], "message": str, "trace": str}
    RESULT  = {"kind": "result", **OUTCOME, "refused": {kind: count}} (what the guard refused)

`Rng(seed)` in arguments crosses as {"$rng": seed} and becomes a fresh
np.random.Generator on the worker's side.

Nothing a worker sends is trusted beyond plain data: the judge checks every field.
"""

from __future__ import annotations

import json
import socket
import struct
import time
from dataclasses import dataclass
from typing import Any

import numpy as np

from . import wire

HEADER = struct.Struct("<Q")  # the length in front of every message
MAX_MESSAGE = 64 * 2**20  # bytes; a learner value larger than this arrives as Unsupported
MAX_CONTROL = 2**20  # bytes; a control message (to the zygote) is small
COALESCE = 2**16  # bytes; smaller pieces of a message are sent in one call
RNG_KEY = "$rng"  # {"$rng": seed} stands for Rng(seed) on the wire
UNCARRIED = "value too large to carry, or one the grader could not read"  # "a ..." in feedback

WORKER_OPS = ("load", "call", "calls", "repeat")
ZYGOTE_OPS = ("spawn", "kill")


@dataclass(frozen=True)
class Rng:
    """Stands for np.random.default_rng(seed) on the learner's side of the channel."""

    seed: int


def frame(data: bytes) -> bytes:
    """`data` behind its length: what goes on the socket."""
    return HEADER.pack(len(data)) + data


def send_message(sock: socket.socket, value: Any, fds: list[int] | None = None,
                 share: bool = False) -> None:
    """Send one value as a frame of wire.encode bytes (optionally passing fds; `share`:
    see wire.encode, the judge's requests)."""
    parts = wire.encode_parts(value, share)
    header = HEADER.pack(sum(len(p) for p in parts))
    if fds:
        socket.send_fds(sock, [header], fds)
        header = b""
    small: list = [header]
    for part in parts:  # small pieces go together, a big array on its own (never copied)
        if len(part) < COALESCE:
            small.append(part)
            continue
        sock.sendall(b"".join(small))
        sock.sendall(part)
        small = []
    if small:
        sock.sendall(b"".join(small))


def send_frame(sock: socket.socket, data: bytes) -> None:
    """`data` behind its length: one send for a small frame, no copy of a large one."""
    if len(data) < COALESCE:
        sock.sendall(HEADER.pack(len(data)) + data)
        return
    sock.sendall(HEADER.pack(len(data)))
    sock.sendall(data)


def send_json(sock: socket.socket, value: Any) -> None:
    """The zygote's start-up config: JSON, read before the zygote imports anything else."""
    sock.sendall(frame(json.dumps(value).encode()))


def recv_exact(sock: socket.socket, n: int, deadline: float | None) -> bytearray:
    """Exactly n bytes; TimeoutError past `deadline` (time.monotonic), EOFError if closed."""
    data = bytearray(n)
    view, got = memoryview(data), 0
    while got < n:
        if deadline is not None:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError
            sock.settimeout(left)
        k = sock.recv_into(view[got:], min(n - got, 1 << 22))
        if not k:
            raise EOFError("the other side closed the channel")
        got += k
    return data


def recv_frame(sock: socket.socket, deadline: float | None = None,
               limit: int = MAX_MESSAGE + 2**20) -> bytes:
    """One frame's data. TimeoutError, EOFError, or ValueError when it is over `limit`."""
    (n,) = HEADER.unpack(recv_exact(sock, HEADER.size, deadline))
    if n > limit:
        raise ValueError(f"message of {n} bytes is larger than the limit")
    return recv_exact(sock, n, deadline)


def recv_message(sock: socket.socket, timeout: float | None = None,
                 limit: int = MAX_MESSAGE + 2**20, shared: bool = False) -> Any:
    """One value from the socket. TimeoutError, EOFError, or ValueError (malformed / too big).
    `shared`: the worker reading the judge's request (see wire.encode)."""
    deadline = None if timeout is None else time.monotonic() + timeout
    return wire.decode(recv_frame(sock, deadline, limit), shared)


def recv_json(sock: socket.socket) -> Any:
    return json.loads(recv_frame(sock, None, MAX_CONTROL))


def recv_with_fds(control: socket.socket) -> tuple[Any, list[int]]:
    """A control message and the fds passed with it (the zygote's side of `spawn`)."""
    header, fds, _, _ = socket.recv_fds(control, HEADER.size, 4)
    if not header:
        raise EOFError
    if len(header) < HEADER.size:
        header += recv_exact(control, HEADER.size - len(header), None)
    (n,) = HEADER.unpack(header)
    if n > MAX_CONTROL:
        raise ValueError("control message too large")
    return wire.decode(recv_exact(control, n, None)), fds


class _NoShortKey(Exception):
    pass


def _key_part(value: Any) -> tuple:
    t = type(value)
    if t is np.ndarray and value.dtype.char in wire.DTYPES:
        return ("a", value.dtype.str, value.shape, value.tobytes())
    if t is str or t is bool or t is int:
        return (t.__name__, value)
    if t is float:
        return ("f", value.hex())
    raise _NoShortKey


def question_key(function: str, args: list | tuple, kwargs: dict) -> Any:
    """What tells one question for the reference from another: the function and its
    arguments, byte for byte (a stand-in's kept answers and the answers sent ahead are
    found by it). Plain arrays, str, int, float and bool make a tuple (a few
    microseconds); anything else its wire encoding.

    >>> question_key("softmax", [np.zeros(2)], {}) == question_key("softmax", (np.zeros(2),), {})
    True
    >>> question_key("softmax", [np.zeros(2)], {}) == question_key("softmax", [np.zeros(3)], {})
    False
    """
    try:
        return (function, tuple(_key_part(a) for a in args),
                tuple((k, _key_part(v)) for k, v in kwargs.items()))
    except _NoShortKey:
        return wire.encode({"function": function, "args": list(args), "kwargs": kwargs})


def rng_to_wire(value):
    """Replace Rng markers by {"$rng": seed} so they cross the channel."""
    if isinstance(value, Rng):
        return {RNG_KEY: int(value.seed)}
    if type(value) in (list, tuple):
        return type(value)(rng_to_wire(v) for v in value)
    if type(value) is dict:
        return {k: rng_to_wire(v) for k, v in value.items()}
    return value


def rng_from_wire(value):
    if type(value) is dict and set(value) == {RNG_KEY}:
        return Rng(int(value[RNG_KEY]))
    if type(value) in (list, tuple):
        return type(value)(rng_from_wire(v) for v in value)
    if type(value) is dict:
        return {k: rng_from_wire(v) for k, v in value.items()}
    return value


def stack_ahead(pairs: list[list]) -> list:
    """[[question, answer], ...] with every group of two or more alike questions (one
    function, one array argument of one shape and dtype, an array answer of one shape and
    dtype, nothing raised) made one STACKED item: two arrays cross instead of many.

    >>> q = lambda x: {"function": "softmax", "args": [x], "kwargs": {}}
    >>> a = lambda v: {"op": "answer", "value": v, "raised": None}
    >>> items = stack_ahead([[q(np.zeros(3)), a(np.ones(3))], [q(np.ones(3)), a(np.ones(3))]])
    >>> items[0]["args"].shape, [len(p) for p in unstack_ahead(items)]
    ((2, 3), [2, 2])
    """
    groups: dict[tuple, list] = {}
    items: list = []
    for question, answer in pairs:
        args, value = question["args"], answer.get("value")
        if (len(args) == 1 and type(args[0]) is np.ndarray and not question["kwargs"]
                and answer.get("raised") is None and type(value) is np.ndarray):
            like = (question["function"], args[0].dtype.str, args[0].shape, value.dtype.str,
                    value.shape)
            groups.setdefault(like, []).append((question, answer))
        else:
            items.append([question, answer])
    for (function, *_), group in groups.items():
        if len(group) == 1:
            items.append(list(group[0]))
            continue
        items.append({"function": function,
                      "args": np.stack([q["args"][0] for q, _ in group]),
                      "values": np.stack([a["value"] for _, a in group])})
    return items


def unstack_ahead(items: Any) -> list[tuple[dict, dict]]:
    """The (question, answer) pairs `items` (stack_ahead's) stands for; ValueError when
    an item is neither form."""
    pairs: list[tuple[dict, dict]] = []
    for item in items or ():
        if type(item) is list and len(item) == 2:
            pairs.append((item[0], item[1]))
        elif type(item) is dict and set(item) == {"function", "args", "values"}:
            args, values = item["args"], item["values"]
            if not (type(args) is np.ndarray and type(values) is np.ndarray
                    and args.ndim >= 1 and len(args) == len(values)):
                raise ValueError("malformed answers sent ahead")
            pairs += [({"function": item["function"], "args": [x], "kwargs": {}},
                       {"op": "answer", "value": v, "raised": None})
                      for x, v in zip(args, values)]
        else:
            raise ValueError("malformed answers sent ahead")
    return pairs
