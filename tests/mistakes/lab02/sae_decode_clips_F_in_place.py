"""sae_decode clipping F at 0 in place (np.maximum(F, 0, out=F)) before decoding: latents
from sae_encode are never negative, so only other F show it, and F comes back changed."""

import numpy as np


def sae_decode(sae, F):
    F = np.asarray(F)
    np.maximum(F, 0.0, out=F)
    return F @ sae["W_dec"] + sae["b_dec"]
