"""File names for students: results/<stem>.json and feedback/<stem>.txt, whatever the name.

A student's name comes from a file or folder name, an nbgrader id or a Gradescope SID:
it may hold '/', '..', NUL, a newline, '<script>', or differ from another only in case.
`file_stem` keeps an ordinary name as it is and turns any other into a safe one that
names its student alone (the cleaned name plus a hash of the real one); `stems` also
separates names that one file system would take for the same file (Ada, ada: 'ada'
keeps its name, 'Ada' gets a hashed one).

>>> file_stem("ada"), file_stem("=cmd"), file_stem("../x")
('ada', '=cmd', '_._x~d6b96a97d1')
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable

STEM_BYTES = 100  # of a stem's readable part; a file name may have 255 bytes
# what a file name may not hold anywhere: path separators, controls, Windows' reserved
# characters, and '~', which marks our own hashed names
_UNSAFE = re.compile(r'[\x00-\x1f\x7f-\x9f/\\:*?"<>|~\u202a-\u202e\u2066-\u2069\ud800-\udfff]')
_RESERVED = {"con", "prn", "aux", "nul", *(f"{p}{i}" for p in ("com", "lpt") for i in range(10))}


def is_plain(name: str) -> bool:
    """A name usable as a file name as it is: 'ada' yes, '../x', '.x', 'a b ' no."""
    return (bool(name) and not _UNSAFE.search(name) and not name.startswith(".")
            and not name.endswith((".", " ")) and len(name.encode()) <= STEM_BYTES
            and name.split(".")[0].lower() not in _RESERVED)


def file_stem(student: str) -> str:
    """The student's name when it is a plain file name, else 'cleaned~hash' (always safe).

    >>> file_stem("a/b") != file_stem("a_b") == "a_b"
    True
    """
    if is_plain(student):
        return student
    clean = _UNSAFE.sub("_", student)
    clean = clean.encode()[:STEM_BYTES].decode(errors="ignore").rstrip(". ")
    if clean.startswith("."):
        clean = "_" + clean[1:]
    digest = hashlib.sha256(student.encode(errors="surrogatepass")).hexdigest()[:10]
    return f"{clean}~{digest}"


def stems(students: Iterable[str]) -> dict[str, str]:
    """Each student's stem; of names equal but for case, all but one get hashed stems.

    >>> stems(["Ada", "ada", "bob"])
    {'Ada': 'Ada~99a563ab2f', 'ada': 'ada', 'bob': 'bob'}
    """
    names = sorted(set(students))
    found = {s: file_stem(s) for s in names}
    folded: dict[str, list[str]] = {}
    for s, stem in found.items():
        folded.setdefault(stem.casefold(), []).append(s)
    for group in folded.values():  # one keeps its name: the lower-case one, else the first
        keep = min(group, key=lambda s: (s != s.casefold(), s))
        for s in group:
            if s != keep:
                found[s] = hashed(s)
    return found


def hashed(student: str) -> str:
    """A stem that always carries the hash: 'Ada' -> 'Ada~<hash>'."""
    stem = file_stem(student)
    if "~" in stem:
        return stem
    digest = hashlib.sha256(student.encode(errors="surrogatepass")).hexdigest()[:10]
    return f"{stem}~{digest}"
