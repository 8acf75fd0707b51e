"""lab01, WRONG in `data_row`: makemore's add-one smoothing (N + 1) carried over to the data: the data row is no longer the plain frequencies.

Why the contract forbids it: "that row of `counts` divided by its sum" (SPEC §2, data_row)

Otherwise identical to correct_arena.py (the other functions are correct).
"""
import numpy as np

TOKENS = ".abcdefghijklmnopqrstuvwxyz"


def _tok_id(letter):
    if not isinstance(letter, str) or len(letter) != 1 or letter not in TOKENS:
        raise ValueError(f"letter must be one of {TOKENS!r}")
    return TOKENS.index(letter)


def log_softmax(x):
    x = np.asarray(x, dtype=np.float64)
    m = x.max(axis=-1, keepdims=True)
    return x - m - np.log(np.exp(x - m).sum(axis=-1, keepdims=True))


def softmax(logits):
    return np.exp(log_softmax(logits))


def read_row(W, letter):
    return softmax(np.asarray(W, dtype=np.float64)[_tok_id(letter)])


def data_row(counts, letter):
    counts_row = np.asarray(counts, dtype=np.float64)[_tok_id(letter)] + 1.0
    return counts_row / counts_row.sum()


def belief_gap(W, counts, letter):
    p, q = read_row(W, letter), data_row(counts, letter)
    return float(0.5 * np.abs(p - q).sum())


def ablate_column(W, letter):
    j = _tok_id(letter)
    ablated = np.asarray(W, dtype=np.float64).copy()
    ablated[:, j] = float("-inf")
    return ablated


def sample_next_token(logits, rng, temperature=1.0):
    logits = logits / temperature
    probs = np.exp(log_softmax(logits))
    return int(rng.choice(len(probs), p=probs / probs.sum()))


def sample_word(W, rng, temperature=1.0, max_len=50):
    if temperature <= 0:
        raise ValueError("temperature must be positive (use greedy_decode for argmax)")
    W = np.asarray(W, dtype=np.float64)
    tokens = [0]
    while len(tokens) - 1 < max_len:
        nxt = sample_next_token(W[tokens[-1]], rng, temperature)
        if nxt == 0:
            break
        tokens.append(nxt)
    return "".join(TOKENS[t] for t in tokens[1:])


def rank_rules(W, top=None):
    logp = log_softmax(np.asarray(W, dtype=np.float64))
    nxt = logp.argmax(-1)
    prob = np.exp(logp.max(-1))
    rules = [(TOKENS[i], TOKENS[int(nxt[i])], float(prob[i])) for i in range(27)]
    rules = sorted(rules, key=lambda r: r[2], reverse=True)
    return rules if top is None else rules[:top]


def greedy_decode(W, max_len=50):
    W = np.asarray(W, dtype=np.float64)
    tokens = [0]
    while len(tokens) - 1 < max_len:
        nxt = int(W[tokens[-1]].argmax())
        if nxt == 0:
            break
        tokens.append(nxt)
    return "".join(TOKENS[t] for t in tokens[1:])
