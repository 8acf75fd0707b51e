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

The forward pass (run_attention_model) is provided; learners write its attention.

>>> tokens = repeated_tokens(np.random.default_rng(0), 8, 3)
>>> int(tokens[0]), bool((tokens[1:4] == tokens[4:]).all())
(0, True)
"""

from __future__ import annotations

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


# ---------------------------------------------------------------- graded (reference)


def causal_attention(q: np.ndarray, k: np.ndarray) -> np.ndarray:
    """(T, T) attention pattern: row i is softmax over keys j <= i of q[i] . k[j] / sqrt(d_head).

    q and k are (T, d_head). A query never sees the future: pattern[i, j] is exactly 0
    for j > i, and every row sums to 1 (row 0 is all on key 0). Stable for scores of any
    size. Inputs are unchanged.
    >>> causal_attention(np.zeros((2, 4)), np.zeros((2, 4))).tolist()
    [[1.0, 0.0], [0.5, 0.5]]
    """
    q = np.asarray(q, dtype=np.float64)
    k = np.asarray(k, dtype=np.float64)
    scores = q @ k.T / np.sqrt(q.shape[-1])
    future = np.triu(np.ones(scores.shape, dtype=bool), k=1)
    scores = np.where(future, -np.inf, scores)
    scores = scores - scores.max(axis=-1, keepdims=True)
    weights = np.exp(scores)
    return weights / weights.sum(axis=-1, keepdims=True)


def repeated_tokens(rng: np.random.Generator, n_vocab: int, half_len: int) -> np.ndarray:
    """(2 * half_len + 1,) int64: BOS (0), then half_len random tokens, then the same again.

    The random tokens are drawn uniformly from 1..n_vocab-1 (never BOS) with `rng`.
    half_len < 1 or n_vocab < 2 raises ValueError.
    >>> repeated_tokens(np.random.default_rng(0), 2, 2).tolist()
    [0, 1, 1, 1, 1]
    """
    if half_len < 1 or n_vocab < 2:
        raise ValueError(f"need half_len >= 1 and n_vocab >= 2, got {half_len=} and {n_vocab=}")
    half = rng.integers(1, n_vocab, size=half_len)
    return np.concatenate([[BOS], half, half]).astype(np.int64)


def prev_token_score(patterns: np.ndarray) -> np.ndarray:
    """(...) how much each head attends to the previous token: mean of pattern[i, i-1], i >= 1.

    patterns is (..., T, T), e.g. (layers, heads, T, T) gives a (layers, heads) array.
    1 means always looking exactly one step back.
    >>> looks_back = np.array([[1.0, 0, 0], [1, 0, 0], [0, 1, 0]])
    >>> float(prev_token_score(looks_back))
    1.0
    """
    patterns = np.asarray(patterns, dtype=np.float64)
    return np.diagonal(patterns, offset=-1, axis1=-2, axis2=-1).mean(axis=-1)


def induction_score(patterns: np.ndarray, half_len: int) -> np.ndarray:
    """(...) mean attention from each query i of the repeated half to key i - half_len + 1.

    patterns is (..., T, T) on a repeated sequence of T = 2 * half_len + 1 tokens (BOS,
    then a half, then the same half again). Query i (half_len < i <= 2 * half_len) sees
    its token's earlier copy at i - half_len; the token *after* that copy sits at
    i - half_len + 1: the stripe at diagonal offset 1 - half_len. Only the repeated
    half's queries count. A T that is not 2 * half_len + 1 raises ValueError.
    """
    patterns = np.asarray(patterns, dtype=np.float64)
    T = patterns.shape[-1]
    if T != 2 * half_len + 1:
        raise ValueError(f"patterns cover {T} positions but a repeated sequence with "
                         f"half_len={half_len} has {2 * half_len + 1} (BOS + 2 halves)")
    stripe = np.diagonal(patterns, offset=1 - half_len, axis1=-2, axis2=-1)
    # the stripe's entries are queries half_len - 1 .. 2 * half_len: keep the last half_len
    return stripe[..., -half_len:].mean(axis=-1)


def find_heads(scores: np.ndarray, threshold: float) -> list[tuple[int, int]]:
    """Every (layer, head) whose score in scores (layers, heads) is above threshold.

    Plain Python ints, in order: layer by layer, head by head.
    >>> find_heads(np.array([[0.1, 0.9], [0.95, 0.2]]), 0.5)
    [(0, 1), (1, 0)]
    """
    scores = np.asarray(scores)
    return [(int(layer), int(head)) for layer, head in zip(*np.nonzero(scores > threshold))]


def ablate_head(params: dict, layer: int, head: int) -> dict:
    """A new params dict in which head (layer, head) writes nothing: its W_O block is zero.

    Every other array is equal to the original; params itself is not changed (copy
    what you change). A layer or head out of range raises ValueError.
    """
    n_layers, n_heads = params["W_O"].shape[:2]
    if not (0 <= layer < n_layers and 0 <= head < n_heads):
        raise ValueError(f"there is no head ({layer}, {head}): layers run 0..{n_layers - 1}, "
                         f"heads 0..{n_heads - 1}")
    ablated = dict(params)
    ablated["W_O"] = np.array(params["W_O"], dtype=np.float64)
    ablated["W_O"][layer, head] = 0.0
    return ablated


# ---------------------------------------------------------------- the model (not graded)


def run_attention_model(params: dict, tokens: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """logits (T, n_vocab) and every head's pattern (layers, heads, T, T) on tokens (T,)."""
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
            patterns[layer, head] = causal_attention(q, k)
            out += patterns[layer, head] @ v @ params["W_O"][layer, head]
        x = x + out  # every layer's heads read the same stream, then all write at once
    return x @ params["W_U"], patterns


def _sequence_nll(logits: np.ndarray, targets: np.ndarray) -> float:
    shifted = logits - logits.max(axis=-1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))
    return float(-log_probs[np.arange(len(targets)), targets].mean())


def repeated_half_loss(params: dict, tokens: np.ndarray, half_len: int) -> float:
    """Mean NLL of the predictions made inside the repeated half (those an induction head can know).

    Positions half_len + 1 .. 2 * half_len - 1 predict tokens half_len + 2 .. 2 * half_len:
    each is the token after an earlier copy.
    """
    logits, _ = run_attention_model(params, tokens)
    return _sequence_nll(logits[half_len + 1:-1], np.asarray(tokens)[half_len + 2:])


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
