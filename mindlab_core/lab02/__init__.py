"""Lab 02 "Scaling the idea up": the reference implementation of every graded function.

The seed lab's three moves (read, intervene, extract) on bigger ideas, plain numpy:

- directions.py     TOOL 04  features are directions (vowel-ness in the bigram model)
- residual.py       TOOL 05  the residual stream and the logit lens (a small name model)
- induction.py      TOOL 06  induction heads (a hand-built two-layer attention model)
- superposition.py  TOOL 07  superposition and sparse autoencoders (the 5-into-2 toy model)
- pictures.py       the lab's figures
- train_residual.py the script that trained the shipped residual model

This package's top level is what graders compare against (docs/lab02-contract.md): every
graded function is importable from here.
"""

from .directions import cosine_similarity, mean_difference_direction, project
from .induction import (
    ablate_head,
    causal_attention,
    find_heads,
    induction_score,
    prev_token_score,
    repeated_tokens,
)
from .residual import cross_entropy, logit_lens, make_contexts, run_with_cache
from .superposition import (
    best_cosines,
    feature_dimensionality,
    importance_loss,
    sae_decode,
    sae_encode,
    sae_loss,
    sparse_features,
    toy_forward,
)

__all__ = [
    # TOOL 04
    "mean_difference_direction", "project", "cosine_similarity",
    # TOOL 05
    "make_contexts", "run_with_cache", "logit_lens", "cross_entropy",
    # TOOL 06
    "causal_attention", "repeated_tokens", "prev_token_score", "induction_score",
    "find_heads", "ablate_head",
    # TOOL 07
    "sparse_features", "toy_forward", "importance_loss", "feature_dimensionality",
    "sae_encode", "sae_decode", "sae_loss", "best_cosines",
]
