"""lab01, WRONG in `data_row`: looks the letter up with TOKENS.index(letter) and no other check: 'ab' -> 1 and '' -> 0 are accepted, 3 and None raise TypeError.

Why the contract forbids it: "A letter is exactly one of the 27 one-character strings: `" a"`, `"a\n"`, `"A"`, `"ab"`, `""`, `3`, `None` all raise `ValueError`." (SPEC §2, boundaries)

Otherwise identical to correct_cs231n.py (the other functions are correct).
"""
import numpy as np

TOKENS = ".abcdefghijklmnopqrstuvwxyz"


def _letter_index(letter):
    if not (isinstance(letter, str) and len(letter) == 1 and letter in TOKENS):
        raise ValueError("letter must be a single token of %s" % TOKENS)
    return TOKENS.index(letter)


def softmax(logits):
    scores = np.array(logits, dtype=np.float64)
    one_d = scores.ndim == 1
    if one_d:
        scores = scores[None, :]
    scores -= np.max(scores, axis=1, keepdims=True)
    probs = np.exp(scores) / np.sum(np.exp(scores), axis=1, keepdims=True)
    return probs[0] if one_d else probs


def read_row(W, letter):
    return softmax(np.asarray(W)[_letter_index(letter)])


def data_row(counts, letter):
    y = np.asarray(counts)[TOKENS.index(letter)]
    return y / np.sum(y, dtype=np.float64)


def belief_gap(W, counts, letter):
    return float(0.5 * np.linalg.norm(read_row(W, letter) - data_row(counts, letter), ord=1))


def ablate_column(W, letter):
    idx = _letter_index(letter)
    W_new = np.array(W, dtype=np.float64)
    W_new[:, idx] = -np.inf
    return W_new


def sample_word(W, rng, temperature=1.0, max_len=50):
    if temperature <= 0:
        raise ValueError("temperature must be > 0")
    W = np.asarray(W, dtype=np.float64)
    classes = np.arange(W.shape[1])
    out = []
    y = 0
    while len(out) < max_len:
        y = int(rng.choice(classes, p=softmax(W[y] / temperature)))
        if y == 0:
            break
        out.append(TOKENS[y])
    return "".join(out)


def rank_rules(W, top=None):
    probs = softmax(np.asarray(W, dtype=np.float64))
    y_pred = np.argmax(probs, axis=1)
    conf = probs[np.arange(probs.shape[0]), y_pred]
    order = sorted(range(27), key=lambda i: conf[i], reverse=True)
    rules = [(TOKENS[i], TOKENS[int(y_pred[i])], float(conf[i])) for i in order]
    return rules if top is None else rules[:top]


def greedy_decode(W, max_len=50):
    W = np.asarray(W, dtype=np.float64)
    out = []
    y = 0
    while len(out) < max_len:
        y = int(np.argmax(W[y]))
        if y == 0:
            break
        out.append(TOKENS[y])
    return "".join(out)
