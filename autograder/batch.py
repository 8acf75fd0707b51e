"""Grade a whole class: a folder of submissions in, a gradebook out (SPEC §3, §4).

    mindlab grade-batch submissions/ --out grades/ --jobs 4

Nothing is lost. Each student's result is written to OUTDIR/results/<student>.json
(tmp file + os.replace) the moment it is known, with the submission's content hash
and the suites' hash. Rerunning the same command after a Ctrl-C or a kill skips every
student whose submission and suites are unchanged (`force=True` regrades all). The
gradebook is rebuilt from results/ at the end:

    grades.csv  grades.json  feedback/<student>.txt|.json  report.html  manifest.json

Fast: `jobs` threads each own one `runner.Grader`, which pays its start-up once and
then grades submission after submission. A learner's hang, memory bomb or crash costs
that learner's row only (the Grader's business); a fault of the Grader itself costs
one row too, and the thread opens a fresh Grader for the next student.

Beyond one machine: `shard=(i, n)` keeps the students whose stable name hash falls in
part i of n, and `merge([out1, out2, ...], out)` joins the parts into one gradebook.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import queue
import sys
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from .batch_layouts import Entry, discover
from .labs import get_lab
from .sandbox import resolve_isolation

RESULT_VERSION = 1  # bump when a result record changes shape: old records get regraded


# ---------------------------------------------------------------- shards


def parse_shard(text: str) -> tuple[int, int]:
    """'2/4' -> (2, 4): part 2 of 4, counted from 1 like Slurm's --array=1-4."""
    try:
        i, n = (int(x) for x in text.split("/"))
    except ValueError:
        raise ValueError(f"bad shard {text!r}: write it as i/n, e.g. 2/4 for part 2 of 4") from None
    if not 1 <= i <= n:
        raise ValueError(f"bad shard {text!r}: i must be between 1 and n")
    return i, n


def shard_of(student: str, n: int) -> int:
    """The part (1..n) a student belongs to: a stable hash, the same on every machine.

    >>> shard_of("ada", 4)
    3
    """
    return int(hashlib.sha256(student.encode()).hexdigest()[:12], 16) % n + 1


# ---------------------------------------------------------------- result records


def content_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def results_dir(out: Path) -> Path:
    return Path(out) / "results"


def write_atomic(path: Path, text: str) -> None:
    """Write via a tmp file and os.replace: a reader sees the old file or the new, never half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def save_record(out: Path, record: dict) -> None:
    # compact: json's C encoder only runs without indent (5x faster, and this is per student)
    write_atomic(results_dir(out) / f"{record['student']}.json",
                 json.dumps(record, separators=(",", ":")))


def load_record(out: Path, student: str) -> dict | None:
    """The stored record of a student, or None (missing, unreadable, or an older shape)."""
    try:
        record = json.loads((results_dir(out) / f"{student}.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return record if record.get("version") == RESULT_VERSION else None


NOT_YET = "not graded yet: the batch was interrupted; rerun to continue"


def entry_record(entry: Entry, lab: str, suite: str, **more: Any) -> dict:
    """The record of one student; `report` is the SPEC §4 report, None if not graded."""
    record = {"version": RESULT_VERSION, "student": entry.student, "lab": lab, "suite": suite,
              "entry": str(entry.source), "submission": str(entry.path) if entry.path else None,
              "status": "error", "reason": entry.reason, "content_hash": None,
              "suite_hash": None, "seconds": 0.0, "graded_at": now(), "report": None}
    record.update(more)
    return record


def graded_record(entry: Entry, report: Any, lab: str, suite: str, digest: str,
                  suite_hash: str, seconds: float) -> dict:
    """A record from the Grader's report: a report with status 'error' is an error row."""
    data = report.to_json()
    ok = data.get("status") == "graded"
    notes = "; ".join(str(n) for n in data.get("notes") or [])
    reason = notes if ok else (notes or "the grader could not grade this submission")
    return entry_record(entry, lab, suite, status="graded" if ok else "error", reason=reason,
                        content_hash=digest, suite_hash=suite_hash, seconds=round(seconds, 4),
                        report=data)


