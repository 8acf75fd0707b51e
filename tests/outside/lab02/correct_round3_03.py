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
    X = np.asarray(X, dtype=float); d = np.asarray(direction, dtype=float)
    if X.ndim != 2 or d.ndim != 1 or X.shape[1] != d.shape[0]:
        raise ValueError("shapes do not match")
    n = np.sqrt(np.sum(d * d))
    if n == 0:
        raise ValueError("zero direction")
    return np.dot(X, d / n)


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
    E, W1, b1, W2, b2 = (params[k] for k in ("E", "W1", "b1", "W2", "b2"))
    k = contexts.shape[1]
    x = E[np.arange(k)[None, :], contexts].sum(axis=1)
    out = [x.copy()]
    for l in range(len(W1)):
        x = x + np.maximum(0, x @ W1[l] + b1[l]) @ W2[l] + b2[l]
        out.append(x.copy())
    return out


def logit_lens(params, streams):
    return np.stack([s @ params["U"] + params["bU"] for s in streams])


def cross_entropy(logits, targets):
    z = np.asarray(logits, dtype=float)
    mx = z.max(axis=-1, keepdims=True)
    log_probs = z - mx - np.log(np.exp(z - mx).sum(axis=-1, keepdims=True))
    t = np.asarray(targets, dtype=np.int64)
    return -float(np.take_along_axis(log_probs, t[:, None], axis=-1).mean())


def causal_attention(q, k):
    d_head = q.shape[-1]
    scores = np.einsum("id,jd->ij", q, k) / np.sqrt(d_head)
    T = scores.shape[0]
    scores[np.triu_indices(T, k=1)] = -np.inf
    scores -= scores.max(axis=1, keepdims=True)
    pattern = np.exp(scores)
    pattern /= pattern.sum(axis=1, keepdims=True)
    return pattern


def repeated_tokens(rng, n_vocab, half_len):
    if half_len < 1 or n_vocab < 2:
        raise ValueError("bad arguments")
    half = 1 + np.floor(rng.random(half_len) * (n_vocab - 1)).astype(np.int64)
    return np.concatenate([np.zeros(1, dtype=np.int64), half, half])


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
    if not 0 <= sparsity <= 1:
        raise ValueError("sparsity outside [0, 1]")
    keep = rng.random((n, n_features)) >= sparsity
    return keep * rng.random((n, n_features))


def toy_forward(params, X):
    h = np.einsum("mf,nf->nm", params["W"], X)
    return np.maximum(0, np.einsum("nm,mf->nf", h, params["W"]) + params["b"])


def importance_loss(X, X_hat, importance):
    X = np.asarray(X, dtype=float); X_hat = np.asarray(X_hat, dtype=float)
    return float((np.asarray(importance) * (X - X_hat) ** 2).sum(axis=1).mean())


def feature_dimensionality(W):
    W = np.asarray(W, dtype=float)
    f = W.shape[1]
    D = np.zeros(f)
    G = W.T @ W
    for i in range(f):
        if not np.any(W[:, i]):
            continue
        D[i] = G[i, i] / (np.sum(G[i] ** 2) / G[i, i])
    return D


def sae_encode(sae, H):
    return np.maximum((H - sae["b_dec"]) @ sae["W_enc"] + sae["b_enc"], 0.0)


def sae_decode(sae, F):
    return F @ sae["W_dec"] + sae["b_dec"]


def sae_loss(sae, H, l1):
    F = np.maximum((H - sae["b_dec"]) @ sae["W_enc"] + sae["b_enc"], 0)
    H_hat = F @ sae["W_dec"] + sae["b_dec"]
    n = H.shape[0]
    return float(np.sum((H - H_hat) ** 2) / n + l1 * np.sum(np.abs(F)) / n)


def best_cosines(learned, true):
    def unit(M, name):
        M = np.asarray(M, dtype=float)
        n = np.linalg.norm(M, axis=1, keepdims=True)
        if np.any(n == 0):
            raise ValueError(f"{name} has a zero row")
        return M / n
    return np.max(unit(true, "true") @ unit(learned, "learned").T, axis=1)
