import math
import numpy as np
from mindlab_core.tokens import TOKENS, index

def softmax(logits):
    logits = np.asarray(logits, dtype=float)
    if logits.ndim == 1:
        m = logits.max()
        e = np.exp(logits - m)
        return e / e.sum()
    m = logits.max(axis=1)[:, None]
    e = np.exp(logits - m)
    return e / e.sum(axis=1)[:, None]


chars = list(TOKENS)
stoi = {s: i for i, s in enumerate(chars)}
itos = {i: s for s, i in stoi.items()}

def _ix(letter):
    if not isinstance(letter, str) or letter not in stoi:
        raise ValueError(f"not a token: {letter!r}")
    return stoi[letter]

def read_row(W, letter):
    logits = W[_ix(letter)]
    counts_ = np.exp(logits - logits.max())
    return counts_ / counts_.sum()


def data_row(counts, letter):
    N = counts[_ix(letter)]
    return N / N.sum()


def belief_gap(W, counts, letter):
    p = read_row(W, letter)
    q = data_row(counts, letter)
    return float(np.sum(np.abs(p - q)) / 2)


def ablate_column(W, letter):
    j = index(letter)
    out = np.array(W, dtype=np.float64, copy=True)
    out[:, j] = -np.inf
    return out


def sample_word(W, rng, temperature=1.0, max_len=50):
    if temperature <= 0:
        raise ValueError("temperature must be > 0")
    out = []
    ix = 0
    while len(out) < max_len:
        p = softmax(W[ix] / temperature)
        ix = int(rng.multinomial(1, p).argmax())
        if ix == 0:
            break
        out.append(itos[ix])
    return ''.join(out)


def rank_rules(W, top=None):
    probs = softmax(W)
    rules = [(TOKENS[i], TOKENS[int(probs[i].argmax())], float(probs[i].max())) for i in range(27)]
    ranked = sorted(rules, key=lambda r: r[2], reverse=True)
    return ranked if top is None else ranked[:top]


def greedy_decode(W, max_len=50):
    out = []
    ix = 0
    while len(out) < max_len:
        p = softmax(W[ix])
        ix = int(np.argmax(p))
        if ix == 0:
            break
        out.append(itos[ix])
    return ''.join(out)
