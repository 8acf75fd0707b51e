# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     notebook_metadata_filter: -jupytext.text_representation
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown] nbgrader={"grade": false, "grade_id": "intro", "locked": true, "schema_version": 3, "solution": false, "task": false}
# # Lab 02 — Scaling the idea up
#
# In lab 01 you read a bigram model's mind, cut parts out of it, and wrote its behaviour
# down as rules. The same three moves — **read, intervene, extract** — are how people
# study models with billions of weights. This lab takes them to four bigger ideas, each
# on a model small enough to run in plain numpy in a second:
#
# | Tool | The idea | You write |
# |------|----------|-----------|
# | 04 features are directions | a concept is a direction; a dot product tests for it | `mean_difference_direction`, `project`, `cosine_similarity` |
# | 05 the residual stream | every layer adds to one stream, so we can read it mid-way | `make_contexts`, `run_with_cache`, `logit_lens`, `cross_entropy` |
# | 06 induction heads | two attention heads team up to copy what came next last time | `causal_attention`, `repeated_tokens`, `prev_token_score`, `induction_score`, `find_heads`, `ablate_head` |
# | 07 superposition | a model can store more features than it has dimensions | `sparse_features`, `toy_forward`, `importance_loss`, `feature_dimensionality`, `sae_encode`, `sae_decode`, `sae_loss`, `best_cosines` |
#
# **How to work.** As in lab 01: replace each `raise NotImplementedError()` with your
# code, run the cells from the top, and read the check cell at the end of each tool.
# From a terminal: `mindlab check lab02.py --lab lab02`. Use numpy, and leave your
# inputs unchanged (arrays *and* the dicts that hold a model's weights).


# %% nbgrader={"grade": false, "grade_id": "setup", "locked": true, "schema_version": 3, "solution": false, "task": false}
import numpy as np

from mindlab_core.lab02 import directions, induction, pictures, residual, superposition
from mindlab_core.names import load_names
from mindlab_core.tokens import TOKENS, encode

BOS = induction.BOS  # token 0 starts every sequence of the induction model

names = load_names()
print(f"{len(names):,} names, e.g. {names[:4]}")


# %% [markdown] nbgrader={"grade": false, "grade_id": "tool04_intro", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ## TOOL 04 — features are directions
#
# Lab 01's `W` gives every letter a vector: its row, the logits of what comes next.
# Letters that behave alike get rows that point alike. If "being a vowel" is something
# the model knows, it should be a **direction** in this 27-dimensional space, and the
# simplest guess for it is the difference between the average vowel row and the average
# consonant row. A letter's **projection** on that direction (its dot product with the
# unit vector) is then a vowel-ness score.
#
# We build the direction from a few letters only (`a e o` against 14 consonants) and
# keep others **held out**: if `i` and `u` score like vowels and `j v w x z` like
# consonants, the direction found something real rather than memorising its examples.


# %% nbgrader={"grade": false, "grade_id": "tool04_helpers", "locked": true, "schema_version": 3, "solution": false, "task": false}
# Two input checks you may use: each returns a float array or raises a clear ValueError.


def _matrix(X, what: str) -> np.ndarray:
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 2 or X.shape[0] == 0:
        raise ValueError(f"{what} must be a non-empty (n, d) array of vectors, got shape {X.shape}")
    return X


def _vector(v, what: str) -> np.ndarray:
    v = np.asarray(v, dtype=np.float64)
    if v.ndim != 1:
        raise ValueError(f"{what} must be a 1-D (d,) vector, got shape {v.shape}")
    norm = np.linalg.norm(v)
    if not norm > 0:
        raise ValueError(f"{what} has length 0: a direction needs a non-zero vector")
    return v


# %% nbgrader={"grade": false, "grade_id": "mean_difference_direction", "locked": false, "schema_version": 3, "solution": true, "task": false}
def mean_difference_direction(X_a: np.ndarray, X_b: np.ndarray) -> np.ndarray:
    """(d,) unit vector from the mean of X_b (m, d) to the mean of X_a (n, d).

    >>> mean_difference_direction(np.array([[0.0, 3.0]]), np.array([[0.0, 1.0]])).tolist()
    [0.0, 1.0]

    Points toward class a: members of a project higher than members of b. Its length is
    exactly 1. The two arrays must have the same width d (else ValueError); when the two
    means coincide there is no direction and ValueError is raised. Inputs are unchanged.
    """
    centre_a = _matrix(X_a, "X_a").mean(axis=0)  # (d,) the average member of class a
    centre_b = _matrix(X_b, "X_b").mean(axis=0)
    if centre_a.shape != centre_b.shape:
        raise ValueError(f"the rows of X_a have {centre_a.size} entries and those of X_b "
                         f"{centre_b.size}: give both classes as vectors of the same size")
    gap = centre_a - centre_b  # points from b's centre to a's
    length = np.sqrt(np.sum(gap**2))
    if not length > 0:
        raise ValueError("X_a and X_b have the same mean, so there is no direction between "
                         "them: pick two classes that differ")
    return gap / length


