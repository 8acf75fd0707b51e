"""lab01, WRONG in `belief_gap`: forgets the 0.5: returns the L1 distance, in [0, 2].

Why the contract forbids it: "total variation distance between the two, `0.5 * sum(|belief - data|)`, in [0, 1]." (SPEC §2)

Otherwise identical to correct_scipy_logsumexp.py (the other functions are correct).
"""
import numpy as np

TOKENS = ".abcdefghijklmnopqrstuvwxyz"


def _index(letter):
    if type(letter) is not str or len(letter) != 1 or letter not in TOKENS:
        raise ValueError("letter must be one of the 27 tokens, got %r" % (letter,))
    return TOKENS.index(letter)


def _logsumexp(a, axis=-1):
    a_max = np.amax(a, axis=axis, keepdims=True)
    a_max = np.where(np.isfinite(a_max), a_max, 0.0)
    tmp = np.exp(a - a_max)
    with np.errstate(divide="ignore"):
        out = np.log(np.sum(tmp, axis=axis, keepdims=True))
    return out + a_max


def softmax(logits):
    x = np.array(logits, dtype=np.float64)
    return np.exp(x - _logsumexp(x, axis=-1))


def read_row(W, letter):
    i = _index(letter)
    return softmax(np.asarray(W, dtype=np.float64)[i, :])


def data_row(counts, letter):
    i = _index(letter)
    c = np.asarray(counts, dtype=np.float64)[i]
    return c / np.sum(c)


def belief_gap(W, counts, letter):
    b = read_row(W, letter)
    d = data_row(counts, letter)
    return float(np.sum(np.abs(b - d)))


def ablate_column(W, letter):
    j = _index(letter)
    W2 = np.asarray(W, dtype=np.float64).copy()
    W2[:, j] = -np.inf
    return W2


def sample_word(W, rng, temperature=1.0, max_len=50):
    if temperature <= 0:
        raise ValueError("temperature must be positive")
    W = np.asarray(W, dtype=np.float64)
    letters = []
    row = 0
    for _ in range(max_len):
        probs = softmax(W[row] / temperature)
        row = int(rng.choice(len(TOKENS), p=probs))
        if row == 0:
            break
        letters.append(TOKENS[row])
    return "".join(letters)


def rank_rules(W, top=None):
    P = softmax(W)
    best = np.argmax(P, axis=1)
    rules = [(TOKENS[i], TOKENS[int(best[i])], float(P[i, best[i]])) for i in range(27)]
    rules = sorted(rules, key=lambda rule: rule[2], reverse=True)
    if top is not None:
        rules = rules[:top]
    return rules


def greedy_decode(W, max_len=50):
    W = np.asarray(W, dtype=np.float64)
    word = ""
    row = 0
    for _ in range(max_len):
        row = int(np.argmax(W[row]))
        if row == 0:
            break
        word += TOKENS[row]
    return word
