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
    A = np.asarray(X_a, dtype=float); B = np.asarray(X_b, dtype=float)
    if A.ndim != 2 or B.ndim != 2 or A.shape[1] != B.shape[1]:
        raise ValueError("X_a and X_b must be (n, d) and (m, d) with the same d")
    mu = np.mean(A, 0) - np.mean(B, 0)
    length = math.sqrt(float(np.dot(mu, mu)))
    if length == 0:
        raise ValueError("equal means: no direction")
    return mu / length


def project(X, direction):
    X = _matrix(X, "X"); d = _vector(direction, "direction")
    if X.shape[1] != d.shape[0]:
        raise ValueError("width mismatch")
    return X @ d / np.linalg.norm(d)


def cosine_similarity(u, v):
    u = np.asarray(u, dtype=float); v = np.asarray(v, dtype=float)
    if u.shape != v.shape or u.ndim != 1:
        raise ValueError("u and v must be (d,) vectors of the same length")
    nu, nv = np.linalg.norm(u), np.linalg.norm(v)
    if nu == 0 or nv == 0:
        raise ValueError("zero vector")
    return float(np.clip(np.dot(u / nu, v / nv), -1.0, 1.0))


def make_contexts(words, k):
    if k < 1:
        raise ValueError("k must be at least 1")
    stoi = {c: i for i, c in enumerate(TOKENS)}
    X, Y = [], []
    for w in words:
        for c in w:
            if c == "." or c not in stoi:
                raise ValueError(f"character {c!r} is not a..z")
        seq = [0] * k + [stoi[c] for c in w] + [0]
        for t in range(k, len(seq)):
            X.append(seq[t - k:t]); Y.append(seq[t])
    X = np.array(X, dtype=np.int64) if X else np.zeros((0, k), dtype=np.int64)
    return X, np.array(Y, dtype=np.int64)


def run_with_cache(params, contexts):
    E = params["E"]
    x = np.zeros((contexts.shape[0], E.shape[2]))
    for p in range(contexts.shape[1]):
        x = x + E[p, contexts[:, p]]
    cache = [x]
    L = params["W1"].shape[0]
    for l in range(L):
        pre = np.einsum("nd,dh->nh", x, params["W1"][l]) + params["b1"][l]
        x = x + np.einsum("nh,hd->nd", np.where(pre > 0, pre, 0.0), params["W2"][l]) + params["b2"][l]
        cache.append(x)
    return cache


def logit_lens(params, streams):
    S = np.stack(streams)
    return np.einsum("lnd,dv->lnv", S, params["U"]) + params["bU"]


def cross_entropy(logits, targets):
    logits = np.asarray(logits, dtype=float)
    m = np.max(logits, axis=1, keepdims=True)
    lse = (m + np.log(np.sum(np.exp(logits - m), axis=1, keepdims=True)))[:, 0]
    picked = logits[np.arange(logits.shape[0]), targets]
    return float(np.mean(lse - picked))


def causal_attention(q, k):
    T, d_head = q.shape
    out = np.zeros((T, T))
    for i in range(T):
        s = np.array([q[i] @ k[j] for j in range(i + 1)]) / math.sqrt(d_head)
        e = np.exp(s - s.max())
        out[i, :i + 1] = e / e.sum()
    return out


def repeated_tokens(rng, n_vocab, half_len):
    if half_len < 1:
        raise ValueError("half_len must be >= 1")
    if n_vocab < 2:
        raise ValueError("n_vocab must be >= 2")
    half = rng.choice(np.arange(1, n_vocab), size=half_len, replace=True)
    return np.array([0] + list(half) + list(half), dtype=np.int64)


def prev_token_score(patterns):
    P = np.asarray(patterns)
    T = P.shape[-1]
    i = np.arange(1, T)
    return P[..., i, i - 1].mean(axis=-1)


def induction_score(patterns, half_len):
    P = np.asarray(patterns)
    if P.shape[-1] != 2 * half_len + 1 or P.shape[-2] != 2 * half_len + 1:
        raise ValueError("patterns must be (..., 2*half_len+1, 2*half_len+1)")
    q = np.arange(half_len + 1, 2 * half_len + 1)
    return P[..., q, q - half_len + 1].mean(axis=-1)


def find_heads(scores, threshold):
    heads = []
    for layer, row in enumerate(np.asarray(scores)):
        for head, s in enumerate(row):
            if s > threshold:
                heads.append((layer, head))
    return heads


import copy
def ablate_head(params, layer, head):
    L, H = params["W_O"].shape[:2]
    if layer < 0 or layer >= L or head < 0 or head >= H:
        raise ValueError("head out of range")
    new = copy.deepcopy(params)
    new["W_O"][layer, head] = 0
    return new


def sparse_features(rng, n, n_features, sparsity):
    if sparsity < 0 or sparsity > 1:
        raise ValueError("sparsity must be within [0, 1]")
    x = rng.uniform(0.0, 1.0, size=(n, n_features))
    x[rng.uniform(size=(n, n_features)) < sparsity] = 0.0
    return x


def toy_forward(params, X):
    W = params["W"]
    return np.maximum(X @ W.T @ W + params["b"], 0.0)


def importance_loss(X, X_hat, importance):
    n = X.shape[0]
    total = 0.0
    for r in range(n):
        total += float(np.sum(importance * (X[r] - X_hat[r]) ** 2))
    return total / n


def feature_dimensionality(W):
    W = np.asarray(W, dtype=float)
    n2 = (W ** 2).sum(axis=0)
    safe = np.where(n2 > 0, np.sqrt(n2), 1.0)
    U = W / safe
    overlap = (U.T @ W) ** 2          # [i, j] = (hat W_i . W_j)^2
    denom = overlap.sum(axis=1)
    return np.where(n2 > 0, n2 / np.where(denom > 0, denom, 1.0), 0.0)


def sae_encode(sae, H):
    return np.maximum((H - sae["b_dec"]) @ sae["W_enc"] + sae["b_enc"], 0.0)


def sae_decode(sae, F):
    return F @ sae["W_dec"] + sae["b_dec"]


def sae_loss(sae, H, l1):
    F = sae_encode(sae, H)
    R = sae_decode(sae, F)
    return float(((H - R) ** 2).sum(axis=1).mean() + l1 * np.abs(F).sum(axis=1).mean())


def best_cosines(learned, true):
    out = []
    for t in np.asarray(true, dtype=float):
        nt = np.linalg.norm(t)
        if nt == 0:
            raise ValueError("zero row in true")
        best = -np.inf
        for l in np.asarray(learned, dtype=float):
            nl = np.linalg.norm(l)
            if nl == 0:
                raise ValueError("zero row in learned")
            best = max(best, float(t @ l / (nt * nl)))
        out.append(best)
    return np.array(out)