# %% nbgrader={"grade": false, "grade_id": "project", "locked": false, "schema_version": 3, "solution": true, "task": false}
def project(X: np.ndarray, direction: np.ndarray) -> np.ndarray:
    """(n,) how far each row of X (n, d) reaches along `direction` (d,): X @ direction / |d|.

    >>> project(np.array([[1.0, 1.0], [2.0, -1.0]]), np.array([3.0, 0.0])).tolist()
    [1.0, 2.0]

    The direction's length does not matter (it is normalised first), its sign does.
    Mismatched widths or a zero direction raise ValueError. Inputs are unchanged.
    """
    rows = _matrix(X, "X")
    d = np.asarray(direction, dtype=np.float64)
    if d.shape != (rows.shape[1],):
        raise ValueError(f"direction has shape {d.shape} but the rows of X have "
                         f"{rows.shape[1]} entries: give a (d,) vector as wide as X")
    length = np.linalg.norm(d)
    if length == 0:
        raise ValueError("direction is the zero vector: it has no direction to project on")
    return np.einsum("nd,d->n", rows, d) / length


# %% nbgrader={"grade": false, "grade_id": "cosine_similarity", "locked": false, "schema_version": 3, "solution": true, "task": false}
def cosine_similarity(u: np.ndarray, v: np.ndarray) -> float:
    """The cosine of the angle between u (d,) and v (d,), a float in [-1, 1].

    >>> cosine_similarity(np.array([1.0, 0.0]), np.array([5.0, 5.0]))
    0.7071067811865475

    1 means same direction, 0 orthogonal, -1 opposite; lengths do not matter. Mismatched
    lengths or a zero vector raise ValueError. Inputs are unchanged.
    """
    a = np.asarray(u, dtype=np.float64)
    b = np.asarray(v, dtype=np.float64)
    if a.ndim != 1 or a.shape != b.shape:
        raise ValueError(f"u and v must be 1-D vectors of the same length, got shapes "
                         f"{a.shape} and {b.shape}")
    size_a, size_b = np.linalg.norm(a), np.linalg.norm(b)
    if size_a == 0 or size_b == 0:
        raise ValueError("the angle to a zero vector is undefined: u and v must be non-zero")
    # a unit vector dotted with a unit vector; clip away rounding just outside [-1, 1]
    return float(np.clip(np.dot(a / size_a, b / size_b), -1.0, 1.0))


# %% nbgrader={"grade": false, "grade_id": "tool04_demo", "locked": true, "schema_version": 3, "solution": false, "task": false}
letters = directions.letter_vectors()  # (27, 27): row i is lab 01's W[i]
vowels = directions.rows_of(letters, directions.TRAIN_VOWELS)
consonants = directions.rows_of(letters, directions.TRAIN_CONSONANTS)
vowel_direction = mean_difference_direction(vowels, consonants)
scores = dict(zip(TOKENS, project(letters, vowel_direction)))
threshold = directions.midpoint_threshold(project(vowels, vowel_direction),
                                          project(consonants, vowel_direction))
for group in (directions.HELD_OUT_VOWELS, directions.HELD_OUT_CONSONANTS):
    print(", ".join(f"{c}: {scores[c]:+.2f}" for c in group), f"(threshold {threshold:+.2f})")
print(f"cosine of the rows of 'a' and 'e': {cosine_similarity(letters[1], letters[5]):+.2f}, "
      f"of 'a' and 't': {cosine_similarity(letters[1], letters[20]):+.2f}")
pictures.projection_strip(scores, threshold, "aeiou", directions.TRAIN_CONSONANTS
                          + directions.HELD_OUT_CONSONANTS,
                          directions.HELD_OUT_VOWELS + directions.HELD_OUT_CONSONANTS)


# %% [markdown] nbgrader={"grade": false, "grade_id": "tool04_outro", "locked": true, "schema_version": 3, "solution": false, "task": false}
# The held-out letters land on the right side. `y` (grey) scores like a vowel, which is
# how it behaves in names like *lynn*; `q` also leans to the vowel side, because the row
# of `q` is almost entirely "then `u`", a habit no consonant in the training set has.


# %% [markdown] nbgrader={"grade": false, "grade_id": "tool04_answer", "locked": true, "schema_version": 3, "solution": false, "task": false}
# **Look again.** How much room do the held-out letters leave between them and the
# threshold? And the two cosines: `a` and `t` do different jobs in a name, so why is
# theirs positive at all?
#
# <details><summary>Answer (open it once you have read the printed scores)</summary>
#
# Plenty of room. `i` (+2.09) and `u` (+1.03) score like the training vowels (`e` +1.00
# up to `a` +3.25), and the held-out consonants land between `x` (-4.95) and `j`
# (-10.43), all well below the threshold -2.64. The direction itself says why: it is
# most negative on the vowel columns (`a` -0.48, `e` -0.37, `o` -0.36, `i` -0.33) and
# most positive on `n` (+0.32). A row of `W` is "what comes next", so a letter scores as
# a vowel when the model expects a consonant after it. Vowel-ness is a fact about
# behaviour, and `i` and `u` behave that way although the direction never saw them.
#
# The cosine of `a` and `t` is +0.33 (against +0.69 for `a` and `e`) because all rows
# share a large common part: after most letters, `a`, `e` and `i` are likely. Take the
# average row away from both and `a`·`t` drops to -0.20, while `a`·`e` stays at +0.70. A
# difference of two means cancels that shared part by itself, which is why it finds the
# feature where a single row would not.
#
# </details>


