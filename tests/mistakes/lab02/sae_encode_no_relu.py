"""sae_encode forgets the ReLU, so latents can be negative."""

import numpy as np


def sae_encode(sae, H):
    return (np.asarray(H) - sae["b_dec"]) @ sae["W_enc"] + sae["b_enc"]
