"""lab01, WRONG in `greedy_decode`: range(max_len + 1): a cycling walk gets max_len + 1 letters (and max_len=0 gives one).

Why the contract forbids it: "always take the most likely next token (lowest index on ties), stop at `.` (not included) or at `max_len` letters." (SPEC §2, greedy_decode)

Otherwise identical to correct_transformerlens.py (the other functions are correct).
"""
import numpy as np

TOKENS = ".abcdefghijklmnopqrstuvwxyz"


def to_single_token(letter):
    if isinstance(letter, str) and len(letter) == 1:
        i = TOKENS.find(letter)
        if i >= 0:
            return i
    raise ValueError(f"{letter!r} is not a single token")


def softmax(logits):
    final_logits = np.asarray(logits, dtype=np.float64)
    shifted = final_logits - np.max(final_logits, axis=-1, keepdims=True)
    unnorm = np.exp(shifted)
    return unnorm / unnorm.sum(axis=-1, keepdims=True)


def read_row(W, letter):
    return softmax(np.asarray(W, dtype=np.float64)[to_single_token(letter), :])


def data_row(counts, letter):
    row = np.asarray(counts)[to_single_token(letter), :]
    return row.astype(np.float64) / row.sum()


def belief_gap(W, counts, letter):
    return float(0.5 * np.abs(read_row(W, letter) - data_row(counts, letter)).sum())


def ablate_column(W, letter):
    i = to_single_token(letter)
    out = np.array(W, dtype=np.float64)
    out[:, i] = -np.inf
    return out


def sample_logits(final_logits, rng, temperature=1.0):
    probs = softmax(final_logits / temperature)
    cdf = np.cumsum(probs)
    u = rng.random() * cdf[-1]
    i = int(np.searchsorted(cdf, u, side="right"))
    return min(i, int(np.flatnonzero(probs > 0)[-1]))


def sample_word(W, rng, temperature=1.0, max_len=50):
    if temperature <= 0:
        raise ValueError("temperature must be > 0")
    W = np.asarray(W, dtype=np.float64)
    text = ""
    tok = 0
    for _ in range(max_len):
        tok = sample_logits(W[tok], rng, temperature)
        if tok == 0:
            break
        text += TOKENS[tok]
    return text


def rank_rules(W, top=None):
    P = softmax(np.asarray(W, dtype=np.float64))
    rules = []
    for i, row in enumerate(P):
        j = int(row.argmax(axis=-1))
        rules.append((TOKENS[i], TOKENS[j], float(row[j])))
    keyed = sorted(enumerate(rules), key=lambda t: (-t[1][2], t[0]))
    rules = [r for _, r in keyed]
    return rules[:top] if top is not None else rules


def greedy_decode(W, max_len=50):
    W = np.asarray(W, dtype=np.float64)
    text = ""
    tok = 0
    for _ in range(max_len + 1):
        tok = int(W[tok].argmax(axis=-1))
        if tok == 0:
            break
        text += TOKENS[tok]
    return text
