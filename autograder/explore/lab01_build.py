"""Lab 01's page data, all three tools, from one source (the reference or a learner's file)."""

from __future__ import annotations

from pathlib import Path

from mindlab_core.bigram import trained_model
from mindlab_core.tokens import TOKENS

from .lab01_data import MAX_LEN, SEED, plain, tool01
from .lab01_lesions import tool02
from .lab01_rules import tool03
from .source import load_problem, open_source


def build(file: Path | None, letter: str) -> dict:
    """Everything lab 01's page shows, as plain JSON-ready data."""
    model = trained_model()
    W, counts = model.W, model.counts
    with open_source("lab01", file) as learner:
        load = load_problem(learner)
        data = {"lab": "lab01", "source": None if file is None else str(file), "load": load,
                "note": model.note(), "tokens": TOKENS, "initial": letter, "seed": SEED,
                "max_len": MAX_LEN, "W": plain(W.round(2)),
                "tool01": tool01(learner, W, counts), "tool02": tool02(learner, W),
                "tool03": tool03(learner, W)}
    if load:  # nothing could run: one sentence at the top says why, not one per function
        for tool in ("tool01", "tool02", "tool03"):
            data[tool]["problems"] = [p for p in data[tool]["problems"] if p != load]
    return data
