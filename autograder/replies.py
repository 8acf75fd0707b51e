"""Reading a worker's reply to a call: what it raised, and which arguments it changed.

Everything in a reply is the learner's to forge (their code owns the worker), so both are
read as plain data, and the judging is done here, in the judge: what the call raised is
named by its types' qualified names (only real classes of Python's and numpy's own in the
hidden suite, which echoes no learner text), and a changed argument is found by comparing
each argument as the judge sent it with the same argument as the worker sent it back.
"""

from __future__ import annotations

from typing import Any

from .redact import real_class
from .worker.calling import Raised, same_value
from .worker.protocol import Rng


def raised_from(data: Any, hide_messages: bool) -> Raised:
    """The Raised a reply's RAISED (protocol.py) describes; `hide_messages` (the hidden
    suite) keeps no learner text: no message, and no class of the learner's own.

    >>> raised_from({"types": ["builtins.ValueError"], "message": "no"}, True).type_names
    ('builtins.ValueError',)
    """
    types = tuple(str(t) for t in data["types"])
    if hide_messages:  # a class made at call time could be named after the input
        types = tuple(t if real_class(t) else "an exception of your own" for t in types)
    message = "" if hide_messages else str(data["message"])[:300]
    trace = str(data.get("trace", ""))
    if trace:
        trace += types[0].removeprefix("builtins.") + (f": {message}" if message else "")
    return Raised(types, message, trace)


def changed_arguments(sent: tuple[tuple, dict], after: Any, after_kwargs: Any) -> tuple:
    """Positions (int) and names (str) of the arguments the call changed, judged in the
    judge: each argument as sent against the same argument as the worker sent it back
    (a Generator, the one input meant to change, is not compared).

    >>> import numpy as np
    >>> changed_arguments(((np.zeros(2), "a"), {}), [np.ones(2), "a"], {})
    (0,)
    """
    args, kwargs = sent
    after = list(after) if type(after) is list else []
    after_kwargs = after_kwargs if type(after_kwargs) is dict else {}
    changed: list = [i for i, a in enumerate(args) if not isinstance(a, Rng)
                     and not (i < len(after) and same_value(a, after[i]))]
    changed += [k for k, v in kwargs.items() if not isinstance(v, Rng)
                and not (k in after_kwargs and same_value(v, after_kwargs[k]))]
    return tuple(changed)
