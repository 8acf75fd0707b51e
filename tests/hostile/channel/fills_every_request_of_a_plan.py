"""rank_rules answers every case of the plan's group with an array filling its request's
own reply cap (7 requests of 2, 2, 3, 1, 1, 9 and 1 cases, 63.5 MB each, built at load so
a call only sends it): the judge held every later request's answers at once, 568 MB
(found from outside). Now the values kept for a group's later requests are bounded
(prefetch.MAX_KEPT_BYTES); past that, those requests cross again."""
_SEGS = [2, 2, 3, 1, 1, 9, 1]
_SIZES = [n for n in _SEGS for _ in range(n)]
_POOL = {n: np.ones(int(63.5 * 2**20 / 8 / n)) for n in set(_SEGS)}  # built at load time
_i = [0]


def rank_rules(W, top=None):
    n = _SIZES[_i[0] % len(_SIZES)]
    _i[0] += 1
    return _POOL[n]
