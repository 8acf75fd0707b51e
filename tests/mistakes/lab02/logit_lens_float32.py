"""logit_lens computes in float32, so even the last layer is only close to the output."""

import numpy as np


def logit_lens(params, streams):
    U = params["U"].astype(np.float32)
    b = params["bU"].astype(np.float32)
    return np.stack([s.astype(np.float32) @ U + b for s in streams])