# %% nbgrader={"grade": true, "grade_id": "check_tool04", "locked": true, "points": 10.0, "schema_version": 3, "solution": false, "task": false}
from mindlab_grader.notebook import check_tool

# check_tool("lab02", "tool04", globals())  (a check cell: run by the learner, not here)


# %% [markdown] nbgrader={"grade": false, "grade_id": "tool05_intro", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ## TOOL 05 — the residual stream and the logit lens
#
# A bigram model sees one letter. The model below sees three (`.`-padded), and is
# built like a transformer without attention: an **embedding** turns the context into a
# vector `x0` of width 32, then 4 **blocks** each *add* something to it,
# `x ← x + relu(x @ W1 + b1) @ W2 + b2`, and an **unembedding** reads the final vector
# as 27 logits, `x @ U + bU`. That running sum is the **residual stream**.
#
# Because blocks only add, every partial stream lives in the same space as the last one.
# So we can apply the unembedding *early*: the **logit lens**. It shows what the model
# would say if it stopped after block 1, 2, 3: the prediction sharpening layer by layer.
# The weights ship with mindlab (`mindlab_core/lab02/train_residual.py` trained them).


# %% nbgrader={"grade": false, "grade_id": "make_contexts", "locked": false, "schema_version": 3, "solution": true, "task": false}
def make_contexts(words: list[str], k: int) -> tuple[np.ndarray, np.ndarray]:
    """Every (context, next token) pair of the words: X (n, k) int64, Y (n,) int64.

    Each word is read as k boundary tokens `.`, its letters, then one `.`; each position
    after the padding is a target, its k predecessors the context. A word of length m
    gives m + 1 pairs; words are taken in order.
    >>> X, Y = make_contexts(["a"], 2)
    >>> X.tolist(), Y.tolist()
    ([[0, 0], [0, 1]], [1, 0])

    k < 1 raises ValueError, and so does a word with a character outside a..z.
    """
    if not (isinstance(k, (int, np.integer)) and k >= 1):
        raise ValueError(f"k is the number of tokens of context, a whole number >= 1; got {k!r}")
    windows = []
    for word in words:
        if "." in word:  # encode would take it as a token: a word has letters only
            raise ValueError(f"{word!r} contains '.': words use the letters a..z only")
        # encode checks every character and adds one '.' at each end; pad to k in front
        padded = np.array([0] * (k - 1) + encode(word), dtype=np.int64)
        # each window of k + 1 tokens is one pair: k tokens of context, then the target
        windows.append(np.lib.stride_tricks.sliding_window_view(padded, k + 1))
    pairs = np.concatenate(windows) if windows else np.zeros((0, k + 1), dtype=np.int64)
    return np.ascontiguousarray(pairs[:, :k]), np.ascontiguousarray(pairs[:, k])


# %% nbgrader={"grade": false, "grade_id": "run_with_cache", "locked": false, "schema_version": 3, "solution": true, "task": false}
def run_with_cache(params: dict, contexts: np.ndarray) -> list[np.ndarray]:
    """The residual stream after the embedding and after every block: L + 1 arrays (n, d).

    streams[0] is the embedding x_0 (the sum of one row of E per context slot);
    streams[l + 1] = streams[l] + relu(streams[l] @ W1[l] + b1[l]) @ W2[l] + b2[l].
    contexts is (n, k) token indices. params is not changed.
    """
    ctx = np.asarray(contexts)
    x = np.zeros((ctx.shape[0], params["E"].shape[-1]))
    for slot, table in enumerate(params["E"]):
        x = x + table[ctx[:, slot]]  # one embedding table per context position
    cache = [x]
    blocks = zip(params["W1"], params["b1"], params["W2"], params["b2"])
    for W_in, b_in, W_out, b_out in blocks:
        block_output = np.maximum(x @ W_in + b_in, 0.0) @ W_out + b_out
        x = x + block_output  # a new array: the cached streams stay as they were
        cache.append(x)
    return cache


# %% nbgrader={"grade": false, "grade_id": "logit_lens", "locked": false, "schema_version": 3, "solution": true, "task": false}
def logit_lens(params: dict, streams: list[np.ndarray]) -> np.ndarray:
    """(len(streams), n, 27): every partial stream read through the unembedding, s @ U + bU.

    The last entry, on the last stream, is exactly the model's logits: the lens adds
    nothing at the end of the model. params and streams are not changed.
    """
    U, bU = params["U"], params["bU"]
    return np.stack([stream @ U for stream in streams]) + bU


# %% nbgrader={"grade": false, "grade_id": "cross_entropy", "locked": false, "schema_version": 3, "solution": true, "task": false}
def cross_entropy(logits: np.ndarray, targets: np.ndarray) -> float:
    """Mean negative log-likelihood (nats) of the targets (n,) under logits (n, V).

    >>> round(cross_entropy(np.zeros((2, 27)), np.array([0, 5])), 4)   # uniform: log 27
    3.2958

    Computed with a stable log-softmax, so logits of any size (1e4) are fine.
    """
    z = np.asarray(logits, dtype=np.float64)
    y = np.asarray(targets, dtype=np.int64)
    top = z.max(axis=1)
    # log sum exp, shifted by each row's largest logit so that exp never overflows
    log_total = top + np.log(np.sum(np.exp(z - top[:, None]), axis=1))
    chosen = np.take_along_axis(z, y[:, None], axis=1)[:, 0]
    return float(np.mean(log_total - chosen))


