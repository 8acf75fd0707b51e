"""lab02, WRONG in `find_heads`: `>=`: a head exactly at the threshold is listed.

Why the contract forbids it: "every (layer, head) of scores (L, H) strictly above threshold" (docs/lab02-contract.md)

Otherwise identical to correct_plain_numpy.py (the other functions are correct).
"""
import numpy as np

ALPHABET = "abcdefghijklmnopqrstuvwxyz"
STOI = {ch: i + 1 for i, ch in enumerate(ALPHABET)}


def _matrix(X, what):
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 2 or X.shape[0] == 0:
        raise ValueError(f"{what} must be a non-empty (n, d) array")
    return X


def _vector(v, what):
    v = np.asarray(v, dtype=np.float64)
    if v.ndim != 1:
        raise ValueError(f"{what} must be a (d,) vector")
    n = np.linalg.norm(v)
    if not n > 0:
        raise ValueError(f"{what} is the zero vector")
    return v, n


# ------------------------------------------------------------------ tool 04
def mean_difference_direction(X_a, X_b):
    A, B = _matrix(X_a, "X_a"), _matrix(X_b, "X_b")
    if A.shape[1] != B.shape[1]:
        raise ValueError(f"widths differ: {A.shape[1]} vs {B.shape[1]}")
    diff = A.mean(axis=0) - B.mean(axis=0)
    norm = np.linalg.norm(diff)
    if not norm > 0:
        raise ValueError("the two means are equal: no direction")
    return diff / norm


def project(X, direction):
    X = _matrix(X, "X")
    d, n = _vector(direction, "direction")
    if X.shape[1] != d.shape[0]:
        raise ValueError("X and direction have different widths")
    return X @ d / n


def cosine_similarity(u, v):
    u, nu = _vector(u, "u")
    v, nv = _vector(v, "v")
    if u.shape != v.shape:
        raise ValueError("u and v have different lengths")
    return float(np.clip(u @ v / (nu * nv), -1.0, 1.0))


# ------------------------------------------------------------------ tool 05
def make_contexts(words, k):
    if k < 1:
        raise ValueError("k must be >= 1")
    X, Y = [], []
    for w in words:
        if not isinstance(w, str) or any(ch not in STOI for ch in w):
            raise ValueError(f"word {w!r} has a character outside a..z")
        context = [0] * k
        for ch in w + ".":
            ix = STOI.get(ch, 0)
            X.append(context)
            Y.append(ix)
            context = context[1:] + [ix]
    return np.array(X, dtype=np.int64).reshape(len(X), k), np.array(Y, dtype=np.int64)


def run_with_cache(params, contexts):
    contexts = np.asarray(contexts)
    E = params["E"]
    x = E[0][contexts[:, 0]]
    for p in range(1, E.shape[0]):
        x = x + E[p][contexts[:, p]]
    streams = [x]
    for l in range(params["W1"].shape[0]):
        h = np.maximum(x @ params["W1"][l] + params["b1"][l], 0.0)
        x = x + h @ params["W2"][l] + params["b2"][l]
        streams.append(x)
    return streams


def logit_lens(params, streams):
    return np.stack([s @ params["U"] + params["bU"] for s in streams])


def cross_entropy(logits, targets):
    z = np.asarray(logits, dtype=np.float64)
    t = np.asarray(targets)
    m = z.max(axis=1, keepdims=True)
    lse = m[:, 0] + np.log(np.exp(z - m).sum(axis=1))
    return float(np.mean(lse - z[np.arange(len(t)), t]))


# ------------------------------------------------------------------ tool 06
def causal_attention(q, k):
    q = np.asarray(q, dtype=np.float64)
    k = np.asarray(k, dtype=np.float64)
    T = q.shape[0]
    scores = q @ k.T / np.sqrt(q.shape[1])
    scores[np.triu(np.ones((T, T), dtype=bool), k=1)] = -np.inf
    scores = scores - scores.max(axis=1, keepdims=True)
    e = np.exp(scores)
    return e / e.sum(axis=1, keepdims=True)


def repeated_tokens(rng, n_vocab, half_len):
    if half_len < 1:
        raise ValueError("half_len must be >= 1")
    if n_vocab < 2:
        raise ValueError("n_vocab must be >= 2")
    half = rng.integers(1, n_vocab, size=half_len)
    return np.concatenate([[0], half, half]).astype(np.int64)


def prev_token_score(patterns):
    P = np.asarray(patterns, dtype=np.float64)
    return np.diagonal(P, offset=-1, axis1=-2, axis2=-1).mean(axis=-1)


def induction_score(patterns, half_len):
    P = np.asarray(patterns, dtype=np.float64)
    T = P.shape[-1]
    if T != 2 * half_len + 1:
        raise ValueError(f"T = {T} is not 2 * half_len + 1 = {2 * half_len + 1}")
    i = np.arange(half_len + 1, 2 * half_len + 1)
    return P[..., i, i - half_len + 1].mean(axis=-1)


def find_heads(scores, threshold):
    S = np.asarray(scores)
    return [(int(l), int(h)) for l in range(S.shape[0]) for h in range(S.shape[1])
            if S[l, h] >= threshold]


def ablate_head(params, layer, head):
    W_O = params["W_O"]
    L, H = W_O.shape[0], W_O.shape[1]
    if not 0 <= layer < L:
        raise ValueError(f"layer {layer} out of range 0..{L - 1}")
    if not 0 <= head < H:
        raise ValueError(f"head {head} out of range 0..{H - 1}")
    new = dict(params)
    new["W_O"] = W_O.copy()
    new["W_O"][layer, head] = 0.0
    return new


# ------------------------------------------------------------------ tool 07
def sparse_features(rng, n, n_features, sparsity):
    if not 0.0 <= sparsity <= 1.0:
        raise ValueError("sparsity must be in [0, 1]")
    on = rng.random((n, n_features)) >= sparsity
    values = rng.random((n, n_features))
    return np.where(on, values, 0.0)


def toy_forward(params, X):
    W, b = params["W"], params["b"]
    return np.maximum(X @ W.T @ W + b, 0.0)


def importance_loss(X, X_hat, importance):
    d = np.asarray(X, dtype=np.float64) - np.asarray(X_hat, dtype=np.float64)
    return float(np.mean(np.sum(np.asarray(importance) * d ** 2, axis=1)))


def feature_dimensionality(W):
    W = np.asarray(W, dtype=np.float64)
    f = W.shape[1]
    norms = np.linalg.norm(W, axis=0)
    D = np.zeros(f)
    for i in range(f):
        if norms[i] == 0:
            continue
        w_hat = W[:, i] / norms[i]
        D[i] = norms[i] ** 2 / np.sum((w_hat @ W) ** 2)
    return D


def sae_encode(sae, H):
    return np.maximum((H - sae["b_dec"]) @ sae["W_enc"] + sae["b_enc"], 0.0)


def sae_decode(sae, F):
    return F @ sae["W_dec"] + sae["b_dec"]


def sae_loss(sae, H, l1):
    F = sae_encode(sae, H)
    R = sae_decode(sae, F)
    return float(np.mean(np.sum((H - R) ** 2, axis=1)) + l1 * np.mean(np.sum(np.abs(F), axis=1)))


def best_cosines(learned, true):
    L = _matrix(learned, "learned")
    T = _matrix(true, "true")
    nl = np.linalg.norm(L, axis=1)
    nt = np.linalg.norm(T, axis=1)
    if np.any(nl == 0) or np.any(nt == 0):
        raise ValueError("a zero row has no direction")
    return ((T / nt[:, None]) @ (L / nl[:, None]).T).max(axis=1)
