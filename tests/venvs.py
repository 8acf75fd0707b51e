"""A fresh virtual environment for install tests (test_release, test_gradescope).

`fresh_venv(path)` makes a venv that sees the running environment's site-packages
through a .pth file, so numpy, click, jupytext and matplotlib need no download. A .pth
*path* entry does not run the .pth files inside that folder, so this repository's own
(editable) mindlab stays invisible there: only what a test installs is mindlab.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def fresh_venv(path: Path, with_pip: bool = False) -> Path:
    """Create the venv at `path`; return its python."""
    args = [sys.executable, "-m", "venv", str(path)]
    subprocess.run(args if with_pip else [*args, "--without-pip"], check=True,
                   capture_output=True)
    python = path / "bin" / "python"
    purelib = subprocess.run([str(python), "-c", "import sysconfig; "
                              "print(sysconfig.get_path('purelib'))"],
                             capture_output=True, text=True, check=True).stdout.strip()
    parents = [p for p in sys.path if p.endswith("site-packages") and os.path.isdir(p)]
    Path(purelib, "_mindlab_test_deps.pth").write_text("\n".join(parents) + "\n")
    return python


def venv_env(venv: Path, **extra: str) -> dict[str, str]:
    """os.environ with the venv's bin first on PATH and no Python variables of ours."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV"))}
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    env.update(extra)
    return env