def is_reusable(record: dict | None, digest: str, suite_hash: str, lab: str, suite: str) -> bool:
    """A stored grade still stands: same file, same suites, and it was graded (not a fault)."""
    return (record is not None and record.get("status") == "graded"
            and record.get("content_hash") == digest and record.get("suite_hash") == suite_hash
            and record.get("lab") == lab and record.get("suite") == suite)


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


# ---------------------------------------------------------------- grading


@dataclass
class Summary:
    """What a batch did; `records` are the rows of the gradebook, sorted by student."""

    records: list[dict] = field(default_factory=list)
    graded_now: int = 0
    reused: int = 0
    seconds: float = 0.0
    interrupted: bool = False

    @property
    def graded(self) -> int:
        return sum(r["status"] == "graded" for r in self.records)

    @property
    def pending(self) -> int:
        """Rows an interruption left ungraded (the next run grades them)."""
        return sum(r.get("reason") == NOT_YET for r in self.records)

    @property
    def errors(self) -> int:
        return sum(r["status"] != "graded" for r in self.records) - self.pending

    @property
    def faults(self) -> int:
        """Rows where the grader itself failed (not a learner's fault, not a stray file)."""
        return sum(bool(r.get("fault")) for r in self.records)

    @property
    def mean_score(self) -> float | None:
        scores = [r["report"]["score"] for r in self.records if r["status"] == "graded"]
        return sum(scores) / len(scores) if scores else None

    def line(self) -> str:
        """'graded 12, errors 2, reused 0, mean 21.3 / 30, 4.1 s'"""
        mean = self.mean_score
        max_score = next((r["report"]["max_score"] for r in self.records
                          if r["status"] == "graded"), None)
        score = f"mean {mean:.1f} / {max_score:g}" if mean is not None else "mean -"
        pending = f"not graded yet {self.pending}, " if self.pending else ""
        return (f"graded {self.graded}, errors {self.errors}, {pending}reused {self.reused}, "
                f"{score}, {self.seconds:.1f} s")


def default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


def runner_factory(lab: str, suite: str, isolation: str, **options: Any) -> Callable[[], Any]:
    """A function making a fresh runner.Grader (a context manager) per job thread.

    `options` are the Grader's limits: call_timeout, load_timeout, memory_mb.
    """
    from .runner import Grader

    return lambda: Grader(lab=lab, suite=suite, isolation=isolation, **options)


def _suites_sha256(lab: str, suite: str) -> str:
    """The suites' hash as every report's provenance gives it (suites_sha256)."""
    from .runner import suites_hash

    return suites_hash(lab, suite)


def grading_hash(lab: str, suite: str, options: dict | None = None) -> str:
    """What a grade depends on besides the file: every suite file of the lab (the hidden
    checks import shared helpers next to hidden/), the reference, mindlab's version and
    the Grader's limits (a tighter time limit can change a grade)."""
    import importlib.util

    from mindlab_core import __version__

    from .runner import suites_hash

    reference = importlib.util.find_spec(get_lab(lab).reference)
    limits = json.dumps(options or {}, sort_keys=True)
    digest = hashlib.sha256(f"{suites_hash(lab)}\0{suite}\0{__version__}\0{limits}\0".encode())
    if reference is not None and reference.origin:
        digest.update(Path(reference.origin).read_bytes())
    return digest.hexdigest()


