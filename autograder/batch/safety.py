"""What a batch may read: regular files inside the submissions folder, of a sane size.

A batch folder is written by students, so any entry may be hostile: a FIFO (opening it
waits for a writer forever), a link to /dev/zero (never ends) or /proc/self/pagemap
(hundreds of GB), a link to the instructor's files, a 3 GB file, a file nobody may read.
Each becomes its student's error row with the reason, never a hang or a traceback:

- `entry_problem(source, root)` looks (lstat, never open) at an entry and, for a folder,
  everything below it that could be read: links resolving outside `root`, special files,
  unreadable folders;
- `hash_file(path)` opens with O_NONBLOCK, checks what it opened (fstat) and reads at most
  `MAX_BYTES`.

>>> import tempfile; root = Path(tempfile.mkdtemp())
>>> (root / "eve.py").symlink_to("/dev/zero")
>>> entry_problem(root / "eve.py", root)
'eve.py is a link to /dev/zero, outside the batch folder: links out of the folder are not graded (copy the file in instead)'
"""  # noqa: E501

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Iterator
from pathlib import Path

from ..submissions import inside, is_litter, shown

MAX_BYTES = 50 * 2**20  # a submission file larger than this is not read
MAX_FILES = 10_000  # entries below one student's folder
MAX_DEPTH = 32  # folder levels below one student's folder
SYSTEM = ("/proc", "/sys")  # files there are not what their size says (/dev: not regular)
_OPEN = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)


class Unreadable(ValueError):
    """A submission file the batch will not read; the message is the row's reason."""


