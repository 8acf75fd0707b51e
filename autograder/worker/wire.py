"""The narrow channel between the judge and the learner's worker: plain data only, no pickle.

What crosses: None, bool, int, float, str, numpy arrays of numeric/bool dtype, numpy
scalars, and lists / tuples / str-keyed dicts of those. Anything else is replaced by
`Unsupported("<type name>")` on the sending side, so the judge never holds (let alone
compares) an object the learner built.

A message is one JSON document (the tree) followed by the raw bytes of its arrays. In
the tree, JSON's own values stand for themselves (a non-empty dict whose keys are str
and never begin with "$" is a JSON object); every other value is an object with one
"$" key saying what it is: {"$nd": buffer, "dtype", "shape"}, {"$tuple": [...]},
{"$dict": [[key, value], ...]}, {"$bigint": str}, {"$npscalar"}, {"$npstr"} or
{"$unsupported": type name}.

>>> decode(encode({"p": np.array([0.5, 0.5]), "w": ("a", 1)}))["w"]
('a', 1)
"""

from __future__ import annotations

import json
import struct

import numpy as np

MAX_DEPTH = 20
MAX_ITEMS = 1_000_000  # containers larger than this are not carried
MAX_VALUES = 200_000  # JSON values per message (a reply: lists of words, rules ... need few)
MAX_HEADER = 4 * 2**20  # bytes of JSON per message: arrays travel as raw bytes beside it, so
# a real value needs far less, and a decoder never builds millions of objects from a reply
DTYPES = {"?", "b", "B", "h", "H", "i", "I", "l", "L", "q", "Q", "e", "f", "d", "g"}


class Unsupported:
    """Stands for a value the channel does not carry; equal to nothing, not even itself."""

    __slots__ = ("type_name",)

    def __init__(self, type_name: str) -> None:
        self.type_name = type_name

    def __eq__(self, other: object) -> bool:
        return False

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"<a {self.type_name}>"


def type_name(value: object) -> str:
    """A readable name for what a learner returned: 'ndarray subclass Foo', 'list', 'Foo'."""
    cls = type(value)
    mod = getattr(cls, "__module__", "") or ""
    name = getattr(cls, "__qualname__", cls.__name__)
    if isinstance(value, np.ndarray):
        return f"ndarray subclass {name}"
    return name if mod in ("builtins", "numpy") else f"{mod}.{name}"


_LEAVES = (str, int, float, bool, type(None))  # JSON leaves that stand for themselves


def _to_tree(value, buffers: list[bytes], depth: int, shared: dict | None = None):
    if depth > MAX_DEPTH:
        return {"$unsupported": "structure nested too deeply"}
    t = type(value)  # exact types only: subclasses could lie about equality
    if value is None or t is bool or t is str or t is float:  # JSON keeps floats exact
        return value  # (repr digits; NaN, Infinity and -0.0 too: both sides are Python's json)
    if t is int:
        return value if abs(value) < 2**63 else {"$bigint": str(value)}
    if t is np.ndarray:
        if value.dtype.char not in DTYPES or value.dtype.byteorder not in "=|<":
            return {"$unsupported": f"numpy array of dtype {value.dtype}"}
        if shared is not None and id(value) in shared:  # the same array again: one buffer
            return {"$nd": shared[id(value)], "dtype": value.dtype.str, "shape": list(value.shape)}
        buffers.append(memoryview(np.ascontiguousarray(value).reshape(-1)).cast("B")
                       if value.size else b"")  # the array's own bytes, not a copy
        if shared is not None:
            shared[id(value)] = len(buffers) - 1
        return {"$nd": len(buffers) - 1, "dtype": value.dtype.str, "shape": list(value.shape)}
    if isinstance(value, np.generic) and t.__module__ == "numpy":
        if isinstance(value, np.str_):
            return {"$npstr": str(value)}
        if value.dtype.char in DTYPES:
            buffers.append(np.array(value).tobytes())
            return {"$npscalar": len(buffers) - 1, "dtype": value.dtype.str}
    if t is Unsupported:  # the worker's stand-in for a value it could not carry
        return {"$unsupported": value.type_name}
    if t in (list, tuple):
        if len(value) > MAX_ITEMS:
            return {"$unsupported": f"{t.__name__} of {len(value)} items"}
        if all(type(v) in _LEAVES and (type(v) is not int or abs(v) < 2**63) for v in value):
            items = list(value)  # e.g. a row of probabilities as floats: no call per item
        else:
            items = [_to_tree(v, buffers, depth + 1, shared) for v in value]
        return items if t is list else {"$tuple": items}
    if t is dict:
        if len(value) > MAX_ITEMS or not all(type(k) is str for k in value):
            return {"$unsupported": "dict (only small dicts with str keys are carried)"}
        if value and not any(k[:1] == "$" for k in value):  # a JSON object of its own
            return {k: _to_tree(v, buffers, depth + 1, shared) for k, v in value.items()}
        return {"$dict": [[k, _to_tree(v, buffers, depth + 1, shared)] for k, v in value.items()]}
    return {"$unsupported": type_name(value)}


