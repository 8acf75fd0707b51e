"""Progressive hints for lab 02's graded functions: `mindlab hint project` shows one more.

Three hints per function, from the idea to the last trap; none is the solution's code.

>>> from mindlab_grader.labs import LAB02
>>> sorted(HINTS) == sorted(LAB02.functions)
True
"""

from __future__ import annotations

HINTS: dict[str, tuple[str, ...]] = {
    "mean_difference_direction": (
        "A direction from one group to the other: where the average of X_b is, to where "
        "the average of X_a is.",
        "Average the rows of each group (axis=0), subtract, and you have an arrow (d,).",
        "Return it as a unit vector: divide by its length (np.linalg.norm).",
    ),
    "project": (
        "How far a row reaches along a direction is a dot product with that direction.",
        "One matrix product does every row at once: (n, d) times (d,) gives (n,).",
        "The direction need not be a unit vector: divide by its length, as the docstring "
        "says.",
    ),
    "cosine_similarity": (
        "The cosine is the dot product of the two vectors once each has length 1.",
        "Divide the dot product by both lengths (np.linalg.norm).",
        "Rounding can give 1.0000000002: clip the result into [-1, 1] and return a float.",
    ),
    "make_contexts": (
        "Pad each word with k dots in front and one dot at the end, then slide a window.",
        "Every position after the padding is a target; the k tokens just before it are its "
        "context. A word of m letters gives m + 1 pairs.",
        "Collect the ids (encode, or TOKENS.index) in lists and build int64 arrays at the "
        "end: X (n, k), Y (n,), words in order.",
    ),
    "run_with_cache": (
        "streams[0] is the embedding: each context slot contributes one row of E; add them.",
        "Each block adds to the stream: x + relu(x @ W1 + b1) @ W2 + b2, with that block's "
        "weights. Keep every intermediate x in a list.",
        "Return L + 1 arrays, embedding first; never write into params (no +=).",
    ),
    "logit_lens": (
        "Read every stream with the model's own unembedding, as if it stopped there.",
        "For each stream s: s @ U + bU, a (n, 27) array; stack them into (len(streams), n, 27).",
        "The last entry must equal the model's logits exactly: use the same U and bU, "
        "no extra layer.",
    ),
    "cross_entropy": (
        "The loss of one example is minus the log of the probability its target gets.",
        "log softmax = logits - logsumexp(logits); subtract each row's max first so exp "
        "never overflows.",
        "Pick each row's target entry with fancy indexing (rows, targets), average, and "
        "return a float.",
    ),
    "causal_attention": (
        "Scores are q[i] . k[j] for every pair: one (T, T) matrix product, divided by "
        "sqrt(d_head).",
        "A query never sees the future: set the scores above the diagonal to -inf "
        "(np.triu with k=1 marks them).",
        "softmax along each row, stabilised by subtracting the row's max; -inf becomes "
        "exactly 0.",
    ),
    "repeated_tokens": (
        "BOS (token 0), then half_len random tokens, then the same half_len again.",
        "Draw the half with rng.integers from 1 to n_vocab - 1 inclusive (the high end of "
        "integers is exclusive), so BOS never appears inside.",
        "Check half_len and n_vocab before drawing, and return int64.",
    ),
    "prev_token_score": (
        "Previous-token attention sits just below the diagonal: pattern[i, i - 1].",
        "np.diagonal with offset=-1 on the last two axes reads that stripe for every head.",
        "Average over the stripe (its last axis): (..., T, T) becomes (...).",
    ),
    "induction_score": (
        "On a repeated sequence, query i's token appeared before at i - half_len; an "
        "induction head looks at the token after it.",
        "That is the stripe at diagonal offset 1 - half_len; np.diagonal with that offset on "
        "the last two axes reads it.",
        "Only the repeated half's queries count: keep the stripe entries whose query is "
        "past half_len, and check T == 2 * half_len + 1 first.",
    ),
    "find_heads": (
        "Look at every (layer, head) score and keep those above the threshold.",
        "np.argwhere gives them in order, layer by layer, head by head.",
        "Return plain Python ints in tuples (int(...)), not numpy integers.",
    ),
    "ablate_head": (
        "A head writes into the stream only through its slice of W_O: zero that slice.",
        "Copy what you change (the dict and the array you zero); params must stay as it was.",
        "Check layer and head against the shapes and raise ValueError when out of range.",
    ),
    "sparse_features": (
        "Two random draws per entry: is the feature on, and if so how strongly.",
        "rng.random((n, n_features)) gives the values in [0, 1); a second rng.random "
        "compared with sparsity decides which are off.",
        "Check sparsity is within [0, 1] first and use only rng.",
    ),
    "toy_forward": (
        "Down into m dimensions and back up: h = X @ W.T, then h @ W + b.",
        "The output goes through a relu (np.maximum with 0).",
        "W is (m, f); mind the transposes and leave params and X unchanged.",
    ),
    "importance_loss": (
        "Square the error of every entry, weight each feature's column by its importance.",
        "A row's loss is the weighted sum over features; one matrix product with the "
        "importance vector does every row.",
        "Average over the rows and return a float.",
    ),
    "feature_dimensionality": (
        "Per feature: how much of a dimension does it own? The numerator is its squared "
        "length.",
        "The denominator sums, over all features j (i included), the squared dot product of "
        "feature i's unit vector with W_j: a Gram matrix does all pairs at once.",
        "A dropped feature (a zero column) has no unit vector: give it D = 0 without "
        "dividing by zero.",
    ),
    "sae_encode": (
        "Centre H with b_dec, map it with W_enc, add b_enc.",
        "Latents are never negative: a relu at the end.",
        "Shapes: (n, m) @ (m, k) gives (n, k).",
    ),
    "sae_decode": (
        "The way back: latents times the decoder, plus its bias.",
        "(n, k) @ (k, m) gives (n, m); add b_dec.",
        "Nothing else: no relu on the way back.",
    ),
    "sae_loss": (
        "Two terms: how badly the SAE reconstructs H, and how many latents it uses.",
        "Encode, decode, square the error, sum over m and average over n.",
        "Add l1 times the mean over n of the summed |F| (F from your sae_encode); return a "
        "float.",
    ),
    "best_cosines": (
        "For each true direction, the learned row that points most nearly the same way.",
        "Normalise the rows of both to unit length; one matrix product gives every cosine.",
        "Take the max over the learned rows for each true row; a zero row has no direction: "
        "raise ValueError.",
    ),
}
