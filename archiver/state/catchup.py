"""Before a run discovers anything: bring the index up to date with the parts the manifest lists.

The index is what keeps a run from archiving a page twice, so a run must never trust an index that lags the
archive: deleted, restored from an old copy, or kept under another ``--state`` while a run with this one
wrote parts. The index lists the parts it holds (``archiver.state.index``), so the normal case costs one
lookup per source and a ``stat`` per listed part, and reads no record:

- every listed part of the source the index does not hold is read, checked against its manifest line (size,
  sha256, records, whole gzip stream and lines) and indexed; an index that held nothing of the source is
  thereby rebuilt;
- an index that holds parts the manifest no longer lists (withdrawn by ``archiver verify --repair`` run
  with another ``--state``, or an index of another archive) is rebuilt for the source from the listed parts;
- a listed part that is missing, of the wrong size or fails its checks is never indexed; it is reported, and
  ``archiver verify --repair`` withdraws it so the next run fetches its records again.

Run under the source's lock, after killed runs' leftovers are finalised, in a worker thread (it opens its
own connection to the index).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from archiver.archive.manifest_cache import listed_for_source
from archiver.archive.verify import check_part
from archiver.state.backend import open_index
from archiver.state.location import IndexLocation

# Why parts had to be indexed: the index held nothing of the source; it lacked some parts; it held parts the
# manifest no longer lists; it was written before the index recorded its parts (read once, not a fault).
MISSING, LAGGING, STALE, UNRECORDED = "index_missing", "index_lagging", "index_stale", "index_unrecorded"


@dataclass
class CatchUp:
    """What bringing one source's index up to date found and did."""

    source: str
    listed: int = 0
    cause: str | None = None
    indexed: list[dict[str, Any]] = field(default_factory=list)  # {"part", "records"}
    damaged: list[dict[str, Any]] = field(default_factory=list)  # {"part", "problem", "indexed"}
    stale: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def records(self) -> int:
        return sum(entry["records"] for entry in self.indexed)


def _quick_problem(archive_root: Path, entry: dict[str, Any]) -> str | None:
    """What a ``stat`` alone shows to be wrong with a listed part."""
    try:
        size = (archive_root / entry["path"]).stat().st_size
    except FileNotFoundError:
        return "missing"
    if isinstance(entry.get("bytes"), int) and size != entry["bytes"]:
        return f"is {size} bytes, the manifest says {entry['bytes']}"
    return None


def index_listed_part(db: Any, root: Path, entry: dict[str, Any], source: str, result: CatchUp) -> None:
    """Check the listed part ``entry`` (read under ``root``) against its manifest line and commit its records to
    the index ``db``; a part that fails the check is added to ``result.damaged`` instead, never indexed."""
    check = check_part(root, entry["path"], source, entry)
    if check.problem:
        result.damaged.append({"part": entry["path"], "problem": check.problem, "indexed": False})
        return
    db.commit_file(check.path, check.rows, sha256=check.sha256)
    result.indexed.append({"part": check.path, "records": check.records})


def catch_up_index(archive_root: Path, source: str, index: IndexLocation) -> CatchUp:
    started = time.monotonic()
    result = CatchUp(source)
    entries = listed_for_source(archive_root, source)
    result.listed = len(entries)
    with open_index(index) as db:
        held_parts = db.indexed_parts(source)
        held_records = db.holds_source(source)
        unrecorded = db.parts_unrecorded(source)
        listed = {e["path"]: e for e in entries}
        result.stale = sorted(
            path for path, sha256 in held_parts.items()
            if path not in listed or (sha256 and listed[path].get("sha256") != sha256))
        for entry in entries:
            problem = _quick_problem(archive_root, entry)
            if problem:
                result.damaged.append({"part": entry["path"], "problem": problem,
                                       "indexed": entry["path"] in held_parts})
        damaged = {d["part"] for d in result.damaged}
        if result.stale:
            result.cause = STALE
            parts = []
            for entry in entries:
                if entry["path"] in damaged:
                    continue
                check = check_part(archive_root, entry["path"], source, entry)
                if check.problem:
                    result.damaged.append({"part": entry["path"], "problem": check.problem, "indexed": False})
                    continue
                parts.append((check.path, check.sha256, check.rows))
                result.indexed.append({"part": check.path, "records": check.records})
            db.rebuild_source(source, parts)
        else:
            todo = [e for e in entries if e["path"] not in held_parts and e["path"] not in damaged]
            if todo:
                result.cause = UNRECORDED if unrecorded else LAGGING if (held_records or held_parts) else MISSING
            for entry in todo:
                index_listed_part(db, archive_root, entry, source, result)
        if unrecorded:
            db.parts_recorded(source)
    result.seconds = time.monotonic() - started
    return result