def _from_tree(node, buffers: list[memoryview], used: set | None = None):
    if node is None or type(node) in _LEAVES:
        return node
    if isinstance(node, list):
        if all(type(v) in _LEAVES for v in node):  # e.g. 300 sampled words: no call per item
            return node
        return [_from_tree(v, buffers, used) for v in node]
    if type(node) is not dict or len(node) == 0:
        raise ValueError("malformed message")
    for key in node:  # a plain dict has no "$" key; a marker is one (below)
        if key[:1] == "$":
            break
    else:
        return {k: _from_tree(v, buffers, used) for k, v in node.items()}
    if "$bigint" in node:
        return int(node["$bigint"])
    if "$nd" in node:
        dtype = np.dtype(node["dtype"])
        if dtype.char not in DTYPES:
            raise ValueError("malformed array")
        shape = tuple(map(int, node["shape"]))
        _claim(used, node["$nd"])  # each buffer once: what arrives never grows as it is read
        buffer = buffers[node["$nd"]]
        array = np.frombuffer(buffer, dtype=dtype).reshape(shape)
        # a buffer read once (the judge's side) that is most of its message is the array's
        # own: no copy of a big reply; a smaller one is copied, or it would keep the whole
        # message alive (a tiny array holding 60 MB of other answers' bytes)
        if used is not None and array.flags.writeable and 2 * array.nbytes >= _whole(buffer):
            return array
        return array.copy()
    if "$npscalar" in node:
        dtype = np.dtype(node["dtype"])
        if dtype.char not in DTYPES:
            raise ValueError("malformed scalar")
        _claim(used, node["$npscalar"])
        scalar = np.frombuffer(buffers[node["$npscalar"]], dtype=dtype)
        if scalar.shape != (1,):
            raise ValueError("malformed scalar")
        return scalar[0]
    if "$npstr" in node:
        return np.str_(node["$npstr"])
    if "$tuple" in node:
        items = node["$tuple"]
        if type(items) is list and all(type(v) in _LEAVES for v in items):  # e.g. a rule
            return tuple(items)
        return tuple(_from_tree(v, buffers, used) for v in items)
    if "$dict" in node:
        return {str(k): _from_tree(v, buffers, used) for k, v in node["$dict"]}
    if "$unsupported" in node:
        return Unsupported(str(node["$unsupported"]))
    raise ValueError("malformed message")


def encode(value, share: bool = False) -> bytes:
    """One value as bytes: u32 header length, JSON header, then each buffer's bytes (the
    header lists their sizes). See encode_parts."""
    return b"".join(encode_parts(value, share))


