"""lab02, WRONG in `find_heads`: np.nonzero on scores.T: ordered head by head, then layer.

Why the contract forbids it: "layer by layer then head by head." (docs/lab02-contract.md)

Otherwise identical to correct_toy_models.py (the other functions are correct).
"""
import numpy as np

LETTERS = "abcdefghijklmnopqrstuvwxyz"


def mean_difference_direction(X_a, X_b):
    X_a, X_b = np.atleast_2d(np.asarray(X_a, float)), np.atleast_2d(np.asarray(X_b, float))
    if X_a.ndim != 2 or X_b.ndim != 2 or X_a.shape[1] != X_b.shape[1] or not len(X_a) or not len(X_b):
        raise ValueError("X_a and X_b must be (n, d) and (m, d) with the same d")
    d = X_a.mean(0) - X_b.mean(0)
    n = np.linalg.norm(d)
    if n == 0:
        raise ValueError("mean(X_a) == mean(X_b): no direction")
    return d / n


def project(X, direction):
    X, direction = np.asarray(X, float), np.asarray(direction, float)
    if X.ndim != 2 or direction.ndim != 1 or X.shape[1] != direction.shape[0]:
        raise ValueError("project needs X (n, d) and direction (d,)")
    n = np.linalg.norm(direction)
    if n == 0:
        raise ValueError("zero direction")
    return X @ (direction / n)


def cosine_similarity(u, v):
    u, v = np.asarray(u, float), np.asarray(v, float)
    if u.shape != v.shape or u.ndim != 1:
        raise ValueError("cosine_similarity needs two (d,) vectors")
    nu, nv = np.linalg.norm(u), np.linalg.norm(v)
    if nu == 0 or nv == 0:
        raise ValueError("zero vector has no direction")
    return float(np.clip(np.dot(u / nu, v / nv), -1, 1))


def make_contexts(words, k):
    if k < 1:
        raise ValueError("k must be positive")
    X, Y = [], []
    for w in words:
        bad = set(w) - set(LETTERS)
        if bad:
            raise ValueError(f"characters {sorted(bad)} outside a..z")
        seq = np.array([0] * k + [LETTERS.index(c) + 1 for c in w] + [0], dtype=np.int64)
        windows = np.lib.stride_tricks.sliding_window_view(seq[:-1], k)
        X.append(windows)
        Y.append(seq[k:])
    if not X:
        return np.zeros((0, k), dtype=np.int64), np.zeros(0, dtype=np.int64)
    return np.concatenate(X).astype(np.int64), np.concatenate(Y).astype(np.int64)


def run_with_cache(params, contexts):
    contexts = np.asarray(contexts)
    E = params["E"]
    x = E[0][contexts[:, 0]].copy()
    for p in range(1, contexts.shape[1]):
        x += E[p][contexts[:, p]]
    out = [x]
    for W1, b1, W2, b2 in zip(params["W1"], params["b1"], params["W2"], params["b2"]):
        x = x + np.maximum(x @ W1 + b1, 0) @ W2 + b2
        out.append(x)
    return out


def logit_lens(params, streams):
    return np.array([s @ params["U"] + params["bU"] for s in streams])


def cross_entropy(logits, targets):
    logits = np.asarray(logits, float)
    targets = np.asarray(targets)
    c = logits.max(-1)
    lse = c + np.log(np.exp(logits - c[:, None]).sum(-1))
    return float((lse - logits[np.arange(len(targets)), targets]).mean())


def causal_attention(q, k):
    q, k = np.asarray(q, float), np.asarray(k, float)
    s = q @ k.T / np.sqrt(k.shape[-1])
    T = len(s)
    future = np.arange(T)[None, :] > np.arange(T)[:, None]
    s = np.where(future, -np.inf, s)
    s = np.exp(s - s.max(-1, keepdims=True))
    return s / s.sum(-1, keepdims=True)


def repeated_tokens(rng, n_vocab, half_len):
    if half_len < 1 or n_vocab < 2:
        raise ValueError("half_len >= 1 and n_vocab >= 2 required")
    half = rng.integers(1, n_vocab, size=half_len)
    return np.concatenate([np.zeros(1, np.int64), np.tile(half, 2)]).astype(np.int64)


def prev_token_score(patterns):
    P = np.asarray(patterns, float)
    T = P.shape[-1]
    return np.mean([P[..., i, i - 1] for i in range(1, T)], axis=0)


def induction_score(patterns, half_len):
    P = np.asarray(patterns, float)
    if P.shape[-1] != 2 * half_len + 1:
        raise ValueError("patterns do not have T = 2 * half_len + 1")
    return np.mean([P[..., i, i - half_len + 1] for i in range(half_len + 1, 2 * half_len + 1)], axis=0)


def find_heads(scores, threshold):
    scores = np.asarray(scores)
    hs, ls = np.nonzero(scores.T > threshold)
    return list(zip(ls.tolist(), hs.tolist()))


def ablate_head(params, layer, head):
    L, H = params["W_O"].shape[:2]
    if not (0 <= layer < L and 0 <= head < H):
        raise ValueError("layer/head out of range")
    out = {name: value.copy() for name, value in params.items()}
    out["W_O"][layer, head] = 0.0
    return out


def sparse_features(rng, n, n_features, sparsity):
    if not 0 <= sparsity <= 1:
        raise ValueError("sparsity must be within [0, 1]")
    feature_probability = 1 - sparsity
    feat = rng.random((n, n_features))
    return np.where(rng.random((n, n_features)) < feature_probability, feat, 0.0)


def toy_forward(params, X):
    hidden = np.einsum("nf,hf->nh", X, params["W"])
    out = np.einsum("nh,hf->nf", hidden, params["W"]) + params["b"]
    return np.maximum(out, 0)


def importance_loss(X, X_hat, importance):
    error = importance * (np.asarray(X) - np.asarray(X_hat)) ** 2
    return float(error.sum(axis=1).mean())


def feature_dimensionality(W):
    W = np.asarray(W, float).T                     # (f, m): one row per feature, as in the colab
    norms = np.linalg.norm(W, 2, axis=-1)
    W_norm = W / np.maximum(norms, 1e-300)[:, None]
    interference = ((W_norm @ W.T) ** 2).sum(-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        D = norms ** 2 / interference
    return np.where(norms == 0, 0.0, D)


def sae_encode(sae, H):
    x_cent = H - sae["b_dec"]
    return np.maximum(x_cent @ sae["W_enc"] + sae["b_enc"], 0)


def sae_decode(sae, F):
    return F @ sae["W_dec"] + sae["b_dec"]


def sae_loss(sae, H, l1):
    acts = sae_encode(sae, H)
    x_hat = sae_decode(sae, acts)
    mse = ((H - x_hat) ** 2).sum(-1).mean()
    return float(mse + l1 * np.abs(acts).sum(-1).mean())


def best_cosines(learned, true):
    learned, true = np.asarray(learned, float), np.asarray(true, float)
    nl, nt = np.linalg.norm(learned, axis=1), np.linalg.norm(true, axis=1)
    if (nl == 0).any() or (nt == 0).any():
        raise ValueError("zero row in learned or true")
    return np.max((true / nt[:, None]) @ (learned / nl[:, None]).T, axis=1)
