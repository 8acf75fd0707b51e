"""sae_encode forgets to subtract b_dec before encoding."""

import numpy as np


def sae_encode(sae, H):
    return np.maximum(0.0, np.asarray(H) @ sae["W_enc"] + sae["b_enc"])