def grade_batch(folder: Path, out: Path, *, lab: str = "lab01", suite: str = "hidden",
                jobs: int | None = None, layout: str = "auto", assignment: str | None = None,
                force: bool = False, shard: tuple[int, int] | None = None,
                isolation: str = "auto", progress: Callable[[dict, int, int], None] | None = None,
                make_grader: Callable[[], Any] | None = None, suite_hash: str | None = None,
                command: str | None = None, **limits: Any) -> Summary:
    """Grade every student of `folder` into `out`; see the module docstring.

    `progress(record, done, total)` is called after each student graded now.
    `limits` go to each runner.Grader (call_timeout, load_timeout, memory_mb).
    `make_grader` and `suite_hash` default to the isolated runner's (tests pass stand-ins).
    """
    started, t0 = now(), time.perf_counter()
    get_lab(lab)  # a clear error for an unknown lab before anything runs
    folder, out = Path(folder), Path(out)
    if out.resolve() == folder.resolve():
        raise ValueError(f"--out {out} is the submissions folder itself: the gradebook would "
                         "mix with the students' files. Choose another folder, e.g. --out grades")
    layout_used, entries = discover(folder, layout, lab, assignment)
    entries = [e for e in entries if e.source.resolve() != out.resolve()]  # OUTDIR inside DIR
    if shard is not None:
        entries = [e for e in entries if shard_of(e.student, shard[1]) == shard[0]]
    if make_grader is None:
        isolation = resolve_isolation(isolation, suite)  # a usage error before any grading
        make_grader = runner_factory(lab, suite, isolation, **limits)
    suite_hash = suite_hash or grading_hash(lab, suite, limits)
    results_dir(out).mkdir(parents=True, exist_ok=True)

    summary, todo = Summary(), []
    for entry in entries:
        if entry.path is None:
            save_record(out, entry_record(entry, lab, suite))
            continue
        digest = content_hash(entry.path)
        if not force and is_reusable(load_record(out, entry.student), digest, suite_hash,
                                     lab, suite):
            summary.reused += 1
        else:
            todo.append((entry, digest))

    def grade_one(grader: Any, entry: Entry, digest: str) -> dict:
        t = time.perf_counter()
        report = grader.grade(entry.path, name=entry.student)
        return graded_record(entry, report, lab, suite, digest, suite_hash,
                             time.perf_counter() - t)

    def fault(entry: Entry, digest: str, exc: BaseException) -> dict:
        return entry_record(entry, lab, suite, content_hash=digest, suite_hash=suite_hash,
                            fault=True, reason=f"the grader failed on this submission "
                            f"({type(exc).__name__}: {exc}); rerun the command to retry it")

    jobs = max(1, min(jobs or default_jobs(), len(todo) or 1))
    summary.graded_now, summary.interrupted = run_pool(
        todo, jobs, make_grader, grade_one, fault, lambda r: save_record(out, r), progress)

    summary.records = [load_record(out, e.student) or entry_record(e, lab, suite,
                       reason=NOT_YET)
                       for e in entries]
    summary.seconds = time.perf_counter() - t0
    manifest = {"lab": lab, "suite": suite, "suites_sha256": _suites_sha256(lab, suite),
                "suite_hash": suite_hash,  # the resume key: suites, reference, version, limits
                "layout": layout_used,
                "source": str(folder), "shard": f"{shard[0]}/{shard[1]}" if shard else None,
                "jobs": jobs, "started": started, "command": command,
                "complete": not summary.interrupted,
                "isolation_asked": isolation, "limits": limits,
                "regraded": summary.graded_now,
                "reused": summary.reused}
    write_gradebook(out, summary.records, manifest, seconds=summary.seconds)
    return summary


