"""Lab 02's trained models ship with mindlab (mindlab_core/lab02/trained.py): the stored
results are what training gives, and only the very same call is answered from the store."""

from __future__ import annotations

import numpy as np
import pytest

from mindlab_core.lab02 import superposition as sp
from mindlab_core.lab02 import trained


def _demo_activations() -> np.ndarray:
    """The notebook's H: the pentagon's hidden vectors on its sparse features."""
    pentagon = sp.toy_instance(sp.trained_toy_models(), len(sp.SPARSITIES) - 1)
    return sp.hidden_activations(pentagon, np.random.default_rng(2), 20000, sp.SPARSITIES[-1])


def test_the_stored_toy_models_are_what_training_gives():
    stored = trained.lookup(sp.toys_key())
    assert stored is not None, "run python -m mindlab_core.lab02.trained"
    fresh = sp.train_toy_models()
    for name in ("W", "b"):
        np.testing.assert_allclose(stored[name], fresh[name], rtol=1e-9, atol=1e-12)


def test_the_notebooks_sae_is_stored_and_is_what_training_gives(monkeypatch):
    H = _demo_activations()
    fresh = sp.fit_sae(H)
    monkeypatch.setattr(sp, "fit_sae", lambda *a, **k: pytest.fail("trained again"))
    stored = sp.train_sae(H)  # the notebook's call: answered from the store
    for name, array in fresh.items():
        np.testing.assert_allclose(stored[name], array, rtol=1e-9, atol=1e-12)
    stored["W_dec"][:] = 0  # a fresh copy each call
    assert np.any(sp.train_sae(H)["W_dec"] != 0)


def test_any_other_call_trains(monkeypatch):
    calls = []
    monkeypatch.setattr(sp, "fit_sae", lambda H, **options: calls.append(options) or {})
    H = _demo_activations()
    sp.train_sae(H, l1=0.1)
    H2 = H.copy()
    H2[0, 0] += 1e-12
    sp.train_sae(H2)
    assert [c["l1"] for c in calls] == [0.1, 0.3]


def test_the_toy_models_are_read_not_trained(monkeypatch):
    monkeypatch.setattr(sp, "train_toy_models", lambda *a, **k: pytest.fail("trained"))
    monkeypatch.setattr(sp, "_TOYS", {})
    models = sp.trained_toy_models()
    assert models["W"].shape == (len(sp.SPARSITIES), sp.N_HIDDEN, sp.N_FEATURES)
