"""lab02, WRONG in `feature_dimensionality`: iterates over the rows of W (hidden dimensions) instead of its columns (features).

Why the contract forbids it: "(f,) ... over the columns W_i of W (m, f)" (docs/lab02-contract.md)

Otherwise identical to correct_transformerlens.py (the other functions are correct).
"""
import numpy as np

IGNORE = -np.inf


def _as_2d(X, name):
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 2 or X.shape[0] < 1:
        raise ValueError(f"{name} must be a non-empty 2-D array")
    return X


def _nonzero_norm(v, name):
    n = float(np.sqrt(np.sum(v * v)))
    if n == 0.0:
        raise ValueError(f"{name} has length 0")
    return n


def mean_difference_direction(X_a, X_b):
    A, B = _as_2d(X_a, "X_a"), _as_2d(X_b, "X_b")
    if A.shape[1] != B.shape[1]:
        raise ValueError("X_a and X_b must have the same width")
    diff = np.mean(A, axis=0) - np.mean(B, axis=0)
    return diff / _nonzero_norm(diff, "mean(X_a) - mean(X_b)")


def project(X, direction):
    X = _as_2d(X, "X")
    direction = np.asarray(direction, dtype=np.float64)
    if direction.shape != (X.shape[1],):
        raise ValueError("direction must have shape (d,)")
    return X @ direction / _nonzero_norm(direction, "direction")


def cosine_similarity(u, v):
    u = np.asarray(u, dtype=np.float64)
    v = np.asarray(v, dtype=np.float64)
    if u.ndim != 1 or v.ndim != 1 or len(u) != len(v):
        raise ValueError("u and v must be vectors of the same length")
    c = float(u @ v) / (_nonzero_norm(u, "u") * _nonzero_norm(v, "v"))
    return max(-1.0, min(1.0, c))


def make_contexts(words, k):
    if k < 1:
        raise ValueError("k >= 1 required")
    rows, targets = [], []
    for word in words:
        toks = []
        for ch in word:
            code = ord(ch) - ord("a") + 1
            if len(ch) != 1 or not 1 <= code <= 26:
                raise ValueError(f"character {ch!r} is outside a..z")
            toks.append(code)
        padded = [0] * k + toks + [0]
        for t in range(len(toks) + 1):
            rows.append(padded[t:t + k])
            targets.append(padded[t + k])
    return (np.asarray(rows, dtype=np.int64).reshape(-1, k),
            np.asarray(targets, dtype=np.int64))


def run_with_cache(params, contexts):
    contexts = np.asarray(contexts, dtype=np.int64)
    cache = {}
    resid = np.zeros((contexts.shape[0], params["E"].shape[-1]))
    for p in range(params["E"].shape[0]):
        resid = resid + params["E"][p][contexts[:, p]]
    n_layers = params["W1"].shape[0]
    for l in range(n_layers):
        cache[f"blocks.{l}.hook_resid_pre"] = resid
        mlp_out = np.maximum(resid @ params["W1"][l] + params["b1"][l], 0) @ params["W2"][l]
        resid = resid + mlp_out + params["b2"][l]
    cache[f"blocks.{n_layers - 1}.hook_resid_post"] = resid
    streams = [cache[f"blocks.{l}.hook_resid_pre"] for l in range(n_layers)]
    return streams + [cache[f"blocks.{n_layers - 1}.hook_resid_post"]]


def logit_lens(params, streams):
    accumulated_resid = np.stack(streams)
    return accumulated_resid @ params["U"] + params["bU"]


def cross_entropy(logits, targets):
    logits = np.asarray(logits, dtype=np.float64)
    m = np.max(logits, axis=-1, keepdims=True)
    log_probs = logits - (m + np.log(np.sum(np.exp(logits - m), axis=-1, keepdims=True)))
    idx = np.asarray(targets).astype(np.int64)
    return float(-np.mean(log_probs[np.arange(log_probs.shape[0]), idx]))