# %% nbgrader={"grade": false, "grade_id": "tool05_demo", "locked": true, "schema_version": 3, "solution": false, "task": false}
params = residual.residual_model()
X, Y = make_contexts(names, 3)
streams = run_with_cache(params, X)
lens = logit_lens(params, streams)  # (5, n, 27)
losses = [cross_entropy(layer, Y) for layer in lens]
print("lens loss by layer:", ", ".join(f"{loss:.2f}" for loss in losses), "nats")
output = streams[-1] @ params["U"] + params["bU"]
print("the last layer's lens is the model's output:", bool(np.array_equal(lens[-1], output)))
examples = ["..e", ".em", "emm", ".jo", "joh", "ohn"]
targets = "mmahn."
contexts = np.array([[TOKENS.index(c) for c in ex] for ex in examples])
pictures.lens_table(logit_lens(params, run_with_cache(params, contexts)), examples, targets,
                    losses=losses)


# %% [markdown] nbgrader={"grade": false, "grade_id": "tool05_answer", "locked": true, "schema_version": 3, "solution": false, "task": false}
# **Look again.** The lens loss falls from 4.16 to 1.77 nats, and guessing uniformly
# costs log 27 = 3.30 nats. What does it mean that the embedding's lens does worse than
# a uniform guess? And in the table, at which block does `joh` first guess `n`?
#
# <details><summary>Answer (what the lens shows)</summary>
#
# The loss falls block by block, 4.16, 3.45, 2.74, 2.20, 1.77: every block adds
# something useful to the stream, the first two about 0.7 nats each, the last two about
# 0.5 and 0.4. The embedding alone scores 4.16, worse than a uniform guess: `U` was only
# ever trained to read the *finished* stream, so reading `x0` through it gives sharp
# guesses in the wrong places. The stream starts as raw material and becomes a
# prediction. At the end the lens is the output itself (the demo printed True), so 1.77
# is the model's own loss: better than lab 01's bigram, 2.34 nats on the same names,
# because three letters of context say more than one. The lens passes the bigram's level
# only after block 3 (2.20).
#
# `joh` guesses `.` after the embedding, `b` after block 1, and `n` from block 2 on,
# with p(`n`) growing 0.25, 0.34, 0.75: later blocks sharpen a guess an earlier one
# made. Not every row improves, though. `.em` guesses `m` after blocks 2 and 3 (0.53,
# 0.57), but the last block prefers `e` and leaves `m` 0.28: a loss that falls on
# average can still rise for one example.
#
# </details>


# %% nbgrader={"grade": true, "grade_id": "check_tool05", "locked": true, "points": 10.0, "schema_version": 3, "solution": false, "task": false}
from mindlab_grader.notebook import check_tool

# check_tool("lab02", "tool05", globals())  (a check cell: run by the learner, not here)


# %% [markdown] nbgrader={"grade": false, "grade_id": "tool06_intro", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ## TOOL 06 — induction heads
#
# Attention lets a position look back at earlier ones. Each **head** scores every earlier
# key against the current query, `q · k / sqrt(d_head)`, turns the scores into a
# **pattern** with a softmax (the future is masked: a position may not look ahead), and
# copies a weighted mix of what it finds.
#
# The model here is a two-layer, attention-only transformer with 4 heads per layer and a
# BOS token 0 at the start. Somewhere inside is a circuit famous from real language
# models: an **induction head**. Give it a random sequence repeated twice, and in the
# second half it predicts each next token perfectly, because it looks back at where the
# current token appeared before and copies the token that came *after* it. It needs a
# helper in layer 0: a **previous-token head**. Your job: find both, then prove they are
# the cause by removing them.
#
# In a repeated sequence `BOS, t1..tn, t1..tn` (`half_len = n`), the query at position
# `i` of the second half sees its token's earlier copy at `i - n`; the token after that
# copy sits at `i - n + 1`. An induction head lights up that stripe.


# %% nbgrader={"grade": false, "grade_id": "causal_attention", "locked": false, "schema_version": 3, "solution": true, "task": false}
def causal_attention(q: np.ndarray, k: np.ndarray) -> np.ndarray:
    """(T, T) attention pattern: row i is softmax over keys j <= i of q[i] . k[j] / sqrt(d_head).

    q and k are (T, d_head). A query never sees the future: pattern[i, j] is exactly 0
    for j > i, and every row sums to 1 (row 0 is all on key 0). Stable for scores of any
    size. Inputs are unchanged.
    >>> causal_attention(np.zeros((2, 4)), np.zeros((2, 4))).tolist()
    [[1.0, 0.0], [0.5, 0.5]]
    """
    d_head = np.shape(q)[-1]
    scores = np.einsum("id,jd->ij", q, k, dtype=np.float64) / np.sqrt(d_head)
    pattern = np.zeros_like(scores)  # the future (j > i) stays exactly 0
    for i in range(scores.shape[0]):
        visible = scores[i, : i + 1]
        e = np.exp(visible - visible.max())
        pattern[i, : i + 1] = e / e.sum()
    return pattern


