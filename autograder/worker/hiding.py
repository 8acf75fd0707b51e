"""Hiding the grader from learner code: refused imports, stand-in modules, silent output.

>>> b = Blocker(["solutions"]); b.blocks("solutions.lab01"), b.blocks("numpy")
(True, False)
"""

from __future__ import annotations

import importlib
import importlib.abc
import io
import sys
import types


class Blocker(importlib.abc.MetaPathFinder):
    """Refuses imports of the grader, the solutions and the reference; remembers attempts."""

    def __init__(self, names: list[str]) -> None:
        self.names = list(names)
        self.attempts: list[str] = []

    def blocks(self, fullname: str) -> bool:
        return any(fullname == n or fullname.startswith(n + ".") for n in self.names)

    def find_spec(self, fullname, path=None, target=None):
        if self.blocks(fullname):
            if fullname not in self.attempts:
                self.attempts.append(fullname)
            raise ModuleNotFoundError(f"No module named {fullname!r} (the grader hides it)",
                                      name=fullname)
        return None


class Silent(io.TextIOBase):
    """Stands in for sys.stdout/sys.stderr: what learner code prints goes nowhere.

    A flood of print() costs the learner's own time, never the grader's memory or disk.
    """

    def write(self, s) -> int:
        return len(str(s))

    def writable(self) -> bool:
        return True

    def isatty(self) -> bool:
        return False

    def fileno(self) -> int:
        return 1  # /dev/null


def hide(blocked: list[str], hide_paths: list[str], blocker: Blocker) -> None:
    """Drop the grader and the reference from sys.modules and sys.path; block re-imports."""
    for mod in list(sys.modules):
        if any(mod == n or mod.startswith(n + ".") for n in blocked):
            parent, _, child = mod.rpartition(".")
            if parent in sys.modules and getattr(sys.modules[parent], child, None) is \
                    sys.modules[mod]:
                try:
                    delattr(sys.modules[parent], child)
                except AttributeError:
                    pass
            del sys.modules[mod]
    hidden = set(hide_paths)
    sys.path[:] = [p for p in sys.path if p not in hidden]
    sys.meta_path.insert(0, blocker)
    importlib.invalidate_caches()


NATIVE = ("ctypes", "_ctypes")  # numpy imports ctypes, the lockdown uses it


def native_holders() -> list[tuple[str, str]]:
    """(module, name) of every global that holds ctypes, found once in the fork server
    (a worker that looked through every module itself would touch, and so copy, most of
    the memory it shares with the fork server: 10 ms a student)."""
    native = Blocker(list(NATIVE)).blocks
    gone = [m for name, m in sys.modules.items() if native(name)]
    return [(module_name, key) for module_name, module in list(sys.modules.items())
            if type(getattr(module, "__dict__", None)) is dict
            for key, value in list(vars(module).items()) if any(value is g for g in gone)]


def forget_native(blocker: Blocker, holders: list[tuple[str, str]]) -> None:
    """Let ctypes go once the kernel's part of the confinement is set (worker/lockdown.py):
    out of sys.modules, out of every module that holds it (`holders`, native_holders:
    numpy._core._internal, which works without it), refused on import (the Blocker, and
    the guard's "import" rule). Its C types stay in memory (object.__subclasses__()
    reaches them): this takes away the easy ways to them; Landlock, the kernel's filter
    and the sandbox are what hold beyond (docs/threat-model.md)."""
    native = Blocker(list(NATIVE)).blocks
    for name in [n for n in sys.modules if native(n)]:
        del sys.modules[name]
    for module_name, key in holders:
        module = sys.modules.get(module_name)
        if module is not None:
            vars(module)[key] = None
    blocker.names.extend(n for n in NATIVE if n not in blocker.names)


class Nothing:
    """What a stubbed picture returns: any attribute or call gives Nothing again."""

    def __getattr__(self, name: str) -> Nothing:
        if name.startswith("__"):
            raise AttributeError(name)
        return self

    def __call__(self, *args, **kwargs) -> Nothing:
        return self

    def __iter__(self):
        return iter(())

    def __repr__(self) -> str:
        return "<not drawn while grading>"


def install_stub(name: str, blocker: Blocker | None = None) -> None:
    """Put a do-nothing module at `name` (e.g. pictures, or the in-notebook check cells).

    The grader draws no pictures and runs no in-notebook checks: learner code that
    calls them keeps running, quickly, and their results are never graded.
    """
    module = types.ModuleType(name, "stand-in while grading: every function does nothing")
    module.__path__ = []  # a package, so `import name.sub` asks the Blocker (and is refused)
    module.__getattr__ = lambda attr: (Nothing() if not attr.startswith("__")
                                       else _no_attr(attr))
    sys.modules[name] = module
    parent, _, child = name.rpartition(".")
    if parent:
        if parent not in sys.modules:
            if blocker is not None and blocker.blocks(parent):  # hidden (autograder): a
                install_stub(parent, blocker)  # stand-in too, never an import attempt
            else:  # a real package keeps its other modules (mindlab_core.lab02's models)
                importlib.import_module(parent)
        setattr(sys.modules[parent], child, module)


def _no_attr(attr: str):
    raise AttributeError(attr)
