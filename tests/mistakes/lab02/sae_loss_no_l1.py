"""sae_loss forgets the L1 sparsity term."""

import numpy as np


def sae_loss(sae, H, l1):
    H = np.asarray(H, dtype=float)
    F = np.maximum(0.0, (H - sae["b_dec"]) @ sae["W_enc"] + sae["b_enc"])
    err = (H - (F @ sae["W_dec"] + sae["b_dec"])) ** 2
    return float(err.sum(axis=1).mean())
