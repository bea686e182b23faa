"""Recovering what a killed run left behind.

Two things can be left: hidden ``.part`` files of archive parts never finalised (``salvage_source``), and a
part killed in the middle of being finalised (``reconcile_source``): already linked into place but not yet
listed in the manifest, or listed but not yet committed to the index.

Run only while holding the source's lock, so no live run is writing them. A part is a gzip stream cut off
at an arbitrary byte; we decompress as far as it goes, keep the complete lines that are valid records, and
finalise them under the name the part would have had (through the same check, no-clobber link, manifest line
and index commit as any part). A part with nothing recoverable is removed. Every action is reported.
"""

from __future__ import annotations

import gzip
import json
import os
import re
import zlib
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from archiver.archive.manifest import ManifestEntry, append_manifest, read_manifest
from archiver.archive.storage import TEMP_SUFFIX, ArchiveIntegrityError, finalise_part, inspect_part, part_records
from archiver.schema import schema_errors
from archiver.state.index import ArchiveIndex

_PART = re.compile(r"^\.(?P<final>.+\.jsonl\.gz)\.(?P<pid>\d+)" + re.escape(TEMP_SUFFIX) + "$")


def recoverable_lines(raw: bytes) -> list[str]:
    """Complete lines of a possibly truncated gzip stream."""
    inflater = zlib.decompressobj(wbits=31)
    try:
        data = inflater.decompress(raw)
    except zlib.error:
        data = b""
    text = data.decode("utf-8", "ignore")
    lines = text.split("\n")
    return [line for line in lines[:-1] if line.strip()]  # the last piece is incomplete (or empty)


def salvage_source(archive_root: Path, source: str, *, index: Path | None, spider: str) -> list[dict[str, Any]]:
    """Salvage or remove every leftover part of ``source``; returns one report entry per part."""
    report: list[dict[str, Any]] = []
    for part in sorted(archive_root.glob(f"source={source}/date=*/.*{TEMP_SUFFIX}")):
        match = _PART.match(part.name)
        if not match or int(match["pid"]) == os.getpid():
            continue
        records = []
        for line in recoverable_lines(part.read_bytes()):
            try:
                record = json.loads(line)
            except json.JSONDecodeError:
                continue
            if not schema_errors(record):
                records.append(line)
        if not records:
            part.unlink()
            report.append({"part": str(part.relative_to(archive_root)), "action": "removed", "records": 0})
            continue
        final = part.with_name(match["final"])
        if final.exists():
            final = part.with_name(match["final"].replace(".jsonl.gz", f".salvaged-{match['pid']}.jsonl.gz"))
        temp = part.with_name(part.name + ".salvage")
        with temp.open("wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as stream:
            stream.write(("\n".join(records) + "\n").encode("utf-8"))
        run_id = json.loads(records[0]).get("run_id", "")
        entry = finalise_part(temp, final, root=archive_root, run_id=run_id, spider=spider, source=source,
                              started_at=datetime.fromtimestamp(part.stat().st_mtime, UTC), index=index)
        part.unlink()
        report.append({"part": str(part.relative_to(archive_root)), "action": "salvaged", "records": len(records),
                       "file": entry.path})
    return report


def _first_run_id(part: Path) -> str:
    with gzip.open(part, "rt", encoding="utf-8") as stream:
        first = stream.readline()
    return json.loads(first).get("run_id", "") if first.strip() else ""


def reconcile_source(archive_root: Path, source: str, *, index: Path | None, spider: str) -> list[dict[str, Any]]:
    """Finish the finalising of parts a kill interrupted; returns one report entry per part repaired.

    ``finalise_part`` links a part into place, then lists it, then indexes it. A kill between the first two
    leaves a complete file the manifest does not list; between the last two, a listed file whose records the
    index does not know, which the next run would archive a second time. Parts of a source are finalised one
    at a time under its lock, so only the newest listed part can be unindexed, and only that one is read.
    Run it, like ``salvage_source``, while holding the source's lock and before anything new is finalised.
    """
    report: list[dict[str, Any]] = []
    listed = [e for e in read_manifest(archive_root) if e.get("source") == source]
    listed_paths = {e["path"] for e in listed}
    for final in sorted(archive_root.glob(f"source={source}/date=*/*.jsonl.gz")):
        relative = final.relative_to(archive_root).as_posix()
        if relative in listed_paths:
            continue
        try:
            records, size, sha256 = inspect_part(final)
        except ArchiveIntegrityError as exc:  # never happens to a part we linked; leave it for a person
            report.append({"part": relative, "action": "unlisted_invalid", "records": 0, "error": str(exc)})
            continue
        rows = part_records(final)
        finished = datetime.fromtimestamp(final.stat().st_mtime, UTC).isoformat(timespec="seconds")
        entry = ManifestEntry(path=relative, records=records, bytes=size, sha256=sha256,
                              run_id=_first_run_id(final), spider=spider, source=source,
                              started_at=finished, finished_at=finished)
        append_manifest(archive_root, entry)
        if index:
            with ArchiveIndex(index) as db:
                db.commit_file(relative, rows)
        listed.append({"path": relative})
        report.append({"part": relative, "action": "listed", "records": records})
    if index and listed:
        newest = listed[-1]["path"]
        path = archive_root / newest
        if path.exists() and not any(e["part"] == newest for e in report):
            rows = part_records(path)
            with ArchiveIndex(index) as db:
                missing = [r for r in rows if (known := db.known(r["canonical_url"])) is None
                           or known.content_sha256 != r["content_sha256"]]
                if missing:
                    db.commit_file(newest, rows)
                    report.append({"part": newest, "action": "indexed", "records": len(rows)})
    return report