def kind(mode: int) -> str:
    """'a FIFO (named pipe)' for a FIFO's st_mode; what the file is, in words."""
    for test, words in ((stat.S_ISREG, "a file"), (stat.S_ISDIR, "a folder"),
                        (stat.S_ISFIFO, "a FIFO (named pipe)"),
                        (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
                        (stat.S_ISSOCK, "a socket"), (stat.S_ISLNK, "a link")):
        if test(mode):
            return words
    return "a special file"


def is_system(path: Path | str) -> bool:
    """Under /proc or /sys once links are resolved."""
    real = os.path.realpath(path)
    return any(real == s or real.startswith(s + "/") for s in SYSTEM)


def label(path: Path | str, root: Path | str) -> str:
    """`path` as the instructor finds it in the batch folder: 'carol/data/x.csv'."""
    try:
        return shown(os.path.relpath(path, root))
    except ValueError:  # another drive (Windows)
        return shown(str(path))


def outside(path: Path | str, root: Path | str) -> str:
    """The reason for a link (or a path through one) leaving the batch folder."""
    try:
        target = f"a link to {os.readlink(path)}"
    except OSError:
        target = "reached through a link"
    return (f"{label(path, root)} is {target}, outside the batch folder: links out of the "
            "folder are not graded (copy the file in instead)")


def file_problem(path: Path | str, st: os.stat_result, root: Path | str) -> str:
    """'' for a regular, readable, small enough file (st: its stat, links followed)."""
    name = label(path, root)
    if not stat.S_ISREG(st.st_mode):
        return f"{name} is {kind(st.st_mode)}, not a file: nothing to grade"
    if is_system(path):
        return f"{name} is a file of the system ({os.path.realpath(path)}), not a submission"
    if st.st_size > MAX_BYTES:
        return (f"{name} is {st.st_size / 2**20:.0f} MB, larger than the "
                f"{MAX_BYTES // 2**20} MB a submission may be: nothing was read")
    if not os.access(path, os.R_OK):
        return f"{name} cannot be read (permission denied): make it readable and rerun"
    return ""


def entry_problem(source: Path, root: Path) -> str:
    """'' when a batch entry (file or folder) is safe to read, else why not (one sentence)."""
    name = label(source, root)
    try:
        st = os.lstat(source)
    except OSError as exc:
        return f"{name} cannot be read ({exc.strerror})"
    if not inside(source, root):
        return outside(source, root)
    if stat.S_ISLNK(st.st_mode) and os.path.exists(source):
        return elsewhere(source, root)  # (a link into the folder: another entry's file)
    try:
        st = os.stat(source)
    except OSError as exc:
        return f"{name} is a link that leads nowhere ({exc.strerror})"
    if stat.S_ISDIR(st.st_mode):
        return tree_problem(source, root)
    return file_problem(source, st, root)


def elsewhere(path: Path | str, root: Path | str) -> str:
    """The reason for a link inside the batch folder that leaves its student's own entry:
    a student graded on another's file (found from outside: `mallory/lab01.py` linked to
    `../alice/lab01.py` scored alice's marks, and a class cloned from git keeps links)."""
    try:
        target = os.readlink(path)
    except OSError:
        target = "another file"
    return (f"{label(path, root)} is a link to {target}, outside its own submission: a "
            "submission is graded on its own files only (copy the file in instead)")


def tree_problem(folder: Path, root: Path) -> str:
    """'' when nothing below `folder` is a link out, a special file or unreadable.

    Hidden files and folders, `__pycache__` and checkpoints are not looked into: nothing
    reads them (submissions.is_litter), so their links out (a `.venv/bin/python`) harm none.
    """
    stack, seen = [(str(folder), 0)], 0
    while stack:
        where, depth = stack.pop()
        try:
            with os.scandir(where) as it:
                items = sorted(it, key=lambda e: e.name)
        except OSError as exc:
            return f"{label(where, root)}/ cannot be read ({exc.strerror}): nothing was graded"
        for item in items:
            if is_litter(Path(item.name)):  # never read: a .venv's links to python are fine
                continue
            seen += 1
            if seen > MAX_FILES:
                return (f"{label(folder, root)}/ holds more than {MAX_FILES} files: leave "
                        "only the submission in it")
            why = item_problem(item, depth, root, folder)
            if why:
                return why
            if item.is_dir(follow_symlinks=False):
                stack.append((item.path, depth + 1))
    return ""


def item_problem(item: os.DirEntry, depth: int, root: Path, own: Path) -> str:
    """'' for one thing found below a student's folder (`own`) that the batch may leave
    there."""
    try:
        st = item.stat(follow_symlinks=False)
        if stat.S_ISLNK(st.st_mode):
            if not inside(item.path, root):
                return outside(item.path, root)
            st = os.stat(item.path)
            if not inside(item.path, own):
                return elsewhere(item.path, root)
    except OSError:
        return ""  # a dangling or looping link inside the folder: never a candidate file
    if stat.S_ISDIR(st.st_mode):
        if depth + 1 > MAX_DEPTH:
            return (f"{label(item.path, root)}/ is more than {MAX_DEPTH} folders deep: "
                    "unpack the submission flatter")
        return ""
    if not stat.S_ISREG(st.st_mode):
        return (f"{label(item.path, root)} is {kind(st.st_mode)}, not a file: remove it "
                "from the submission")
    return ""


def hash_file(path: Path, limit: int = MAX_BYTES) -> str:
    """The SHA-256 of a regular file, read without blocking; Unreadable says why not.

    >>> hash_file(Path("/dev/null"))
    Traceback (most recent call last):
    ...
    mindlab_grader.batch.safety.Unreadable: null is a character device, not a file: nothing to grade
    """
    digest = hashlib.sha256()
    for chunk in chunks(path, limit):
        digest.update(chunk)
    return digest.hexdigest()


def read_text(path: Path, limit: int = MAX_BYTES) -> str:
    """A regular file's text (undecodable bytes replaced), read as `hash_file` reads."""
    return b"".join(chunks(path, limit)).decode("utf-8", errors="replace")


def chunks(path: Path, limit: int) -> Iterator[bytes]:
    """A regular file's bytes, 1 MB at a time: never a FIFO, device or more than `limit`."""
    name = Path(path).name
    try:
        before = os.stat(path)  # never open a device: opening some has effects
    except OSError as exc:
        raise Unreadable(f"{name} cannot be read ({exc.strerror})") from None
    why = file_problem(path, before, Path(path).parent)
    if why:
        raise Unreadable(why)
    try:
        fd = os.open(path, _OPEN)
    except OSError as exc:
        raise Unreadable(f"{name} cannot be read ({exc.strerror}): make it readable and "
                         "rerun") from None
    try:
        why = file_problem(path, os.fstat(fd), Path(path).parent)  # what was opened
        if why:
            raise Unreadable(why)
        total = 0
        while chunk := os.read(fd, 1 << 20):
            total += len(chunk)
            if total > limit:
                raise Unreadable(f"{name} is larger than the {limit // 2**20} MB a submission "
                                 "may be: nothing was graded")
            yield chunk
    except OSError as exc:
        raise Unreadable(f"{name} cannot be read ({exc.strerror})") from None
    finally:
        os.close(fd)
