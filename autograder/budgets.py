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
per-call wall limit.

>>> cpu_limit(0.00002, 2.0), cpu_limit(0.004, 2.0), cpu_limit(1.0, 2.0)
(0.1, 0.8, 2.0)
>>> wall_limit(0.1, 2.0), wall_limit(2.0, 2.0)
(2.0, 10.0)
"""

from __future__ import annotations

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


def case_limits(answers, function: str, cases: list, call_timeout: float) -> tuple[float, ...]:
    """The CPU limit of each case [args, kwargs] of `function`; () without a reference to
    time (`answers` None: a handout) or for arguments that cannot be carried."""
    if answers is None:
        return ()
    limits = []
    for args, kwargs in cases:
        try:
            limits.append(cpu_limit(answers.seconds(function, args, kwargs), call_timeout))
        except (ValueError, TypeError):
            return ()
    return tuple(limits)


def calibrate(limits, answers, message: dict, call_timeout: float) -> None:
    """Give exchange.Limits built for wall time alone a CPU limit per case of `message`
    (a call, calls or repeat request), and wall limits that fit them: per call the
    largest, in all as many calls as before (a batch: the sum of its cases')."""
    function = str(message.get("function"))
    cases = message["cases"] if message.get("op") == "calls" else \
        [(message.get("args", []), message.get("kwargs", {}))]
    cpu = case_limits(answers, function, cases, call_timeout)
    if not cpu:
        return
    walls = [wall_limit(c, call_timeout) for c in cpu]
    calls = limits.total / limits.per_call if limits.per_call > 0 else 1.0
    limits.cpu = cpu
    limits.per_call = max(walls)
    limits.total = sum(walls) if limits.cases is not None else limits.per_call * calls
