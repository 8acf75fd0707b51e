"""run_with_cache returns a tuple, not a list (BORDERLINE: contract says list)."""
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
def mean_difference_direction(X_a, X_b):
    A = _matrix(X_a, "X_a")
    B = _matrix(X_b, "X_b")
    if A.shape[1] != B.shape[1]:
        raise ValueError(f"X_a has width {A.shape[1]} but X_b has width {B.shape[1]}")
    diff = A.mean(axis=0) - B.mean(axis=0)
    norm = np.linalg.norm(diff)
    if not norm > 0:
        raise ValueError("the two class means are equal: no direction")
    return diff / norm


# %% nbgrader={"grade": false, "grade_id": "project", "locked": false, "schema_version": 3, "solution": true, "task": false}
def project(X, direction):
    X = _matrix(X, "X")
    d = _vector(direction, "direction")
    if X.shape[1] != d.shape[0]:
        raise ValueError(f"X has width {X.shape[1]} but direction has length {d.shape[0]}")
    return X @ d / np.linalg.norm(d)


# %% nbgrader={"grade": false, "grade_id": "cosine_similarity", "locked": false, "schema_version": 3, "solution": true, "task": false}
def cosine_similarity(u, v):
    u = _vector(u, "u")
    v = _vector(v, "v")
    if u.shape != v.shape:
        raise ValueError(f"u has length {u.shape[0]} but v has length {v.shape[0]}")
    c = float(u @ v / (np.linalg.norm(u) * np.linalg.norm(v)))
    return float(min(1.0, max(-1.0, c)))


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
def make_contexts(words, k):
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < 1:
        raise ValueError(f"k must be an int >= 1, got {k!r}")
    k = int(k)
    X, Y = [], []
    for word in words:
        for c in word:
            if c not in TOKENS[1:]:
                raise ValueError(f"character {c!r} in {word!r} is not in a..z")
        toks = [0] * k + [TOKENS.index(c) for c in word] + [0]
        for i in range(k, len(toks)):
            X.append(toks[i - k:i])
            Y.append(toks[i])
    X = np.array(X, dtype=np.int64).reshape(len(Y), k)
    Y = np.array(Y, dtype=np.int64).reshape(len(Y))
    return X, Y


# %% nbgrader={"grade": false, "grade_id": "run_with_cache", "locked": false, "schema_version": 3, "solution": true, "task": false}
def run_with_cache(params, contexts):
    C = np.asarray(contexts)
    E = params["E"]
    x = sum(E[p][C[:, p]] for p in range(C.shape[1]))
    streams = [x]
    for l in range(params["W1"].shape[0]):
        x = x + np.maximum(x @ params["W1"][l] + params["b1"][l], 0.0) @ params["W2"][l] + params["b2"][l]
        streams.append(x)
    return tuple(streams)


# %% nbgrader={"grade": false, "grade_id": "logit_lens", "locked": false, "schema_version": 3, "solution": true, "task": false}
def logit_lens(params, streams):
    U, bU = params["U"], params["bU"]
    return np.stack([np.asarray(s) @ U + bU for s in streams])


# %% nbgrader={"grade": false, "grade_id": "cross_entropy", "locked": false, "schema_version": 3, "solution": true, "task": false}
def cross_entropy(logits, targets):
    Z = np.asarray(logits, dtype=np.float64)
    t = np.asarray(targets).astype(np.int64)
    m = Z.max(axis=-1, keepdims=True)
    lse = np.log(np.exp(Z - m).sum(axis=-1)) + m[:, 0]
    return float(np.mean(lse - Z[np.arange(Z.shape[0]), t]))


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
def causal_attention(q, k):
    q = np.asarray(q, dtype=np.float64)
    k = np.asarray(k, dtype=np.float64)
    T, d_head = q.shape
    S = q @ k.T / np.sqrt(d_head)
    future = np.triu(np.ones((T, T), dtype=bool), k=1)
    S = np.where(future, -np.inf, S)
    S = S - S.max(axis=-1, keepdims=True)
    P = np.exp(S)
    return P / P.sum(axis=-1, keepdims=True)


# %% nbgrader={"grade": false, "grade_id": "repeated_tokens", "locked": false, "schema_version": 3, "solution": true, "task": false}
def repeated_tokens(rng, n_vocab, half_len):
    if half_len < 1:
        raise ValueError(f"half_len must be >= 1, got {half_len}")
    if n_vocab < 2:
        raise ValueError(f"n_vocab must be >= 2, got {n_vocab}")
    half = rng.integers(1, n_vocab, size=half_len)
    return np.concatenate([[0], half, half]).astype(np.int64)


