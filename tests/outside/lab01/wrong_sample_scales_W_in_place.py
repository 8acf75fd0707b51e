"""lab01, WRONG in `sample_word`: divides W by the temperature once, in place (`W /= temperature`): the caller's float W is changed whenever temperature != 1.

Why the contract forbids it: "Every function leaves its inputs unchanged." / "Every other input is left unchanged, 1-D and 2-D alike." (SPEC §2)

Otherwise identical to correct_rng_choice_tokens.py (the other functions are correct).
"""
import numpy as np

TOKENS = ".abcdefghijklmnopqrstuvwxyz"
CHARS = list(TOKENS)


def _pos(letter):
    if isinstance(letter, str) and len(letter) == 1 and letter in CHARS:
        return CHARS.index(letter)
    raise ValueError("not a token: " + repr(letter))


def softmax(logits):
    v = np.asarray(logits, dtype=np.float64)
    v = v - np.amax(v, axis=v.ndim - 1, keepdims=True)
    np.exp(v, out=v)
    v /= np.sum(v, axis=v.ndim - 1, keepdims=True)
    return v


def read_row(W, letter):
    return softmax(np.asarray(W)[_pos(letter)])


def data_row(counts, letter):
    c = np.asarray(counts)[_pos(letter)]
    return np.divide(c, c.sum(), dtype=np.float64)


def belief_gap(W, counts, letter):
    return float(np.abs(read_row(W, letter) - data_row(counts, letter)).sum() * 0.5)


def ablate_column(W, letter):
    c = _pos(letter)
    A = np.array(W, dtype=np.float64)
    A[:, c] = -np.inf
    return A


def sample_word(W, rng, temperature=1.0, max_len=50):
    if temperature <= 0:
        raise ValueError("temperature must be > 0")
    W = np.asarray(W, dtype=np.float64)
    W /= temperature
    word = ""
    ch = "."
    while len(word) < max_len:
        ch = str(rng.choice(CHARS, p=softmax(W[CHARS.index(ch)])))
        if ch == ".":
            break
        word += ch
    return word


def rank_rules(W, top=None):
    P = softmax(W)
    rules = [(CHARS[i], CHARS[int(np.argmax(P[i]))], float(np.max(P[i]))) for i in range(27)]
    ranked = sorted(rules, key=lambda r: r[2], reverse=True)
    return ranked if top is None else ranked[:top]


def greedy_decode(W, max_len=50):
    W = np.asarray(W, dtype=np.float64)
    word = ""
    ch = "."
    while len(word) < max_len:
        ch = CHARS[int(np.argmax(W[CHARS.index(ch)]))]
        if ch == ".":
            break
        word += ch
    return word
