"""How much CPU one call of a learner's function may use: calibrated to the reference.

Each case's limit is the reference's own CPU time on that very case, measured in the
judge (answers.ReferenceAnswers.seconds), times FACTOR, never below FLOOR and never above
the per-call timeout:

    cpu  = min(call_timeout, max(FLOOR, FACTOR * reference_seconds))
    wall = max(call_timeout, WALL_FACTOR * cpu)

- FACTOR 200: a correct implementation may be 100x slower than the reference (pure
  Python loops where the reference uses numpy) and still have half its limit left. The
  project's own correct files (tests/outside, tests/mistakes, solutions) use at most
  what `benchmarks/hang_speed.py` prints as the worst share of the limit.
- FLOOR 0.1 s: almost every case takes the reference microseconds; the floor is what a
  correct call may spend on what the reference never pays (a first call's lazy imports
  and caches, asking the judge for other functions' answers, carrying big results),
  and it is what an endless loop costs: a tenth of a second of CPU, on any machine.
- The worker's CPU clock is the kernel's (cpuclock.py), so a loaded machine slows a
  call down without making it use more CPU: no false timeouts there.
- The wall limit is only for calls that wait without using CPU (sleep, a blocked read):
  the per-call timeout as before, or 5x the CPU limit when that is larger, so a call
  starved of CPU down to a fifth of a core still finishes.

Without a reference (a handout) or a CPU clock (no /proc), calls keep the plain
per-call wall limit. The reference is timed on a case only when a call of it has used
more CPU than FLOOR (CaseLimits): the limits are the same, worked out when needed.

>>> cpu_limit(0.00002, 2.0), cpu_limit(0.004, 2.0), cpu_limit(1.0, 2.0)
(0.1, 0.8, 2.0)
>>> wall_limit(0.1, 2.0), wall_limit(2.0, 2.0)
(2.0, 10.0)
"""

from __future__ import annotations

import math

FACTOR = 200.0  # a case may take this many times the reference's CPU time ...
FLOOR = 0.1  # ... and never less than this many CPU seconds
WALL_FACTOR = 5.0  # wall seconds per CPU second allowed, for a call starved of CPU
BEAT_SLACK = 0.06  # a repeat's beats come every 0.05 s: CPU since a beat may hold several calls


def cpu_limit(reference_seconds: float, call_timeout: float) -> float:
    """CPU seconds one call may use, given the reference's on the same case."""
    return round(min(call_timeout, max(FLOOR, FACTOR * reference_seconds)), 3)


def wall_limit(cpu: float, call_timeout: float) -> float:
    """Wall seconds one call may take when its CPU is limited to `cpu`."""
    return max(call_timeout, WALL_FACTOR * cpu)


class CaseLimits:
    """The CPU limit of each case of one request, worked out only when a case needs it.

    Almost every call finishes far below FLOOR, the lowest limit any case can have, so the
    reference is timed on a case (answers.ReferenceAnswers.seconds, kept across
    submissions) only once a call of it has used more than `floor`: a single grade (a
    learner's `mindlab check`) never pays for timing cases its calls did not need.
    `walls()` gives the wall limits the old way, from every case's limit, for the rare
    request that reaches its wall-clock limit.
    """

    def __init__(self, answers, function: str, cases: list, call_timeout: float) -> None:
        self.answers, self.function, self.cases = answers, function, cases
        self.call_timeout = call_timeout
        self.floor = min(call_timeout, FLOOR)  # no case's limit is lower (cpu_limit)
        self.known: dict[int, float] = {}

    def __len__(self) -> int:
        return len(self.cases)

    def __getitem__(self, i: int) -> float:
        """Case i's CPU limit (the reference timed on it now, if it never was)."""
        if i not in self.known:
            args, kwargs = self.cases[i]
            try:
                self.known[i] = cpu_limit(self.answers.seconds(self.function, args, kwargs),
                                          self.call_timeout)
            except (ValueError, TypeError):  # arguments that cannot be carried: the wall
                self.known[i] = math.inf     # limit alone, as without a reference
        return self.known[i]

    def walls(self) -> list[float]:
        """Every case's wall limit (each case's CPU limit, worked out now)."""
        return [wall_limit(min(self[i], self.call_timeout), self.call_timeout)
                for i in range(len(self))]


def calibrate(limits, answers, message: dict, call_timeout: float) -> None:
    """Give exchange.Limits built for wall time alone a CPU limit per case of `message`
    (a call, calls or repeat request), worked out when a case needs it (CaseLimits);
    and `widen`, the wall limits that fit them: per call the largest, in all as many
    calls as before (a batch: the sum of its cases'). Until a request reaches its wall
    limits they stay as built (no wall limit is below the call timeout)."""
    if answers is None:
        return
    function = str(message.get("function"))
    cases = message["cases"] if message.get("op") == "calls" else \
        [(message.get("args", []), message.get("kwargs", {}))]
    cpu = CaseLimits(answers, function, cases, call_timeout)
    calls = limits.total / limits.per_call if limits.per_call > 0 else 1.0
    batch = limits.cases is not None

    def widen() -> tuple[float, float]:
        walls = cpu.walls()
        return max(walls), (sum(walls) if batch else max(walls) * calls)

    limits.cpu, limits.widen = cpu, widen
