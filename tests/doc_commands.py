"""The commands docs/workflows.md tells instructors to type, so tests can run exactly them.

`blocks("## 2.")` gives the ```bash blocks of the section whose heading starts with
"## 2.", each as its list of command lines (comments dropped).
"""

from __future__ import annotations

import contextlib
import os
import re
import shlex
from collections.abc import Iterator
from pathlib import Path

DOC = Path(__file__).resolve().parent.parent / "docs" / "workflows.md"


def blocks(heading: str) -> list[list[str]]:
    """The bash blocks of one section of docs/workflows.md, as lists of command lines."""
    text = DOC.read_text(encoding="utf-8")
    start = text.index("\n" + heading)
    end = text.find("\n## ", start + 1)
    section = text[start:end if end > 0 else len(text)]
    found = re.findall(r"```bash\n(.*?)```", section, re.S)
    return [[line.split(" #")[0].rstrip() for line in block.splitlines()
             if line.strip() and not line.lstrip().startswith("#")] for block in found]


def argv(line: str) -> list[str]:
    """'mindlab check lab01.ipynb' -> ['check', 'lab01.ipynb'] (the program name dropped)."""
    return shlex.split(line)[1:]


@contextlib.contextmanager
def working_in(folder: Path) -> Iterator[Path]:
    """Run a docs command from `folder` (as the instructor's shell would), then come back."""
    before = Path.cwd()
    os.chdir(folder)
    try:
        yield folder
    finally:
        os.chdir(before)
