"""A chain of 140 processes, each setsid'd and the parent of the next (found from
outside). The fork server used to kill what a worker left behind one level of a chain per
round, for 100 rounds: the last 40 stayed alive and spun (5 s of CPU each) while the batch
went on to the next student. Now every process left is stopped, then killed."""
import os as _os, time as _time
_softmax_ok = softmax
_started = [False]
def _link(gen):
    _os.setsid()
    if gen < 140:
        if _os.fork() == 0:
            _link(gen + 1)
    if gen > 100:
        t0 = _time.process_time()
        while _time.process_time() - t0 < 5.0:
            pass
    while True:
        _time.sleep(1)

def softmax(logits):
    if not _started[0]:
        _started[0] = True
        if _os.fork() == 0:
            try:
                _link(1)
            finally:
                _os._exit(0)
    return _softmax_ok(logits)

# give the chain time to grow before the worker is killed (a sleep uses no CPU)
_gd_ok = greedy_decode
_slept = [False]
def greedy_decode(W, max_len=50):
    if not _slept[0]:
        _slept[0] = True
        _time.sleep(1.5)
    return _gd_ok(W, max_len)
