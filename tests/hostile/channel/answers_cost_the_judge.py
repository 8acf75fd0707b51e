"""The worker waits (no CPU) while the judge answers its questions; a question
the reference needs a second for (greedy_decode on a cycle, max_len=10**9) costs the
judge 1 s of CPU each. One question per call keeps every call under its 2 s wall limit,
so nothing timed out: the judge burned ~1 s CPU per case, until the 60 s budget ended
(found from outside). Now the judge's CPU answering a call's questions is that call's."""
_CYCLE = np.zeros((27, 27))
for _i in range(27):
    _CYCLE[_i, (_i % 26) + 1] = 5.0
_ok = {name: globals()[name] for name in ("softmax", "read_row", "data_row", "belief_gap",
                                           "ablate_column", "sample_word", "rank_rules")}

_q = [0]
def _burn():
    try:
        _q[0] += 1; greedy_decode(_CYCLE, max_len=10**9 + _q[0])  # the judge's stand-in while others are tested
    except Exception:
        pass

def _wrap(name):
    f = _ok[name]
    def g(*a, **k):
        _burn()
        return f(*a, **k)
    g.__name__ = name
    return g

for _n in _ok:
    globals()[_n] = _wrap(_n)
