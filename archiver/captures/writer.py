"""The WARCs of one crawl: one open file per source, written on a thread of the crawl's own.

Everything that touches a capture file runs on one writer thread (``archiver-captures``): the payload digest,
the revisit lookup, building and compressing the records, the append, the fsync an archive part asks for, the
rotation at ``ARCHIVER_WARC_MAX_BYTES`` or ``ARCHIVER_WARC_MAX_EXCHANGES``. So the file's order is the order
exchanges were handed in, no lock is needed, and the reactor only waits for an answer (zlib and hashlib release
the GIL, so the other core works meanwhile). Finalising a full or closing file (fsync, CDXJ, link, manifest)
runs on a second thread, so a rotation never holds up the exchanges behind it.

Memory is bounded whatever the size of a source: an open file keeps what its CDXJ lines will say of each
exchange (about 0.5 KB each) until it is finalised, so a file is finalised after ``ARCHIVER_WARC_MAX_EXCHANGES``
exchanges as well as at its byte limit (a 200,000-URL source of small 404 pages otherwise stayed one file, and
its entries took 100 MB, with 80 MB more while its index was written), and the writer waits for the finaliser
when more than ``MAX_FINALISING`` files are queued for it.

What the threads find (a file finalised, a file failed) is queued and reported on the reactor thread, into the
crawl's ``ArchiveLedger`` and stats: a failed WARC fails its source, like a lost archive part.

Durability contract with the archive (``make_durable``): an archive part is finalised only after every capture
its records can point at is fsynced. If one of a source's capture files could not be made durable, every later
part of that source refuses to finalise (and stays for the next run's salvage), so no listed record ever points
at bytes a power cut could take.
"""

from __future__ import annotations

import asyncio
import collections
import logging
import platform
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any
from weakref import WeakKeyDictionary

from archiver import outcomes
from archiver.archive.ledger import StorageFailure, ledger_for
from archiver.captures.exchange import DISCONNECT, UNSPECIFIED, Exchange
from archiver.captures.paths import partition, temp_for, warc_name
from archiver.captures.records import RecordMaker, payload_digest
from archiver.captures.revisits import RevisitFinder
from archiver.captures.warcfile import CaptureFailed, IndexEntry, WarcFile, finalise_warc, media_type
from archiver.middlewares.content_coding import (
    GZIP_MAGIC,
    CorruptContentCoding,
    DecompressedTooLarge,
    IncompleteContentCoding,
    check_codings,
    codings_to_decode,
)

logger = logging.getLogger(__name__)

DEFAULT_MAX_BYTES = 1_000_000_000
DEFAULT_MAX_EXCHANGES = 10_000
MAX_FINALISING = 2  # files handed to the finaliser and not yet finalised, before the writer waits for it


def truncation(exchange: Exchange, max_size: int) -> str | None:
    """The WARC-Truncated reason of an exchange, or None when its payload is whole: the connection closed before
    the declared length arrived, or a content coding (or a body that is a gzip file) stops before its end (the
    same judgement as ``CompleteContentCodingMiddleware``, which then fails the page as ``truncated``)."""
    if exchange.cut_short:
        return DISCONNECT
    if not exchange.payload:
        return None
    codings = codings_to_decode([b",".join(exchange.content_codings)]) if exchange.content_codings else []
    if not codings and not exchange.payload.startswith(GZIP_MAGIC):
        return None
    try:
        check_codings(exchange.payload, codings or [b"gzip"], max_size=max_size)
    except IncompleteContentCoding:
        return UNSPECIFIED
    except (CorruptContentCoding, DecompressedTooLarge):
        return None
    return None


@dataclass
class Captured:
    """What capturing one exchange did (reported on the reactor thread)."""

    pointer: dict[str, Any] | None = None
    revisit: bool = False
    truncated: str | None = None


@dataclass
class _SourceFiles:
    """A source's capture files in this run (writer thread only)."""

    source: str
    current: WarcFile | None = None
    warcinfo_id: str = ""
    number: int = 0
    stopped: bool = False  # a file failed: nothing more is captured for this source in this run
    durability_lost: str | None = None  # why a file of this source may not have reached the disk


