"""The archive's feed storage (URI scheme ``archive://``): parts finalised atomically, and failures that show.

Scrapy's own file storage writes straight to the final path, so a crash leaves a half-written file under the
name readers glob for. This storage writes to a hidden temporary file beside the target and, when Scrapy
closes the feed: fsyncs it, checks that the gzip stream is complete and counts its records, links it into place
(``os.link`` refuses to replace an existing file, so nothing is ever overwritten), removes the temporary name,
fsyncs the folder, records the part's records in the index, and appends one line to ``manifest.jsonl``. A
killed run leaves only ``.*.part`` files, which no archive glob matches, or a finalised part that the next run
indexes and lists (``salvage.reconcile_source``).

Scrapy catches and only logs what goes wrong in a feed: an error writing an item (inside its ``item_scraped``
handler, where it would also skip every later feed of that item, a user's own ``-o`` among them) and an error
storing the feed. So nothing here raises into the exporter: the part file remembers its first error and takes no
more bytes, the storage refuses to finalise a failed part, and every failure, whatever its stage, is handed to
the crawl's ``ArchiveLedger``, which fails the source and says which part failed, where and why.
"""

from __future__ import annotations

import gzip
import hashlib
import logging
import os
import zlib
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from scrapy.utils.asyncio import run_in_thread
from scrapy.utils.defer import deferred_from_coro

from archiver.archive.ledger import ArchiveLedger, StorageFailure, ledger_for
from archiver.archive.manifest import ManifestEntry, append_manifest
from archiver.durable import fsync_path
from archiver.state.backend import open_index
from archiver.state.location import IndexLocation

logger = logging.getLogger(__name__)

SCHEME = "archive"
TEMP_SUFFIX = ".part"


class ArchiveIntegrityError(RuntimeError):
    """A part failed its own check before being finalised (it stays as a temporary file)."""


def temp_path_for(final: Path) -> Path:
    return final.with_name(f".{final.name}.{os.getpid()}{TEMP_SUFFIX}")



INDEX_KEYS = ("canonical_url", "url", "source", "content_sha256", "revision", "fetched_at", "sitemap_lastmod",
              "published_at")


def part_records(path: Path) -> list[dict[str, Any]]:
    """The index-relevant fields of every record of a finalised part (read back from disk, so the index
    describes exactly what was written)."""
    import json

    with gzip.open(path, "rt", encoding="utf-8") as stream:
        return [{k: v for k, v in json.loads(line).items() if k in INDEX_KEYS} for line in stream if line.strip()]


def inspect_part(path: Path) -> tuple[int, int, str]:
    """Records, bytes and sha256 of a gzipped JSONL part; raises if the gzip stream is incomplete or corrupt."""
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as raw:
        for chunk in iter(lambda: raw.read(1 << 20), b""):
            digest.update(chunk)
            size += len(chunk)
    records = 0
    last = b"\n"
    try:
        with gzip.open(path, "rb") as stream:
            for chunk in iter(lambda: stream.read(1 << 20), b""):
                records += chunk.count(b"\n")
                last = chunk[-1:]
    except (OSError, EOFError, zlib.error) as exc:
        raise ArchiveIntegrityError(f"{path}: gzip stream is not complete: {exc}") from exc
    if last != b"\n":
        raise ArchiveIntegrityError(f"{path}: last record is not terminated by a newline")
    return records, size, digest.hexdigest()


class PartFailed(Exception):
    """A part that could not be finalised; the ledger gets its ``failure``."""

    def __init__(self, failure: StorageFailure) -> None:
        super().__init__(f"{failure.part}: {failure.stage} failed: {failure.error}")
        self.failure = failure


def _describe(exc: BaseException) -> str:
    """The error, and the one it was raised while handling (a failed clean-up can hide the real cause)."""
    text = f"{type(exc).__name__}: {exc}"
    cause = exc.__cause__ if exc.__cause__ is not None else None if exc.__suppress_context__ else exc.__context__
    if cause is not None:
        text += f" (after {type(cause).__name__}: {cause})"
    return text