def causal_attention(q, k):
    q = np.asarray(q, dtype=np.float64)
    k = np.asarray(k, dtype=np.float64)
    scores = (q @ k.T) / np.sqrt(q.shape[-1])
    T = scores.shape[-1]
    mask = np.tril(np.ones((T, T), dtype=bool))
    scores = np.where(mask, scores, IGNORE)
    scores -= np.max(scores, axis=-1, keepdims=True)
    pattern = np.exp(scores)
    pattern /= np.sum(pattern, axis=-1, keepdims=True)
    return pattern


def repeated_tokens(rng, n_vocab, half_len):
    if not half_len >= 1:
        raise ValueError("half_len must be at least 1")
    if not n_vocab >= 2:
        raise ValueError("n_vocab must be at least 2 (token 0 is BOS)")
    rand = rng.integers(low=1, high=n_vocab, size=half_len)
    return np.array([0] + rand.tolist() * 2, dtype=np.int64)


def prev_token_score(patterns):
    patterns = np.asarray(patterns, dtype=np.float64)
    T = patterns.shape[-1]
    detection_pattern = np.eye(T, k=-1)
    return (patterns * detection_pattern).sum(axis=(-2, -1)) / (T - 1)


def induction_score(patterns, half_len):
    patterns = np.asarray(patterns, dtype=np.float64)
    T = patterns.shape[-1]
    if T != 2 * half_len + 1:
        raise ValueError("T must be 2 * half_len + 1")
    detection_pattern = np.eye(T, k=1 - half_len)
    detection_pattern[: half_len + 1] = 0.0
    return (patterns * detection_pattern).sum(axis=(-2, -1)) / half_len


def find_heads(scores, threshold):
    scores = np.asarray(scores)
    heads = []
    for layer, row in enumerate(scores):
        for head, s in enumerate(row):
            if s > threshold:
                heads.append((layer, head))
    return heads


def ablate_head(params, layer, head):
    n_layers, n_heads = params["W_O"].shape[0], params["W_O"].shape[1]
    if layer < 0 or layer >= n_layers or head < 0 or head >= n_heads:
        raise ValueError(f"head ({layer}, {head}) does not exist")
    W_O = params["W_O"].copy()
    W_O[layer, head, :, :] = 0.0
    return {**params, "W_O": W_O}


def sparse_features(rng, n, n_features, sparsity):
    if not (0.0 <= sparsity <= 1.0):
        raise ValueError("sparsity outside [0, 1]")
    values = rng.random((n, n_features))
    off = rng.random((n, n_features)) < sparsity
    values[off] = 0.0
    return values


def toy_forward(params, X):
    hidden = X @ params["W"].T
    return np.maximum(hidden @ params["W"] + params["b"], 0.0)


def importance_loss(X, X_hat, importance):
    X, X_hat = np.asarray(X, dtype=np.float64), np.asarray(X_hat, dtype=np.float64)
    return float(((X - X_hat) ** 2 @ np.asarray(importance, dtype=np.float64)).mean())


def feature_dimensionality(W):
    W = np.asarray(W, dtype=np.float64).T
    out = np.zeros(W.shape[1])
    for i in range(W.shape[1]):
        wi = W[:, i]
        sq = float(wi @ wi)
        if sq == 0.0:
            continue
        overlaps = (wi / np.sqrt(sq)) @ W
        out[i] = sq / float(overlaps @ overlaps)
    return out


def sae_encode(sae, H):
    return np.maximum(0.0, (np.asarray(H) - sae["b_dec"]) @ sae["W_enc"] + sae["b_enc"])


def sae_decode(sae, F):
    return np.asarray(F) @ sae["W_dec"] + sae["b_dec"]


def sae_loss(sae, H, l1):
    F = sae_encode(sae, H)
    err = np.asarray(H) - sae_decode(sae, F)
    return float((err ** 2).sum(axis=1).mean() + l1 * np.abs(F).sum(axis=1).mean())


def best_cosines(learned, true):
    learned, true = _as_2d(learned, "learned"), _as_2d(true, "true")
    ln = np.sqrt((learned ** 2).sum(1))
    tn = np.sqrt((true ** 2).sum(1))
    if (ln == 0).any() or (tn == 0).any():
        raise ValueError("best_cosines: a zero row has no direction")
    return np.array([max(float(t @ l) / (a * b) for l, b in zip(learned, ln))
                     for t, a in zip(true, tn)])
