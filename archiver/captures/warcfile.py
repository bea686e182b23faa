"""One WARC file: written under a hidden name, record by record, then finalised like an archive part.

Appending is one unbuffered ``write`` of whole gzip members, so a record the writer has pointed at is in the
file (the kernel's page cache) when its pointer leaves: a killed process loses no record it handed out, only
durability against a power cut, which ``sync`` (fsync) gives before any archive part listing such a record is
finalised. The writer holds an ``flock`` on the file while it lives, so a salvage never touches a file a live
process is still writing.

Finalising (in a worker thread): fsync, check the size and take the sha256, write the CDXJ index under a hidden
name, link both into place (``os.link`` never replaces a file), fsync the folder, remember the response records
for later revisits, and append the manifest line. The CDXJ is cdxj-indexer's format (its SURT key, its sort, its
fields ``url mime status digest length offset filename``, ``filename`` relative to the captures root), built from
what the writer already knows of each record rather than by reading the file back through warcio: that re-read
cost 0.8 ms per page, a tenth of the crawl process's CPU. A WARC the writer did not write (a salvaged one) is
indexed by cdxj-indexer itself, and the tests hold the two to the same output. Whatever fails before the link leaves the
hidden WARC for the next run's salvage; whatever fails after leaves a finalised WARC the manifest does not list,
which the next run lists (``salvage.reconcile_captures``).
"""

from __future__ import annotations

import fcntl
import hashlib
import io
import json
import os
import re
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from archiver.archive.manifest import append_manifest_line
from archiver.captures import revisits
from archiver.captures.paths import cdxj_for, relative, temp_for
from archiver.captures.records import Original
from archiver.durable import fsync_path

_CHUNK = 1 << 20


class CaptureFailed(Exception):
    """A WARC that could not be written or finalised, and at which stage."""

    def __init__(self, stage: str, error: BaseException | str) -> None:
        detail = error if isinstance(error, str) else f"{type(error).__name__}: {error}"
        super().__init__(f"{stage} failed: {detail}")
        self.stage = stage
        self.detail = detail


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        if written == 0:
            raise OSError("no progress writing a WARC record")
        view = view[written:]



@dataclass(frozen=True, slots=True)
class IndexEntry:
    """What a CDXJ line says of a response or revisit record, and whether the record holds a whole payload a
    later capture may refer to. A file keeps one per exchange until it is finalised (a few hundred bytes each)."""

    url: str
    date: str  # WARC-Date
    mime: str | None  # the Content-Type's media type ("warc/revisit" for a revisit), None without one
    status: str
    digest: str
    offset: int
    length: int
    record_id: str
    original: bool  # a response record with a whole, non-empty payload

    def as_original(self, warc: str) -> Original:
        return Original(self.url, self.digest, warc, self.offset, self.length, self.record_id, self.date)


def media_type(response_head: bytes) -> str | None:
    """The CDXJ ``mime`` of a response: its first Content-Type's value up to the first ``;`` or space, as
    cdxj-indexer reads it (warcio decodes a header line as UTF-8, else ISO-8859-1)."""
    for line in response_head.split(b"\r\n")[1:]:
        name, colon, value = line.partition(b":")
        if colon and name.strip().lower() == b"content-type":
            try:
                text = value.decode("utf-8")
            except UnicodeDecodeError:
                text = value.decode("iso-8859-1")
            text = text.strip()
            return re.split(r"[;\s]", text, maxsplit=1)[0].strip() if text else text
    return None


def write_index(entries: list[IndexEntry], out: Path, filename: str) -> int:
    """Write the CDXJ lines of ``entries`` into ``out`` as cdxj-indexer would for the file ``filename``
    (SURT-sorted, duplicates dropped), fsynced; returns the number of lines written."""
    from cdxj_indexer.main import CDXJIndexer, SortingWriter
    from warcio.timeutils import iso_date_to_timestamp

    keyer = CDXJIndexer(None, [])
    lines = 0
    with out.open("w", encoding="utf-8") as stream:
        writer = SortingWriter(stream)
        for entry in entries:
            fields: dict[str, str] = {"url": entry.url}
            if entry.mime is not None:
                fields["mime"] = entry.mime
            fields |= {"status": entry.status, "digest": entry.digest, "length": str(entry.length),
                       "offset": str(entry.offset), "filename": filename}
            writer.write(f"{keyer.get_url_key(entry.url)} {iso_date_to_timestamp(entry.date)} {json.dumps(fields)}\n")
            lines += 1
        writer.flush()
        stream.flush()
        os.fsync(stream.fileno())
    return lines


