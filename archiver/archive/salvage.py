"""Recovering what a killed run left behind.

Two things can be left: hidden ``.part`` files of archive parts never finalised (``salvage_source``), and a
part killed in the middle of being finalised: already linked into place but not yet listed in the manifest
(``reconcile_source``), or listed but not yet committed to the index (``archiver.state.catchup``, which
indexes every listed part the index lacks).

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

from archiver.archive.manifest import ManifestEntry, append_manifest
from archiver.archive.manifest_cache import listed_for_source
from archiver.archive.storage import TEMP_SUFFIX, finalise_part
from archiver.archive.verify import check_part, first_run_id
from archiver.schema import schema_errors
from archiver.state.backend import open_index
from archiver.state.location import IndexLocation

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


def salvage_source(archive_root: Path, source: str, *, index: IndexLocation | None,
                   spider: str, remote: Any = None) -> list[dict[str, Any]]:
    """Salvage or remove every leftover part of ``source``; returns one report entry per part. With ``remote``
    (an ``s3://`` archive's store), ``archive_root`` is its spool and a salvaged part is published there."""
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
                              started_at=datetime.fromtimestamp(part.stat().st_mtime, UTC), index=index,
                              remote=remote)
        part.unlink()
        report.append({"part": str(part.relative_to(archive_root)), "action": "salvaged", "records": len(records),
                       "file": entry.path})
    return report


def entry_for_found_part(final: Path, relative: str, check: Any, *, spider: str, source: str) -> ManifestEntry:
    """The manifest line of a finalised part found on disk but never listed (``check``: its ``check_part``),
    timed by the file's own modification time and attributed to the run its first record names."""
    finished = datetime.fromtimestamp(final.stat().st_mtime, UTC).isoformat(timespec="seconds")
    return ManifestEntry(path=relative, records=check.records, bytes=check.size, sha256=check.sha256,
                         run_id=first_run_id(final), spider=spider, source=source,
                         started_at=finished, finished_at=finished)



def reconcile_source(archive_root: Path, source: str, *, index: IndexLocation | None,
                     spider: str) -> list[dict[str, Any]]:
    """List the parts a kill left linked into place but not yet listed; returns one report entry per part.

    ``finalise_part`` links a part into place, then lists it, then indexes it. A kill between the first two
    leaves a complete file the manifest does not list: it is listed (and indexed) here. A kill between the
    last two leaves a listed part the index does not hold, which ``archiver.state.catchup`` indexes (as it
    does every listed part an index lacks, whatever the reason). Run it, like ``salvage_source``, while
    holding the source's lock and before anything new is finalised.
    """
    report: list[dict[str, Any]] = []
    listed_paths = {e["path"] for e in listed_for_source(archive_root, source)}
    for final in sorted(archive_root.glob(f"source={source}/date=*/*.jsonl.gz")):
        relative = final.relative_to(archive_root).as_posix()
        if relative in listed_paths:
            continue
        check = check_part(archive_root, relative, source)
        if check.problem:  # never happens to a part we linked; left for ``archiver verify --repair``
            report.append({"part": relative, "action": "unlisted_invalid", "records": 0, "error": check.problem})
            continue
        entry = entry_for_found_part(final, relative, check, spider=spider, source=source)
        append_manifest(archive_root, entry)
        if index:
            with open_index(index) as db:
                db.commit_file(relative, check.rows, sha256=check.sha256)
        report.append({"part": relative, "action": "listed", "records": check.records})
    return report
