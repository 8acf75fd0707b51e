"""Lab 02's trainings, timed side by side: each one's seconds and final loss.

    PYTHONPATH=. python benchmarks/lab02_training.py     # or after pip install -e .

Targets (not asserted): every training takes seconds on a 2-core CPU.
"""

from __future__ import annotations

import os

# Our matrices are small (512 x 64): one BLAS thread is fastest, and on a busy 2-core
# machine OpenBLAS's thread pool made training 10x slower. Set before numpy loads.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

import time

import numpy as np

from mindlab_core.lab02 import findings as F
from mindlab_core.lab02 import induction as I
from mindlab_core.lab02 import reference as ref
from mindlab_core.lab02 import residual as R
from mindlab_core.lab02 import superposition as S
from mindlab_core.lab02.train_residual import train


def timed(fn):
    start = time.perf_counter()
    value = fn()
    return value, time.perf_counter() - start


def main() -> None:
    rows = []
    X, Y = F.name_contexts()
    params, seconds = timed(lambda: train(X, Y))
    rows.append(("residual name model (tool05)", seconds,
                 f"loss {ref.cross_entropy(F.forward(params, X), Y):.4f} nats "
                 f"(shipped: {ref.cross_entropy(F.forward(R.residual_model(), X), Y):.4f})"))
    I._built.cache_clear()
    model, seconds = timed(I.induction_model)
    tokens = ref.repeated_tokens(np.random.default_rng(0), I.N_VOCAB, 20)
    rows.append(("induction model, built (tool06)", seconds,
                 f"repeated-half loss {F.repeated_half_loss(model, tokens, 20):.3f} nats "
                 f"(chance {I.chance_loss():.3f})"))
    toys, seconds = timed(S.train_toy_models)
    rng = np.random.default_rng(0)
    losses = []
    for i, s in enumerate(S.SPARSITIES):
        batch = ref.sparse_features(rng, 10000, S.N_FEATURES, s)
        toy = S.toy_instance(toys, i)
        losses.append(ref.importance_loss(batch, ref.toy_forward(toy, batch), S.importance()))
    rows.append((f"{len(S.SPARSITIES)} toy models (tool07)", seconds,
                 "loss " + ", ".join(f"{v:.4f}" for v in losses)))
    toy = S.toy_instance(toys, len(S.SPARSITIES) - 1)
    H = S.hidden_activations(toy, np.random.default_rng(1), 20000, S.SPARSITIES[-1])
    sae, seconds = timed(lambda: S.train_sae(H))
    cos = ref.best_cosines(sae["W_dec"], toy["W"].T)
    rows.append(("sparse autoencoder (tool07)", seconds,
                 f"loss {ref.sae_loss(sae, H, 0.3):.4f}, worst feature cosine {cos.min():.3f}"))
    width = max(len(r[0]) for r in rows)
    for name, seconds, note in rows:
        print(f"{name:<{width}}  {seconds:6.2f} s   {note}")
    print(f"{'total':<{width}}  {sum(r[1] for r in rows):6.2f} s")


if __name__ == "__main__":
    main()
