"""The reference core: tokens, counts by hand, training, and every graded function per SPEC §2."""

from __future__ import annotations

import numpy as np
import pytest

from mindlab_core.bigram import count_bigrams, count_model_logits, nll, train, trained_model
from mindlab_core.names import load_names
from mindlab_core.tokens import TOKENS, decode, encode, index


def test_tokens_follow_the_spec():
    assert TOKENS == ".abcdefghijklmnopqrstuvwxyz"
    assert encode("ann") == [0, 1, 14, 14, 0]
    assert decode(encode("zoe")) == "zoe"


@pytest.mark.parametrize("bad", ["A", "ab", "", 3, None, "é"])
def test_bad_letters_raise_value_error(bad):
    with pytest.raises(ValueError):
        index(bad)


def test_shipped_names():
    names = load_names()
    assert 5100 <= len(names) <= 5200
    assert len(set(names)) == len(names)
    assert all(n.isascii() and n.isalpha() and n.islower() for n in names)


def test_counts_by_hand():
    counts = count_bigrams(["ann", "ab"])
    # . a n n .  and  . a b .
    assert counts[0, 1] == 2
    assert counts[1, 14] == 1 and counts[14, 14] == 1 and counts[14, 0] == 1
    assert counts[1, 2] == 1 and counts[2, 0] == 1
    assert counts.sum() == 4 + 3


def test_training_reaches_the_count_model_optimum():
    model = trained_model()
    assert model.gap < 0.005
    assert model.W.shape == (27, 27)
    assert "names" in model.note() and "loss" in model.note()


def test_training_is_deterministic():
    counts = count_bigrams(["ann", "bob", "eve"])
    assert np.array_equal(train(counts), train(counts))
    assert nll(train(counts), counts) - nll(count_model_logits(counts), counts) < 0.005
