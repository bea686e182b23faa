"""Before a run of an ``s3://`` archive discovers anything: publish what the spool still holds, and bring the
index up to date with the manifest objects.

A part (or a capture file) stays in the spool when its upload, its index commit or its manifest object failed,
or when a run was killed in between. ``push_spooled`` and ``push_spooled_captures`` publish them again
through the same steps as a new part (``archiver.archive.storage.publish_part``): an object already in the
bucket with the same checksum is taken as the upload, so a part is never stored twice, and the index learns of
its records before it is listed.

``catch_up_remote`` is ``archiver.state.catchup`` for a bucket: every part the manifest objects list for the
source that the index does not hold is downloaded, checked against its manifest object (size, sha256, records,
whole gzip stream and lines) and indexed, so an index that lags the bucket (another machine's SQLite index,
or one restored from an old copy) never lets a run archive a page twice.

Run under the source's lock, in the guard's worker thread, after the local salvage of killed runs' leftovers.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from archiver.archive.manifest import read_manifest
from archiver.archive.objectstore import CAPTURES_FOLDER, MANIFEST_FOLDER, ObjectStore, file_sha256, scratch_dir
from archiver.archive.salvage import entry_for_found_part
from archiver.archive.storage import publish_part
from archiver.archive.verify import check_part
from archiver.captures.paths import WARC_SUFFIX, cdxj_for
from archiver.state.backend import open_index
from archiver.state.catchup import LAGGING, MISSING, UNRECORDED, CatchUp, index_listed_part
from archiver.state.location import IndexLocation

CAPTURES_MANIFEST = f"{CAPTURES_FOLDER}/{MANIFEST_FOLDER}"


def push_spooled(spool: Path, source: str, *, index: IndexLocation | None, spider: str,
                 remote: ObjectStore) -> list[dict[str, Any]]:
    """Publish every finalised part of ``source`` still in the spool; one report entry per part. Raises
    ``PartFailed`` (stage ``upload``, ``index`` or ``manifest``) when one cannot be published: the part stays
    for the next run, and this run does not crawl the source."""
    report: list[dict[str, Any]] = []
    for final in sorted(spool.glob(f"source={source}/date=*/*.jsonl.gz")):
        relative = final.relative_to(spool).as_posix()
        check = check_part(spool, relative, source)
        if check.problem:  # never a part we linked; left in the spool for a person to look at
            report.append({"part": relative, "action": "unlisted_invalid", "records": 0, "error": check.problem})
            continue
        entry = entry_for_found_part(final, relative, check, spider=spider, source=source)
        publish_part(final, entry, root=spool, index=index, remote=remote, rows=check.rows)
        report.append({"part": relative, "action": "uploaded", "records": check.records})
    return report


def publish_capture(captures: Path, entry: dict[str, Any], remote: ObjectStore) -> None:
    """Upload a finalised WARC and its CDXJ index (each whole, verified, never over another object) to
    ``<prefix>/captures/<path>``, write the WARC's manifest object, then remove the spooled copies. Raises
    ``UploadFailed`` (or ``OSError``) and leaves the spooled files for the next run."""
    warc = captures / entry["path"]
    remote.put_file(warc, f"{CAPTURES_FOLDER}/{entry['path']}", entry["sha256"], entry["bytes"])
    cdxj = captures / entry["cdxj"] if entry.get("cdxj") else cdxj_for(warc)
    if cdxj.exists():
        size, sha256 = file_sha256(cdxj)
        remote.put_file(cdxj, f"{CAPTURES_FOLDER}/{cdxj.relative_to(captures).as_posix()}", sha256, size)
    remote.put_manifest(entry, entry.get("run_id", ""), folder=CAPTURES_MANIFEST)
    warc.unlink()
    cdxj.unlink(missing_ok=True)


def push_spooled_captures(captures: Path, source: str, remote: ObjectStore) -> list[dict[str, Any]]:
    """Publish every finalised WARC of ``source`` still in the captures spool (after the captures' own
    salvage has listed them in the spool's manifest); raises when one cannot be published."""
    listed = {e.get("path"): e for e in read_manifest(captures) if e.get("source") == source}
    report: list[dict[str, Any]] = []
    for final in sorted((captures / f"source={source}").glob(f"date=*/*{WARC_SUFFIX}")):
        path = final.relative_to(captures).as_posix()
        entry = listed.get(path)
        if entry is None:  # the salvage left it unlisted (unreadable): for a person to look at
            continue
        size, sha256 = file_sha256(final)
        if size != entry.get("bytes") or sha256 != entry.get("sha256"):
            report.append({"part": path, "action": "unlisted_invalid", "records": 0,
                           "error": "differs from its manifest line"})
            continue
        publish_capture(captures, entry, remote)
        report.append({"part": path, "action": "uploaded", "records": entry.get("records", 0)})
    return report


def catch_up_remote(remote: ObjectStore, source: str, index: IndexLocation) -> CatchUp:
    """Index every part of ``source`` the manifest objects list and the index lacks (see the module's
    docstring). Parts the index holds and the bucket no longer lists are left alone: nothing withdraws a part
    from a bucket's manifest yet."""
    started = time.monotonic()
    result = CatchUp(source)
    unreadable: list[str] = []
    entries = [e for e in remote.manifest(source=source, unreadable=unreadable) if e.get("source") == source]
    result.listed = len(entries)
    # a manifest object that is not a manifest line hides the part it named: the source fails loudly
    result.damaged += [{"part": key, "problem": "its manifest object is not a manifest line", "indexed": False}
                       for key in unreadable]
    with open_index(index) as db:
        held_parts = db.indexed_parts(source)
        unrecorded = db.parts_unrecorded(source)
        todo = [e for e in entries if e["path"] not in held_parts]
        if todo:
            result.cause = UNRECORDED if unrecorded else \
                LAGGING if (held_parts or db.holds_source(source)) else MISSING
        with scratch_dir() as scratch:
            for entry in todo:
                try:
                    local = remote.download(entry["path"], Path(scratch))
                except Exception as exc:
                    result.damaged.append({"part": entry["path"], "problem": f"cannot be read: {exc}",
                                           "indexed": False})
                    continue
                try:
                    index_listed_part(db, Path(scratch), entry, source, result)
                finally:
                    local.unlink()
        if unrecorded:
            db.parts_recorded(source)
    result.seconds = time.monotonic() - started
    return result
