"""lab02, WRONG in `feature_dimensionality`: treats columns with norm < 1e-6 as dropped (D = 0), though only an exactly-zero column is.

Why the contract forbids it: "a column that is exactly 0 has D = 0." (docs/lab02-contract.md)

Otherwise identical to correct_arena_einsum.py (the other functions are correct).
"""
import copy

import numpy as np

TOKENS = ".abcdefghijklmnopqrstuvwxyz"


def _check_rows(X, name):
    X = np.asarray(X, dtype=float)
    if X.ndim != 2 or len(X) == 0:
        raise ValueError(f"{name}: expected (n, d), got {X.shape}")
    return X


def mean_difference_direction(X_a, X_b):
    X_a, X_b = _check_rows(X_a, "X_a"), _check_rows(X_b, "X_b")
    if X_a.shape[-1] != X_b.shape[-1]:
        raise ValueError("X_a and X_b have different widths")
    v = np.einsum("nd->d", X_a) / len(X_a) - np.einsum("nd->d", X_b) / len(X_b)
    length = np.sqrt(np.einsum("d,d->", v, v))
    if length == 0:
        raise ValueError("equal means: no direction")
    return v / length


def project(X, direction):
    X = _check_rows(X, "X")
    direction = np.asarray(direction, dtype=float)
    if direction.ndim != 1 or direction.shape[0] != X.shape[1]:
        raise ValueError("direction must be (d,) with d = X.shape[1]")
    length = np.linalg.norm(direction)
    if length == 0:
        raise ValueError("zero direction")
    return np.einsum("nd,d->n", X, direction / length)


def cosine_similarity(u, v):
    u, v = np.asarray(u, dtype=float), np.asarray(v, dtype=float)
    if u.ndim != 1 or u.shape != v.shape:
        raise ValueError("u and v must be vectors of the same length")
    nu, nv = np.linalg.norm(u), np.linalg.norm(v)
    if nu == 0 or nv == 0:
        raise ValueError("zero vector")
    return float(min(1.0, max(-1.0, np.dot(u, v) / (nu * nv))))


def make_contexts(words, k):
    if not k >= 1:
        raise ValueError("context length k must be at least 1")
    xs, ys = [], []
    for word in words:
        if not all("a" <= ch <= "z" for ch in word):
            raise ValueError(f"{word!r}: characters must be a..z")
        ids = [0] * k + [TOKENS.index(ch) for ch in word] + [0]
        for t in range(k, len(ids)):
            xs.append(ids[t - k:t])
            ys.append(ids[t])
    X = np.zeros((len(xs), k), dtype=np.int64)
    if xs:
        X[:] = xs
    return X, np.array(ys, dtype=np.int64)


def run_with_cache(params, contexts):
    cache = {}
    ctx = np.asarray(contexts)
    resid = sum(params["E"][p][ctx[:, p]] for p in range(ctx.shape[1]))
    cache["resid_pre.0"] = resid
    L = params["W1"].shape[0]
    for l in range(L):
        pre = resid @ params["W1"][l] + params["b1"][l]
        resid = resid + np.where(pre > 0, pre, 0.0) @ params["W2"][l] + params["b2"][l]
        cache[f"resid_pre.{l + 1}"] = resid
    return [cache[f"resid_pre.{l}"] for l in range(L + 1)]


def logit_lens(params, streams):
    out = np.empty((len(streams),) + streams[0].shape[:-1] + (params["U"].shape[1],))
    for i, s in enumerate(streams):
        out[i] = s @ params["U"] + params["bU"]
    return out


def cross_entropy(logits, targets):
    logits = np.asarray(logits, dtype=float)
    targets = np.asarray(targets, dtype=np.int64)
    shifted = logits - logits.max(-1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(-1, keepdims=True))
    correct = np.take_along_axis(log_probs, targets[:, None], axis=-1)[:, 0]
    return float(-correct.mean())


