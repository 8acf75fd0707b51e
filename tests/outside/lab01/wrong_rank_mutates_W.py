"""lab01, WRONG in `rank_rules`: normalises W in place (`W -= W.max(axis=-1, keepdims=True)`) before the softmax: the caller's W is changed.

Why the contract forbids it: "Every function leaves its inputs unchanged." / "Every other input is left unchanged, 1-D and 2-D alike." (SPEC §2)

Otherwise identical to correct_numpy_ml.py (the other functions are correct).
"""
import numpy as np

TOKENS = ".abcdefghijklmnopqrstuvwxyz"
VOCAB = {ch: ix for ix, ch in enumerate(TOKENS)}


class _Softmax:
    def __init__(self, dim=-1):
        self.dim = dim

    def __call__(self, X):
        X = np.asarray(X, dtype=np.float64)
        e_X = np.exp(X - np.max(X, axis=self.dim, keepdims=True))
        return e_X / e_X.sum(axis=self.dim, keepdims=True)


_SOFTMAX = _Softmax(dim=-1)


def _encode(letter):
    if isinstance(letter, str) and len(letter) == 1 and letter in VOCAB:
        return VOCAB[letter]
    raise ValueError("unknown token %r" % (letter,))


def softmax(logits):
    return _SOFTMAX(logits)


def read_row(W, letter):
    return _SOFTMAX(np.asarray(W)[_encode(letter)])


def data_row(counts, letter):
    row = np.asarray(counts)[_encode(letter)]
    return row * (1.0 / row.sum())


def belief_gap(W, counts, letter):
    return float(np.sum(np.abs(read_row(W, letter) - data_row(counts, letter))) / 2)


def ablate_column(W, letter):
    ix = _encode(letter)
    W2 = np.asarray(W, dtype=np.float64) + 0.0
    W2[:, ix] = -np.inf
    return W2


def sample_word(W, rng, temperature=1.0, max_len=50):
    if temperature <= 0:
        raise ValueError("temperature must be > 0")
    W = np.asarray(W, dtype=np.float64)
    seq = []
    ix = 0
    while len(seq) < max_len:
        p = _SOFTMAX(W[ix] / temperature)
        cdf = np.cumsum(p)
        u = rng.random() * cdf[-1]
        above = cdf > u
        ix = int(np.argmax(above)) if above.any() else int(np.flatnonzero(p)[-1])
        if ix == 0:
            break
        seq.append(TOKENS[ix])
    return "".join(seq)


def rank_rules(W, top=None):
    W = np.asarray(W, dtype=np.float64)
    W -= W.max(axis=-1, keepdims=True)
    P = _SOFTMAX(W)
    best = P.argmax(axis=-1)
    rules = [(TOKENS[i], TOKENS[b], float(P[i, b])) for i, b in enumerate(best.tolist())]
    rules.sort(key=lambda r: r[2], reverse=True)
    return rules[:top] if top is not None else rules


def greedy_decode(W, max_len=50):
    W = np.asarray(W, dtype=np.float64)
    seq = []
    ix = 0
    while len(seq) < max_len:
        ix = int(W[ix].argmax())
        if ix == 0:
            break
        seq.append(TOKENS[ix])
    return "".join(seq)