@dataclass
class _Reports:
    """Finalised and failed files, queued by the threads for the reactor."""

    finalised: collections.deque[dict[str, Any]] = field(default_factory=collections.deque)
    failures: collections.deque[StorageFailure] = field(default_factory=collections.deque)


class CaptureWriter:
    """The capture files of one crawl (see the module's docstring)."""

    def __init__(self, crawler: Any) -> None:
        settings = crawler.settings
        self.crawler = crawler
        self.max_bytes = settings.getint("ARCHIVER_WARC_MAX_BYTES", DEFAULT_MAX_BYTES) or DEFAULT_MAX_BYTES
        self.max_exchanges = (settings.getint("ARCHIVER_WARC_MAX_EXCHANGES", DEFAULT_MAX_EXCHANGES)
                              or DEFAULT_MAX_EXCHANGES)
        self.max_size = settings.getint("DOWNLOAD_MAXSIZE", 0)
        self.robots = "classic" if settings.getbool("ROBOTSTXT_OBEY") else "ignore"
        self.user_agent = settings.get("USER_AGENT") or ""
        self.operator = settings.get("ARCHIVER_CONTACT_URL") or ""
        self.root: Path | None = None
        self.run_id = ""
        self.day: date | None = None
        self.index: Path | None = None
        # The s3:// archive's store (``archiver.archive.objectstore``): each finalised file is published there
        # from the spool ``root``; None for a local archive.
        self.remote: Any = None
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="archiver-captures")
        self._finaliser = ThreadPoolExecutor(max_workers=1, thread_name_prefix="archiver-captures-finalise")
        self._sources: dict[str, _SourceFiles] = {}
        self._finalising: list[Future[None]] = []
        self._reports = _Reports()
        self._maker: RecordMaker | None = None
        self._finder: RevisitFinder | None = None
        self._closed = False

    # -- set-up and reporting (reactor thread) ----------------------------------------------------------------

    def open(self, root: Path, run_id: str, day: date, index: Path | None) -> None:
        self.root, self.run_id, self.day, self.index = root, run_id, day, index

    @property
    def ready(self) -> bool:
        return self.root is not None and not self._closed

    def _warcinfo_fields(self, source: str) -> dict[str, str]:
        import scrapy
        import warcio

        from archiver.settings import ARCHIVER_VERSION

        warcio_version = getattr(warcio, "__version__", "") or _distribution_version("warcio")
        return {
            "software": f"archiver/{ARCHIVER_VERSION} (Scrapy/{scrapy.__version__}; warcio/{warcio_version}; "
                        f"Python/{platform.python_version()})",
            "format": "WARC File Format 1.1",
            "conformsTo": "https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/",
            "isPartOf": f"archiver run {self.run_id}, source {source}",
            "description": f"Every HTTP exchange archiver made while crawling source {source} in run {self.run_id}",
            "robots": self.robots,
            "http-header-user-agent": self.user_agent,
            "operator": self.operator,
        }

    def report(self) -> None:
        """Hand what the threads queued to the crawl's ledger and stats (reactor thread)."""
        ledger = ledger_for(self.crawler)
        while self._reports.finalised:
            entry = self._reports.finalised.popleft()
            ledger.stored_warc(entry)
            outcomes.count(self.crawler.stats, entry["source"], "captures", "bytes", value=entry["bytes"])
        while self._reports.failures:
            ledger.failed(self._reports.failures.popleft())

    def counted(self, source: str, captured: Captured | None) -> None:
        stats = self.crawler.stats
        if captured is None or captured.pointer is None:
            outcomes.count(stats, source, "captures", "lost")
            return
        outcomes.count(stats, source, "captures", "exchanges")
        if captured.revisit:
            outcomes.count(stats, source, "captures", "revisits")
        if captured.truncated:
            outcomes.count(stats, source, "captures", "truncated")

    # -- the reactor's side -------------------------------------------------------------------------------------

    async def capture(self, source: str, exchange: Exchange) -> dict[str, Any] | None:
        """Write one exchange; its pointer, or None when it could not be captured (counted and reported)."""
        loop = asyncio.get_running_loop()
        try:
            captured = await loop.run_in_executor(self._thread, self._capture, source, exchange)
        except Exception as exc:  # a bug of ours: the exchange is lost to the captures, and that is said
            logger.exception("%s: could not capture %s", source, exchange.url)
            self.lost(source, exchange.url, exc)
            return None
        self.counted(source, captured)
        self.report()
        return captured.pointer if captured is not None else None

    def lost(self, source: str, url: str, exc: BaseException) -> None:
        """An exchange our own code failed to capture: a storage fault of the source, like a lost record."""
        self._reports.failures.append(StorageFailure(source=source, part=url, stage="capture",
                                                     error=f"{type(exc).__name__}: {exc}", store="captures"))
        self.counted(source, None)
        self.report()

    async def close(self) -> None:
        """Finalise every open file and wait for every finalisation (the crawl is closing)."""
        if self.root is None or self._closed:
            return
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(self._thread, self._close_all)
        self._closed = True
        for pending in list(self._finalising):
            await asyncio.wrap_future(pending)
        await loop.run_in_executor(self._thread, self._close_finder)
        self.report()

    def shutdown(self) -> None:
        self._thread.shutdown(wait=False)
        self._finaliser.shutdown(wait=False)

    # -- any thread but the writer's --------------------------------------------------------------------------

    def make_durable(self, source: str) -> None:
        """fsync every capture of ``source`` written so far; raises ``CaptureFailed`` when that cannot be
        promised. Called by the archive's storage thread before it finalises a part of ``source``."""
        try:
            done = self._thread.submit(self._sync, source)
        except RuntimeError:  # the writer has shut down: every file was fsynced when it was closed
            return
        done.result()

    # -- the writer thread ------------------------------------------------------------------------------------

    def _files(self, source: str) -> _SourceFiles:
        files = self._sources.get(source)
        if files is None:
            files = self._sources[source] = _SourceFiles(source)
        return files

    def _fail(self, files: _SourceFiles, warc: WarcFile, stage: str, exc: BaseException, *,
              synced: bool = False) -> None:
        """Stop capturing ``files``' source: ``warc`` failed, and stays hidden for the next run's salvage. What
        was written before the failure has been pointed at, so it is fsynced unless that is what failed."""
        self._reports.failures.append(StorageFailure(source=files.source, part=warc.path, stage=stage,
                                                     error=f"{type(exc).__name__}: {exc}", store="captures"))
        files.stopped = True
        if not synced:
            try:
                warc.sync()
            except OSError as sync_error:
                files.durability_lost = f"{warc.path}: fsync failed: {sync_error}"
        warc.close()
        if files.current is warc:
            files.current = None

    def _capture(self, source: str, exchange: Exchange) -> Captured | None:
        files = self._files(source)
        if files.stopped:
            return None
        if self._maker is None:
            self._maker = RecordMaker()
            self._finder = RevisitFinder(self.index, self.root)
        assert self._finder is not None
        digest = payload_digest(exchange.payload)
        truncated = truncation(exchange, self.max_size)
        original = None
        if not truncated and exchange.payload:
            original = self._finder.find(exchange.url, digest)
        members: list[bytes] = []
        warc = files.current
        if warc is None:
            warc = self._new_file(files)
            if warc is None:
                return None
            info, files.warcinfo_id = self._maker.warcinfo(warc.final.name, self._warcinfo_fields(source))
            members.append(info)
        made = self._maker.exchange(exchange, digest=digest, warcinfo_id=files.warcinfo_id, truncated=truncated,
                                    original=original)
        members += [made.response, made.request]
        try:
            offsets = warc.append(members)
        except OSError as exc:
            self._fail(files, warc, "write", exc)
            return None
        offset = offsets[-2]
        warc.indexable += 1
        whole = original is None and not truncated and bool(exchange.payload)
        entry = IndexEntry(exchange.url, made.date, "warc/revisit" if original is not None else
                           media_type(exchange.response_head), str(exchange.status), digest, offset,
                           len(made.response), made.response_id, whole)
        warc.index.append(entry)
        pointer: dict[str, Any] = {"warc": warc.path, "offset": offset, "length": len(made.response),
                                   "digest": digest}
        if original is not None:
            pointer["refers_to"] = {"warc": original.warc, "offset": original.offset, "length": original.length}
        elif whole:
            self._finder.add(entry.as_original(warc.path))
        if warc.size >= self.max_bytes or warc.indexable >= self.max_exchanges:
            # full: the next exchange of this source opens the next file
            self._rotate(files)
        return Captured(pointer, original is not None, truncated)

    def _new_file(self, files: _SourceFiles) -> WarcFile | None:
        assert self.root is not None and self.day is not None
        folder = partition(self.root, files.source, self.day)
        while True:
            files.number += 1
            final = folder / warc_name(self.run_id, files.number)
            if not final.exists() and not temp_for(final).exists():
                break
        warc = WarcFile(final, self.root)
        try:
            warc.open()
        except OSError as exc:
            self._fail(files, warc, "open", exc, synced=True)
            return None
        files.current = warc
        return warc

    def _rotate(self, files: _SourceFiles) -> None:
        """Close the source's current file and hand it to the finaliser."""
        warc = files.current
        if warc is None:
            return
        files.current = None
        try:
            warc.sync()
        except OSError as exc:
            files.durability_lost = f"{warc.path}: fsync failed: {exc}"
            self._fail(files, warc, "fsync", exc, synced=True)
            return
        self._finalising = [pending for pending in self._finalising if not pending.done()]
        self._finalising.append(self._finaliser.submit(self._finalise, files.source, warc))
        while len(self._finalising) > MAX_FINALISING:  # the finaliser lags: wait, rather than pile up entries
            self._finalising.pop(0).result()

    def _finalise(self, source: str, warc: WarcFile) -> None:
        """Finaliser thread: finalise one closed file, queue the outcome for the reactor."""
        try:
            entry = finalise_warc(warc.temp, warc.final, root=warc.root, records=warc.records,
                                  indexable=warc.indexable, run_id=self.run_id,
                                  source=source, started_at=warc.started_at, index=self.index, size=warc.size,
                                  entries=warc.index)
        except CaptureFailed as failed:
            self._reports.failures.append(StorageFailure(source=source, part=warc.path, stage=failed.stage,
                                                         error=failed.detail, store="captures"))
        except Exception as exc:  # a bug of ours is still a failed file, never a silent one
            logger.exception("%s: finalising %s failed", source, warc.path)
            self._reports.failures.append(StorageFailure(source=source, part=warc.path, stage="finalise",
                                                         error=f"{type(exc).__name__}: {exc}", store="captures"))
        else:
            if self.remote is not None and not self._publish(source, warc, entry):
                return
            self._reports.finalised.append(entry)
        finally:
            warc.close()
            warc.index = []  # a failed file is salvaged from its bytes; the entries are not needed again

    def _publish(self, source: str, warc: WarcFile, entry: dict[str, Any]) -> bool:
        """Upload a finalised file to the ``s3://`` archive's captures (``archiver.archive.spool``); a failure
        fails the source (stage ``upload``) and leaves the file in the spool for the next run."""
        from archiver.archive.spool import publish_capture

        try:
            publish_capture(warc.root, entry, self.remote)
        except Exception as exc:
            self._reports.failures.append(StorageFailure(source=source, part=warc.path, stage="upload",
                                                         error=f"{type(exc).__name__}: {exc}", store="captures"))
            return False
        return True

    def _sync(self, source: str) -> None:
        files = self._sources.get(source)
        if files is None:
            return
        if files.durability_lost:
            raise CaptureFailed("captures", files.durability_lost)
        warc = files.current
        if warc is None:
            return
        try:
            warc.sync()
        except OSError as exc:
            files.durability_lost = f"{warc.path}: fsync failed: {exc}"
            self._fail(files, warc, "fsync", exc, synced=True)
            raise CaptureFailed("captures", files.durability_lost) from exc

    def _close_all(self) -> None:
        for files in self._sources.values():
            self._rotate(files)

    def _close_finder(self) -> None:
        if self._finder is not None:
            self._finder.close()


def _distribution_version(name: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(name)
    except PackageNotFoundError:
        return "unknown"


_WRITERS: WeakKeyDictionary[Any, CaptureWriter] = WeakKeyDictionary()


def writer_for(crawler: Any) -> CaptureWriter | None:
    """The capture writer of a crawl, if it captures (the archive's storage asks before finalising a part)."""
    return _WRITERS.get(crawler)


def register(crawler: Any, writer: CaptureWriter) -> None:
    _WRITERS[crawler] = writer