# %% nbgrader={"grade": false, "grade_id": "repeated_tokens", "locked": false, "schema_version": 3, "solution": true, "task": false}
def repeated_tokens(rng: np.random.Generator, n_vocab: int, half_len: int) -> np.ndarray:
    """(2 * half_len + 1,) int64: BOS (0), then half_len random tokens, then the same again.

    The random tokens are drawn uniformly from 1..n_vocab-1 (never BOS) with `rng`.
    half_len < 1 or n_vocab < 2 raises ValueError.
    >>> repeated_tokens(np.random.default_rng(0), 2, 2).tolist()
    [0, 1, 1, 1, 1]
    """
    if n_vocab < 2:
        raise ValueError(f"n_vocab={n_vocab} leaves no token besides BOS: use n_vocab >= 2")
    if half_len < 1:
        raise ValueError(f"half_len={half_len}: a repeated sequence needs half_len >= 1")
    first_half = 1 + rng.integers(n_vocab - 1, size=half_len)  # 1..n_vocab-1, never BOS
    sequence = np.zeros(2 * half_len + 1, dtype=np.int64)  # position 0 stays BOS
    sequence[1:] = np.tile(first_half, 2)
    return sequence


# %% nbgrader={"grade": false, "grade_id": "prev_token_score", "locked": false, "schema_version": 3, "solution": true, "task": false}
def prev_token_score(patterns: np.ndarray) -> np.ndarray:
    """(...) how much each head attends to the previous token: mean of pattern[i, i-1], i >= 1.

    patterns is (..., T, T), e.g. (layers, heads, T, T) gives a (layers, heads) array.
    1 means always looking exactly one step back.
    >>> looks_back = np.array([[1.0, 0, 0], [1, 0, 0], [0, 1, 0]])
    >>> float(prev_token_score(looks_back))
    1.0
    """
    P = np.asarray(patterns, dtype=np.float64)
    queries = np.arange(1, P.shape[-1])
    return P[..., queries, queries - 1].mean(axis=-1)


# %% nbgrader={"grade": false, "grade_id": "induction_score", "locked": false, "schema_version": 3, "solution": true, "task": false}
def induction_score(patterns: np.ndarray, half_len: int) -> np.ndarray:
    """(...) mean attention from each query i of the repeated half to key i - half_len + 1.

    patterns is (..., T, T) on a repeated sequence of T = 2 * half_len + 1 tokens (BOS,
    then a half, then the same half again). Query i (half_len < i <= 2 * half_len) sees
    its token's earlier copy at i - half_len; the token *after* that copy sits at
    i - half_len + 1: the stripe at diagonal offset 1 - half_len. Only the repeated
    half's queries count. A T that is not 2 * half_len + 1 raises ValueError.
    """
    P = np.asarray(patterns, dtype=np.float64)
    if P.shape[-1] != 2 * half_len + 1:
        raise ValueError(f"half_len={half_len} means sequences of 2 * {half_len} + 1 tokens, "
                         f"but the patterns are over {P.shape[-1]} positions")
    queries = np.arange(half_len + 1, 2 * half_len + 1)  # the repeated half
    keys = queries - half_len + 1  # the token after each query's earlier copy
    return P[..., queries, keys].mean(axis=-1)


# %% nbgrader={"grade": false, "grade_id": "find_heads", "locked": false, "schema_version": 3, "solution": true, "task": false}
def find_heads(scores: np.ndarray, threshold: float) -> list[tuple[int, int]]:
    """Every (layer, head) whose score in scores (layers, heads) is above threshold.

    Plain Python ints, in order: layer by layer, head by head.
    >>> find_heads(np.array([[0.1, 0.9], [0.95, 0.2]]), 0.5)
    [(0, 1), (1, 0)]
    """
    S = np.asarray(scores)
    n_layers, n_heads = S.shape
    return [(layer, head) for layer in range(n_layers) for head in range(n_heads)
            if S[layer, head] > threshold]


# %% nbgrader={"grade": false, "grade_id": "ablate_head", "locked": false, "schema_version": 3, "solution": true, "task": false}
def ablate_head(params: dict, layer: int, head: int) -> dict:
    """A new params dict in which head (layer, head) writes nothing: its W_O block is zero.

    Every other array is equal to the original; params itself is not changed (copy
    what you change). A layer or head out of range raises ValueError.
    """
    W_O = params["W_O"]
    if layer not in range(W_O.shape[0]):
        raise ValueError(f"layer {layer} does not exist: the model has layers 0..{W_O.shape[0] - 1}")
    if head not in range(W_O.shape[1]):
        raise ValueError(f"head {head} does not exist: each layer has heads 0..{W_O.shape[1] - 1}")
    silenced = np.copy(W_O)
    silenced[layer, head] = 0.0
    return {**params, "W_O": silenced}


