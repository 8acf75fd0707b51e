"""The reference's stand-ins in a worker: functions that ask the judge for its answers.

While a check calls the learner's `read_row`, the learner's other graded functions are
these (calling.call_isolated swaps them in). Each asks the judge, which alone holds the
reference (answers.py), so the judge sees who asks: a function asking for its own answer
is borrowing. Answers are kept by protocol.question_key (the same question is asked once
per worker), with those the judge sent ahead with a request, and all of one function's
are dropped before a request for that function runs, so none is at hand to borrow.
"""

from __future__ import annotations

import socket

from . import protocol, wire
from .calling import snapshot


class StandIns:
    """The answers a worker holds, and the stand-ins that use them."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.answered: dict = {}  # protocol.question_key -> the judge's answer
        self._keys: dict[str, list] = {}  # function -> the keys of its kept answers

    def forget(self, function: object) -> None:
        """Drop every kept answer of `function` (a request for it is about to run)."""
        for key in self._keys.pop(function, ()):  # type: ignore[call-overload]
            self.answered.pop(key, None)

    def _keep(self, name: str, key: object, answer: dict) -> None:
        if key not in self.answered:
            self._keys.setdefault(name, []).append(key)
        self.answered[key] = {**answer, "function": name}

    def keep_ahead(self, request: dict) -> None:
        """Keep the answers the judge sent ahead with `request` (answers.ReferenceAnswers.
        ahead), as if they had been asked: a stand-in finds them by the question's key."""
        for question, answer in protocol.unstack_ahead(request.get("ahead")):
            name = question["function"]
            if name != request.get("function"):  # (the judge never sends those anyway)
                key = protocol.question_key(name, question["args"], question["kwargs"])
                self._keep(name, key, answer)

    def stand_in(self, name: str):
        """A function that answers like the reference's `name`, by asking the judge.

        The judge sees every question, so it knows when the function under test asks for
        its own answer (borrowing). Answers are kept: the same question (same arguments,
        byte for byte) is asked once per worker.
        """
        def stand_in(*args, **kwargs):
            key = protocol.question_key(name, args, kwargs)
            reply = self.answered.get(key)
            if reply is None:
                data = wire.encode({"kind": "ask", "function": name, "args": list(args),
                                    "kwargs": kwargs})
                if len(data) > protocol.MAX_MESSAGE:
                    raise MemoryError(f"arguments too large to pass to {name}")
                protocol.send_frame(self.sock, data)
                reply = protocol.recv_message(self.sock)
                if type(reply) is not dict or reply.get("op") != "answer":
                    raise RuntimeError("the grader did not answer")
                self._keep(name, key, reply)
                reply = self.answered[key]
            if reply.get("raised") is not None:
                raise _rebuilt(reply["raised"])
            return snapshot(reply.get("value"))  # a copy: the caller may write into it

        stand_in.__name__ = stand_in.__qualname__ = name
        stand_in.__module__ = "mindlab reference (answered by the grader)"
        return stand_in


def _rebuilt(raised: object) -> Exception:
    """The exception the reference raised, as the learner's code would see it: a builtin
    exception type by name (ValueError, TypeError ...), else RuntimeError."""
    import builtins

    data = raised if type(raised) is dict else {}
    name = str((data.get("types") or ["builtins.RuntimeError"])[0]).removeprefix("builtins.")
    cls = getattr(builtins, name, RuntimeError)
    if not (isinstance(cls, type) and issubclass(cls, Exception)):
        cls = RuntimeError
    return cls(str(data.get("message", "")))
