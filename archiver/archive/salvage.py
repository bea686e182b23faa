"""Recovering what a killed run left behind: hidden ``.part`` files of archive parts never finalised.

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

from archiver.archive.storage import TEMP_SUFFIX, finalise_part
from archiver.schema import schema_errors

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