@dataclass
class WarcFile:
    """A WARC being written. ``index`` describes its responses and revisits (its CDXJ lines, and the full
    responses later revisits may refer to); ``indexable`` counts them."""

    final: Path
    root: Path
    temp: Path = field(init=False)
    fd: int = field(init=False, default=-1)
    size: int = 0
    records: int = 0
    indexable: int = 0
    index: list[IndexEntry] = field(default_factory=list)
    started_at: datetime = field(default_factory=lambda: datetime.now(UTC))

    def __post_init__(self) -> None:
        self.temp = temp_for(self.final)

    @property
    def path(self) -> str:
        """Its path relative to the captures root (what pointers, the CDXJ and the manifest name)."""
        return relative(self.final, self.root)

    def open(self) -> None:
        self.final.parent.mkdir(parents=True, exist_ok=True)
        if self.final.exists():
            raise FileExistsError(f"{self.final} already exists; capture files are never overwritten")
        self.fd = os.open(self.temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o644)
        fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)

    def append(self, members: list[bytes]) -> list[int]:
        """Append whole members in one write; returns the offset of each. Raises OSError (the file then ends in
        a torn member, which a salvage cuts off)."""
        offsets = []
        position = self.size
        for member in members:
            offsets.append(position)
            position += len(member)
        _write_all(self.fd, b"".join(members))
        self.size = position
        self.records += len(members)
        return offsets

    def sync(self) -> None:
        if self.fd >= 0:
            os.fsync(self.fd)

    def close(self) -> None:
        """Close the descriptor (and so release the lock)."""
        if self.fd >= 0:
            fd, self.fd = self.fd, -1
            os.close(fd)


def file_digest(path: Path) -> tuple[int, str]:
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as stream:
        for chunk in iter(lambda: stream.read(_CHUNK), b""):
            digest.update(chunk)
            size += len(chunk)
    return size, digest.hexdigest()


def write_cdxj(warc: Path, out: Path, filename: str) -> int:
    """Index ``warc`` with cdxj-indexer into ``out`` (SURT-sorted, each line naming ``filename``), fsynced;
    returns the number of lines."""
    from cdxj_indexer.main import CDXJIndexer

    CDXJIndexer(str(out), [str(warc)], sort=True, filename=filename).process_all()
    with out.open("rb") as stream:
        lines = sum(1 for line in stream if line.strip())
        os.fsync(stream.fileno())
    return lines


