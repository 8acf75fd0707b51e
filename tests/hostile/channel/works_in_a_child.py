"""softmax burns ~1.5 s of CPU per call in a forked child and takes the (correct) answer
back through a pipe, the worker only waiting: its CPU was read from the worker's own
/proc/<pid>/stat alone, so it passed (found from outside). Now a call's CPU is the
worker's and that of everything it started (cpuclock.py)."""
import os as _os
_softmax_ok = softmax
_burned = []
def softmax(logits):
    r, w = _os.pipe()
    pid = _os.fork()
    if pid == 0:
        import time as _t
        t0 = _t.process_time()
        x = 0
        while _t.process_time() - t0 < 1.5:   # 1.5 s of CPU, 15x the 0.1 s limit
            x += 1
        _os.write(w, b"x")
        _os._exit(0)
    _os.close(w)
    _os.read(r, 1)   # blocks: no CPU in the worker
    _os.close(r)
    _os.waitpid(pid, 0)
    return _softmax_ok(logits)