class PartFile:
    """A part's temporary file as the feed exporter sees it: it never raises.

    The first error (opening or writing) is kept in ``failure`` and every later write is dropped (the part is
    lost already, and its gzip stream must stay a clean prefix for the next run's salvage). Writing into a
    failed part costs its records, which the ledger counts as not stored; raising would cost other feeds too.
    """

    def __init__(self, file: Any | None, failure: StorageFailure | None = None, describe: Any = None) -> None:
        self.file = file
        self.failure = failure
        self._describe_failure = describe
        self._written = 0

    def tell(self) -> int:
        return self._written

    @property
    def closed(self) -> bool:
        return self.file is None or self.file.closed

    def writable(self) -> bool:
        return True

    def write(self, data: bytes) -> int:
        if self.failure is None:
            try:
                self.file.write(data)
            except OSError as exc:
                self.failure = self._describe_failure("write", exc)
            else:
                self._written += len(data)
        return len(data)

    def flush(self) -> None:
        if self.failure is None and self.file is not None:
            try:
                self.file.flush()
            except OSError as exc:
                self.failure = self._describe_failure("write", exc)

    def close(self) -> None:
        """Close the file; a failure to write out its last bytes is a write failure of the part."""
        if self.file is None or self.file.closed:
            return
        try:
            self.file.close()  # closes the descriptor even when the buffered bytes cannot be written
        except OSError as exc:
            if self.failure is None:
                self.failure = self._describe_failure("write", exc)

    def finish(self) -> None:
        """Write out, fsync and close (through this descriptor: a writeback error is reported to the descriptors
        open when it happened, so a later fsync through another one could miss it)."""
        self.flush()
        if self.failure is None and self.file is not None and not self.file.closed:
            try:
                os.fsync(self.file.fileno())
            except OSError as exc:
                self.failure = self._describe_failure("fsync", exc)
        self.close()


def archive_uri(path: Path) -> str:
    """The feed URI of an archive part path (absolute, may hold Scrapy's ``%(batch_id)d`` placeholders)."""
    return f"{SCHEME}://{path}"


def archive_path(uri: str) -> Path:
    """The path of an ``archive://`` URI, taken verbatim: archive URIs are built by ``archive_uri``, not typed."""
    prefix = f"{SCHEME}://"
    if not uri.startswith(prefix):
        raise ValueError(f"not an archive URI: {uri!r}")
    return Path(uri[len(prefix):])


class AtomicFileFeedStorage:
    """Feed storage for ``archive://`` URIs: temporary file, check, fsync, no-clobber link, index, manifest line,
    and a ledger entry for every part, stored or failed."""

    def __init__(self, uri: str, *, feed_options: dict[str, Any] | None = None,
                 ledger: ArchiveLedger | None = None, captures: Any = None) -> None:
        self.path = archive_path(uri)
        self.options = feed_options or {}
        self.ledger = ledger
        # The crawl's capture writer (``archiver.captures.writer``), when it captures: the WARCs its records
        # point at are made durable before the part is finalised.
        self.captures = captures
        self.started_at = datetime.now(UTC)
        self.temp = temp_path_for(self.path)
        # The object store the part goes to once finalised in the spool (``archiver.archive.objectstore``), or
        # None for a local archive.
        self.remote: Any = None

    @classmethod
    def from_crawler(cls, crawler: Any, uri: str, *, feed_options: dict[str, Any] | None = None
                     ) -> AtomicFileFeedStorage:
        from archiver.captures.writer import writer_for

        storage = cls(uri, feed_options=feed_options, ledger=ledger_for(crawler), captures=writer_for(crawler))
        remote = (feed_options or {}).get("archiver_remote")
        if remote:  # the archive's s3:// URL: the part is published there once finalised in the spool
            from archiver.archive.objectstore import store_for

            storage.remote = store_for(crawler, remote)
        return storage

    @property
    def root(self) -> Path:
        return Path(self.options.get("archiver_root") or self.path.parents[2])

    @property
    def source(self) -> str:
        return self.options.get("archiver_source", "")

    def failure(self, stage: str, exc: BaseException) -> StorageFailure:
        return part_failure(self.path, self.root, self.source, stage, exc)

    def open(self, spider: Any) -> PartFile:
        self.started_at = datetime.now(UTC)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            if self.path.exists():
                raise FileExistsError(f"{self.path} already exists; archive files are never overwritten")
            return PartFile(self.temp.open("xb"), describe=self.failure)
        except OSError as exc:
            return PartFile(None, self.failure("open", exc), describe=self.failure)

    def store(self, file: PartFile) -> Any:
        return deferred_from_coro(self._store(file))

    async def _store(self, file: PartFile) -> None:
        """Finalise in a thread (disk and SQLite work stays off the reactor); report back on the reactor thread."""
        try:
            entry = await run_in_thread(self._store_in_thread, file)
        except PartFailed as failed:
            if self.ledger is not None:
                self.ledger.failed(failed.failure)
            raise
        except Exception as exc:  # a bug of ours is still a failed part, never a silent one
            if self.ledger is not None:
                self.ledger.failed(self.failure("store", exc))
            raise
        if self.ledger is not None:
            self.ledger.stored(entry)

    def _store_in_thread(self, file: PartFile) -> ManifestEntry:
        file.finish()
        if file.failure is not None:
            raise PartFailed(file.failure)  # its temporary file stays for the next run's salvage
        if self.captures is not None:
            # A record must never point at a capture a crash could take: the source's WARCs first.
            try:
                self.captures.make_durable(self.source)
            except Exception as exc:
                raise PartFailed(self.failure("captures", exc)) from exc
        index = self.options.get("archiver_index")
        return finalise_part(
            self.temp,
            self.path,
            root=self.root,
            run_id=self.options.get("archiver_run_id", ""),
            spider=self.options.get("archiver_spider", ""),
            source=self.source,
            started_at=self.started_at,
            index=index or None,  # the SQLite file's path, or the state database's URL
            remote=self.remote,
        )


