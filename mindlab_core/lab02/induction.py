"""TOOL 06 — induction heads, in a two-layer attention-only transformer built by hand.

Tokens are 0 (BOS, the start) and 1..N_VOCAB-1. The residual stream is a sum of
labelled slots, so you can read the weights like a circuit diagram:

    TOK  (N_VOCAB)  which token is here          written by the embedding W_E
    POS  (N_CTX)    which position this is       written by W_pos
    PREV (N_VOCAB)  which token came just before written by layer 0's previous-token head
    PRED (N_VOCAB)  which token comes next       written by layer 1's induction head
    ONE  (1)        always 1 (a bias)            written by the embedding
    SCRATCH         where distractor heads write, read by nothing that matters

Layer 0: a previous-token head copies the token at i-1 into PREV at i. Layer 1: an
induction head at i looks for a key j whose PREV equals the token at i ("where did my
token occur before?") and copies the token at j ("what came after it then?") into PRED.
The unembedding reads PRED. Beside them sit distractor heads (current-token, first-token
and noise heads). Small seeded noise is added to every weight, so the picture is not
perfectly clean. Built on load, deterministic, nothing shipped.

The forward pass (run_attention_model) is provided; learners write its attention and
pass it in. The graded functions are in reference.py; this module never imports it.

>>> logits, patterns = run_attention_model(induction_model(), np.array([0, 5, 7, 5]))
>>> logits.shape, patterns.shape
((4, 64), (2, 4, 4, 4))
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

import numpy as np

BOS = 0
N_VOCAB = 64
N_CTX = 48
LAYERS = 2
HEADS = 4
D_HEAD = max(N_CTX, N_VOCAB + 1)  # wide enough to index a position, or a token and BOS
SCRATCH = 8
STRENGTH = 12.0  # attention score (after the 1/sqrt(d_head) scale) of a wanted key
NOISE = 0.01

# slot offsets in the residual stream
TOK = 0
POS = TOK + N_VOCAB
PREV = POS + N_CTX
PRED = PREV + N_VOCAB
ONE = PRED + N_VOCAB
SCR = ONE + 1
D_MODEL = SCR + SCRATCH

# which head does what: (layer, head) -> role
ROLES = {
    (0, 0): "current token",
    (0, 1): "previous token",
    (0, 2): "first token",
    (0, 3): "noise",
    (1, 0): "first token",
    (1, 1): "noise",
    (1, 2): "induction",
    (1, 3): "current token",
}


# ---------------------------------------------------------------- the model (not graded)


def plain_causal_attention(q: np.ndarray, k: np.ndarray) -> np.ndarray:
    """(T, T) causal softmax(q k^T / sqrt(d_head)): the model's own attention (see the lab)."""
    scores = q @ k.T / np.sqrt(q.shape[-1])
    scores = np.where(np.triu(np.ones(scores.shape, dtype=bool), k=1), -np.inf, scores)
    weights = np.exp(scores - scores.max(axis=-1, keepdims=True))
    return weights / weights.sum(axis=-1, keepdims=True)


def run_attention_model(params: dict, tokens: np.ndarray,
                        attention: Callable = plain_causal_attention,
                        ) -> tuple[np.ndarray, np.ndarray]:
    """logits (T, n_vocab) and every head's pattern (layers, heads, T, T) on tokens (T,).

    `attention(q, k) -> (T, T)` computes each head's pattern: pass your own
    causal_attention to run the model on it.
    """
    tokens = np.asarray(tokens)
    T = len(tokens)
    x = params["W_E"][tokens] + params["W_pos"][:T]
    n_layers, n_heads = params["W_Q"].shape[:2]
    patterns = np.zeros((n_layers, n_heads, T, T))
    for layer in range(n_layers):
        out = np.zeros_like(x)
        for head in range(n_heads):
            q = x @ params["W_Q"][layer, head]
            k = x @ params["W_K"][layer, head]
            v = x @ params["W_V"][layer, head]
            patterns[layer, head] = attention(q, k)
            out += patterns[layer, head] @ v @ params["W_O"][layer, head]
        x = x + out  # every layer's heads read the same stream, then all write at once
    return x @ params["W_U"], patterns


def chance_loss(n_vocab: int = N_VOCAB) -> float:
    """The loss of guessing uniformly among the n_vocab - 1 real tokens: log(n_vocab - 1)."""
    return float(np.log(n_vocab - 1))


def _shift(rows: int, cols: int, by: int, scale: float = 1.0) -> np.ndarray:
    """(rows, cols) with scale at [i, i + by]: an identity moved `by` columns."""
    return scale * np.eye(rows, cols, k=by)


