"""sae_decode forgets b_dec."""

import numpy as np


def sae_decode(sae, F):
    return np.asarray(F) @ sae["W_dec"]
