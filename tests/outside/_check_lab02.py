"""Lab 02 part of _check.py: the correct files agree with each other on random inputs."""
import numpy as np


def run(files, load, problem, same, raises_value_error):
    mods = {p.stem: load(p) for p in files}
    g = np.random.default_rng(0)
    res = {"E": g.normal(size=(3, 27, 8)), "W1": g.normal(size=(2, 8, 16)), "b1": g.normal(size=(2, 16)),
           "W2": g.normal(size=(2, 16, 8)), "b2": g.normal(size=(2, 8)), "U": g.normal(size=(8, 27)),
           "bU": g.normal(size=27)}
    ind = {"W_O": g.normal(size=(2, 4, 3, 5)), "W_V": g.normal(size=(2, 4, 5, 3))}
    sae = {"W_enc": g.normal(size=(2, 8)), "b_enc": g.normal(size=8), "W_dec": g.normal(size=(8, 2)),
           "b_dec": g.normal(size=2)}
    X, Y, u, v = g.normal(size=(6, 5)), g.normal(size=(4, 5)), g.normal(size=5), g.normal(size=5)
    pats = g.random((2, 4, 9, 9))
    Wd = g.normal(size=(2, 5)); Wd[:, 3] = 0
    H = g.normal(size=(10, 2))
    calls = {
        "mdd": lambda m: m.mean_difference_direction(X, Y),
        "project": lambda m: m.project(X, 3 * u),
        "cos": lambda m: m.cosine_similarity(u, v),
        "cos_par": lambda m: m.cosine_similarity(u, 3 * u),
        "ctx": lambda m: m.make_contexts(["emma", "jo", "", "x"], 3),
        "ctx1": lambda m: m.make_contexts(["ab"], 1),
        "rwc": lambda m: m.run_with_cache(res, m.make_contexts(["emma", "jo"], 3)[0]),
        "ce": lambda m: m.cross_entropy(g2.normal(size=(7, 27)) * 1e4, np.arange(7)),
        "att": lambda m: m.causal_attention(X, Y[[0, 1, 2, 3, 0, 1]]),
        "att_big": lambda m: m.causal_attention(X * 1e3, X * 1e3),
        "prev": lambda m: m.prev_token_score(pats),
        "ind": lambda m: m.induction_score(pats, 4),
        "find": lambda m: m.find_heads(np.array([[0.1, 0.5, 0.9], [0.6, 0.5, 0.51]]), 0.5),
        "abl": lambda m: m.ablate_head(ind, 1, 3)["W_O"],
        "toy": lambda m: m.toy_forward({"W": Wd, "b": u}, X),
        "imp": lambda m: m.importance_loss(X, Y[[0, 1, 2, 3, 0, 1]], 0.9 ** np.arange(5)),
        "dim": lambda m: m.feature_dimensionality(Wd),
        "enc": lambda m: m.sae_encode(sae, H),
        "dec": lambda m: m.sae_decode(sae, g2.random((10, 8))),
        "sael": lambda m: m.sae_loss(sae, H, 0.3),
        "best": lambda m: m.best_cosines(g2.normal(size=(8, 2)), Wd.T[[0, 1, 2, 4]]),
    }
    bad = {
        "mdd_width": lambda m: m.mean_difference_direction(X, Y[:, :3]),
        "mdd_width1": lambda m: m.mean_difference_direction(X, Y[:, :1]),
        "mdd_equal": lambda m: m.mean_difference_direction(X, X),
        "proj_zero": lambda m: m.project(X, 0 * u),
        "proj_width": lambda m: m.project(X, u[:3]),
        "cos_zero_u": lambda m: m.cosine_similarity(0 * u, v),
        "cos_zero_v": lambda m: m.cosine_similarity(u, 0 * v),
        "cos_len": lambda m: m.cosine_similarity(u, v[:3]),
        "ctx_k0": lambda m: m.make_contexts([""], 0),
        "ctx_upper": lambda m: m.make_contexts(["aB"], 2),
        "ctx_dot": lambda m: m.make_contexts(["a.b"], 2),
        "rep_h0": lambda m: m.repeated_tokens(np.random.default_rng(0), 5, 0),
        "rep_v1": lambda m: m.repeated_tokens(np.random.default_rng(0), 1, 3),
        "ind_T": lambda m: m.induction_score(pats, 3),
        "ind_T2": lambda m: m.induction_score(pats, 5),
        "abl_neg": lambda m: m.ablate_head(ind, -1, 0),
        "abl_H": lambda m: m.ablate_head(ind, 0, 4),
        "abl_L": lambda m: m.ablate_head(ind, 2, 0),
        "sp_hi": lambda m: m.sparse_features(np.random.default_rng(0), 3, 5, 1.01),
        "sp_lo": lambda m: m.sparse_features(np.random.default_rng(0), 3, 5, -0.01),
        "best_zero_l": lambda m: m.best_cosines(np.zeros((2, 2)), np.ones((1, 2))),
        "best_zero_t": lambda m: m.best_cosines(np.ones((2, 2)), np.zeros((1, 2))),
    }
    outs = {}
    for name, m in mods.items():
        out = {}
        for key, f in calls.items():
            g2 = np.random.default_rng(1)
            globals()["g2"] = g2
            snapshot = [a.copy() for a in (X, Y, u, v, pats, Wd, H)] + [ind["W_O"].copy()]
            out[key] = f(m)
            if not all(np.array_equal(a, b) for a, b in zip(snapshot, [X, Y, u, v, pats, Wd, H, ind["W_O"]])):
                problem(name, f"{key} mutated an input")
        for key in ("cos", "cos_par", "ce", "imp", "sael"):
            if type(out[key]) is not float:
                problem(name, f"{key} is {type(out[key])}")
        if not -1 <= out["cos_par"] <= 1:
            problem(name, "cosine outside [-1, 1]")
        if out["ctx"][0].dtype != np.int64 or out["ctx"][1].dtype != np.int64:
            problem(name, "contexts not int64")
        if not all(type(a) is int and type(b) is int for a, b in out["find"]):
            problem(name, "find_heads not plain ints")
        for key, f in bad.items():
            if not raises_value_error(f, m):
                problem(name, f"{key} does not raise ValueError")
        for s in (0.0, 1.0, 0.7):
            Z = m.sparse_features(np.random.default_rng(3), 20000, 4, s)
            if abs((Z == 0).mean() - s) > 0.01 or Z.min() < 0 or Z.max() >= 1:
                problem(name, f"sparse_features statistics at {s}")
        t = m.repeated_tokens(np.random.default_rng(4), 7, 500)
        if t.dtype != np.int64 or t[0] != 0 or not np.array_equal(t[1:501], t[501:]) or set(t[1:].tolist()) != set(range(1, 7)):
            problem(name, "repeated_tokens")
        outs[name] = out
    ref_name = next(iter(outs))
    for name, out in outs.items():
        for key, val in outs[ref_name].items():
            a, b = val, out[key]
            if isinstance(a, tuple):
                ok = all(same(x, y) for x, y in zip(a, b))
            elif isinstance(a, list) and a and isinstance(a[0], np.ndarray):
                ok = len(a) == len(b) and all(same(x, y, 1e-9) for x, y in zip(a, b))
            elif isinstance(a, list):
                ok = a == b
            else:
                ok = same(a, b, 1e-9)
            if not ok:
                problem(name, f"disagrees with {ref_name} on {key}")