def run_pool(todo: list[tuple[Entry, str]], jobs: int, make_grader: Callable[[], Any],
             grade_one: Callable, fault: Callable, save: Callable[[dict], None],
             progress: Callable | None) -> tuple[int, bool]:
    """Grade `todo` on `jobs` threads, one Grader each; (how many graded, interrupted?).

    A worker saves each record itself, so a result survives whatever happens next.
    After a Ctrl-C the in-flight grades are dropped, not saved: the signal reached
    the learners' processes too, and a grade cut short by it is not the learner's.
    """
    tasks: queue.SimpleQueue = queue.SimpleQueue()
    for task in todo:
        tasks.put(task)
    done: queue.SimpleQueue = queue.SimpleQueue()
    stop = threading.Event()

    def work() -> None:
        with contextlib.ExitStack() as stack:
            grader = None
            while not stop.is_set():
                try:
                    entry, digest = tasks.get_nowait()
                except queue.Empty:
                    return
                try:
                    if grader is None:
                        grader = stack.enter_context(make_grader())
                    record = grade_one(grader, entry, digest)
                except Exception as exc:  # the grader's own fault: this row, then a fresh one
                    record = fault(entry, digest, exc)
                    with contextlib.suppress(Exception):
                        stack.close()
                    grader = None
                if stop.is_set():
                    return
                save(record)
                done.put(record)

    threads = [threading.Thread(target=work, daemon=True, name=f"grader-{i}")
               for i in range(jobs)]
    for t in threads:
        t.start()
    count = 0
    try:
        while count < len(todo) and any(t.is_alive() for t in threads):
            try:
                record = done.get(timeout=0.2)
            except queue.Empty:
                continue
            count += 1
            if progress is not None:
                progress(record, count, len(todo))
        while True:  # records a dying thread delivered after the last check
            try:
                done.get_nowait()
                count += 1
            except queue.Empty:
                break
    except KeyboardInterrupt:
        stop.set()
        for t in threads:
            t.join(timeout=5)
        return count, True
    for t in threads:
        t.join()
    return count, False


# ---------------------------------------------------------------- merging shards


def merge(parts: Iterable[Path], out: Path, command: str | None = None) -> tuple[list[dict],
                                                                                 list[str]]:
    """Join the outputs of several runs (shards) into one gradebook in `out`.

    Returns (records, warnings). Warnings name parts graded with other suites, missing
    shards, and students found in two parts (the later grade wins).
    """
    started, t0 = now(), time.perf_counter()
    records: dict[str, dict] = {}
    warnings, manifests = [], []
    for part in (Path(p) for p in parts):
        if not results_dir(part).is_dir():
            raise ValueError(f"{part} holds no results/ folder: give output folders of "
                             "mindlab grade-batch")
        manifest = read_json(Path(part) / "manifest.json") or {}
        manifests.append(manifest)
        listed = manifest.get("students")  # results/ may hold students of older runs
        paths = ([results_dir(part) / f"{s}.json" for s in listed] if listed is not None
                 else sorted(results_dir(part).glob("*.json")))
        for path in paths:
            record = read_json(path)
            if not record or record.get("version") != RESULT_VERSION:
                continue
            old = records.get(record["student"])
            if old is not None:
                warnings.append(f"{record['student']} is in two parts; keeping the later grade")
                if old.get("graded_at", "") > record.get("graded_at", ""):
                    continue
            records[record["student"]] = record
    warnings += merge_warnings(manifests, list(records.values()))
    for record in records.values():
        save_record(out, record)
    rows = [records[s] for s in sorted(records)]
    first = manifests[0] if manifests else {}
    manifest = {"lab": first.get("lab"), "suite": first.get("suite"),
                "suite_hash": first.get("suite_hash"), "layout": first.get("layout"),
                "source": first.get("source"), "shard": None, "started": started,
                "command": command, "complete": all(m.get("complete") for m in manifests),
                "merged_from": [str(p) for p in parts], "warnings": warnings}
    write_gradebook(out, rows, manifest, seconds=time.perf_counter() - t0)
    return rows, warnings


def merge_warnings(manifests: list[dict], records: list[dict]) -> list[str]:
    warnings = []
    hashes = {r.get("suite_hash") for r in records if r.get("suite_hash")}
    if len(hashes) > 1:
        warnings.append(f"the parts were graded with {len(hashes)} different versions of the "
                        "suites: regrade the older parts so every student meets the same checks")
    shards = [m.get("shard") for m in manifests if m.get("shard")]
    if shards:
        n = int(shards[0].split("/")[1])
        have = {int(s.split("/")[0]) for s in shards if int(s.split("/")[1]) == n}
        missing = sorted(set(range(1, n + 1)) - have)
        if missing:
            warnings.append(f"shards {', '.join(f'{i}/{n}' for i in missing)} are missing: "
                            "those students are not in this gradebook")
    if any(not m.get("complete", True) for m in manifests):
        warnings.append("some parts were interrupted: rerun them before merging")
    return warnings


