"""A hostile hand-in: kills its parent, floods its output, exits mid-call."""
import os
import signal

os.kill(os.getppid(), signal.SIGKILL)
print("all your grades are belong to us " * 300_000)


def softmax(logits):
    os._exit(0)