def causal_attention(q, k):
    q, k = np.asarray(q, dtype=float), np.asarray(k, dtype=float)
    d_head = q.shape[-1]
    attn_scores = np.einsum("qh,kh->qk", q, k) / d_head ** 0.5
    T = attn_scores.shape[0]
    mask = np.triu(np.ones((T, T)), k=1).astype(bool)
    attn_scores = np.where(mask, -np.inf, attn_scores)
    attn_scores = attn_scores - attn_scores.max(-1, keepdims=True)
    pattern = np.exp(attn_scores)
    return pattern / pattern.sum(-1, keepdims=True)


def repeated_tokens(rng, n_vocab, half_len):
    if half_len < 1 or n_vocab < 2:
        raise ValueError("need half_len >= 1 and n_vocab >= 2")
    prefix = np.zeros(1, dtype=np.int64)
    rep = rng.integers(1, n_vocab, size=(half_len,), dtype=np.int64)
    return np.concatenate([prefix, rep, rep])


def prev_token_score(patterns):
    patterns = np.asarray(patterns, dtype=float)
    T = patterns.shape[-1]
    rows = np.arange(1, T)
    return patterns[..., rows, rows - 1].sum(-1) / (T - 1)


def induction_score(patterns, half_len):
    patterns = np.asarray(patterns, dtype=float)
    if patterns.shape[-1] != 2 * half_len + 1:
        raise ValueError("patterns are not on a repeated sequence of this half_len")
    stripe = np.diagonal(patterns, offset=1 - half_len, axis1=-2, axis2=-1)
    return stripe[..., -half_len:].mean(-1)


def find_heads(scores, threshold):
    scores = np.asarray(scores)
    return [(int(layer), int(head)) for layer, head in np.argwhere(scores > threshold)]


def ablate_head(params, layer, head):
    n_layers, n_heads = params["W_O"].shape[:2]
    if layer not in range(n_layers) or head not in range(n_heads):
        raise ValueError(f"no head ({layer}, {head}) in a {n_layers} x {n_heads} model")
    new = copy.deepcopy(params)
    new["W_O"][layer, head] = 0
    return new


def sparse_features(rng, n, n_features, sparsity):
    if sparsity < 0 or sparsity > 1 or sparsity != sparsity:
        raise ValueError("sparsity must lie in [0, 1]")
    feature_probability = 1.0 - sparsity
    feat = rng.random((n, n_features))
    keep = rng.random((n, n_features)) < feature_probability
    return np.where(keep, feat, 0.0)


def toy_forward(params, X):
    h = np.einsum("nf,mf->nm", X, params["W"])
    out = np.einsum("nm,mf->nf", h, params["W"]) + params["b"]
    return np.maximum(out, 0.0)


def importance_loss(X, X_hat, importance):
    err = np.asarray(importance) * (np.asarray(X) - np.asarray(X_hat)) ** 2
    return float(err.sum(-1).mean())


def feature_dimensionality(W):
    W = np.asarray(W, dtype=float)
    norms = np.linalg.norm(W, axis=0)
    safe = np.where(norms > 0, norms, 1.0)
    W_hat = W / safe
    interference = np.einsum("mi,mj->ij", W_hat, W) ** 2
    denom = interference.sum(-1)
    return np.where(norms > 1e-6, norms ** 2 / np.where(denom > 0, denom, 1.0), 0.0)


def sae_encode(sae, H):
    pre = np.einsum("nm,mk->nk", H - sae["b_dec"], sae["W_enc"]) + sae["b_enc"]
    return np.maximum(pre, 0.0)


def sae_decode(sae, F):
    return np.einsum("nk,km->nm", F, sae["W_dec"]) + sae["b_dec"]


def sae_loss(sae, H, l1):
    acts = sae_encode(sae, H)
    recon = sae_decode(sae, acts)
    l2_loss = ((recon - H) ** 2).sum(-1).mean()
    l1_loss = np.abs(acts).sum(-1).mean()
    return float(l2_loss + l1 * l1_loss)


def best_cosines(learned, true):
    learned, true = _check_rows(learned, "learned"), _check_rows(true, "true")
    nl = np.linalg.norm(learned, axis=-1, keepdims=True)
    nt = np.linalg.norm(true, axis=-1, keepdims=True)
    if (nl == 0).any() or (nt == 0).any():
        raise ValueError("zero row")
    return np.einsum("fm,km->fk", true / nt, learned / nl).max(-1)
