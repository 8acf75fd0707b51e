"""A worker's whole CPU time, capped by the kernel (RLIMIT_CPU): a backstop for the judge.

The judge holds every call to a CPU limit by reading the worker's CPU clock from outside
(autograder/cpuclock.py). This cap, set by the worker for itself before the submission's
first line runs, ends a worker that uses more than the submission's budget of CPU
whatever else happens (a platform where the judge cannot read the clock, a judge thread
starved of CPU). Soft and hard limit are equal, so the kernel's answer is SIGKILL, which
no handler catches, and learner code can lower a hard limit but never raise it again.
"""

from __future__ import annotations


def cap_cpu(seconds: object) -> None:
    """RLIMIT_CPU = `seconds` (a whole number > 0) for this process; nothing elsewhere."""
    try:
        import resource

        limit = int(seconds)  # type: ignore[call-overload]
        if limit > 0:
            resource.setrlimit(resource.RLIMIT_CPU, (limit, limit))
    except (ImportError, TypeError, ValueError, OSError, AttributeError):
        pass  # no resource module (Windows) or a limit already lower: the judge's limits hold