def finalise_warc(
    temp: Path,
    final: Path,
    *,
    root: Path,
    records: int,
    indexable: int,
    originals: list[Original] | None = None,
    run_id: str,
    source: str,
    started_at: datetime,
    index: Path | None,
    size: int | None = None,
    entries: list[IndexEntry] | None = None,
) -> dict[str, Any]:
    """Check, index, link and list a written WARC (see the module's docstring); returns its manifest line.
    ``size`` and ``entries`` are what the writer wrote (its CDXJ lines and full responses); without them (a
    salvaged file) the file is indexed by cdxj-indexer and ``originals`` name its full responses. Raises
    ``CaptureFailed`` naming the stage."""
    path = relative(final, root)
    try:
        fsync_path(temp)
    except OSError as exc:
        raise CaptureFailed("fsync", exc) from exc
    try:
        on_disk, sha256 = file_digest(temp)
    except OSError as exc:
        raise CaptureFailed("check", exc) from exc
    if size is not None and on_disk != size:
        raise CaptureFailed("check", f"{on_disk} bytes on disk where {size} were written")
    cdxj = cdxj_for(final)
    cdxj_temp = temp_for(cdxj)
    try:
        lines = write_index(entries, cdxj_temp, path) if entries is not None else write_cdxj(temp, cdxj_temp, path)
    except Exception as exc:  # OSError, or warcio refusing a record: the WARC stays hidden, for the salvage
        cdxj_temp.unlink(missing_ok=True)
        raise CaptureFailed("index", exc) from exc
    if lines != indexable:
        cdxj_temp.unlink(missing_ok=True)
        raise CaptureFailed("check", f"the CDXJ index lists {lines} records where {indexable} were written")
    try:
        os.link(temp, final)
        temp.unlink()
        os.link(cdxj_temp, cdxj)
        cdxj_temp.unlink()
    except OSError as exc:
        raise CaptureFailed("link", exc) from exc
    try:
        fsync_path(final.parent)
    except OSError as exc:
        raise CaptureFailed("fsync", exc) from exc
    if entries is not None:
        originals = [entry.as_original(path) for entry in entries if entry.original]
    if index is not None and originals:
        revisits.remember(index, source, originals)  # never raises: a lost hint costs a full copy later
    entry = {
        "path": path,
        "cdxj": relative(cdxj, root),
        "bytes": on_disk,
        "sha256": sha256,
        "records": records,
        "run_id": run_id,
        "source": source,
        "started_at": started_at.isoformat(timespec="seconds"),
        "finished_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    try:
        append_manifest_line(root, entry)
    except OSError as exc:
        raise CaptureFailed("manifest", exc) from exc
    return entry


# -- reading back what a file holds (salvage, reconcile, tests) -----------------------------------------------


def iter_members(path: Path) -> Iterator[tuple[int, bytes]]:
    """(offset, compressed bytes) of each complete gzip member, in order; stops silently at the first member
    that is cut off or corrupt (what a killed writer leaves at the end)."""
    with path.open("rb") as stream:
        offset = 0
        carry = b""
        while True:
            inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
            member = bytearray()
            data = carry
            carry = b""
            while True:
                if not data:
                    data = stream.read(_CHUNK)
                    if not data:
                        return  # the file ends inside a member (or cleanly, between two)
                try:
                    inflater.decompress(data)
                except zlib.error:
                    return
                if inflater.eof:
                    used = len(data) - len(inflater.unused_data)
                    member += data[:used]
                    carry = inflater.unused_data
                    break
                member += data
                data = b""
            yield offset, bytes(member)
            offset += len(member)


@dataclass(frozen=True)
class ParsedRecord:
    """What salvage and checks need to know of one record."""

    rec_type: str
    url: str | None
    record_id: str
    date: str
    payload_digest: str | None
    payload_length: int
    truncated: str | None
    warcinfo_fields: str | None = None


def parse_member(member: bytes) -> ParsedRecord:
    """The one WARC record of a gzip member, read to its end with its digests checked; raises ValueError when
    the member does not hold exactly one complete, intact record."""
    from warcio.archiveiterator import ArchiveIterator

    found: list[ParsedRecord] = []
    for record in ArchiveIterator(io.BytesIO(member), check_digests=True):
        stream = record.raw_stream
        body = bytearray()
        for chunk in iter(lambda: stream.read(_CHUNK), b""):  # noqa: B023 - consumed before the next record
            body += chunk
        if getattr(stream, "limit", 0) != 0:
            raise ValueError("record ends before its Content-Length")
        if record.digest_checker.passed is False:
            raise ValueError("; ".join(record.digest_checker.problems))
        headers = record.rec_headers
        found.append(ParsedRecord(
            rec_type=record.rec_type,
            url=headers.get_header("WARC-Target-URI"),
            record_id=headers.get_header("WARC-Record-ID") or "",
            date=headers.get_header("WARC-Date") or "",
            payload_digest=headers.get_header("WARC-Payload-Digest"),
            payload_length=max(record.payload_length, 0) if record.http_headers else len(body),
            truncated=headers.get_header("WARC-Truncated"),
            warcinfo_fields=bytes(body).decode("utf-8", "replace") if record.rec_type == "warcinfo" else None,
        ))
    if len(found) != 1:
        raise ValueError(f"a gzip member holds {len(found)} records, not one")
    return found[0]


@dataclass
class Contents:
    """The complete, intact records at the start of a WARC, and where they end."""

    end: int = 0
    records: int = 0
    indexable: int = 0
    originals: list[Original] = field(default_factory=list)
    problem: str | None = None  # why reading stopped before the end of the file, if it did


def read_contents(path: Path, relative_path: str) -> Contents:
    """Every complete, intact record from the start of ``path`` (``relative_path`` is the name pointers use)."""
    contents = Contents()
    for offset, member in iter_members(path):
        try:
            record = parse_member(member)
        except Exception as exc:  # noqa: BLE001 - warcio raises many kinds; any of them ends the good prefix
            contents.problem = f"record at offset {offset}: {exc}"
            break
        contents.records += 1
        contents.end = offset + len(member)
        if record.rec_type in ("response", "revisit"):
            contents.indexable += 1
        if (record.rec_type == "response" and not record.truncated and record.payload_length > 0
                and record.url and record.payload_digest):
            contents.originals.append(Original(record.url, record.payload_digest, relative_path, offset,
                                               len(member), record.record_id, record.date))
    size = path.stat().st_size
    if contents.problem is None and contents.end != size:
        contents.problem = f"{size - contents.end} bytes after the last complete record"
    return contents
