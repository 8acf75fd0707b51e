"""lab01, WRONG in `sample_word`: draws from the current token's column W[:, cur] instead of its row.

Why the contract forbids it: "draw each next token from `softmax(W[row] / temperature)` with the `np.random.Generator` `rng`, stop when `.` is drawn (not included) or when the word has `max_len` letters." (SPEC §2, sample_word)

Otherwise identical to correct_gpt_fast.py (the other functions are correct).
"""
import numpy as np

TOKENS = ".abcdefghijklmnopqrstuvwxyz"


def _encode(letter):
    if isinstance(letter, str) and len(letter) == 1 and letter in TOKENS:
        return TOKENS.index(letter)
    raise ValueError(f"cannot encode {letter!r}")


def softmax(logits):
    logits = np.asarray(logits, dtype=np.float64)
    logits = logits - logits.max(axis=-1, keepdims=True)
    probs = np.exp(logits)
    return probs / probs.sum(axis=-1, keepdims=True)


def read_row(W, letter):
    return softmax(np.asarray(W)[_encode(letter)])


def data_row(counts, letter):
    c = np.asarray(counts)[_encode(letter)]
    return c / c.sum(dtype=np.float64)


def belief_gap(W, counts, letter):
    return float(np.abs(read_row(W, letter) - data_row(counts, letter)).sum()) / 2.0


def ablate_column(W, letter):
    idx = _encode(letter)
    W = np.asarray(W, dtype=np.float64).copy()
    W[..., idx] = -np.inf
    return W


def logits_to_probs(logits, temperature=1.0):
    return softmax(logits / temperature)


def multinomial_sample_one_no_sync(probs, rng):
    q = rng.exponential(1.0, size=probs.shape)
    return int(np.argmax(probs / q))


def sample_word(W, rng, temperature=1.0, max_len=50):
    if temperature <= 0:
        raise ValueError("temperature must be > 0")
    W = np.asarray(W, dtype=np.float64)
    out = []
    cur = 0
    while len(out) < max_len:
        cur = multinomial_sample_one_no_sync(logits_to_probs(W[:, cur], temperature), rng)
        if cur == 0:
            break
        out.append(TOKENS[cur])
    return "".join(out)


def rank_rules(W, top=None):
    probs = softmax(np.asarray(W, dtype=np.float64))
    idx = probs.argmax(axis=-1)
    vals = np.take_along_axis(probs, idx[:, None], axis=-1)[:, 0]
    rules = [(TOKENS[i], TOKENS[int(idx[i])], float(vals[i])) for i in range(27)]
    rules.sort(key=lambda r: r[2], reverse=True)
    return rules if top is None else rules[:top]


def greedy_decode(W, max_len=50):
    W = np.asarray(W, dtype=np.float64)
    out = []
    cur = 0
    while len(out) < max_len:
        cur = int(np.argmax(W[cur], axis=-1))
        if cur == 0:
            break
        out.append(TOKENS[cur])
    return "".join(out)
