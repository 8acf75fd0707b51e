"""rank_rules forges every case reply of its planned group on the channel (found through
a stand-in's closure), each group request's first reply a tiny array beside a 63 MB
buffer that no value uses: the judge kept each tiny array as a view into its whole
message, 7 x 64 MB alive at once (495 MB, found from outside). Now a buffer no value uses
is refused, and a small array is copied out of its message."""
import json as _json
import os as _os
import struct as _struct

_SEGMENTS = [2, 2, 3, 1, 1, 9, 1]  # rank_rules' planned requests in the hidden suite
_BIG = b"\0" * (63 * 2**20)  # built at load time


def _frame(kind):
    tree = {"kind": kind, "value": {"$nd": 0, "dtype": "<f8", "shape": [1]}, "raised": None,
            "after": [], "after_kwargs": {"$dict": []}}
    if kind == "result":
        tree["refused"] = {"$dict": []}
    header = _json.dumps({"tree": tree, "sizes": [8, len(_BIG)]}).encode()
    return _struct.pack("<I", len(header)) + header + b"\0" * 8


def rank_rules(W, top=None):
    sock = None
    for cell in softmax.__closure__ or ():  # the stand-in's StandIns holds the channel
        if hasattr(cell.cell_contents, "sock"):
            sock = cell.cell_contents.sock
    n = sum(_SEGMENTS)
    starts, at = set(), 0
    for s in _SEGMENTS:
        starts.add(at)
        at += s
    for i in range(n):
        head = _frame("case" if i < n - 1 else "result")
        big = i in starts
        sock.sendall(_struct.pack("<Q", len(head) + (len(_BIG) if big else 0)) + head)
        if big:
            sock.sendall(_BIG)
    _os._exit(0)