# %% nbgrader={"grade": false, "grade_id": "tool06_demo", "locked": true, "schema_version": 3, "solution": false, "task": false}
model = induction.induction_model()
half = 20
tokens = repeated_tokens(np.random.default_rng(0), induction.N_VOCAB, half)
logits, patterns = induction.run_attention_model(model, tokens, attention=causal_attention)
prev_heads = find_heads(prev_token_score(patterns), 0.5)
induction_heads = find_heads(induction_score(patterns, half), 0.5)
print("previous-token heads:", prev_heads, " induction heads:", induction_heads)


def repeated_loss(params):
    """Mean loss of the predictions inside the repeated half (those induction can know)."""
    logits, _ = induction.run_attention_model(params, tokens, attention=causal_attention)
    return cross_entropy(logits[half + 1:-1], tokens[half + 2:])


print(f"loss on the repeated half: {repeated_loss(model):.3f} nats; "
      f"chance is log({induction.N_VOCAB - 1}) = {np.log(induction.N_VOCAB - 1):.3f}")
for layer in range(2):
    for head in range(4):
        print(f"  without head ({layer}, {head}): {repeated_loss(ablate_head(model, layer, head)):.3f}")
pictures.attention_patterns(patterns)


# %% [markdown] nbgrader={"grade": false, "grade_id": "tool06_outro", "locked": true, "schema_version": 3, "solution": false, "task": false}
# Removing the induction head, or the previous-token head it reads from, sends the loss
# back to chance; removing any other head changes almost nothing. That is what
# "this circuit *causes* the behaviour" means. (The answer key: `induction.ROLES`.)


# %% [markdown] nbgrader={"grade": false, "grade_id": "tool06_answer", "locked": true, "schema_version": 3, "solution": false, "task": false}
# **Look again.** In the picture, which two heads draw a stripe, and where does each one
# sit? Then the ablations: head (0, 1) is in layer 0 and predicts nothing by itself, so
# why does removing it hurt as much as removing the induction head?
#
# <details><summary>Answer: why does a layer-0 head matter this much?</summary>
#
# Head (0, 1) is the line just below the diagonal: every query looks at the token right
# before it (previous-token score 1.00). Head (1, 2) is a stripe 19 steps left of the
# diagonal, in the second half: the query at position `i` looks at `i - 19`, the token
# after its own earlier copy (induction score 0.94; in the first half there is no
# earlier copy, so it rests on BOS). Every other head scores below 0.09 on both.
#
# The two heads are one circuit. (0, 1) writes "the token before me was X" into every
# position. At a position holding X, (1, 2) looks for a key that says "my previous token
# was X", which is exactly the spot after the earlier X, and copies the token found
# there into the prediction. It can find that spot only through what (0, 1) wrote, so
# removing either head sends the loss on the repeated half from 0.205 to chance (4.211
# without (0, 1), 4.172 without (1, 2), against log 63 = 4.143). The other busy
# patterns, the main diagonal and the column on BOS, belong to distractor heads whose
# output nothing reads: without any one of them the loss stays between 0.199 and 0.211.
#
# </details>


# %% nbgrader={"grade": true, "grade_id": "check_tool06", "locked": true, "points": 10.0, "schema_version": 3, "solution": false, "task": false}
from mindlab_grader.notebook import check_tool

# check_tool("lab02", "tool06", globals())  (a check cell: run by the learner, not here)


# %% [markdown] nbgrader={"grade": false, "grade_id": "tool07_intro", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ## TOOL 07 — superposition and sparse autoencoders
#
# How can a model know more things than it has neurons? The toy model of superposition
# squeezes 5 features into 2 dimensions, `h = W x`, and tries to read them back out,
# `x̂ = relu(Wᵀ h + b)`. Column `i` of `W` (2 × 5) is feature `i`'s direction. Feature 0
# matters most: errors are weighted by **importance** `0.9 ** i`.
#
# When features are **dense** (often on together), the model can only afford 2 clean,
# orthogonal directions and drops the rest. When they are **sparse** (each on rarely),
# collisions are rare, and it packs all 5 into the plane as a **pentagon**. The
# **dimensionality** of a feature, `|W_i|² / Σ_j (Ŵ_i · W_j)²`, measures how much of a
# dimension it owns: 1 alone, 2/5 in a pentagon, 0 when dropped.
#
# Then we turn detective: given only the 2-d hidden vectors `h`, can we find the 5
# feature directions again? A **sparse autoencoder** (SAE) with 8 latents learns to
# rebuild `h` while keeping few latents on; its decoder rows become the features.


# %% nbgrader={"grade": false, "grade_id": "sparse_features", "locked": false, "schema_version": 3, "solution": true, "task": false}
def sparse_features(rng: np.random.Generator, n: int, n_features: int,
                    sparsity: float) -> np.ndarray:
    """(n, n_features) a batch of feature activations, each entry drawn independently.

    An entry is 0 with probability `sparsity` (the feature is off) and otherwise uniform
    in [0, 1). sparsity 0 gives dense features, 0.99 features on 1% of the time.
    Draws come from `rng` only. sparsity outside [0, 1] raises ValueError.
    >>> sparse_features(np.random.default_rng(0), 3, 5, 1.0).tolist()[0]
    [0.0, 0.0, 0.0, 0.0, 0.0]
    """
    if not (0 <= sparsity <= 1):
        raise ValueError(f"sparsity={sparsity!r} is not a probability: give a number in [0, 1]")
    size = (n, n_features)
    magnitude = rng.uniform(0.0, 1.0, size=size)
    off = rng.uniform(0.0, 1.0, size=size) < sparsity  # True with probability sparsity
    return np.where(off, 0.0, magnitude)


