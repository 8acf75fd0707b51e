"""Lab 01's model: how long "auto-trained on load" takes, and how close it lands.

    python benchmarks/lab01_training.py

Prints the median time of the whole training as `trained_model()` does it (counting the
names' bigrams, then gradient descent), and the loss gap to the closed-form count-model
optimum with the same smoothing. Targets (printed, not asserted): <= 50 ms and
<= 0.005 nats.
"""

from __future__ import annotations

import statistics
import time

from mindlab_core.bigram import (
    SMOOTHING,
    count_bigrams,
    count_model_logits,
    nll,
    train,
    trained_model,
)
from mindlab_core.names import load_names

TIME_TARGET_MS = 50.0
GAP_TARGET = 0.005


def main(repeat: int = 15) -> None:
    words = load_names()
    seconds = []
    for _ in range(repeat):
        start = time.perf_counter()
        counts = count_bigrams(words)
        W = train(counts)
        seconds.append(time.perf_counter() - start)
    count_seconds = statistics.median(
        _timed(lambda: count_bigrams(words)) for _ in range(repeat))
    gap = nll(W, counts) - nll(count_model_logits(counts), counts)
    ms = statistics.median(seconds) * 1000
    count_ms = count_seconds * 1000
    print(trained_model().note())
    print(f"training on load (median of {repeat}): {ms:.1f} ms "
          f"(counting {count_ms:.1f} ms, gradient descent {ms - count_ms:.1f} ms)"
          f"  target <= {TIME_TARGET_MS:.0f} ms: {'met' if ms <= TIME_TARGET_MS else 'MISSED'}")
    print(f"loss gap to the count-model optimum (smoothing {SMOOTHING}): {gap:.6f} nats"
          f"  target <= {GAP_TARGET}: {'met' if gap <= GAP_TARGET else 'MISSED'}")


def _timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


if __name__ == "__main__":
    main()
