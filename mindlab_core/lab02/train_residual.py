"""Train the residual name model of TOOL 05 and write its weights (run: python -m ...).

    python -m mindlab_core.lab02.train_residual            # rewrites data/lab02_residual.npz
    python -m mindlab_core.lab02.train_residual --check    # trains, compares with the shipped file

Plain numpy: a hand-written backward pass and Adam, seeded, so a run is reproducible on
one machine (the shipped file is float32: a few seconds of CPU, about 80 KB).
"""

from __future__ import annotations

import os

# Our matrices are small (512 x 64): one BLAS thread is fastest, and on a busy 2-core
# machine OpenBLAS's thread pool made training 10x slower. Set before numpy loads.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

import argparse
import sys
import time

import numpy as np

from ..names import load_names
from .findings import forward
from .reference import cross_entropy, make_contexts, run_with_cache
from .residual import CONTEXT, HIDDEN, LAYERS, WEIGHTS_FILE, WIDTH, load_params, param_shapes

SEED = 0
STEPS = 2500
BATCH = 512
LR = 3e-3


def init_params(rng: np.random.Generator, k: int = CONTEXT, d: int = WIDTH, h: int = HIDDEN,
                L: int = LAYERS) -> dict:
    """Small random weights; W2 starts small so each block begins as a near-identity."""
    shapes = param_shapes(k, d, h, L)
    params = {name: np.zeros(shape) for name, shape in shapes.items()}
    params["E"] = rng.normal(0, 1.0, shapes["E"])
    params["W1"] = rng.normal(0, 1 / np.sqrt(d), shapes["W1"])
    params["W2"] = rng.normal(0, 0.1 / np.sqrt(h), shapes["W2"])
    params["U"] = rng.normal(0, 1 / np.sqrt(d), shapes["U"])
    return params


def loss_and_grads(params: dict, X: np.ndarray, Y: np.ndarray) -> tuple[float, dict]:
    """Cross-entropy on a batch and the gradient of every param (backprop by hand)."""
    streams = run_with_cache(params, X)
    xL = streams[-1]
    logits = xL @ params["U"] + params["bU"]
    probs = np.exp(logits - logits.max(axis=1, keepdims=True))
    probs /= probs.sum(axis=1, keepdims=True)
    n = len(Y)
    loss = float(-np.log(probs[np.arange(n), Y]).mean())
    dlogits = probs
    dlogits[np.arange(n), Y] -= 1.0
    dlogits /= n
    grads = {"U": xL.T @ dlogits, "bU": dlogits.sum(axis=0)}
    dx = dlogits @ params["U"].T
    for name in ("W1", "b1", "W2", "b2"):
        grads[name] = np.zeros_like(params[name])
    for layer in reversed(range(params["W1"].shape[0])):
        x = streams[layer]
        pre = x @ params["W1"][layer] + params["b1"][layer]
        hidden = np.maximum(0.0, pre)
        grads["W2"][layer] = hidden.T @ dx
        grads["b2"][layer] = dx.sum(axis=0)
        dpre = (dx @ params["W2"][layer].T) * (pre > 0)
        grads["W1"][layer] = x.T @ dpre
        grads["b1"][layer] = dpre.sum(axis=0)
        dx = dx + dpre @ params["W1"][layer].T  # the residual path passes dx straight through
    grads["E"] = np.zeros_like(params["E"])
    eye = np.eye(params["E"].shape[1])
    for p in range(params["E"].shape[0]):
        grads["E"][p] = eye[X[:, p]].T @ dx  # one-hot rows: sums dx into each token's row
    return loss, grads


def train(X: np.ndarray, Y: np.ndarray, steps: int = STEPS, batch: int = BATCH, lr: float = LR,
          seed: int = SEED) -> dict:
    """Adam on random minibatches, with the learning rate decayed linearly to 0."""
    rng = np.random.default_rng(seed)
    params = init_params(rng)
    m = {k: np.zeros_like(v) for k, v in params.items()}
    v = {k: np.zeros_like(v) for k, v in params.items()}
    beta1, beta2, eps = 0.9, 0.999, 1e-8
    for step in range(1, steps + 1):
        rows = rng.integers(0, len(Y), size=batch)
        _, grads = loss_and_grads(params, X[rows], Y[rows])
        rate = lr * (1 - (step - 1) / steps)
        for name, g in grads.items():
            m[name] = beta1 * m[name] + (1 - beta1) * g
            v[name] = beta2 * v[name] + (1 - beta2) * g * g
            m_hat = m[name] / (1 - beta1**step)
            v_hat = v[name] / (1 - beta2**step)
            params[name] = params[name] - rate * m_hat / (np.sqrt(v_hat) + eps)
    return params


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true",
                        help="train and compare with the shipped weights instead of writing them")
    parser.add_argument("--out", default=str(WEIGHTS_FILE), help="where to write the .npz")
    args = parser.parse_args(argv)
    X, Y = make_contexts(load_names(), CONTEXT)
    start = time.perf_counter()
    params = train(X, Y)
    seconds = time.perf_counter() - start
    small = {name: a.astype(np.float32) for name, a in params.items()}
    loss = cross_entropy(forward({k: a.astype(np.float64) for k, a in small.items()}, X), Y)
    print(f"trained on {len(Y):,} (context, next) pairs in {seconds:.1f} s: loss {loss:.4f} nats")
    if args.check:
        shipped = load_params()
        worst = max(float(np.abs(shipped[k] - small[k]).max()) for k in small)
        print(f"largest difference from the shipped weights: {worst:.2e}")
        return 0 if worst < 1e-4 else 1
    np.savez_compressed(args.out, **small)
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
