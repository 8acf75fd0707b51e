"""lab02, WRONG in `sparse_features`: draws the values with the global np.random.random instead of rng.

Why the contract forbids it: "draws from rng only." (docs/lab02-contract.md)

Otherwise identical to correct_loops.py (the other functions are correct).
"""
import math

import numpy as np

chars = "abcdefghijklmnopqrstuvwxyz"
stoi = {s: i + 1 for i, s in enumerate(chars)}
stoi["."] = 0


def _norm(v):
    return math.sqrt(sum(float(x) * float(x) for x in v))


def mean_difference_direction(X_a, X_b):
    X_a, X_b = np.asarray(X_a, dtype=float), np.asarray(X_b, dtype=float)
    if X_a.ndim != 2 or X_b.ndim != 2 or X_a.shape[0] == 0 or X_b.shape[0] == 0:
        raise ValueError("X_a and X_b must be non-empty 2-D arrays")
    if X_a.shape[1] != X_b.shape[1]:
        raise ValueError("X_a and X_b must have the same number of columns")
    diff = X_a.mean(axis=0) - X_b.mean(axis=0)
    n = np.linalg.norm(diff)
    if n == 0:
        raise ValueError("the class means are equal")
    return diff / n


def project(X, direction):
    X, direction = np.asarray(X, dtype=float), np.asarray(direction, dtype=float)
    if X.ndim != 2 or direction.ndim != 1 or X.shape[1] != len(direction):
        raise ValueError("shapes do not match: X (n, d), direction (d,)")
    n = np.linalg.norm(direction)
    if n == 0:
        raise ValueError("direction is zero")
    return np.array([row @ direction for row in X]) / n


def cosine_similarity(u, v):
    u, v = np.asarray(u, dtype=float), np.asarray(v, dtype=float)
    if u.ndim != 1 or v.ndim != 1 or len(u) != len(v):
        raise ValueError("need two vectors of the same length")
    nu, nv = np.linalg.norm(u), np.linalg.norm(v)
    if nu == 0 or nv == 0:
        raise ValueError("a zero vector has no angle")
    c = float(np.dot(u, v) / (nu * nv))
    if c > 1.0:
        c = 1.0
    if c < -1.0:
        c = -1.0
    return c


def make_contexts(words, k):
    if k < 1:
        raise ValueError("block size k must be >= 1")
    X, Y = [], []
    for w in words:
        for ch in w:
            if ch not in stoi or ch == ".":
                raise ValueError(f"bad character {ch!r} in {w!r}")
        context = [0] * k
        for ch in w + ".":
            ix = stoi[ch]
            X.append(context)
            Y.append(ix)
            context = context[1:] + [ix]
    X = np.array(X, dtype=np.int64)
    return (X if X.size else np.zeros((0, k), dtype=np.int64)), np.array(Y, dtype=np.int64)


def run_with_cache(params, contexts):
    contexts = np.asarray(contexts)
    E, W1, b1, W2, b2 = (params[n] for n in ("E", "W1", "b1", "W2", "b2"))
    x = E[0][contexts[:, 0]]
    for p in range(1, contexts.shape[1]):
        x = x + E[p][contexts[:, p]]
    streams = [x]
    for l in range(len(W1)):
        x = streams[l] + np.maximum(streams[l] @ W1[l] + b1[l], 0) @ W2[l] + b2[l]
        streams.append(x)
    return streams


def logit_lens(params, streams):
    layers = []
    for s in streams:
        layers.append(s @ params["U"] + params["bU"])
    return np.stack(layers, axis=0)


def cross_entropy(logits, targets):
    logits = np.asarray(logits, dtype=float)
    total = 0.0
    for row, t in zip(logits, np.asarray(targets).tolist()):
        m = row.max()
        total += m + math.log(float(np.exp(row - m).sum())) - row[t]
    return float(total / len(logits))


def causal_attention(q, k):
    q, k = np.asarray(q, dtype=float), np.asarray(k, dtype=float)
    T, head_size = q.shape
    wei = np.zeros((T, T))
    for i in range(T):
        s = (k[: i + 1] @ q[i]) * head_size ** -0.5
        e = np.exp(s - s.max())
        wei[i, : i + 1] = e / e.sum()
    return wei


