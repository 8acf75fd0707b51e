"""logit_lens forgets the unembedding bias bU."""

import numpy as np


def logit_lens(params, streams):
    return np.stack([s @ params["U"] for s in streams])