def encode_parts(value, share: bool = False) -> list:
    """encode(value) in pieces (the arrays' own memory, not copies: send them at once).

    share=True sends an array that appears several times (one model in every case of a
    request) once; each place still decodes to an array of its own. Only the judge
    shares (decode(shared=True) is the worker's): a worker's reply holds each buffer once.
    """
    buffers: list = []
    tree = _to_tree(value, buffers, 0, {} if share else None)
    header = json.dumps({"tree": tree, "sizes": [len(b) for b in buffers]}).encode()
    return [struct.pack("<I", len(header)), header, *buffers]


def decode(data: bytes, shared: bool = False):
    """The inverse of encode; raises ValueError (only) on anything malformed, and unless
    `shared` (the judge's own requests), on a buffer used twice and on more than
    MAX_VALUES values (so a message never decodes to more than it holds)."""
    try:
        return _decode(data, shared)
    except ValueError:
        raise
    except Exception as exc:  # IndexError, KeyError, TypeError, struct.error, RecursionError
        raise ValueError(f"malformed message ({type(exc).__name__})") from None


def header_values(data: bytes | bytearray | memoryview) -> int:
    """At most how many JSON values an encoded message's header holds, counted before it
    is parsed (brackets, braces and commas: a count of what json.loads would build, never
    below it). A reply past MAX_VALUES is refused unread: a few MB of `[[],[],...]` would
    otherwise be millions of objects, and seconds of the judge's time.

    >>> header_values(encode(["a", "b", [1, 2]]))  # {"tree": ["a", "b", [1, 2]], "sizes": []}
    9
    """
    (n,) = struct.unpack_from("<I", data, 0)
    header = bytes(memoryview(data)[4 : 4 + min(n, MAX_HEADER)])
    return 1 + header.count(b"[") + header.count(b"{") + header.count(b",")


def within_values(data: bytes | bytearray | memoryview, limit: int = MAX_VALUES) -> bool:
    """Whether an encoded message holds at most `limit` JSON values (header_values), without
    counting when its header is too short to hold more (each value takes a byte or more).

    >>> within_values(encode(["a", "b", [1, 2]]), 9), within_values(encode(["a", "b", [1, 2]]), 8)
    (True, False)
    """
    (n,) = struct.unpack_from("<I", data, 0)
    return min(n, MAX_HEADER) < limit or header_values(data) <= limit


def _decode(data: bytes, shared: bool = False):
    view = memoryview(data)
    (n,) = struct.unpack_from("<I", view, 0)
    if n > MAX_HEADER:
        raise ValueError(f"malformed message: a header of {n} bytes")
    if not shared and not within_values(view):
        raise ValueError(f"malformed message: over {MAX_VALUES} values")
    header = json.loads(bytes(view[4 : 4 + n]))
    pos = 4 + n
    buffers = []
    for size in header["sizes"]:
        if type(size) is not int or size < 0:  # (a negative size would read bytes again)
            raise ValueError("malformed message: a buffer's size")
        buffers.append(view[pos : pos + size])
        pos += size
    if pos != len(data):
        raise ValueError("malformed message: wrong length")
    if shared:
        return _from_tree(header["tree"], buffers)
    used: set = set()
    value = _from_tree(header["tree"], buffers, used)
    if len(used) != len(buffers):  # bytes nothing stands for: refused, never held
        raise ValueError("malformed message: a buffer no value uses")
    return value


def _claim(used: set | None, index) -> None:
    """Mark buffer `index` as read (the judge's side, `used` not None); ValueError if it
    already was: a buffer stands for one value only."""
    if used is not None:
        if index in used:
            raise ValueError("malformed message: a buffer used twice")
        used.add(index)


def _whole(buffer) -> int:
    """The size of the message a buffer (a memoryview of it) was cut from."""
    whole = getattr(buffer, "obj", None)
    return len(whole) if whole is not None else len(buffer)


def roundtrip(value):
    """What the judge would receive if `value` crossed the channel."""
    return decode(encode(value))
