"""The plain-data channel: what crosses exactly, what arrives as Unsupported, what is refused."""

from __future__ import annotations

import json
import math
import struct

import numpy as np
import pytest

from mindlab_grader.checks import Rng
from mindlab_grader.worker import wire
from mindlab_grader.worker.protocol import rng_from_wire, rng_to_wire


@pytest.mark.parametrize("value", [
    None, True, False, 0, -7, 2**80, "softmax", "", "é✓",
    [1, "a", None], ("a", "b", 0.5), {"p": [1, 2], "q": ("x",)}, [[[]]],
])
def test_plain_values_cross_unchanged(value):
    back = wire.roundtrip(value)
    assert back == value and type(back) is type(value)


def test_floats_keep_nan_inf_and_negative_zero():
    back = wire.roundtrip([math.nan, math.inf, -math.inf, -0.0, 0.1])
    assert math.isnan(back[0]) and back[1:3] == [math.inf, -math.inf]
    assert math.copysign(1, back[3]) == -1 and back[4] == 0.1


@pytest.mark.parametrize("dtype", ["float64", "float32", "int64", "int8", "uint8", "bool"])
def test_arrays_keep_dtype_shape_and_bytes(dtype):
    a = (np.arange(27 * 27).reshape(27, 27) % 7).astype(dtype)
    back = wire.roundtrip(a)
    assert type(back) is np.ndarray and back.dtype == a.dtype and back.shape == a.shape
    assert np.array_equal(back, a)


def test_non_contiguous_and_special_float_arrays():
    a = np.array([[1.0, -np.inf], [np.nan, 1e308]])[:, ::-1]
    back = wire.roundtrip(a)
    assert np.array_equal(back, a, equal_nan=True)


def test_numpy_scalars_and_strings():
    back = wire.roundtrip([np.float64(0.25), np.int64(3), np.bool_(True), np.str_("q")])
    assert back[0] == 0.25 and isinstance(back[0], np.float64)
    assert back[1] == 3 and back[2] is np.True_ and back[3] == "q"


class Anything:
    def __eq__(self, other):
        return True


class Agreeable(np.ndarray):
    pass


class Word(str):
    pass


@pytest.mark.parametrize("value, name", [
    (Anything(), "Anything"),
    (np.zeros(3).view(Agreeable), "ndarray subclass Agreeable"),
    (Word("a"), "Word"),
    (np.array([object()]), "dtype object"),
    ({1: "a"}, "dict"),
    (np.random.default_rng(0), "Generator"),
    ({"a", "b"}, "set"),
])
def test_other_values_arrive_as_unsupported_and_equal_nothing(value, name):
    back = wire.roundtrip(value)
    assert isinstance(back, wire.Unsupported) and name in back.type_name
    assert back != back and not (back == 1)


def test_deep_nesting_is_cut_not_followed():
    value: list = []
    for _ in range(wire.MAX_DEPTH + 5):
        value = [value]
    back = wire.roundtrip(value)
    while isinstance(back, list):
        back = back[0]
    assert isinstance(back, wire.Unsupported)


@pytest.mark.parametrize("data", [
    b"", b"\x00", b"\xff\xff\xff\xff", b"garbage-garbage",
    struct.pack("<I", 2) + b"{}",
    struct.pack("<I", 9) + b'{"tree":1',
])
def test_malformed_bytes_raise_value_error_only(data):
    with pytest.raises(ValueError):
        wire.decode(data)


def _message(tree, buffers=()):
    header = json.dumps({"tree": tree, "sizes": [len(b) for b in buffers]}).encode()
    return struct.pack("<I", len(header)) + header + b"".join(buffers)


@pytest.mark.parametrize("tree, buffers", [
    ({"$nd": 0, "dtype": "<f8", "shape": [5]}, [b"\0" * 8]),  # shape does not fit the bytes
    ({"$nd": 3, "dtype": "<f8", "shape": [1]}, [b"\0" * 8]),  # no such buffer
    ({"$nd": 0, "dtype": "|O", "shape": [1]}, [b"\0" * 8]),  # objects: never
    ({"$nd": 0, "dtype": "not a dtype", "shape": [1]}, [b"\0" * 8]),
    ({"$float": "one"}, []),
    ({"$dict": [[1]]}, []),
    ({"$what": 1}, []),
    ({}, []),
])
def test_forged_messages_raise_value_error(tree, buffers):
    with pytest.raises(ValueError):
        wire.decode(_message(tree, buffers))


def test_rng_markers_cross_as_seeds():
    sent = wire.roundtrip(rng_to_wire(("W", Rng(7), {"rng": Rng(3)})))
    assert rng_from_wire(sent) == ("W", Rng(7), {"rng": Rng(3)})


@pytest.mark.parametrize("n", [0, 1, 10, 1000])
def test_within_values_agrees_with_the_exact_count_at_every_limit(n):
    """The shortcut (a header shorter than the limit cannot hold more values) never says a
    message is within a limit its exact count is over, nor the other way round."""
    data = wire.encode([[]] * n + ["a", 0.5])
    exact = wire.header_values(data)
    for limit in (1, exact - 1, exact, exact + 1, len(data), wire.MAX_VALUES):
        assert wire.within_values(data, limit) == (exact <= limit), limit


def test_a_message_over_max_values_is_refused_by_decode():
    data = wire.encode([[]] * (wire.MAX_VALUES + 1))
    with pytest.raises(ValueError, match="values"):
        wire.decode(data)
    assert wire.decode(data, shared=True) == [[]] * (wire.MAX_VALUES + 1)  # the judge's own
