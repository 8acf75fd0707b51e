"""Found from outside (round 6): every function returns a value of the right type and
shape but computes nothing (no softmax, no sampling, no ranking, no decoding); only the
letter and temperature checks are real. It scored 12.5/30."""
import numpy as np
TOKENS = ".abcdefghijklmnopqrstuvwxyz"

def _check(letter):
    if not (type(letter) is str and len(letter) == 1 and letter in TOKENS):
        raise ValueError("bad letter")
    return TOKENS.index(letter)

def softmax(logits):
    return np.zeros(np.shape(logits))

def read_row(W, letter):
    _check(letter); return np.zeros(27)

def data_row(counts, letter):
    _check(letter); return np.zeros(27)

def belief_gap(W, counts, letter):
    _check(letter); return 0.0

def ablate_column(W, letter):
    _check(letter); return np.array(W, dtype=float)

def sample_word(W, rng, temperature=1.0, max_len=50):
    if not temperature > 0:
        raise ValueError("t")
    return ""

def rank_rules(W, top=None):
    W = np.asarray(W)
    rules = [(".", TOKENS[int(np.argmax(W[0]))], 0.0), ("b", TOKENS[int(np.argmax(W[2]))], 0.0)]
    return rules if top is None else rules[:top]

def greedy_decode(W, max_len=50):
    return ""