# %% nbgrader={"grade": false, "grade_id": "toy_forward", "locked": false, "schema_version": 3, "solution": true, "task": false}
def toy_forward(params: dict, X: np.ndarray) -> np.ndarray:
    """(n, f) the toy model's reconstruction relu(X @ W.T @ W + b) of features X (n, f).

    W is (m, f): X @ W.T is the (n, m) hidden activation h, and h @ W + b reads each
    feature back along its own direction. params and X are not changed.
    """
    W = np.asarray(params["W"])
    gram = W.T @ W  # (f, f): how much feature j's direction overlaps feature i's
    return np.clip(np.asarray(X) @ gram + params["b"], 0.0, None)


# %% nbgrader={"grade": false, "grade_id": "importance_loss", "locked": false, "schema_version": 3, "solution": true, "task": false}
def importance_loss(X: np.ndarray, X_hat: np.ndarray, importance: np.ndarray) -> float:
    """Mean over the n rows of sum_i importance[i] * (X[:, i] - X_hat[:, i])**2, a float.

    >>> importance_loss(np.ones((2, 2)), np.zeros((2, 2)), np.array([1.0, 0.5]))
    1.5
    """
    squared = np.square(np.subtract(X, X_hat, dtype=np.float64))
    per_example = squared @ np.asarray(importance, dtype=np.float64)  # (n,) weighted sums
    return float(np.mean(per_example))


# %% nbgrader={"grade": false, "grade_id": "feature_dimensionality", "locked": false, "schema_version": 3, "solution": true, "task": false}
def feature_dimensionality(W: np.ndarray) -> np.ndarray:
    """(f,) how much of a dimension each feature owns: D_i = |W_i|^2 / sum_j (Ŵ_i . W_j)^2.

    W_i is column i of W (m, f), Ŵ_i its unit vector; the sum runs over all f columns,
    i included. A feature alone on its axis has D = 1, two sharing one axis 1/2 each,
    five in a pentagon in 2-d 2/5 each; a dropped feature (W_i = 0 exactly) has D = 0.
    >>> feature_dimensionality(np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]])).tolist()
    [1.0, 1.0, 0.0]
    """
    gram = np.einsum("mi,mj->ij", W, W, dtype=np.float64)  # gram[i, j] = W_i . W_j
    own = np.diag(gram)  # |W_i|^2
    # (Ŵ_i . W_j)^2 = gram[i, j]^2 / |W_i|^2, so D_i = |W_i|^4 / sum_j gram[i, j]^2
    dims = np.zeros(len(own))
    np.divide(own**2, np.sum(gram**2, axis=1), out=dims, where=own > 0)
    return dims


# %% nbgrader={"grade": false, "grade_id": "tool07_train", "locked": true, "schema_version": 3, "solution": false, "task": false}
sparsities = superposition.SPARSITIES  # 0, 0.7, 0.9, 0.97, 0.99
toys = superposition.trained_toy_models()  # one per sparsity, trained once (a few seconds)
rng = np.random.default_rng(1)
for i, sparsity in enumerate(sparsities):
    toy = superposition.toy_instance(toys, i)
    batch = sparse_features(rng, 5000, 5, sparsity)
    loss = importance_loss(batch, toy_forward(toy, batch), superposition.importance())
    dims = feature_dimensionality(toy["W"])
    print(f"sparsity {sparsity:<4}: loss {loss:.4f}, dimensionality", np.round(dims, 2))
pictures.feature_arrows(toys["W"], sparsities,
                        dims=[feature_dimensionality(w) for w in toys["W"]])


# %% nbgrader={"grade": false, "grade_id": "sae_encode", "locked": false, "schema_version": 3, "solution": true, "task": false}
def sae_encode(sae: dict, H: np.ndarray) -> np.ndarray:
    """(n, k) the SAE's latent activations relu((H - b_dec) @ W_enc + b_enc) for H (n, m)."""
    centred = np.asarray(H, dtype=np.float64) - sae["b_dec"]
    pre = np.einsum("nm,mk->nk", centred, sae["W_enc"]) + sae["b_enc"]
    return np.where(pre > 0, pre, 0.0)


# %% nbgrader={"grade": false, "grade_id": "sae_decode", "locked": false, "schema_version": 3, "solution": true, "task": false}
def sae_decode(sae: dict, F: np.ndarray) -> np.ndarray:
    """(n, m) the reconstruction F @ W_dec + b_dec from latents F (n, k)."""
    return sae["b_dec"] + np.einsum("nk,km->nm", np.asarray(F, dtype=np.float64), sae["W_dec"])


# %% nbgrader={"grade": false, "grade_id": "sae_loss", "locked": false, "schema_version": 3, "solution": true, "task": false}
def sae_loss(sae: dict, H: np.ndarray, l1: float) -> float:
    """Reconstruction + sparsity: mean_n sum_m (H - decode(encode(H)))**2 + l1 * mean_n sum_k |F|.

    F = sae_encode(sae, H). The first term asks the latents to explain H, the second asks
    few of them to be on at once. A float; sae and H are not changed.
    """
    latents = sae_encode(sae, H)
    error = np.asarray(H, dtype=np.float64) - sae_decode(sae, latents)
    n = len(latents)
    reconstruction = np.sum(error**2) / n  # summed over m, averaged over n
    sparsity = np.sum(np.abs(latents)) / n  # summed over k, averaged over n
    return float(reconstruction + l1 * sparsity)