def part_failure(final: Path, root: Path, source: str, stage: str, exc: BaseException) -> StorageFailure:
    try:
        part = final.relative_to(root).as_posix()
    except ValueError:
        part = str(final)
    return StorageFailure(source=source, part=part, stage=stage, error=_describe(exc))



def finalise_part(
    temp: Path,
    final: Path,
    *,
    root: Path,
    run_id: str,
    spider: str,
    source: str,
    started_at: datetime,
    index: IndexLocation | None,
    remote: Any = None,
) -> ManifestEntry:
    """Make a written part durable, check it, put it in place without replacing anything, index its records,
    then list it. Raises ``PartFailed`` naming the stage that failed.

    With ``remote`` (an ``archiver.archive.objectstore.ObjectStore``), ``final`` is in the spool and the part
    is then published there (``publish_part``) instead of listed in the local manifest.

    The index is written before the manifest line so that a listed part is always an indexed one: whatever
    fails after the link leaves a complete part that is not listed, which the next run lists and indexes
    (``salvage.reconcile_source``) instead of fetching its pages again. Before the link, the temporary file
    stays for the next run's salvage.
    """

    def failed(stage: str, exc: BaseException) -> PartFailed:
        return PartFailed(part_failure(final, root, source, stage, exc))

    try:
        fsync_path(temp)  # the storage fsynced it already; salvage's rewritten parts come here unsynced
    except OSError as exc:
        raise failed("fsync", exc) from exc
    try:
        records, size, sha256 = inspect_part(temp)
    except (ArchiveIntegrityError, OSError) as exc:
        raise failed("check", exc) from exc
    try:
        os.link(temp, final)  # FileExistsError instead of overwriting
        temp.unlink()
    except OSError as exc:
        raise failed("link", exc) from exc
    try:
        fsync_path(final.parent)
    except OSError as exc:
        raise failed("fsync", exc) from exc
    relative = final.relative_to(root).as_posix()
    entry = ManifestEntry(
        path=relative,
        records=records,
        bytes=size,
        sha256=sha256,
        run_id=run_id,
        spider=spider,
        source=source,
        started_at=started_at.isoformat(timespec="seconds"),
        finished_at=datetime.now(UTC).isoformat(timespec="seconds"),
    )
    if remote is not None:
        publish_part(final, entry, root=root, index=index, remote=remote)
        return entry
    if index:  # only now, with the file final and durable, may the index claim its records
        try:
            with open_index(index) as db:
                db.commit_file(relative, part_records(final), sha256=sha256)
        except Exception as exc:  # a state store's error, OSError, a bad record: the part is not indexed
            raise failed("index", exc) from exc
    try:
        append_manifest(root, entry)
    except OSError as exc:
        raise failed("manifest", exc) from exc
    return entry


def publish_part(final: Path, entry: ManifestEntry, *, root: Path, index: IndexLocation | None, remote: Any,
                 rows: list[dict[str, Any]] | None = None) -> None:
    """Upload a part finalised in the spool (verified), index its records, write its manifest object, and remove
    the spooled copy, in that order; raises ``PartFailed`` (stage ``upload``, ``index`` or ``manifest``).

    Whatever fails leaves the spooled copy, which the next run publishes again (``archiver.archive.spool``):
    the object already there with the same checksum is taken as uploaded, indexing is idempotent, and a part
    listed by two manifest objects is listed once by their union."""

    def failed(stage: str, exc: BaseException) -> PartFailed:
        return PartFailed(part_failure(final, root, entry.source, stage, exc))

    try:
        remote.put_file(final, entry.path, entry.sha256, entry.bytes)
    except Exception as exc:  # UploadFailed after botocore's retries, or the spooled file unreadable
        raise failed("upload", exc) from exc
    if index:  # only now, with the object verified, may the index claim its records
        try:
            with open_index(index) as db:
                db.commit_file(entry.path, rows if rows is not None else part_records(final), sha256=entry.sha256)
        except Exception as exc:
            raise failed("index", exc) from exc
    try:
        remote.put_manifest(asdict(entry), entry.run_id)
    except Exception as exc:
        raise failed("manifest", exc) from exc
    try:
        final.unlink()
    except OSError as exc:  # published all the same
        logger.warning("%s: published, but its spooled copy could not be removed (the next run publishes it again, "
                       "as the same object): %s", entry.path, exc)