# %% nbgrader={"grade": false, "grade_id": "prev_token_score", "locked": false, "schema_version": 3, "solution": true, "task": false}
def prev_token_score(patterns):
    P = np.asarray(patterns, dtype=np.float64)
    T = P.shape[-1]
    i = np.arange(1, T)
    return P[..., i, i - 1].mean(axis=-1)


# %% nbgrader={"grade": false, "grade_id": "induction_score", "locked": false, "schema_version": 3, "solution": true, "task": false}
def induction_score(patterns, half_len):
    P = np.asarray(patterns, dtype=np.float64)
    T = P.shape[-1]
    if T != 2 * half_len + 1 or P.shape[-2] != T:
        raise ValueError(f"patterns have T = {T}, expected 2 * {half_len} + 1")
    i = np.arange(half_len + 1, 2 * half_len + 1)
    return P[..., i, i - half_len + 1].mean(axis=-1)


# %% nbgrader={"grade": false, "grade_id": "find_heads", "locked": false, "schema_version": 3, "solution": true, "task": false}
def find_heads(scores, threshold):
    S = np.asarray(scores)
    return [(int(l), int(h)) for l in range(S.shape[0]) for h in range(S.shape[1])
            if S[l, h] > threshold]


# %% nbgrader={"grade": false, "grade_id": "ablate_head", "locked": false, "schema_version": 3, "solution": true, "task": false}
def ablate_head(params, layer, head):
    W_O = np.asarray(params["W_O"])
    L, H = W_O.shape[0], W_O.shape[1]
    if not (0 <= layer < L) or not (0 <= head < H):
        raise ValueError(f"head ({layer}, {head}) out of range for {L} layers x {H} heads")
    new = dict(params)
    W_O = W_O.copy()
    W_O[layer, head] = 0.0
    new["W_O"] = W_O
    return new


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
def sparse_features(rng, n, n_features, sparsity):
    if not 0 <= sparsity <= 1:
        raise ValueError(f"sparsity must be in [0, 1], got {sparsity}")
    values = rng.random((n, n_features))
    off = rng.random((n, n_features)) < sparsity
    return np.where(off, 0.0, values)


# %% nbgrader={"grade": false, "grade_id": "toy_forward", "locked": false, "schema_version": 3, "solution": true, "task": false}
def toy_forward(params, X):
    W, b = params["W"], params["b"]
    return np.maximum(X @ W.T @ W + b, 0.0)


# %% nbgrader={"grade": false, "grade_id": "importance_loss", "locked": false, "schema_version": 3, "solution": true, "task": false}
def importance_loss(X, X_hat, importance):
    X = np.asarray(X, dtype=np.float64)
    X_hat = np.asarray(X_hat, dtype=np.float64)
    return float(np.mean(np.sum(np.asarray(importance) * (X - X_hat) ** 2, axis=1)))


# %% nbgrader={"grade": false, "grade_id": "feature_dimensionality", "locked": false, "schema_version": 3, "solution": true, "task": false}
def feature_dimensionality(W):
    W = np.asarray(W, dtype=np.float64)
    norms = np.linalg.norm(W, axis=0)
    D = np.zeros(W.shape[1])
    for i in range(W.shape[1]):
        if norms[i] == 0:
            continue
        u = W[:, i] / norms[i]
        D[i] = norms[i] ** 2 / np.sum((u @ W) ** 2)
    return D


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
def sae_encode(sae, H):
    return np.maximum((H - sae["b_dec"]) @ sae["W_enc"] + sae["b_enc"], 0.0)


# %% nbgrader={"grade": false, "grade_id": "sae_decode", "locked": false, "schema_version": 3, "solution": true, "task": false}
def sae_decode(sae, F):
    return F @ sae["W_dec"] + sae["b_dec"]


# %% nbgrader={"grade": false, "grade_id": "sae_loss", "locked": false, "schema_version": 3, "solution": true, "task": false}
def sae_loss(sae, H, l1):
    F = sae_encode(sae, H)
    H_hat = sae_decode(sae, F)
    recon = np.mean(np.sum((H - H_hat) ** 2, axis=1))
    sparsity = np.mean(np.sum(np.abs(F), axis=1))
    return float(recon + l1 * sparsity)


# %% nbgrader={"grade": false, "grade_id": "best_cosines", "locked": false, "schema_version": 3, "solution": true, "task": false}
def best_cosines(learned, true):
    A = np.asarray(learned, dtype=np.float64)
    B = np.asarray(true, dtype=np.float64)
    na = np.linalg.norm(A, axis=1)
    nb = np.linalg.norm(B, axis=1)
    if np.any(na == 0) or np.any(nb == 0):
        raise ValueError("a zero row has no direction")
    C = (B / nb[:, None]) @ (A / na[:, None]).T
    return C.max(axis=1)


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
