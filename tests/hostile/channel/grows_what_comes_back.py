"""rank_rules grows its input in place (ndarray.resize) at the first case of each of its
planned requests, so that case's reply carries a 62 MB `after` beside a one-number value:
the value, a view into the reply, kept the whole reply alive in the judge (348 MB, found
from outside). Now a small array is copied out of its message."""
_calls = [0]
_BIG = {0, 2, 4, 7, 8, 9, 18}  # the first case of each of rank_rules' 7 planned requests


def rank_rules(W, top=None):
    i = _calls[0]
    _calls[0] += 1
    if i in _BIG:
        W.resize((7_800_000,), refcheck=False)  # 62 MB of zeros comes back as "after"
    return np.zeros(1)
