"""lab01, WRONG in `ablate_column`: sets the letter's row to -inf instead of its column.

Why the contract forbids it: "a new array equal to `W` except that column `letter` is `-np.inf`" (SPEC §2)

Otherwise identical to correct_keras_temperature.py (the other functions are correct).
"""
import numpy as np

TOKENS = ".abcdefghijklmnopqrstuvwxyz"
char_indices = dict((c, i) for i, c in enumerate(TOKENS))
indices_char = dict((i, c) for i, c in enumerate(TOKENS))


def _char_index(letter):
    if isinstance(letter, str) and len(letter) == 1 and letter in char_indices:
        return char_indices[letter]
    raise ValueError(f"{letter!r} is not one of the 27 tokens")


def softmax(logits):
    logits = np.asarray(logits, dtype="float64")
    shifted = logits - np.max(logits, axis=-1, keepdims=True)
    exp_preds = np.exp(shifted)
    return exp_preds / np.sum(exp_preds, axis=-1, keepdims=True)


def read_row(W, letter):
    return softmax(np.asarray(W)[_char_index(letter)])


def data_row(counts, letter):
    row = np.asarray(counts)[_char_index(letter)]
    return np.true_divide(row, row.sum())


def belief_gap(W, counts, letter):
    diff = read_row(W, letter) - data_row(counts, letter)
    return 0.5 * float(np.abs(diff).sum())


def ablate_column(W, letter):
    col = _char_index(letter)
    ablated = np.array(W, dtype="float64")
    ablated[col] = -np.inf
    return ablated


def _sample(preds, temperature, rng):
    preds = np.asarray(preds).astype("float64")
    with np.errstate(divide="ignore"):
        preds = np.log(preds) / temperature
    preds = preds - np.max(preds)
    exp_preds = np.exp(preds)
    preds = exp_preds / np.sum(exp_preds)
    probas = rng.multinomial(1, preds, 1)
    return int(np.argmax(probas))


def sample_word(W, rng, temperature=1.0, max_len=50):
    if temperature <= 0:
        raise ValueError("temperature must be > 0")
    W = np.asarray(W, dtype="float64")
    generated = ""
    current = 0
    while len(generated) < max_len:
        preds = softmax(W[current])
        current = _sample(preds, temperature, rng)
        if current == 0:
            break
        generated += indices_char[current]
    return generated


def rank_rules(W, top=None):
    probs = softmax(np.asarray(W, dtype="float64"))
    rules = []
    for i in range(len(TOKENS)):
        j = int(np.argmax(probs[i]))
        rules.append((indices_char[i], indices_char[j], float(probs[i][j])))
    rules.sort(key=lambda r: r[2], reverse=True)
    return rules[:top] if top is not None else rules


def greedy_decode(W, max_len=50):
    W = np.asarray(W, dtype="float64")
    generated = ""
    current = 0
    while len(generated) < max_len:
        current = int(np.argmax(W[current]))
        if current == 0:
            break
        generated += indices_char[current]
    return generated