@lru_cache(maxsize=1)
def _built() -> dict:
    rng = np.random.default_rng(2022)  # the year the induction-heads paper came out
    A = STRENGTH * np.sqrt(D_HEAD)  # so that score / sqrt(d_head) == STRENGTH
    p = {"W_E": np.zeros((N_VOCAB, D_MODEL)), "W_pos": np.zeros((N_CTX, D_MODEL)),
         "W_Q": np.zeros((LAYERS, HEADS, D_MODEL, D_HEAD)),
         "W_K": np.zeros((LAYERS, HEADS, D_MODEL, D_HEAD)),
         "W_V": np.zeros((LAYERS, HEADS, D_MODEL, D_HEAD)),
         "W_O": np.zeros((LAYERS, HEADS, D_HEAD, D_MODEL)),
         "W_U": np.zeros((D_MODEL, N_VOCAB))}
    p["W_E"][:, TOK:TOK + N_VOCAB] = np.eye(N_VOCAB)
    p["W_E"][:, ONE] = 1.0
    p["W_pos"][:, POS:POS + N_CTX] = np.eye(N_CTX)
    tok, pos = slice(TOK, TOK + N_VOCAB), slice(POS, POS + N_CTX)
    Q, K, V, Out = p["W_Q"], p["W_K"], p["W_V"], p["W_O"]

    def copy_token_to(layer: int, head: int, slot: int, skip_bos: bool = False) -> None:
        V[layer, head, tok, :N_VOCAB] = np.eye(N_VOCAB)
        if skip_bos:
            V[layer, head, TOK + BOS, BOS] = 0.0  # BOS carries no prediction
        Out[layer, head, :N_VOCAB, slot:slot + N_VOCAB] = np.eye(N_VOCAB)

    def to_scratch(layer: int, head: int) -> None:
        V[layer, head, tok, :N_VOCAB] = np.eye(N_VOCAB)
        Out[layer, head, :N_VOCAB, SCR:SCR + SCRATCH] = rng.normal(0, 0.3, (N_VOCAB, SCRATCH))

    def current_token(layer: int, head: int) -> None:  # query p looks for key position p
        Q[layer, head, pos, :N_CTX] = _shift(N_CTX, N_CTX, 0, A)
        K[layer, head, pos, :N_CTX] = np.eye(N_CTX)
        to_scratch(layer, head)

    def first_token(layer: int, head: int) -> None:  # every query looks for BOS
        Q[layer, head, ONE, 0] = A
        K[layer, head, TOK + BOS, 0] = 1.0
        to_scratch(layer, head)

    def noise(layer: int, head: int) -> None:  # looks wherever random weights say
        Q[layer, head, :SCR] = rng.normal(0, 0.15, (SCR, D_HEAD))
        K[layer, head, :SCR] = rng.normal(0, 0.15, (SCR, D_HEAD))
        to_scratch(layer, head)

    current_token(0, 0)
    # previous-token head: query at position p looks for key position p - 1
    Q[0, 1, pos, :N_CTX] = _shift(N_CTX, N_CTX, -1, A)
    K[0, 1, pos, :N_CTX] = np.eye(N_CTX)
    copy_token_to(0, 1, PREV)
    first_token(0, 2)
    noise(0, 3)
    first_token(1, 0)
    noise(1, 1)
    # induction head: query "my token is t" matches key "the token before me was t" ...
    Q[1, 2, tok, :N_VOCAB] = A * np.eye(N_VOCAB)
    K[1, 2, PREV:PREV + N_VOCAB, :N_VOCAB] = np.eye(N_VOCAB)
    # ... and with no match it rests on BOS (half as strongly), which carries nothing
    Q[1, 2, ONE, N_VOCAB] = A / 2
    K[1, 2, TOK + BOS, N_VOCAB] = 1.0
    copy_token_to(1, 2, PRED, skip_bos=True)
    current_token(1, 3)
    p["W_U"][PRED:PRED + N_VOCAB] = 10.0 * np.eye(N_VOCAB)
    p["W_U"][ONE, BOS] = -10.0  # never predict BOS
    for array in p.values():  # a little noise everywhere: real weights are never clean
        array += rng.normal(0, NOISE, array.shape)
        array.setflags(write=False)
    return p


def induction_model() -> dict:
    """The hand-built model as a params dict (a fresh dict; the arrays are read-only).

    W_E (n_vocab, d), W_pos (n_ctx, d), W_Q/W_K/W_V (layers, heads, d, d_head),
    W_O (layers, heads, d_head, d), W_U (d, n_vocab).
    """
    return dict(_built())