def repeated_tokens(rng, n_vocab, half_len):
    if half_len < 1:
        raise ValueError("half_len < 1")
    if n_vocab < 2:
        raise ValueError("n_vocab < 2")
    half = [int(t) for t in rng.integers(1, n_vocab, size=half_len)]
    return np.array([0] + half + half, dtype=np.int64)


def prev_token_score(patterns):
    P = np.asarray(patterns, dtype=float)
    T = P.shape[-1]
    acc = np.zeros(P.shape[:-2])
    for i in range(1, T):
        acc = acc + P[..., i, i - 1]
    return acc / (T - 1)


def induction_score(patterns, half_len):
    P = np.asarray(patterns, dtype=float)
    T = P.shape[-1]
    if T != 2 * half_len + 1:
        raise ValueError("T != 2 * half_len + 1")
    acc = np.zeros(P.shape[:-2])
    for i in range(half_len + 1, 2 * half_len + 1):
        acc = acc + P[..., i, i - half_len + 1]
    return acc / half_len


def find_heads(scores, threshold):
    out = []
    for layer, row in enumerate(np.asarray(scores).tolist()):
        for head, s in enumerate(row):
            if s > threshold:
                out.append((layer, head))
    return out


def ablate_head(params, layer, head):
    L, H = params["W_O"].shape[:2]
    if layer < 0 or layer >= L:
        raise ValueError(f"layer must be in 0..{L - 1}")
    if head < 0 or head >= H:
        raise ValueError(f"head must be in 0..{H - 1}")
    new = {}
    for name, value in params.items():
        new[name] = value
    W_O = np.array(params["W_O"], copy=True)
    W_O[layer, head] = np.zeros_like(W_O[layer, head])
    new["W_O"] = W_O
    return new


def sparse_features(rng, n, n_features, sparsity):
    if sparsity < 0 or sparsity > 1 or math.isnan(sparsity):
        raise ValueError("sparsity must be in [0, 1]")
    mask = rng.random(size=(n, n_features)) >= sparsity
    return mask * np.random.random(size=(n, n_features))


def toy_forward(params, X):
    W, b = params["W"], params["b"]
    h = X @ W.T
    return np.maximum(h @ W + b, 0)


def importance_loss(X, X_hat, importance):
    X, X_hat = np.asarray(X, dtype=float), np.asarray(X_hat, dtype=float)
    total = 0.0
    for x, xh in zip(X, X_hat):
        total += float(np.sum(importance * (x - xh) ** 2))
    return total / len(X)


def feature_dimensionality(W):
    W = np.asarray(W, dtype=float)
    f = W.shape[1]
    D = np.zeros(f)
    for i in range(f):
        n = _norm(W[:, i])
        if n == 0:
            continue
        denom = sum(float(W[:, i] @ W[:, j] / n) ** 2 for j in range(f))
        D[i] = n * n / denom
    return D


def sae_encode(sae, H):
    return np.maximum((np.asarray(H) - sae["b_dec"]) @ sae["W_enc"] + sae["b_enc"], 0)


def sae_decode(sae, F):
    return np.asarray(F) @ sae["W_dec"] + sae["b_dec"]


def sae_loss(sae, H, l1):
    F = sae_encode(sae, H)
    R = sae_decode(sae, F)
    recon = np.sum((np.asarray(H) - R) ** 2, axis=1).mean()
    sparsity = np.sum(np.abs(F), axis=1).mean()
    return float(recon + l1 * sparsity)


def best_cosines(learned, true):
    learned, true = np.asarray(learned, dtype=float), np.asarray(true, dtype=float)
    for name, M in (("learned", learned), ("true", true)):
        for row in M:
            if _norm(row) == 0:
                raise ValueError(f"{name} has a zero row")
    out = []
    for t in true:
        out.append(max(float(t @ l) / (_norm(t) * _norm(l)) for l in learned))
    return np.array(out)
