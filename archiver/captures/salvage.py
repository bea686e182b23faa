"""Finishing what a killed run left in the captures, like ``archiver.archive.salvage`` does for parts.

Two things can be left for a source:

- a WARC still being written (``.<name>.warc.gz.<pid>.part``): its complete, intact records are kept (each gzip
  member decompressed to its end and its record read back by warcio with its digests checked), the torn tail is
  cut off, and the file is finalised under the name it would have had, so every pointer a record holds into it
  stays right (offsets never move); a file with no exchange left is removed;
- a WARC linked into place but not listed in the captures manifest (a kill between the link and the manifest
  line): read back the same way, given its CDXJ index if that is missing, and listed.

Hidden CDXJ files a kill left (``.<name>.cdxj.<pid>.part``) are removed: they are rebuilt from their WARC.

Run only under the source's lock, before anything of the source is written (``archiver.state.guard`` runs it
in its worker thread, before the archive's own salvage, so a salvaged part's records point at captures that are
already final). A file some live process still holds (its ``flock``) is left alone.
"""

from __future__ import annotations

import fcntl
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from archiver.archive.manifest import append_manifest_line, read_manifest
from archiver.captures import revisits
from archiver.captures.paths import TEMP_CDXJ, TEMP_WARC, WARC_SUFFIX, cdxj_for, relative, temp_for
from archiver.captures.warcfile import file_digest, finalise_warc, read_contents, write_cdxj
from archiver.durable import fsync_path


def _held_by_a_live_writer(path: Path) -> bool:
    fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)  # releases the lock taken here
    return False


def _run_id_of(name: str) -> str:
    """The run id in a capture file name (``<run id>-NNNN.warc.gz``)."""
    stem = name[: -len(WARC_SUFFIX)]
    return stem.rsplit("-", 1)[0] if "-" in stem else stem


def salvage_captures(root: Path, source: str, *, index: Path | None) -> list[dict[str, Any]]:
    """Salvage or remove every WARC of ``source`` a killed run left unfinished; one report entry per file."""
    report: list[dict[str, Any]] = []
    folder = root / f"source={source}"
    for leftover in sorted(folder.glob(".*.cdxj.*.part")):
        match = TEMP_CDXJ.match(leftover.name)
        if match and int(match["pid"]) != os.getpid() and not _held_by_a_live_writer(leftover):
            leftover.unlink()
    for temp in sorted(folder.glob(f"date=*/.*{WARC_SUFFIX}.*.part")):
        match = TEMP_WARC.match(temp.name)
        if not match or int(match["pid"]) == os.getpid():
            continue
        name = relative(temp, root)
        if _held_by_a_live_writer(temp):
            report.append({"part": name, "action": "busy", "records": 0})
            continue
        final = temp.with_name(match["final"])
        contents = read_contents(temp, relative(final, root))
        if not contents.indexable:
            temp.unlink()
            report.append({"part": name, "action": "removed", "records": 0})
            continue
        if final.exists():  # never happens (run ids are unique); never overwrite, and say so
            report.append({"part": name, "action": "name_taken", "records": contents.records,
                           "error": f"{relative(final, root)} exists already"})
            continue
        if contents.end < temp.stat().st_size:
            os.truncate(temp, contents.end)
        started = datetime.fromtimestamp(temp.stat().st_mtime, UTC)
        entry = finalise_warc(temp, final, root=root, records=contents.records, indexable=contents.indexable,
                              originals=contents.originals, run_id=_run_id_of(final.name), source=source,
                              started_at=started, index=index)
        report.append({"part": name, "action": "salvaged", "records": contents.records,
                       "exchanges": contents.indexable, "file": entry["path"],
                       **({"cut": contents.problem} if contents.problem else {})})
    return report


def reconcile_captures(root: Path, source: str, *, index: Path | None) -> list[dict[str, Any]]:
    """List the finalised WARCs of ``source`` the manifest lacks (a kill between link and manifest line)."""
    report: list[dict[str, Any]] = []
    listed = {e.get("path") for e in read_manifest(root) if e.get("source") == source}
    for final in sorted((root / f"source={source}").glob(f"date=*/*{WARC_SUFFIX}")):
        path = relative(final, root)
        if path in listed:
            continue
        contents = read_contents(final, path)
        if contents.problem:  # never a file we linked; left alone for a person to look at
            report.append({"part": path, "action": "unlisted_invalid", "records": 0, "error": contents.problem})
            continue
        cdxj = cdxj_for(final)
        if not cdxj.exists():
            temp = temp_for(cdxj)
            write_cdxj(final, temp, path)
            os.link(temp, cdxj)
            temp.unlink()
            fsync_path(final.parent)
        if index is not None:
            revisits.remember(index, source, contents.originals)
        size, sha256 = file_digest(final)
        finished = datetime.fromtimestamp(final.stat().st_mtime, UTC).isoformat(timespec="seconds")
        append_manifest_line(root, {"path": path, "cdxj": relative(cdxj, root), "bytes": size, "sha256": sha256,
                                    "records": contents.records, "run_id": _run_id_of(final.name), "source": source,
                                    "started_at": finished, "finished_at": finished})
        report.append({"part": path, "action": "listed", "records": contents.records,
                       "exchanges": contents.indexable})
    return report
