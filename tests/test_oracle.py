"""The property oracle (tests/oracle) is right: correct code passes, each mistake is flagged
on its own function and no other.

Correct code: the reference, the independently written solutions, and correct variants
written differently on purpose (other samplers, other softmax formulas). Wrong code: every
file of the mistake library (tests/mistakes/<lab>/), each defining one graded function
the wrong way; ALLOWED lists the files the contract does not forbid, each with its reason.
"""

from __future__ import annotations

import functools
import time
from pathlib import Path

import numpy as np
import pytest
from mistakes import library, namespace, submission_source, wrong_function
from oracle import PROPERTIES, core, judge_file, judge_namespace, violations

from mindlab_grader.labs import get_lab

ROOT = Path(__file__).resolve().parents[1]
LABS = ("lab01", "lab02")

# Mistake files whose "mistake" the contract allows (the oracle must pass them), with why.
# Empty today: every file of both libraries breaks a sentence of its contract.
ALLOWED: dict[str, str] = {}


@functools.cache
def judged(lab: str, mistake: str | None) -> dict[str, list[str]]:
    """{function: violations} of the reference with one mistake appended (None: none)."""
    path = library(lab)[mistake] if mistake else None
    return judge_namespace(lab, namespace(submission_source(path, lab=lab)))


def test_every_graded_function_has_properties():
    for lab in LABS:
        assert set(PROPERTIES[lab]) == set(get_lab(lab).functions)
        for function, props in PROPERTIES[lab].items():
            assert len(props) >= 3, f"{lab} {function} has only {len(props)} properties"
            assert all(p.__doc__ for p in props), f"{lab} {function}: a docstring per property"


@pytest.mark.parametrize("lab", LABS)
def test_the_reference_meets_its_own_contract(lab):
    assert judged(lab, None) == {f: [] for f in get_lab(lab).functions}


@pytest.mark.parametrize("lab", LABS)
def test_the_solutions_meet_the_contract(lab):
    started = time.perf_counter()
    found = judge_file(lab, ROOT / "solutions" / f"{lab}.py")
    assert found == {f: [] for f in get_lab(lab).functions}
    assert time.perf_counter() - started < 60


def _mistakes() -> list[tuple[str, str]]:
    return [(lab, name) for lab in LABS for name in library(lab)]


@pytest.mark.parametrize(("lab", "mistake"), _mistakes())
def test_each_mistake_is_flagged_on_its_function_only(lab, mistake):
    found = judged(lab, mistake)
    function = wrong_function(library(lab)[mistake], lab)
    flagged = sorted(f for f, sentences in found.items() if sentences)
    if mistake in ALLOWED:
        assert flagged == [], f"{mistake} is allowed ({ALLOWED[mistake]}) but flagged {flagged}"
    else:
        assert flagged == [function], {f: found[f] for f in flagged}


def test_violations_never_raise_for_what_the_code_does(monkeypatch):
    monkeypatch.setattr(core, "LIMIT", 0.2)

    def hangs(*args, **kwargs):
        while True:
            pass

    def returns_junk(*args, **kwargs):
        return object()

    assert violations("lab01", "softmax", {}) == ["softmax is not defined"]
    assert violations("lab01", "softmax", {"softmax": 3})[0].startswith("softmax is not a")
    assert violations("lab01", "read_row", {"read_row": returns_junk})
    started = time.perf_counter()
    found = violations("lab01", "greedy_decode", {"greedy_decode": hangs})
    assert found and all("did not return within 0.2 s" in s for s in found)
    assert time.perf_counter() - started < 10


# ---------------------------------------------------------------- correct code written otherwise

TOKENS = ".abcdefghijklmnopqrstuvwxyz"


def _probs(row: np.ndarray, temperature: float) -> np.ndarray:
    z = np.asarray(row, dtype=float) / temperature
    e = np.exp(z - z.max())
    return e / e.sum()


def _sampler(pick):
    """A correct sample_word whose next-token draw is pick(probs, logits, rng)."""
    def sample_word(W, rng, temperature=1.0, max_len=50):
        if not temperature > 0:
            raise ValueError("temperature must be > 0")
        W = np.asarray(W, dtype=float)
        word, row = "", 0
        while len(word) < max_len:
            row = int(pick(_probs(W[row], temperature), W[row] / temperature, rng))
            if row == 0:
                break
            word += TOKENS[row]
        return word
    return sample_word


def _gumbel(p, z, rng):
    return np.argmax(z + rng.gumbel(size=z.shape))


def _inverse_cdf(p, z, rng):
    return min(int(np.searchsorted(np.cumsum(p), rng.random(), side="right")), len(p) - 1)


def _linear_scan(p, z, rng):
    u, total = rng.random(), 0.0
    for j, pj in enumerate(p):
        total += pj
        if u < total and pj > 0:
            return j
    return int(np.flatnonzero(p)[-1])


def _choice(p, z, rng):
    return rng.choice(len(p), p=p)


def _logsumexp_softmax(logits):
    x = np.asarray(logits, dtype=float)
    m = x.max(axis=-1, keepdims=True)
    return np.exp(x - (m + np.log(np.exp(x - m).sum(axis=-1, keepdims=True))))


@pytest.mark.parametrize("pick", [_gumbel, _inverse_cdf, _linear_scan, _choice])
def test_correct_samplers_that_draw_otherwise_pass(pick):
    assert violations("lab01", "sample_word", {"sample_word": _sampler(pick)}) == []


def test_a_logsumexp_softmax_passes():
    assert violations("lab01", "softmax", {"softmax": _logsumexp_softmax}) == []
