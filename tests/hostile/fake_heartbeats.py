"""Hostile: rank_rules forges heartbeats and case answers on the worker's channel for five minutes, to hold the judge forever. Expect only rank_rules's checks to fail, and the grade to finish long before its budget."""

import numpy as np

from mindlab_core.tokens import TOKENS, index

def softmax(logits):
    x = np.asarray(logits, dtype=np.float64)
    e = np.exp(x - x.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)

def read_row(W, letter):
    return softmax(np.asarray(W)[index(letter)])

def data_row(counts, letter):
    row = np.asarray(counts, dtype=np.float64)[index(letter)]
    return row / row.sum()

def belief_gap(W, counts, letter):
    return float(0.5 * np.abs(read_row(W, letter) - data_row(counts, letter)).sum())

def ablate_column(W, letter):
    j = index(letter)
    out = np.array(W, dtype=np.float64)
    out[:, j] = -np.inf
    return out

def sample_word(W, rng, temperature=1.0, max_len=50):
    if not temperature > 0:
        raise ValueError("temperature must be > 0")
    W = np.asarray(W, dtype=np.float64)
    letters, row = [], 0
    while len(letters) < max_len:
        row = int(rng.choice(27, p=softmax(W[row] / temperature)))
        if row == 0:
            break
        letters.append(TOKENS[row])
    return "".join(letters)

def rank_rules(W, top=None):
    probs = softmax(np.asarray(W, dtype=np.float64))
    best = probs.argmax(axis=1)
    rules = [(TOKENS[i], TOKENS[int(j)], float(probs[i, j])) for i, j in enumerate(best)]
    rules.sort(key=lambda rule: -rule[2])
    return rules if top is None else rules[:top]

def greedy_decode(W, max_len=50):
    probs = softmax(np.asarray(W, dtype=np.float64))
    letters, row = [], 0
    while len(letters) < max_len:
        row = int(probs[row].argmax())
        if row == 0:
            break
        letters.append(TOKENS[row])
    return "".join(letters)


import gc
import json
import socket
import struct
import time


def _frame(message):
    """A message as the worker frames it (worker/protocol.py, worker/wire.py), by hand."""
    def tree(value):
        if isinstance(value, dict):
            return {"$dict": [[k, tree(v)] for k, v in value.items()]}
        return value
    header = json.dumps({"tree": tree(message), "sizes": []}).encode()
    data = struct.pack("<I", len(header)) + header
    return struct.pack("<Q", len(data)) + data


def _channel():
    return _reach(lambda o: isinstance(o, socket.socket))


def _reach(wanted):
    """The first object `wanted(obj)` accepts among what the frames calling us can reach
    (locals, and their attributes two levels down): gc.get_objects() is refused."""
    import sys as _sys
    seen = set()
    frame = _sys._getframe(1)
    while frame is not None:
        todo = [(v, 0) for v in list(frame.f_locals.values())]
        while todo:
            obj, depth = todo.pop()
            if id(obj) in seen:
                continue
            seen.add(id(obj))
            try:
                if wanted(obj):
                    return obj
            except Exception:
                pass
            inner = getattr(obj, "__dict__", None) if depth < 2 else None
            if type(inner) is dict:
                todo.extend((v, depth + 1) for v in list(inner.values()))
            if type(obj) is dict and depth < 2:
                todo.extend((v, depth + 1) for v in list(obj.values()))
        frame = frame.f_back
    raise LookupError("not reachable")


_real_rank_rules = rank_rules


def rank_rules(W, top=None):
    """Keeps the judge waiting: a heartbeat every 10 ms, and a fake answer per 'case',
    for as long as the judge would listen."""
    sock = _channel()
    end = time.monotonic() + 300
    while time.monotonic() < end:
        sock.sendall(_frame({"kind": "beat"}))
        sock.sendall(_frame({"kind": "case", "value": [], "raised": None, "after": [],
                             "after_kwargs": {}}))
        time.sleep(0.01)
    return _real_rank_rules(W, top)
