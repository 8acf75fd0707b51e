"""Joining the output folders of several shards into one gradebook."""

from __future__ import annotations

import time
from collections.abc import Iterable
from pathlib import Path

from .gradebook import write_gradebook
from .records import RESULT_VERSION, now, read_json, results_dir, save_record


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
