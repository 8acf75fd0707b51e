"""What hidden feedback may name of a value or exception the learner's worker described.

Everything the worker sends is the learner's to forge (their code owns that process),
so the hidden suite names only what the judge itself can vouch for: real classes of
its own builtins and numpy, and the channel's fixed reasons for not carrying a value.

>>> hidden_kind("list"), hidden_kind("Secret_0.25")
('list', 'object of a class of your own')
"""

from __future__ import annotations

import re
import sys
from typing import Any

from .worker import protocol
from .worker.wire import Unsupported

_CARRIED_REASONS = re.compile(
    r"(list|tuple) of \d+ items|numpy array of dtype [<>|=]?[a-z]+\d*|structure nested too "
    r"deeply|dict \(only small dicts with str keys are carried\)|" + re.escape(protocol.UNCARRIED))


def real_class(qualified: str) -> bool:
    """'builtins.ValueError' or 'numpy.exceptions.AxisError' names a class that exists in
    this process, not one the learner's code made and only labelled so."""
    module, _, name = qualified.rpartition(".")
    if module != "builtins" and module.split(".")[0] != "numpy":
        return False
    return isinstance(getattr(sys.modules.get(module), name, None), type)


_PLAIN_KINDS = frozenset({  # Python's own types that live outside the builtins namespace
    "function", "builtin_function_or_method", "method", "generator", "coroutine", "module",
    "dict_keys", "dict_values", "dict_items", "list_iterator", "tuple_iterator", "ellipsis"})


def hidden_kind(name: str) -> str:
    """What hidden feedback says a value was, for a value the channel did not carry."""
    if name.startswith("ndarray subclass"):
        return "ndarray subclass"
    if name in _PLAIN_KINDS or _CARRIED_REASONS.fullmatch(name) or \
            real_class(f"builtins.{name}") or real_class(f"numpy.{name}"):
        return name
    return "object of a class of your own"


def plain(value: Any) -> Any:
    """`value` with every Unsupported's type name made hidden_kind's: the names of the
    learner's own classes could carry data (the hidden suite's results).

    >>> plain([Unsupported("Secret_0.25"), "a"])[0]
    <a object of a class of your own>
    """
    if isinstance(value, Unsupported):
        return Unsupported(hidden_kind(value.type_name))
    if type(value) in (list, tuple):
        if all(type(v) in (str, int, float, bool) for v in value):  # e.g. sampled words
            return value
        return type(value)(plain(v) for v in value)
    if type(value) is dict:
        return {k: plain(v) for k, v in value.items()}
    return value
