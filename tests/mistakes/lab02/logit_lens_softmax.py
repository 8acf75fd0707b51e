"""logit_lens returns probabilities (a softmax) instead of logits."""

import numpy as np


def logit_lens(params, streams):
    logits = np.stack([s @ params["U"] + params["bU"] for s in streams])
    e = np.exp(logits - logits.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)
