"""TOOL 05 — the residual stream and the logit lens, on a small residual model of our names.

The model reads the last CONTEXT characters (`.`-padded) and predicts the next one:

    x_0     = E[0, c_0] + E[1, c_1] + E[2, c_2]        # (d,) the embedding: one table per slot
    x_{l+1} = x_l + relu(x_l @ W1[l] + b1[l]) @ W2[l] + b2[l]   # a block ADDS to the stream
    logits  = x_L @ U + bU                               # (27,) the unembedding

Every block only adds to the stream, so each partial stream x_l lives in the same space
as the last one, and we can read it with the unembedding: that is the logit lens. At the
last layer the lens *is* the model's output.

params is a plain dict of arrays (see param_shapes), so it crosses the grader's channel.
This module only holds the shipped model; the functions that run it are the lab's
graded ones (reference.py), and train_residual.py is how the weights were made.

>>> sorted(residual_model()) == sorted(param_shapes())
True
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np

from ..tokens import VOCAB

CONTEXT = 3  # characters of context
WIDTH = 32  # d: the residual stream's width
HIDDEN = 64  # h: each block's hidden layer
LAYERS = 4  # L: residual blocks
WEIGHTS_FILE = Path(__file__).resolve().parent.parent / "data" / "lab02_residual.npz"


def param_shapes(k: int = CONTEXT, d: int = WIDTH, h: int = HIDDEN, L: int = LAYERS) -> dict:
    """The shape of every array of a residual model's params."""
    return {"E": (k, VOCAB, d), "W1": (L, d, h), "b1": (L, h), "W2": (L, h, d), "b2": (L, d),
            "U": (d, VOCAB), "bU": (VOCAB,)}


def load_params(path: Path | str = WEIGHTS_FILE) -> dict:
    """A params dict (float64 arrays) from an .npz written by train_residual."""
    with np.load(path) as data:
        return {name: data[name].astype(np.float64) for name in param_shapes()}


@lru_cache(maxsize=1)
def _shipped() -> dict:
    params = load_params()
    for array in params.values():
        array.setflags(write=False)
    return params


def residual_model() -> dict:
    """The shipped trained model (a fresh dict each call; the arrays are read-only)."""
    return dict(_shipped())
