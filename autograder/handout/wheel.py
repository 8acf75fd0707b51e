"""The handout as a wheel: one file a student installs with one `pip install` line.

    build_wheel(handout / "mindlab-handout", handout / "dist")   # -> dist/<name>.whl

pip builds the package from a temporary copy, so the handout folder keeps no `build/`
or `*.egg-info` litter. Where the running Python can build a wheel itself (setuptools
>= 70.1, or the `wheel` package) no network is used; else pip fetches setuptools into
an isolated build environment, as any `pip install` of a source folder does.
`wheel_problems` audits the result like release.audit audits the folder.
"""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path


class WheelError(ValueError):
    """pip could not build the wheel: the message holds pip's own last lines."""


def can_build_offline() -> bool:
    """True when this Python's setuptools can build a wheel without fetching anything."""
    try:
        import setuptools
    except ImportError:
        return False
    major, minor = (int(part) for part in setuptools.__version__.split(".")[:2])
    return (major, minor) >= (70, 1) or importlib.util.find_spec("wheel") is not None


def build_wheel(package: Path, dist: Path, timeout: float = 600) -> Path:
    """Build the wheel of the source folder `package` into `dist`; return its path."""
    dist.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="mindlab-wheel-") as scratch:
        copy = Path(scratch) / package.name
        shutil.copytree(package, copy)
        made = Path(scratch) / "dist"
        args = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet",
                "--disable-pip-version-check", "-w", str(made), str(copy)]
        if can_build_offline():
            args.insert(4, "--no-build-isolation")
        try:
            done = subprocess.run(args, capture_output=True, text=True, timeout=timeout)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise WheelError(f"pip could not build the wheel of {package}: {exc}") from None
        wheels = sorted(made.glob("*.whl"))
        if done.returncode != 0 or len(wheels) != 1:
            tail = "\n".join((done.stdout + done.stderr).strip().splitlines()[-8:])
            raise WheelError(f"pip could not build the wheel of {package}:\n{tail}")
        target = dist / wheels[0].name
        shutil.copyfile(wheels[0], target)
    return target


def wheel_problems(wheel: Path, is_secret: Callable[[Path], bool],
                   markers: tuple[str, ...]) -> list[str]:
    """Why `wheel` would give answers away: a member `is_secret` refuses (a reference,
    a hidden suite, a solution), or a text member holding one of `markers`."""
    problems = []
    with zipfile.ZipFile(wheel) as archive:
        for name in archive.namelist():
            member = Path(name)
            if is_secret(member):
                problems.append(f"{wheel.name}:{name} holds hidden checks or answers")
            elif member.suffix in (".py", ".ipynb", ".md", ".toml", ".txt"):
                text = archive.read(name).decode("utf-8", errors="replace")
                problems += [f"{wheel.name}:{name} contains {m!r}" for m in markers if m in text]
    return problems
