"""greedy_decode burns ~1.2 s of CPU per call (12x its 0.1 s CPU limit) but asks
the judge's softmax stand-in a fresh question every ~2 ms, so the judge always has a
message to read and never looks at the worker's CPU clock (exchange.Exchange.run only
checks CPU when a 10 ms poll finds nothing)."""
import time as _time
_real_greedy = greedy_decode
_n = [0]
def _burn(seconds, ping):
    end = _time.thread_time() + seconds
    while _time.thread_time() < end:
        t = _time.thread_time() + 0.002
        while _time.thread_time() < t:
            pass
        if ping:
            _n[0] += 1
            softmax(np.array([float(_n[0]), 0.0]))   # the reference's stand-in: one round trip
def greedy_decode(W, max_len=50):
    _burn(1.2, PING)
    return _real_greedy(W, max_len)
PING = True
