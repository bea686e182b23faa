"""One WARC file: written under a hidden name, record by record, then finalised like an archive part.

Appending is one unbuffered ``write`` of whole gzip members, so a record the writer has pointed at is in the
file (the kernel's page cache) when its pointer leaves: a killed process loses no record it handed out, only
durability against a power cut, which ``sync`` (fsync) gives before any archive part listing such a record is
finalised. The writer holds an ``flock`` on the file while it lives, so a salvage never touches a file a live
process is still writing.

Finalising (in a worker thread): fsync, check the size and take the sha256, write the CDXJ index (cdxj-indexer,
SURT-sorted, ``filename`` relative to the captures root) under a hidden name and count its lines against the
records written, link both into place (``os.link`` never replaces a file), fsync the folder, remember the
response records for later revisits, and append the manifest line. Whatever fails before the link leaves the
hidden WARC for the next run's salvage; whatever fails after leaves a finalised WARC the manifest does not list,
which the next run lists (``salvage.reconcile_captures``).
"""

from __future__ import annotations

import fcntl
import hashlib
import io
import os
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


def fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@dataclass
class WarcFile:
    """A WARC being written. ``originals`` are its full response records (for later revisits); ``indexable``
    counts the records a CDXJ index lists (responses and revisits)."""

    final: Path
    root: Path
    temp: Path = field(init=False)
    fd: int = field(init=False, default=-1)
    size: int = 0
    records: int = 0
    indexable: int = 0
    originals: list[Original] = field(default_factory=list)
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
    originals: list[Original],
    run_id: str,
    source: str,
    started_at: datetime,
    index: Path | None,
) -> dict[str, Any]:
    """Check, index, link and list a written WARC (see the module's docstring); returns its manifest line.
    Raises ``CaptureFailed`` naming the stage."""
    path = relative(final, root)
    try:
        fd = os.open(temp, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
    except OSError as exc:
        raise CaptureFailed("fsync", exc) from exc
    try:
        size, sha256 = file_digest(temp)
    except OSError as exc:
        raise CaptureFailed("check", exc) from exc
    cdxj = cdxj_for(final)
    cdxj_temp = temp_for(cdxj)
    try:
        lines = write_cdxj(temp, cdxj_temp, path)
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
        fsync_dir(final.parent)
    except OSError as exc:
        raise CaptureFailed("fsync", exc) from exc
    if index is not None and originals:
        revisits.remember(index, source, originals)  # never raises: a lost hint costs a full copy later
    entry = {
        "path": path,
        "cdxj": relative(cdxj, root),
        "bytes": size,
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
