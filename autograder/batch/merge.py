"""Joining the output folders of several shards into one gradebook."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterable
from pathlib import Path

from .gradebook import write_gradebook
from .lock import out_lock
from .names import stems
from .records import clean_record, now, parse_shard, read_json, results_dir, save_record


def merge(parts: Iterable[Path], out: Path, command: str | None = None) -> tuple[list[dict],
                                                                                 list[str]]:
    """Join the outputs of several runs (shards) into one gradebook in `out`.

    Returns (records, warnings). Warnings name parts graded with other suites, missing
    shards, and students found in two parts (the later grade wins). Every record read is
    checked and bounded (records.clean_record); `out` is locked as grade-batch locks it
    (lock.OutLocked when another run is writing there).
    """
    parts = [Path(p) for p in parts]
    for part in parts:  # a usage error before anything is written
        if not results_dir(part).is_dir():
            raise ValueError(f"{part} holds no results/ folder: give output folders of "
                             "mindlab grade-batch")
    with out_lock(out, command or "mindlab merge-grades"):
        return merge_locked(parts, Path(out), command)


def merge_locked(parts: list[Path], out: Path, command: str | None) -> tuple[list[dict],
                                                                              list[str]]:
    """`merge` once `out` is locked."""
    started, t0 = now(), time.perf_counter()
    records: dict[str, dict] = {}
    warnings, manifests = [], []
    for part in parts:
        manifest = read_json(Path(part) / "manifest.json")
        manifest = manifest if isinstance(manifest, dict) else {}
        manifests.append(manifest)
        listed = manifest.get("students")  # results/ may hold students of older runs
        listed = ({s for s in listed if isinstance(s, str)} if isinstance(listed, list)
                  else None)
        for path in sorted(results_dir(part).glob("*.json")):
            record = clean_record(read_json(path))
            if record is None or (listed is not None and record["student"] not in listed):
                continue
            old = records.get(record["student"])
            if old is not None:
                warnings.append(f"{record['student']} is in two parts; keeping the later grade")
                if old.get("graded_at", "") > record.get("graded_at", ""):
                    continue
            records[record["student"]] = record
    warnings += merge_warnings(manifests, list(records.values()))
    stem = stems(records)
    for record in records.values():
        save_record(out, record, stem[record["student"]])
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
    hashes = {str(r.get("suite_hash")) for r in records if r.get("suite_hash")}
    if len(hashes) > 1:
        warnings.append(f"the parts were graded with {len(hashes)} different versions of the "
                        "suites: regrade the older parts so every student meets the same checks")
    shards = []
    for m in manifests:
        with contextlib.suppress(ValueError, AttributeError):  # a damaged manifest: no shard
            shards.append(parse_shard(m["shard"]) if m.get("shard") else None)
    shards = [s for s in shards if s]
    if shards:
        n = shards[0][1]
        have = {i for i, k in shards if k == n}
        missing = sorted(set(range(1, n + 1)) - have)
        if missing:
            warnings.append(f"shards {', '.join(f'{i}/{n}' for i in missing)} are missing: "
                            "those students are not in this gradebook")
    if any(not m.get("complete", True) for m in manifests):
        warnings.append("some parts were interrupted: rerun them before merging")
    return warnings