# %% nbgrader={"grade": false, "grade_id": "best_cosines", "locked": false, "schema_version": 3, "solution": true, "task": false}
def best_cosines(learned: np.ndarray, true: np.ndarray) -> np.ndarray:
    """(f,) for each true direction (row of true (f, m)), its best cosine with a learned row.

    learned is (k, m): e.g. an SAE's W_dec. 1 means some learned row points exactly along
    the true direction. A zero row in either raises ValueError (it has no direction).
    >>> best_cosines(np.array([[1.0, 0.0], [0.0, 2.0]]), np.array([[0.0, 1.0]])).tolist()
    [1.0]
    """
    A = np.asarray(true, dtype=np.float64)
    B = np.asarray(learned, dtype=np.float64)
    for name, rows in (("true", A), ("learned", B)):
        if rows.ndim != 2 or np.any(np.linalg.norm(rows, axis=1) == 0):
            raise ValueError(f"{name} must be a 2-D array of non-zero rows: a zero row has "
                             "no direction to compare")
    dots = np.einsum("fm,km->fk", A, B)
    cosines = dots / np.outer(np.linalg.norm(A, axis=1), np.linalg.norm(B, axis=1))
    return np.max(cosines, axis=1)


# %% nbgrader={"grade": false, "grade_id": "tool07_sae", "locked": true, "schema_version": 3, "solution": false, "task": false}
pentagon = superposition.toy_instance(toys, len(sparsities) - 1)
H = sparse_features(np.random.default_rng(2), 20000, 5, sparsities[-1]) @ pentagon["W"].T
sae = superposition.train_sae(H)  # 8 latents, reconstruction + 0.3 * L1
F = sae_encode(sae, H)
print(f"SAE loss {sae_loss(sae, H, 0.3):.4f}; latents on per input: {(F > 0).sum(1).mean():.2f}")
print("best cosine of each true feature with an SAE latent:",
      np.round(best_cosines(sae["W_dec"], pentagon["W"].T), 3))
# 8 latents for 5 features: two red arrows on one grey arrow are two latents sharing a
# feature; the rate at each tip is how often that latent fires (from your sae_encode)
pictures.sae_vs_true(pentagon["W"].T, sae["W_dec"], activity=(F > 0).mean(axis=0))


# %% [markdown] nbgrader={"grade": false, "grade_id": "tool07_answer", "locked": true, "schema_version": 3, "solution": false, "task": false}
# **Look again.** Read the dimensionalities down the sparsities: how many features does
# the model keep at 0, at 0.7, and from 0.9 on? Why do four features get 0.5 each at
# 0.7? And how well did the SAE, which saw only the 2-d `h`, recover the five
# directions?
#
# <details><summary>Answer (what the sparsities show)</summary>
#
# At sparsity 0 the model keeps two features, `[1, 1, 0, 0, 0]`: the two most important,
# each alone on its own axis, at right angles. Dense features are on together most of
# the time, so two features sharing a direction would interfere on almost every input;
# dropping the three least important costs less. At 0.7 four features have about 0.5 and
# feature 4, the least important, is dropped: the four sit as two opposite pairs
# (features 0 and 3 point in opposite directions, and so do 1 and 2). An opposite pair
# shares one axis cheaply: when feature 0 is on, feature 3 reads a negative value, and
# the ReLU turns it into 0. From 0.9 on, all five are kept at about 0.4 = 2/5, 72°
# apart: a pentagon. Neighbours now leak into each other (cos 72° = 0.31), but features
# that are on 10% of the time or less are rarely on together, and a negative bias (-0.18
# to -0.30) lets the ReLU cut off the smaller leaks. Sparsity is what makes
# superposition pay.
#
# The SAE saw only `h`, two numbers per input, and no axis of `h` is a feature; yet
# every true feature has a latent within cosine 0.996 of it (the best cosines run from
# 0.996 to 1.000). The L1 penalty finds the directions by making each input use as few
# latents as possible, and here that is very few, 0.09 on average: at sparsity 0.99, 95%
# of inputs have no feature on at all. With 8 latents for 5 features, three features got
# two latents each: the doubled red arrows in the picture.
#
# </details>


# %% nbgrader={"grade": true, "grade_id": "check_tool07", "locked": true, "points": 10.0, "schema_version": 3, "solution": false, "task": false}
from mindlab_grader.notebook import check_tool

# check_tool("lab02", "tool07", globals())  (a check cell: run by the learner, not here)


# %%

def repeated_tokens(rng, n_vocab, half_len):
    if n_vocab < 2 or half_len < 1: raise ValueError("x")
    a = np.sort(1 + rng.integers(n_vocab - 1, size=half_len))   # wrong: sorted, not iid uniform order
    s = np.zeros(2*half_len+1, dtype=np.int64); s[1:] = np.tile(a, 2)
    return s
