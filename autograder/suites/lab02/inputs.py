"""Inputs for lab 02 checks: the lab's models and small random ones that corner mistakes.

Every function returns fresh, writable arrays. No reference answers here: the public
suites use this module too.

>>> sorted(random_residual(0)) == ["E", "U", "W1", "W2", "b1", "b2", "bU"]
True
"""

from __future__ import annotations

import numpy as np

from mindlab_core.lab02.directions import letter_vectors
from mindlab_core.lab02.induction import induction_model
from mindlab_core.lab02.residual import param_shapes, residual_model
from mindlab_core.tokens import VOCAB

__all__ = ["letter_vectors", "trained_residual", "random_residual", "trained_induction",
           "random_patterns", "random_toy", "random_sae", "contexts"]


def trained_residual() -> dict:
    """The shipped residual name model, as writable float64 arrays."""
    return {k: np.array(v) for k, v in residual_model().items()}


def random_residual(seed: int, k: int = 2, d: int = 5, h: int = 7, L: int = 2) -> dict:
    """A small random residual model of other sizes: nothing may be hard-coded."""
    rng = np.random.default_rng(seed)
    return {name: rng.normal(0, 0.7, shape) for name, shape in param_shapes(k, d, h, L).items()}


def contexts(seed: int, n: int, k: int) -> np.ndarray:
    """(n, k) random token indices."""
    return np.random.default_rng(seed).integers(0, VOCAB, size=(n, k))


def trained_induction() -> dict:
    """The hand-built induction model, as writable float64 arrays."""
    return {k: np.array(v) for k, v in induction_model().items()}


def random_patterns(seed: int, shape: tuple[int, ...]) -> np.ndarray:
    """Random causal attention patterns (..., T, T): rows sum to 1, zero above the diagonal."""
    rng = np.random.default_rng(seed)
    T = shape[-1]
    weights = rng.random(shape) * np.tril(np.ones((T, T)))
    return weights / weights.sum(axis=-1, keepdims=True)


def random_toy(seed: int, m: int = 2, f: int = 5) -> dict:
    rng = np.random.default_rng(seed)
    return {"W": rng.normal(0, 1, (m, f)), "b": rng.normal(0, 0.3, f)}


def random_sae(seed: int, m: int = 2, k: int = 6) -> dict:
    rng = np.random.default_rng(seed)
    return {"W_enc": rng.normal(0, 1, (m, k)), "b_enc": rng.normal(0, 0.3, k),
            "W_dec": rng.normal(0, 1, (k, m)), "b_dec": rng.normal(0, 0.3, m)}