def read_json(path: Path) -> Any:
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


# ---------------------------------------------------------------- the gradebook


def tool_ids(records: list[dict]) -> list[str]:
    """Tool columns: the lab's tools, in the lab's order."""
    labs = {r["lab"] for r in records if r.get("lab")}
    ids: list[str] = []
    for lab in sorted(labs):
        with contextlib.suppress(ValueError):
            ids += [t.id for t in get_lab(lab).tools if t.id not in ids]
    for r in records:  # tools a report has beyond the lab's list (a newer suite)
        for t in (r.get("report") or {}).get("tools", []):
            if t["id"] not in ids:
                ids.append(t["id"])
    return ids


def csv_rows(records: list[dict]) -> tuple[list[str], list[list[Any]]]:
    """Header and rows of grades.csv; an error row leaves its scores empty (not a zero)."""
    tools = tool_ids(records)
    header = ["student", "score", "max_score", *tools, "status", "reason"]
    rows = []
    for r in records:
        report = r.get("report") or {}
        graded = r["status"] == "graded"
        by_tool = {t["id"]: t["score"] for t in report.get("tools", [])}
        rows.append([r["student"], number(report.get("score")) if graded else "",
                     number(report.get("max_score")),
                     *[number(by_tool.get(t)) if graded else "" for t in tools],
                     r["status"], r.get("reason", "")])
    return header, rows


def number(x: Any) -> str:
    """A score cell: 17 -> '17.0', None -> ''."""
    return "" if x is None else repr(float(x))


def feedback_text(record: dict) -> str:
    """What `mindlab grade` prints for this student (the runner's renderer), or the reason."""
    if record.get("report") is None:
        return f"{record['student']}: not graded.\n{record.get('reason', '')}\n"
    from .render import render_report
    from .report import Report

    return render_report(Report.from_json(record["report"]))


def write_gradebook(out: Path, records: list[dict], manifest: dict, seconds: float) -> None:
    """grades.csv, grades.json, feedback/, report.html and manifest.json from the records."""
    import csv
    import io

    from .classreport import render_html

    out = Path(out)
    header, rows = csv_rows(records)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    write_atomic(out / "grades.csv", buffer.getvalue())
    students = [{k: r.get(k) for k in ("student", "status", "reason", "submission", "seconds",
                                       "report")} for r in records]
    # compact, like results/: a machine's file, and json's fast encoder needs no indent
    write_atomic(out / "grades.json", json.dumps({"lab": manifest.get("lab"),
                                                  "students": students}, separators=(",", ":")))
    for r in records:
        write_atomic(out / "feedback" / f"{r['student']}.txt", feedback_text(r))
        write_atomic(out / "feedback" / f"{r['student']}.json",
                     json.dumps(r.get("report") or {"student": r["student"], "status": "error",
                                                    "reason": r.get("reason", "")}, indent=1))
    isolations = sorted({str(((r.get("report") or {}).get("provenance") or {}).get("isolation"))
                         for r in records if r.get("report")} - {"None"})
    manifest = {**manifest, "ended": now(), "seconds": round(seconds, 3),
                "students": [r["student"] for r in records],
                "isolation": isolations, "versions": versions(),
                "counts": {"students": len(records),
                           "graded": sum(r["status"] == "graded" for r in records),
                           "errors": sum(r["status"] != "graded" for r in records),
                           "faults": sum(bool(r.get("fault")) for r in records)}}
    write_atomic(out / "manifest.json", json.dumps(manifest, indent=1))
    write_atomic(out / "report.html", render_html(records, manifest))


