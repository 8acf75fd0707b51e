"""worker/landlock.py: the kernel refuses what the guard refuses, even to code the guard
never sees (here: plain os calls in a child process, no audit hook at all)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from mindlab_grader.worker import landlock


def _in_child(body) -> dict:
    """Run body() in a forked child restricted by Landlock; what it found, as a dict."""
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read_fd)
        try:
            os.write(write_fd, repr(body()).encode())
        finally:
            os._exit(0)
    os.close(write_fd)
    with os.fdopen(read_fd) as pipe:
        text = pipe.read()
    os.waitpid(pid, 0)
    return eval(text)  # noqa: S307 (our own child's repr of a dict of bools)


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_the_kernel_refuses_hidden_files_and_writes_outside_the_own_folder(tmp_path: Path):
    shown, own = tmp_path / "shown", tmp_path / "own"
    (shown / "lab").mkdir(parents=True)
    own.mkdir()
    (shown / "lab" / "reference.py").write_text("secret")
    (shown / "lab" / "tokens.py").write_text("open")
    (shown / "notes.txt").write_text("open")
    allowed = landlock.rules([str(shown)], [str(shown / "lab" / "reference.py")])

    def body() -> dict:
        if not landlock.restrict(str(own), allowed):
            return {"landlock": False}

        def works(action) -> bool:
            try:
                action()
                return True
            except OSError:
                return False

        return {"landlock": True,
                "reads an open file": works(lambda: open(shown / "lab" / "tokens.py").read()),
                "reads the hidden file": works(lambda: open(shown / "lab" / "reference.py").read()),
                "lists the folder": works(lambda: os.listdir(shown / "lab")),
                "writes its own folder": works(lambda: (own / "x").write_text("x")),
                "writes beside the open files": works(lambda: (shown / "y").write_text("y")),
                "reads outside every root": works(lambda: open(tmp_path / "other").read())}

    (tmp_path / "other").write_text("elsewhere")
    found = _in_child(body)
    if not found["landlock"]:
        pytest.skip("this kernel has no Landlock")
    assert found == {"landlock": True, "reads an open file": True, "reads the hidden file": False,
                     "lists the folder": True, "writes its own folder": True,
                     "writes beside the open files": False, "reads outside every root": False}
