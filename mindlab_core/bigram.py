"""The patient: a bigram model, one (27, 27) matrix of logits, and the counts it learns from.

The whole model is `W`: row i, pushed through softmax, is its belief about the token
that follows token i. We train it by gradient descent on the average negative
log-likelihood of the names, and compare it with the closed-form count model.

>>> counts = count_bigrams(["ab"])          # . a b .
>>> int(counts[0, 1]), int(counts[1, 2]), int(counts[2, 0])
(1, 1, 1)
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from .names import load_names
from .tokens import VOCAB, encode

SMOOTHING = 0.1  # pseudo-count added to every bigram: no transition is impossible, yet
# rare letters (q is followed by u 53 times in 54) keep the confidence the data gives them


def count_bigrams(words: list[str]) -> np.ndarray:
    """counts: (27, 27) int64, counts[i, j] = how often token j follows token i.

    Every word is read with `.` at both ends, so "ann" adds . a, a n, n n, n . .
    """
    firsts: list[int] = []
    seconds: list[int] = []
    for word in words:
        ids = encode(word)
        firsts += ids[:-1]
        seconds += ids[1:]
    # one bincount over flat pair indices instead of a Python loop over pairs
    flat = np.bincount(np.array(firsts) * VOCAB + np.array(seconds, dtype=np.int64),
                       minlength=VOCAB * VOCAB)
    return flat.reshape(VOCAB, VOCAB).astype(np.int64)


def _log_probs(W: np.ndarray) -> np.ndarray:
    """Row-wise log-softmax of W: (27, 27) -> (27, 27), stable for large logits."""
    shifted = W - W.max(axis=1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))


def nll(W: np.ndarray, counts: np.ndarray, smoothing: float = SMOOTHING) -> float:
    """Average negative log-likelihood (nats per bigram) of W on counts + smoothing."""
    targets = counts + smoothing
    return float(-(targets * _log_probs(W)).sum() / targets.sum())


def count_model_logits(counts: np.ndarray, smoothing: float = SMOOTHING) -> np.ndarray:
    """The closed-form optimum: W* = log((counts + smoothing) / row total).

    Softmax of row i of W* is exactly the smoothed frequency of what follows i, so
    nll(W*, counts) is the lowest loss any W can reach.
    """
    targets = counts + smoothing
    return np.log(targets / targets.sum(axis=1, keepdims=True))


@dataclass(frozen=True)
class TrainedModel:
    """W: (27, 27) logits; counts: (27, 27) ints; and a note a person can read."""

    W: np.ndarray
    counts: np.ndarray
    names: int
    bigrams: int
    steps: int
    loss: float
    optimum: float
    seconds: float

    @property
    def gap(self) -> float:
        """How far (nats per bigram) the trained loss is above the count-model optimum."""
        return self.loss - self.optimum

    def note(self) -> str:
        return (
            f"trained a bigram model on {self.names:,} names ({self.bigrams:,} bigrams): "
            f"{self.steps} steps of gradient descent, loss {self.loss:.4f} nats "
            f"(count-model optimum {self.optimum:.4f}, gap {self.gap:.4f}) "
            f"in {self.seconds * 1000:.0f} ms"
        )


def train(
    counts: np.ndarray,
    steps: int = 300,
    lr: float = 50.0,
    momentum: float = 0.9,
    smoothing: float = SMOOTHING,
) -> np.ndarray:
    """Gradient descent (with momentum) on the average NLL, starting from W = 0.

    The loss only depends on the data through the counts, so one step costs O(27²)
    however many names there are: with p = softmax(W) row by row and
    T = counts + smoothing, the gradient is (T.sum(1) * p - T) / T.sum().
    Deterministic: no randomness anywhere.
    """
    targets = (counts + smoothing).astype(np.float64)
    row_totals = targets.sum(axis=1, keepdims=True)
    total = targets.sum()
    W = np.zeros((VOCAB, VOCAB))
    velocity = np.zeros_like(W)
    for _ in range(steps):
        probs = np.exp(_log_probs(W))
        grad = (row_totals * probs - targets) / total
        velocity = momentum * velocity - lr * grad
        W = W + velocity
    return W


@lru_cache(maxsize=1)
def trained_model() -> TrainedModel:
    """The lab's model, trained on load from the shipped names (cached for the process)."""
    words = load_names()
    start = time.perf_counter()
    counts = count_bigrams(words)
    steps = 300
    W = train(counts, steps=steps)
    seconds = time.perf_counter() - start
    W.setflags(write=False)
    counts.setflags(write=False)
    return TrainedModel(
        W=W,
        counts=counts,
        names=len(words),
        bigrams=int(counts.sum()),
        steps=steps,
        loss=nll(W, counts),
        optimum=nll(count_model_logits(counts), counts),
        seconds=seconds,
    )