def versions() -> dict[str, str]:
    import platform
    from importlib import metadata

    found = {"python": platform.python_version()}
    for name in ("mindlab", "numpy", "click"):
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = "not installed"
    return found


def progress_printer(stream: Any = None) -> tuple[Callable[[dict, int, int], None],
                                                  Callable[[], None]]:
    """(progress callback, finish): a click bar with ETA on a terminal, plain lines otherwise."""
    import click

    stream = stream or sys.stderr
    if not stream.isatty():
        def line(record: dict, done: int, total: int) -> None:
            report = record.get("report") or {}
            what = (f"{report.get('score', 0):g}/{report.get('max_score', 0):g}"
                    if record["status"] == "graded" else f"error: {record.get('reason', '')}")
            click.echo(f"[{done}/{total}] {record['student']}: {what} "
                       f"({record.get('seconds', 0):.2f} s)", file=stream)
        return line, lambda: None

    state: dict[str, Any] = {}

    def bar(record: dict, done: int, total: int) -> None:
        if "bar" not in state:
            state["bar"] = click.progressbar(length=total, label="grading", show_eta=True,
                                             show_pos=True, file=stream,
                                             item_show_func=lambda s: s)
            state["bar"].__enter__()
        state["bar"].update(1, record["student"])

    def finish() -> None:  # idempotent: called on every way out
        bar = state.pop("bar", None)
        if bar is not None:
            bar.__exit__(None, None, None)

    return bar, finish


# ---------------------------------------------------------------- the commands


def grade_batch_command(folder: Path, out: Path, lab: str, jobs: int | None, layout: str,
                        assignment: str | None, force: bool, shard: str | None,
                        isolation: str, **limits: Any) -> int:
    """`mindlab grade-batch`: grade, print a summary, return the exit status.

    0 when every row was produced (stray files and learners' faults included), 1 when
    the grader itself failed on some submission, 130 when interrupted (rerun to go on).
    """
    import click

    from .batch_layouts import LayoutError

    try:
        part = parse_shard(shard) if shard else None
        get_lab(lab)
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None
    show, finish = progress_printer()
    try:
        summary = grade_batch(folder, out, lab=lab, jobs=jobs, layout=layout,
                              assignment=assignment, force=force, shard=part,
                              isolation=isolation, progress=show,
                              command=" ".join(["mindlab", *sys.argv[1:]]), **limits)
    except (LayoutError, ValueError) as exc:  # bad folder, layout or isolation
        raise click.UsageError(str(exc)) from None
    except KeyboardInterrupt:  # a second Ctrl-C while the gradebook was being written
        finish()
        click.echo(f"\ninterrupted: every result so far is saved in {results_dir(out)}; run "
                   "the same command again to continue", err=True)
        return 130
    finally:
        finish()
    click.echo(summary.line())
    click.echo(f"gradebook: {Path(out) / 'grades.csv'}   report: {Path(out) / 'report.html'}")
    if summary.interrupted:
        click.echo("interrupted: run the same command again to grade the rest", err=True)
        return 130
    if summary.faults:
        click.echo(f"the grader failed on {summary.faults} submission(s): see the reason "
                   "column; rerun to retry them", err=True)
        return 1
    return 0


def merge_command(parts: tuple[Path, ...], out: Path) -> int:
    """`mindlab merge-grades`: join shard outputs, print warnings, return the exit status."""
    import click

    try:
        rows, warnings = merge(parts, out, command=" ".join(["mindlab", *sys.argv[1:]]))
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None
    for w in warnings:
        click.echo(f"warning: {w}", err=True)
    graded = sum(r["status"] == "graded" for r in rows)
    click.echo(f"merged {len(parts)} parts: {len(rows)} students, {graded} graded, "
               f"{len(rows) - graded} errors")
    click.echo(f"gradebook: {Path(out) / 'grades.csv'}   report: {Path(out) / 'report.html'}")
    return 0
