"""Lab 02's page data: the vowel direction, the logit lens per name, attention per head,
superposition, the SAE.

Every graded step goes through the source's functions (`Calls.get`, `Calls.many`); the
models themselves (lab 01's trained W, the shipped residual model, the hand-built
induction model, the trained toy models and the SAE training) are the lab's own, not
graded, and are built here.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from mindlab_core.lab02 import directions, findings, induction, residual, superposition
from mindlab_core.lab02 import reference as ref
from mindlab_core.tokens import TOKENS

from ..learner import LearnerBase, Rng
from .source import Problems, attempt, load_problem, open_source, value_of

NAMES = ("emma", "john", "olivia", "liam", "sophia", "noah", "isabella", "mason", "ava",
         "ethan", "mia", "lucas")
HALF = 20  # half length of the repeated sequence shown to the induction model
LENS_SAMPLE = 2000  # contexts of the shipped names for the lens loss by layer


def _real(value: Any) -> Any:
    """Rng markers as the generators they stand for (for the reference's side)."""
    if isinstance(value, Rng):
        return np.random.default_rng(value.seed)
    return value


def _all(results: list) -> bool | None:
    return None if None in results else all(results)


def _same(a: Any, b: Any) -> bool | None:
    """True / False when a and b compare as numbers; None when a has the wrong form (or
    is not finite where b is)."""
    if isinstance(b, dict):
        if not isinstance(a, dict) or a.keys() != b.keys():
            return None
        return _all([_same(a[k], b[k]) for k in b])
    if isinstance(b, (list, tuple)) and all(isinstance(x, np.ndarray) for x in b):
        if not isinstance(a, (list, tuple)) or len(a) != len(b):
            return None
        return _all([_same(x, y) for x, y in zip(a, b)])
    if isinstance(b, list):
        return a == b
    try:
        x, y = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    except (TypeError, ValueError):
        return None
    if x.shape != y.shape or not np.array_equal(np.isfinite(x), np.isfinite(y)):
        return None  # NaN or inf where the reference has a number: nothing to show
    return bool(np.allclose(x, y, atol=1e-6, equal_nan=True))


class Calls:
    """The source's graded functions, each compared with the reference as it is called."""

    def __init__(self, learner: LearnerBase) -> None:
        self.learner = learner
        self.problems = Problems()
        self.differs: dict[str, str] = {}

    def get(self, name: str, *args: Any) -> Any:
        """learner.name(*args), or the reference's answer when it failed or has the wrong form."""
        got = attempt(self.problems, name, lambda: getattr(self.learner, name)(*args))
        return self._judged(name, got, args)

    def many(self, name: str, cases: list[tuple]) -> list:
        """[learner.name(*args) for args in cases] in one batch, each judged as `get` does."""
        outcomes = attempt(self.problems, name, lambda: self.learner.calls(
            name, [(args, {}) for args in cases])) or [None] * len(cases)
        answers = []
        for outcome, args in zip(outcomes, cases):
            got = None if outcome is None else attempt(self.problems, name,
                                                       lambda o=outcome: value_of(name, o))
            answers.append(self._judged(name, got, args))
        return answers

    def _judged(self, name: str, got: Any, args: tuple) -> Any:
        """got, or the reference's answer to args when got is None or of the wrong form."""
        expected = getattr(ref, name)(*[_real(a) for a in args])
        if got is None:
            return expected
        same = _same(got, expected)
        if same is None:
            self.problems.add(name, f"your {name} returned a {type(got).__name__} of the wrong "
                                    "shape or kind (or NaN or inf where a number belongs), "
                                    "so the reference's answer is shown")
            return expected
        if not same:
            self.differs.setdefault(name, f"your {name} differs from the reference")
        return got

    def report(self, *names: str) -> dict:
        """The problems and differences of these functions, for one section of the page."""
        return {"problems": self.problems.of(*names),
                "differs": [self.differs[n] for n in names if n in self.differs]}


def _probs(logits: np.ndarray) -> np.ndarray:
    shifted = logits - logits.max(axis=-1, keepdims=True)
    e = np.exp(shifted)
    return e / e.sum(axis=-1, keepdims=True)


def vowel_direction(calls: Calls) -> dict:
    """Every token's row of lab 01's W on the vowel direction, the threshold, all cosines."""
    X = directions.letter_vectors()
    vowels = directions.rows_of(X, directions.TRAIN_VOWELS)
    consonants = directions.rows_of(X, directions.TRAIN_CONSONANTS)
    direction = calls.get("mean_difference_direction", vowels, consonants)
    threshold = directions.midpoint_threshold(calls.get("project", vowels, direction),
                                              calls.get("project", consonants, direction))
    pairs = [(i, j) for i in range(len(TOKENS)) for j in range(i, len(TOKENS))]
    cosines = np.eye(len(TOKENS))
    for (i, j), c in zip(pairs, calls.many("cosine_similarity", [(X[i], X[j]) for i, j in pairs])):
        cosines[i, j] = cosines[j, i] = float(c)
    return {"tokens": TOKENS, "scores": np.round(calls.get("project", X, direction), 3).tolist(),
            "threshold": round(threshold, 3), "train_vowels": directions.TRAIN_VOWELS,
            "train_consonants": directions.TRAIN_CONSONANTS,
            "held_vowels": directions.HELD_OUT_VOWELS,
            "held_consonants": directions.HELD_OUT_CONSONANTS,
            "cosines": np.round(cosines, 3).tolist(),
            **calls.report("mean_difference_direction", "project", "cosine_similarity")}


def lens(calls: Calls) -> dict:
    """Per name and layer, the lens's top guess and the true next letter's probability."""
    params = residual.residual_model()
    names = []
    for name in NAMES:
        X, Y = calls.get("make_contexts", [name], residual.CONTEXT)
        P = _probs(np.asarray(calls.get("logit_lens", params,
                                        calls.get("run_with_cache", params, X))))
        Y = np.asarray(Y, dtype=np.int64)
        rows = [[[TOKENS[int(p.argmax())], round(float(p.max()), 3),
                  round(float(p[y]), 3)] for p, y in zip(layer, Y)] for layer in P]
        names.append({"name": name, "targets": "".join(TOKENS[y] for y in Y), "layers": rows})
    X, Y = findings.name_contexts()
    X, Y = X[:LENS_SAMPLE], Y[:LENS_SAMPLE]
    layers = calls.get("logit_lens", params, calls.get("run_with_cache", params, X))
    losses = [round(float(calls.get("cross_entropy", layer, Y)), 3) for layer in layers]
    return {"names": names, "losses": losses,
            **calls.report("make_contexts", "run_with_cache", "logit_lens", "cross_entropy")}


def attention(calls: Calls) -> dict:
    """Every head's pattern on a repeated sequence, its scores, and the loss without it."""
    model = induction.induction_model()
    tokens = np.asarray(calls.get("repeated_tokens", Rng(0), induction.N_VOCAB, HALF))

    def attend(q: np.ndarray, k: np.ndarray) -> np.ndarray:
        return np.asarray(calls.get("causal_attention", q, k), dtype=np.float64)

    def loss(params: dict) -> float:
        logits, _ = induction.run_attention_model(params, tokens, attend)
        return round(ref.cross_entropy(logits[HALF + 1:-1], tokens[HALF + 2:]), 3)

    _, patterns = induction.run_attention_model(model, tokens, attend)
    prev = np.asarray(calls.get("prev_token_score", patterns))
    ind = np.asarray(calls.get("induction_score", patterns, HALF))
    heads = []
    for (layer, head), role in sorted(induction.ROLES.items()):
        ablated = calls.get("ablate_head", model, layer, head)
        heads.append({"id": f"{layer},{head}", "role": role, "prev": round(float(prev[layer,
                      head]), 3), "induction": round(float(ind[layer, head]), 3),
                      "loss_without": loss(ablated),
                      "pattern": np.rint(100 * patterns[layer, head]).astype(int).tolist()})
    return {"tokens": tokens.tolist(), "half": HALF, "loss": loss(model),
            "chance": round(induction.chance_loss(), 3), "heads": heads,
            "induction_heads": [list(h) for h in calls.get("find_heads", ind, 0.5)],
            "prev_heads": [list(h) for h in calls.get("find_heads", prev, 0.5)],
            **calls.report("causal_attention", "repeated_tokens", "prev_token_score",
                           "induction_score", "find_heads", "ablate_head")}


def superposed(calls: Calls) -> dict:
    """Per sparsity: the features' directions, dimensionality and loss; then the SAE."""
    toys = superposition.trained_toy_models()
    sweep = []
    for i, sparsity in enumerate(superposition.SPARSITIES):
        toy = superposition.toy_instance(toys, i)
        X = calls.get("sparse_features", Rng(1), 2000, superposition.N_FEATURES, sparsity)
        X_hat = calls.get("toy_forward", toy, X)
        sweep.append({"sparsity": sparsity, "W": np.round(toy["W"], 3).tolist(),
                      "dims": np.round(calls.get("feature_dimensionality", toy["W"]), 3).tolist(),
                      "loss": round(float(calls.get("importance_loss", X, X_hat,
                                                    superposition.importance())), 4)})
    pentagon = superposition.toy_instance(toys, len(superposition.SPARSITIES) - 1)
    H = superposition.hidden_activations(pentagon, np.random.default_rng(1), 20000,
                                         superposition.SPARSITIES[-1])
    sae = superposition.train_sae(H)
    F = np.asarray(calls.get("sae_encode", sae, H[:2000]))
    calls.get("sae_decode", sae, F)
    return {"sweep": sweep, "true": np.round(pentagon["W"].T, 3).tolist(),
            "latents": np.round(sae["W_dec"], 3).tolist(),
            "cosines": np.round(calls.get("best_cosines", sae["W_dec"], pentagon["W"].T),
                                3).tolist(),
            "active": round(float((F > 0).sum(axis=1).mean()), 2),
            "sae_loss": round(float(calls.get("sae_loss", sae, H[:2000], 0.3)), 4),
            **calls.report("sparse_features", "toy_forward", "importance_loss",
                           "feature_dimensionality", "sae_encode", "sae_decode", "sae_loss",
                           "best_cosines")}


def build(file: Path | None, name: str | None) -> dict:
    """Everything lab 02's page shows, as plain JSON-ready data."""
    with open_source("lab02", file) as learner:
        calls = Calls(learner)
        data = {"lab": "lab02", "source": None if file is None else str(file),
                "load": load_problem(learner), "initial": name if name in NAMES else NAMES[0],
                "directions": vowel_direction(calls), "lens": lens(calls),
                "attention": attention(calls), "superposition": superposed(calls)}
    if data["load"]:
        for part in ("directions", "lens", "attention", "superposition"):
            data[part]["problems"] = [p for p in data[part]["problems"] if p != data["load"]]
    return data
