"""Which file is whose: the students of a batch folder, in three layouts (SPEC §3).

    flat        alice.py, bob.ipynb, carol/lab01.py      (one entry = one student)
    nbgrader    submitted/<student>/<assignment>/<notebook>.ipynb
    gradescope  submission_metadata.yml + submission_<id>/ folders ("Export Submissions")

`discover(folder)` returns one `Entry` per student, sorted by name. An entry that is
not a submission (a stray README, an empty folder, a folder holding two candidate
files) is still an entry: its `path` is None and its `reason` says what is wrong and
how to fix it, so the gradebook gets a row for it instead of silence.

>>> entries = discover(Path("examples/class"))            # doctest: +SKIP
>>> [(e.student, e.path.name if e.path else e.reason) for e in entries][:1]  # doctest: +SKIP
[('ada', 'ada.py')]
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from ..submissions import SUFFIXES, find_submission, is_litter
from .safety import MAX_BYTES, Unreadable, entry_problem, read_text

LAYOUTS = ("auto", "flat", "nbgrader", "gradescope")
GRADESCOPE_METADATA = "submission_metadata.yml"
# never a student: editor and OS litter, and our own output if OUTDIR sits inside DIR


class LayoutError(ValueError):
    """The folder cannot be read in the asked layout (a usage error, not a student's row)."""


@dataclass(frozen=True)
class Entry:
    student: str  # the row's name: the entry's name without suffix
    path: Path | None  # the submission file, or None when the entry is not a submission
    source: Path  # the entry as found in the batch folder
    reason: str = ""  # why it is not a submission, written for the instructor


def discover(folder: Path, layout: str = "auto", lab: str = "lab01",
             assignment: str | None = None) -> tuple[str, list[Entry]]:
    """(the layout used, one entry per student sorted by name) for a batch folder."""
    folder = Path(folder)
    if not folder.is_dir():
        raise LayoutError(f"{folder} is not a folder: give the folder holding the submissions")
    if layout not in LAYOUTS:
        raise LayoutError(f"unknown layout {layout!r}: choose one of {', '.join(LAYOUTS)}")
    if layout == "auto":
        layout = detect(folder)
    if layout == "nbgrader":
        entries = nbgrader_entries(folder, lab, assignment)
    elif layout == "gradescope":
        entries = gradescope_entries(folder, lab)
    else:
        entries = flat_entries(folder, lab)
    return layout, merge_duplicates(entries)


def detect(folder: Path) -> str:
    """'gradescope' when the export's metadata is there, 'nbgrader' for a course folder."""
    if (folder / GRADESCOPE_METADATA).is_file():
        return "gradescope"
    if (folder / "submitted").is_dir():
        return "nbgrader"
    return "flat"


def entry_of(student: str, source: Path, lab: str = "lab01", root: Path | None = None) -> Entry:
    """The entry for a file, or a folder holding one submission (submissions.py's rule).

    Whatever `source` is (a FIFO, a link out of `root`, an unreadable folder), the answer
    is an entry: one that cannot be read carries the reason (safety.py), never an error.
    """
    try:
        why = entry_problem(source, root if root is not None else source.parent)
        if why:
            return Entry(student, None, source, why)
        return readable_entry(student, source, lab)
    except (OSError, RuntimeError, RecursionError) as exc:  # a folder changing as we look
        return Entry(student, None, source, f"{source.name} could not be read ({exc})")


def readable_entry(student: str, source: Path, lab: str) -> Entry:
    """entry_of for a source that entry_problem found safe to read."""
    if source.is_file():
        if source.suffix in SUFFIXES:
            return Entry(student, source, source)
        return Entry(student, None, source,
                     f"{source.name} is not a submission: expected a .py or .ipynb file "
                     "(move other files out of the batch folder)")
    if not source.is_dir():
        return Entry(student, None, source, f"{source.name} is neither a file nor a folder")
    path, why = find_submission(source, lab, anywhere=True)
    return Entry(student, path, source, why)


def flat_entries(folder: Path, lab: str = "lab01") -> list[Entry]:
    """Each entry of the folder is one student: a file, or a folder holding one file."""
    return [entry_of(p.name if p.is_dir() else p.stem, p, lab, folder)
            for p in sorted(folder.iterdir()) if not is_litter(p)]


def merge_duplicates(entries: list[Entry]) -> list[Entry]:
    """One entry per student name: two entries with one name become one error row."""
    by_name: dict[str, list[Entry]] = {}
    for e in entries:
        by_name.setdefault(e.student, []).append(e)
    merged = []
    for name, group in sorted(by_name.items()):
        if len(group) == 1:
            merged.append(group[0])
        else:
            sources = ", ".join(e.source.name for e in group)
            merged.append(Entry(name, None, group[0].source,
                                f"{len(group)} entries are named {name} ({sources}): "
                                "keep one, or rename the others"))
    return merged


# ---------------------------------------------------------------- nbgrader


def nbgrader_entries(folder: Path, lab: str, assignment: str | None) -> list[Entry]:
    """submitted/<student>/<assignment>/<notebook>.ipynb; `folder` is the course or submitted/."""
    root = folder / "submitted" if (folder / "submitted").is_dir() else folder
    students = [p for p in sorted(root.iterdir()) if p.is_dir() and not is_litter(p)]
    if assignment is None:
        assignment = pick_assignment(students, lab)
    entries = []
    for student in students:
        where = student / assignment
        if student.is_symlink():  # a student folder linked to source/ or to another's
            entries.append(Entry(student.name, None, student,  # (found from outside: the
                                 entry_problem(student, folder)))  # master notebook, 30/30)
        elif not where.is_dir():
            entries.append(Entry(student.name, None, student,
                                 f"no folder {assignment}/ in submitted/{student.name}/: "
                                 "this student did not submit this assignment"))
        else:
            entries.append(entry_of(student.name, where, lab, folder))
    entries += [Entry(p.stem, None, p, f"{p.name} is not a student folder of submitted/")
                for p in sorted(root.iterdir()) if p.is_file() and not is_litter(p)]
    return entries


def pick_assignment(students: list[Path], lab: str) -> str:
    """The lab's id when some student has that folder, else the only assignment there is."""
    names = {a.name for s in students for a in listing(s) if a.is_dir() and not is_litter(a)}
    if lab in names or not names:
        return lab
    if len(names) == 1:
        return names.pop()
    raise LayoutError(f"the nbgrader folder holds several assignments ({', '.join(sorted(names))})"
                      ": choose one with --assignment NAME")


def listing(folder: Path) -> list[Path]:
    """The folder's entries, or none when it cannot be read (its student's row says why)."""
    try:
        return sorted(folder.iterdir())
    except OSError:
        return []


# ---------------------------------------------------------------- Gradescope


def gradescope_entries(folder: Path, lab: str = "lab01") -> list[Entry]:
    """One entry per submission folder, named by its submitters' SIDs (or e-mails).

    Gradescope's export maps each folder to its submitters in YAML written by Ruby,
    so keys carry a leading colon:

        submission_231: {":submitters": [{":name": "Ada L", ":sid": "1001", ...}], ...}
    """
    metadata = read_gradescope_metadata(folder / GRADESCOPE_METADATA)
    entries = []
    for p in sorted(folder.iterdir()):
        if is_litter(p) or p.name == GRADESCOPE_METADATA:
            continue
        entries.append(entry_of(gradescope_student(p.name, metadata.get(p.name)), p, lab,
                                folder))
    # one name for two submissions: a SID a student typed in as another's (found from
    # outside: Ada's 1001 became an error row), or two that safe_name made alike; each
    # keeps its row, named with its folder, instead of both becoming one error row
    count: dict[str, int] = {}
    for e in entries:
        count[e.student] = count.get(e.student, 0) + 1
    return [Entry(f"{e.student}~{safe_name(e.source.name)[:48]}", e.path, e.source, e.reason)
            if count[e.student] > 1 else e for e in entries]


def gradescope_student(folder_name: str, record: object) -> str:
    """'1001' for one submitter, '1001+1002' for a group, the folder's name when unknown."""
    submitters = record.get(":submitters") if isinstance(record, dict) else None
    ids = []
    for s in submitters if isinstance(submitters, list) else []:
        if isinstance(s, dict):
            ident = s.get(":sid") or s.get(":email")
            if ident:
                ids.append(safe_name(str(ident))[:200])
            elif s.get(":name"):  # a name the student chose: never another's SID (a name
                # "1001" made Ada's 1001 an error row, found from outside), so with its folder
                ids.append(f"{safe_name(str(s[':name']))[:150]}~{safe_name(folder_name)[:48]}")
    return "+".join(ids) or folder_name


def safe_name(text: str) -> str:
    """A student name usable as a file name: 'Ada L/x' -> 'Ada_L_x'."""
    return re.sub(r"[^\w.@+-]", "_", text).lstrip(".") or "_"


def read_gradescope_metadata(path: Path) -> dict:
    """The export's YAML as a dict; Ruby-only tags (!ruby/object:...) are read as plain data."""
    try:
        import yaml
    except ImportError:
        raise LayoutError("reading a Gradescope export needs PyYAML: pip install pyyaml") from None

    class Loader(yaml.SafeLoader):
        pass

    def plain(loader, suffix, node):  # any unknown tag: keep the data, drop the tag
        if isinstance(node, yaml.MappingNode):
            return loader.construct_mapping(node, deep=True)
        if isinstance(node, yaml.SequenceNode):
            return loader.construct_sequence(node, deep=True)
        return loader.construct_scalar(node)

    Loader.add_multi_constructor("!", plain)
    try:
        text = read_text(path, MAX_BYTES)
    except Unreadable as exc:
        raise LayoutError(f"{exc} (the export's {GRADESCOPE_METADATA})") from None
    try:
        data = yaml.load(text, Loader=Loader)
    except yaml.YAMLError as exc:
        raise LayoutError(f"{path} is not valid YAML ({exc}): re-download the export") from None
    return data if isinstance(data, dict) else {}
