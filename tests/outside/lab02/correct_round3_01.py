import math
import numpy as np
from mindlab_core.tokens import TOKENS

def _matrix(X, what):
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 2 or X.shape[0] == 0:
        raise ValueError(f"{what} must be a non-empty (n, d) array of vectors, got shape {X.shape}")
    return X

def _vector(v, what):
    v = np.asarray(v, dtype=np.float64)
    if v.ndim != 1:
        raise ValueError(f"{what} must be a 1-D (d,) vector, got shape {v.shape}")
    norm = np.linalg.norm(v)
    if not norm > 0:
        raise ValueError(f"{what} has length 0: a direction needs a non-zero vector")
    return v

def mean_difference_direction(X_a, X_b):
    A = _matrix(X_a, "X_a"); B = _matrix(X_b, "X_b")
    if A.shape[1] != B.shape[1]:
        raise ValueError(f"widths differ: {A.shape[1]} vs {B.shape[1]}")
    diff = A.mean(axis=0) - B.mean(axis=0)
    n = np.linalg.norm(diff)
    if not n > 0:
        raise ValueError("the two means coincide: no direction")
    return diff / n


def project(X, direction):
    X = _matrix(X, "X"); d = _vector(direction, "direction")
    if X.shape[1] != d.shape[0]:
        raise ValueError("width mismatch")
    return X @ d / np.linalg.norm(d)


def cosine_similarity(u, v):
    u = _vector(u, "u"); v = _vector(v, "v")
    if u.shape != v.shape:
        raise ValueError("length mismatch")
    c = float(u @ v / (np.linalg.norm(u) * np.linalg.norm(v)))
    return max(-1.0, min(1.0, c))


def make_contexts(words, k):
    if not isinstance(k, (int, np.integer)) or k < 1:
        raise ValueError("k must be >= 1")
    X, Y = [], []
    for w in words:
        if any(c not in "abcdefghijklmnopqrstuvwxyz" for c in w):
            raise ValueError(f"bad character in {w!r}")
        ctx = [0] * k
        for ch in list(w) + ["."]:
            ix = TOKENS.index(ch)
            X.append(list(ctx)); Y.append(ix)
            ctx = ctx[1:] + [ix]
    return np.array(X, dtype=np.int64).reshape(-1, k), np.array(Y, dtype=np.int64).reshape(-1)


def run_with_cache(params, contexts):
    E = params["E"]
    ctx = np.asarray(contexts)
    x = sum(E[p][ctx[:, p]] for p in range(ctx.shape[1]))
    x = np.asarray(x, dtype=np.float64)
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
    z = z - z.max(axis=-1, keepdims=True)
    logp = z - np.log(np.exp(z).sum(axis=-1, keepdims=True))
    t = np.asarray(targets)
    return float(-logp[np.arange(len(t)), t].mean())


def causal_attention(q, k):
    q = np.asarray(q, dtype=np.float64); k = np.asarray(k, dtype=np.float64)
    T, d = q.shape
    s = q @ k.T / np.sqrt(d)
    mask = np.triu(np.ones((T, T), dtype=bool), k=1)
    s = np.where(mask, -np.inf, s)
    s = s - s.max(axis=-1, keepdims=True)
    e = np.exp(s)
    return e / e.sum(axis=-1, keepdims=True)


def repeated_tokens(rng, n_vocab, half_len):
    if half_len < 1 or n_vocab < 2:
        raise ValueError("need half_len >= 1 and n_vocab >= 2")
    half = rng.integers(1, n_vocab, size=half_len)
    return np.concatenate([[0], half, half]).astype(np.int64)


def prev_token_score(patterns):
    P = np.asarray(patterns, dtype=np.float64)
    return np.diagonal(P, offset=-1, axis1=-2, axis2=-1).mean(axis=-1)


def induction_score(patterns, half_len):
    P = np.asarray(patterns, dtype=np.float64)
    T = P.shape[-1]
    if T != 2 * half_len + 1:
        raise ValueError(f"T={T} is not 2*half_len+1")
    stripe = np.diagonal(P, offset=1 - half_len, axis1=-2, axis2=-1)
    # stripe[..., j] is P[i = j + half_len - 1, j]; the repeated half's queries are i = half_len+1..2*half_len
    return stripe[..., 2:].mean(axis=-1)


def find_heads(scores, threshold):
    S = np.asarray(scores)
    return [(int(l), int(h)) for l in range(S.shape[0]) for h in range(S.shape[1]) if S[l, h] > threshold]


def ablate_head(params, layer, head):
    L, H = params["W_O"].shape[:2]
    if not (0 <= layer < L and 0 <= head < H):
        raise ValueError(f"no head ({layer}, {head})")
    new = dict(params)
    W_O = params["W_O"].copy()
    W_O[layer, head] = 0.0
    new["W_O"] = W_O
    return new


def sparse_features(rng, n, n_features, sparsity):
    if not (0.0 <= sparsity <= 1.0):
        raise ValueError("sparsity must be in [0, 1]")
    values = rng.random((n, n_features))
    on = rng.random((n, n_features)) >= sparsity
    return np.where(on, values, 0.0)


def toy_forward(params, X):
    W = params["W"]
    return np.maximum(X @ W.T @ W + params["b"], 0.0)


def importance_loss(X, X_hat, importance):
    X = np.asarray(X, dtype=float); X_hat = np.asarray(X_hat, dtype=float)
    return float((np.asarray(importance) * (X - X_hat) ** 2).sum(axis=1).mean())


def feature_dimensionality(W):
    W = np.asarray(W, dtype=np.float64)
    norms = np.linalg.norm(W, axis=0)
    out = np.zeros(W.shape[1])
    for i in range(W.shape[1]):
        if norms[i] == 0:
            continue
        u = W[:, i] / norms[i]
        out[i] = norms[i] ** 2 / np.sum((u @ W) ** 2)
    return out


def sae_encode(sae, H):
    return np.maximum((H - sae["b_dec"]) @ sae["W_enc"] + sae["b_enc"], 0.0)


def sae_decode(sae, F):
    return F @ sae["W_dec"] + sae["b_dec"]


def sae_loss(sae, H, l1):
    F = sae_encode(sae, H)
    R = sae_decode(sae, F)
    return float(((H - R) ** 2).sum(axis=1).mean() + l1 * np.abs(F).sum(axis=1).mean())


def best_cosines(learned, true):
    A = np.asarray(learned, dtype=float); B = np.asarray(true, dtype=float)
    na = np.linalg.norm(A, axis=1); nb = np.linalg.norm(B, axis=1)
    if (na == 0).any() or (nb == 0).any():
        raise ValueError("a zero row has no direction")
    C = (B / nb[:, None]) @ (A / na[:, None]).T
    return C.max(axis=1)
