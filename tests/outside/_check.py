"""Cross-check the outside 'correct' submissions against each other (no reference used).

    python tests/outside/_check.py            # both labs
    python tests/outside/_check.py lab01

Deterministic functions must agree across files (tolerance 1e-12, exact for strings and
orderings), bad arguments must raise ValueError, inputs must be unchanged, sampling
functions are compared by statistics (chi-square-ish on first letters and lengths).
"""
import copy
import importlib.util
import pathlib
import sys

import numpy as np

HERE = pathlib.Path(__file__).parent
TOKENS = ".abcdefghijklmnopqrstuvwxyz"
BAD_LETTERS = ["A", "ab", "", 3, None, " a", "a\n", "\n", "..", 1.0, b"a", ["a"]]
PROBLEMS = []


def load(path):
    spec = importlib.util.spec_from_file_location(path.stem, path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def problem(name, msg):
    PROBLEMS.append(f"{name}: {msg}")


def same(a, b, tol=1e-12):
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if a.shape != b.shape:
        return False
    with np.errstate(invalid="ignore"):
        return bool(np.all((a == b) | (np.abs(a - b) <= tol)))


def raises_value_error(fn, *args, **kw):
    try:
        fn(*args, **kw)
    except ValueError:
        return True
    except Exception:
        return False
    return False


def rules_agree(ref_rules, rules, out, key):
    """Same rule per row (probability within 1e-12) and the file's own order is the stable
    descending sort of its own probabilities. Rows whose probabilities are equal in exact
    arithmetic but differ by an ulp in floating point may legitimately come in another
    order, so the order is judged against the file's own floats."""
    if len(ref_rules) != len(rules):
        return False
    full = out[("rules", key[1], None)]
    by_row = {r[0]: r for r in full}
    ref_full = {r[0]: r for r in ref_rules}
    for r in rules:
        if r[0] in ref_full and (ref_full[r[0]][1] != r[1] or abs(ref_full[r[0]][2] - r[2]) > 1e-12):
            return False
    own = sorted((by_row[t] for t in TOKENS), key=lambda r: -r[2])
    return rules == own[:len(rules)]


# ----------------------------------------------------------------------------- lab 01
def lab01_matrices():
    rng = np.random.default_rng(12345)
    Ms = [rng.normal(size=(27, 27)) * s for s in (0.5, 3.0, 30.0)]
    Ms.append(np.zeros((27, 27)))
    big = rng.normal(size=(27, 27)) * 1e4
    Ms.append(big)
    tied = rng.integers(0, 3, size=(27, 27)).astype(float)
    Ms.append(tied)
    inf = rng.normal(size=(27, 27))
    inf[rng.random((27, 27)) < 0.4] = -np.inf
    inf[np.arange(27), rng.integers(0, 27, 27)] = 1.0
    Ms.append(inf)
    perm = np.tile(np.arange(27.0), (27, 1))
    for i in range(27):
        rng.shuffle(perm[i])
    Ms.append(perm)
    cyc = np.full((27, 27), -5.0)
    cyc[0, 1] = cyc[1, 2] = cyc[2, 1] = 5.0
    Ms.append(cyc)
    return Ms


def check_lab01(files):
    mods = {p.stem: load(p) for p in files}
    names = list(mods)
    ref_name = names[0]
    Ms = lab01_matrices()
    rng = np.random.default_rng(7)
    counts = rng.integers(0, 20, size=(27, 27))
    counts[:, 0] += 1
    logits2d = [M for M in Ms] + [np.array([[1e4, -1e4, -np.inf], [-1e4, -1e4, 3.0]])]
    logits1d = [M[3] for M in Ms] + [np.array([1e4, 1e4, -np.inf]), np.array([-1e4, 0.0])]
    outputs = {}
    for name, m in mods.items():
        out = {}
        for k, L in enumerate(logits2d + logits1d):
            before = np.array(L, copy=True)
            r = m.softmax(L)
            if not isinstance(r, np.ndarray):
                problem(name, "softmax does not return ndarray")
            if not np.array_equal(before, L):
                problem(name, "softmax mutated input")
            if np.any(~np.isfinite(r)):
                problem(name, f"softmax non-finite on case {k}")
            out[("softmax", k)] = r
        for k, M in enumerate(Ms):
            Mc = M.copy()
            for letter in TOKENS:
                out[("read_row", k, letter)] = m.read_row(M, letter)
                out[("ablate", k, letter)] = m.ablate_column(M, letter)
                g = m.belief_gap(M, counts, letter)
                if type(g) is not float or not 0 <= g <= 1 + 1e-12:
                    problem(name, f"belief_gap {g!r} {type(g)}")
                out[("gap", k, letter)] = g
            for top in (None, 0, 1, 5, 26, 27, 40):
                rules = m.rank_rules(M, top) if top is not None else m.rank_rules(M)
                for rule in rules:
                    if not (type(rule) is tuple and type(rule[0]) is str and type(rule[1]) is str
                            and type(rule[2]) is float):
                        problem(name, f"rank_rules types {rule!r}")
                        break
                out[("rules", k, top)] = rules
            out[("rules_kw", k)] = m.rank_rules(M, top=3)
            for ml in (0, 1, 2, 7, 50):
                out[("greedy", k, ml)] = m.greedy_decode(M, ml)
            out[("greedy_kw", k)] = m.greedy_decode(M, max_len=4)
            if not np.array_equal(Mc, M):
                problem(name, f"mutated W (matrix {k})")
        for letter in TOKENS:
            out[("data_row", letter)] = m.data_row(counts, letter)
        for bad in BAD_LETTERS:
            for fn in ("read_row", "data_row", "ablate_column"):
                arg = counts if fn == "data_row" else Ms[0]
                if not raises_value_error(getattr(m, fn), arg, bad):
                    problem(name, f"{fn} accepts {bad!r}")
            if not raises_value_error(m.belief_gap, Ms[0], counts, bad):
                problem(name, f"belief_gap accepts {bad!r}")
        for t in (0, -1, 0.0, -0.5):
            if not raises_value_error(m.sample_word, Ms[0], np.random.default_rng(0), t):
                problem(name, f"sample_word accepts temperature {t}")
        for ml in (0,):
            if m.sample_word(Ms[0], np.random.default_rng(0), 1.0, ml) != "":
                problem(name, "sample_word max_len=0")
        # only-word model and max_len cap
        only = np.full((27, 27), -np.inf)
        only[0, 1] = only[1, 2] = only[2, 0] = 0.0
        for T in (0.1, 1.0, 10.0):
            if m.sample_word(only, np.random.default_rng(1), T) != "ab":
                problem(name, f"sample_word only-word T={T}")
        noend = np.zeros((27, 27))
        noend[:, 0] = -np.inf
        for ml in (1, 5, 50):
            w = m.sample_word(noend, np.random.default_rng(2), max_len=ml)
            if len(w) != ml or "." in w:
                problem(name, f"sample_word max_len {ml}: {w!r}")
        # rng advances; same seed same word
        g = np.random.default_rng(3)
        ws = [m.sample_word(Ms[1], g) for _ in range(5)]
        if len(set(ws)) == 1:
            problem(name, "rng does not advance")
        if [m.sample_word(Ms[1], np.random.default_rng(3)) for _ in range(1)][0] != ws[0]:
            problem(name, "same seed different word")
        outputs[name] = out
    ref = outputs[ref_name]
    for name, out in outputs.items():
        for key, val in ref.items():
            other = out[key]
            if isinstance(val, (str, list)):
                if key[0] == "rules" or key[0] == "rules_kw":
                    ok = rules_agree(val, other, out, key)
                else:
                    ok = val == other
            else:
                ok = same(val, other)
            if not ok:
                problem(name, f"disagrees with {ref_name} on {key}: {other!r} vs {val!r}"[:300])
    # sampling statistics on the first letter and lengths, T in (0.5, 1, 2)
    W = Ms[1]
    for T in (0.5, 1.0, 2.0):
        p_first = mods[ref_name].softmax(W[0] / T)
        for name, m in mods.items():
            g = np.random.default_rng(99)
            firsts = np.zeros(27)
            for _ in range(3000):
                w = m.sample_word(W, g, T, 1)
                firsts[TOKENS.index(w) if w else 0] += 1
            exp = 3000 * p_first
            mask = exp > 5
            chi = float((((firsts - exp) ** 2)[mask] / exp[mask]).sum())
            if chi > 80:
                problem(name, f"first-letter chi2 {chi:.1f} at T={T}")
    # second-step statistics: '.' always goes to 'a', then row 'a' at a low temperature
    W2 = np.full((27, 27), -np.inf)
    W2[0, 1] = 0.0
    W2[1] = np.linspace(0.0, 2.0, 27)
    for name, m in mods.items():
        if not raises_value_error(m.sample_word, W2, np.random.default_rng(0), 0, 0):
            problem(name, "sample_word(W, rng, 0, 0) does not raise")
        sm = m.softmax(np.array([-2e9, -np.inf]))
        if not np.array_equal(sm, [1.0, 0.0]):
            problem(name, f"softmax([-2e9, -inf]) = {sm}")
        for T in (0.3, 3.0):
            p = mods[ref_name].softmax(W2[1] / T)
            g = np.random.default_rng(5)
            hist = np.zeros(27)
            for _ in range(3000):
                w = m.sample_word(W2, g, T, 2)
                hist[TOKENS.index(w[1]) if len(w) > 1 else 0] += 1
            exp = 3000 * p
            mask = exp > 5
            chi = float((((hist - exp) ** 2)[mask] / exp[mask]).sum())
            if chi > 80:
                problem(name, f"second-letter chi2 {chi:.1f} at T={T}")


# ----------------------------------------------------------------------------- lab 02
def check_lab02(files):
    import _check_lab02
    _check_lab02.run(files, load, problem, same, raises_value_error)


def main():
    if len(sys.argv) > 2 and sys.argv[1] == "--file":
        # python _check.py --file lab01/wrong_x.py: compare one file with a correct one
        path = pathlib.Path(sys.argv[2]).resolve()
        lab = path.parent.name
        base = sorted((HERE / lab).glob("correct_*.py"))[0]
        (check_lab01 if lab == "lab01" else check_lab02)([base, path])
        for p in PROBLEMS:
            print("PROBLEM", p[:400])
        return 0
    labs = sys.argv[1:] or ["lab01", "lab02"]
    for lab in labs:
        files = sorted((HERE / lab).glob("correct_*.py"))
        if not files:
            continue
        print(f"{lab}: {len(files)} correct files")
        (check_lab01 if lab == "lab01" else check_lab02)(files)
    for p in PROBLEMS:
        print("PROBLEM", p)
    print("problems:", len(PROBLEMS))
    return 1 if PROBLEMS else 0


if __name__ == "__main__":
    sys.path.insert(0, str(HERE))
    sys.exit(main())
