"""Progressive hints for lab 01's graded functions: `mindlab hint softmax` shows one more.

Each function has 3-4 hints, from a nudge to the idea to the last trap; none of them is
the solution's code. The CLI (autograder/cli/hint.py) remembers how many were shown.

>>> len(HINTS["softmax"]) >= 3 and all(HINTS[f] for f in HINTS)
True
"""

from __future__ import annotations

HINTS: dict[str, tuple[str, ...]] = {
    "softmax": (
        "Two steps: make every logit positive with np.exp, then divide each row by its own "
        "total so it adds up to 1.",
        "'Each row' means along the last axis: sum with axis=-1 and keepdims=True, so the "
        "totals keep a shape that divides a (27,) row and an (n, 27) matrix alike.",
        "np.exp(1000.0) is inf. Subtracting the same number from every logit of a row does "
        "not change its softmax: subtract the row's largest logit first.",
        "-np.inf minus the row's maximum is still -inf, and np.exp(-inf) is exactly 0.0: an "
        "ablated entry needs no special case. Convert the input with np.asarray(..., "
        "dtype=float) and never write into it.",
    ),
    "read_row": (
        "The model's belief after a letter is one row of W, pushed through softmax.",
        "Which row? The letter's position among the 27 tokens: index(letter) gives it, and "
        "raises ValueError for anything that is not a token.",
        "Use your own softmax on that row (a (27,) array) and return the result; W stays "
        "as it was.",
    ),
    "data_row": (
        "The same row as read_row, but of counts: how often each token followed the letter.",
        "Turn counts into frequencies by dividing the row by its sum.",
        "counts holds ints: make the row float first (np.asarray(..., dtype=np.float64)) so "
        "the division is a true division, and do not change counts itself.",
    ),
    "belief_gap": (
        "Two distributions over the same 27 tokens: the model's (read_row) and the data's "
        "(data_row). Compare them token by token.",
        "The total variation distance is half the sum of the absolute differences.",
        "Return a plain Python float (float(...)), between 0 and 1; a bad letter raises "
        "ValueError, which read_row already does for you.",
    ),
    "ablate_column": (
        "Ablating a token means the model can never emit it: its column, in every row, "
        "becomes -np.inf.",
        "W must not change: make a float copy first (np.array(W, dtype=np.float64) copies), "
        "then change the copy.",
        "A whole column is W[:, j]. Which j? index(letter), which also rejects a bad letter.",
    ),
    "sample_word": (
        "A loop: start at '.', draw the next token from the model's belief, stop at '.' or "
        "when the word has max_len letters.",
        "The belief after the current token is softmax(W[current] / temperature); "
        "rng.choice(27, p=that_belief) draws one token id from it.",
        "The '.' that ends the word is not part of it, and the check on max_len comes before "
        "each draw: a word of max_len letters stops without drawing again.",
        "Check temperature before anything else: temperature <= 0 (and nan) raises "
        "ValueError. Use only the rng you are given, one rng.choice per letter drawn.",
    ),
    "rank_rules": (
        "One rule per row of W: the row's most likely next token and its probability.",
        "softmax the whole matrix, then np.argmax along axis 1 finds each row's favourite "
        "(the lowest index wins a tie, as asked).",
        "Build (after, next, probability) tuples with plain str and float values (TOKENS[i], "
        "float(...)), then sort by probability, highest first.",
        "Python's sort is stable: sorting by the negated probability keeps rows with equal "
        "probabilities in row order. top=k keeps the first k; top=None keeps all 27.",
    ),
    "greedy_decode": (
        "Like sample_word, with no randomness: always take the most likely next token.",
        "np.argmax of the current row's probabilities (or logits: softmax keeps the order) "
        "picks the favourite, the lowest index on a tie.",
        "Stop at '.' (not part of the word) or at max_len letters: a model whose favourites "
        "form a cycle would otherwise loop forever.",
    ),
}
