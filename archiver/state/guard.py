"""The per-source guard around a crawl: take each source's lock, finish what killed runs left, bring the index
up to date, release at the end.

An extension, so ``scrapy crawl``, ``archiver crawl`` and Scrapyd jobs all get it. A source already locked by
a live run makes the crawl close at once with finish reason ``source_locked`` (``archiver crawl`` turns that
into its own exit code); a lock left by a killed run is taken over and said so.

Taking a ``flock`` is quick and happens on the reactor thread; a lock in the state database (``archiver.state.
pg.locks``) is a round trip, taken in a worker thread. Such a lock can be lost while the run holds it (its
connection broke and another run took the source meanwhile): the crawl then closes with finish reason
``lock_lost`` and the source fails. Everything slow (listing parts a kill left
unlisted, salvaging leftover parts: gunzip, fsync, manifest line, index transaction; reading the manifest and
indexing the parts the index lacks) runs in a worker thread: ``spider_opened`` is a coroutine awaiting it, which
Scrapy waits for before it asks the spider for its first request, while other crawls of the same process
(``archiver crawl --parallel``) keep fetching. If that work fails, the crawl closes with finish reason
``prepare_failed`` before discovering anything, so a source whose index could not be brought up to date is
never crawled against it.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scrapy import signals

from archiver import outcomes
from archiver.archive.ledger import ledger_for
from archiver.archive.objectstore import ObjectStore, store_for
from archiver.archive.salvage import reconcile_source, salvage_source
from archiver.archive.spool import catch_up_remote, push_spooled, push_spooled_captures
from archiver.captures.paths import captures_root
from archiver.captures.salvage import reconcile_captures, salvage_captures
from archiver.state.backend import SourceLockLike, source_lock
from archiver.state.catchup import LAGGING, MISSING, STALE, UNRECORDED, CatchUp, catch_up_index
from archiver.state.location import IndexLocation, state_location
from archiver.state.locks import LockBusy

logger = logging.getLogger(__name__)

PREPARE_FAILED = "prepare_failed"
LOCK_LOST = "lock_lost"


@dataclass
class Prepared:
    """What preparing one source did: leftovers finished (report entries) and the index caught up."""

    source: str
    leftovers: list[dict[str, Any]] = field(default_factory=list)
    catch_up: CatchUp | None = None


def prepare_sources(archive: Path, sources: list[str], index: IndexLocation | None, spider: str,
                    captures: Path | None = None, remote: ObjectStore | None = None) -> list[Prepared]:
    """The slow part of opening a crawl; runs in a worker thread, under the sources' locks. Captures come
    first, so a salvaged part's records point at captures that are final. With ``remote`` (an ``s3://``
    archive), ``archive`` and ``captures`` are its spool: what they still hold is published first
    (``archiver.archive.spool``), and the index is caught up with the bucket's manifest objects."""
    done = []
    for source in sources:
        prepared = Prepared(source)
        if captures is not None and (captures / f"source={source}").is_dir():
            for entry in reconcile_captures(captures, source, index=index):
                prepared.leftovers.append({**entry, "store": "captures", "how": "reconciled"})
            for entry in salvage_captures(captures, source, index=index):
                prepared.leftovers.append({**entry, "store": "captures", "how": "salvaged"})
            if remote is not None:
                for entry in push_spooled_captures(captures, source, remote):
                    prepared.leftovers.append({**entry, "store": "captures", "how": "published"})
        if remote is not None:
            for entry in push_spooled(archive, source, index=index, spider=spider, remote=remote):
                prepared.leftovers.append({**entry, "how": "published"})
        else:
            for entry in reconcile_source(archive, source, index=index, spider=spider):
                prepared.leftovers.append({**entry, "how": "reconciled"})
        for entry in salvage_source(archive, source, index=index, spider=spider, remote=remote):
            prepared.leftovers.append({**entry, "how": "salvaged"})
        if index is not None:
            prepared.catch_up = (catch_up_remote(remote, source, index) if remote is not None
                                 else catch_up_index(archive, source, index))
        done.append(prepared)
    return done


class SourceGuard:
    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler
        self.locks: list[SourceLockLike] = []
        self.started = 0.0
        self.loop: asyncio.AbstractEventLoop | None = None

    @classmethod
    def from_crawler(cls, crawler: Any) -> SourceGuard:
        guard = cls(crawler)
        crawler.signals.connect(guard.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(guard.engine_stopped, signal=signals.engine_stopped)
        return guard

    async def spider_opened(self, spider: Any) -> None:
        if not hasattr(spider, "sources"):
            return
        settings = self.crawler.settings
        state = state_location(settings)
        stats = self.crawler.stats
        self.loop = asyncio.get_running_loop()
        for source in spider.sources:
            # A lock in the state database may break while the run holds it (a server restart): the lock
            # takes itself back, or says it is lost, and the source then fails (``_lock_lost``).
            options = {"on_lost": self._lost_from_thread, "on_retaken": self._retaken_from_thread} \
                if state.shared else {}
            lock = source_lock(state.locks, source.name, run_id=spider.run_id, **options)
            try:
                if state.shared:  # a round trip to the server: off the reactor, as every other state call
                    await asyncio.to_thread(lock.acquire)
                else:
                    lock.acquire()
            except LockBusy as busy:
                logger.error("%s", busy)
                stats.set_value("archiver/locked", source.name)
                self._release()
                self._close("source_locked")
                return
            except Exception as exc:  # the state database cannot be reached: nothing may run unlocked
                logger.error("%s: could not take the source's lock in %s: %s", source.name, state.describe(), exc)
                self._release()
                self._failed(exc, spider, [s.name for s in spider.sources])
                return
            self.locks.append(lock)
            if lock.took_over:
                logger.warning("%s: took over the lock left by a run that is no longer running (pid %s, %s)",
                               source.name, lock.took_over.get("pid"), lock.took_over.get("started_at"))
                stats.set_value(f"archiver/source/{source.name}/stale_lock_taken_over", lock.took_over.get("pid"))
        index = state.index if settings.getbool("ARCHIVER_INCREMENTAL", True) else None
        names = [source.name for source in spider.sources]
        self.started = time.monotonic()
        logger.info("%s: preparing in a worker thread (leftovers of killed runs, the index against the manifest)",
                    ", ".join(names))
        # Leftover captures are finished whether or not this run captures: they are what an earlier run kept.
        captures = captures_root(settings, getattr(spider, "archive_dir", None))
        url = getattr(spider, "archive_url", None)
        try:
            remote = store_for(self.crawler, str(url)) if url is not None else None
            done = await asyncio.to_thread(prepare_sources, Path(spider.archive_dir), names, index, spider.name,
                                           captures, remote)
        except Exception as exc:
            self._failed(exc, spider, names)
        else:
            self._prepared(done, spider)

    def _prepared(self, done: list[Prepared], spider: Any) -> None:
        stats = self.crawler.stats
        for prepared in done:
            name = prepared.source
            for entry in prepared.leftovers:
                how = entry.pop("how")
                if entry.get("store") == "captures":
                    log = logger.error if entry["action"] in ("unlisted_invalid", "name_taken") else logger.warning
                    log("%s: capture file %s left by a killed run: %s (%d records)%s", name, entry["part"],
                        entry["action"], entry["records"], f": {entry['error']}" if entry.get("error") else "")
                    stats.inc_value(f"archiver/source/{name}/captures/leftovers/{entry['action']}")
                    entry.pop("store")
                    ledger_for(self.crawler).warc_leftovers.append({"source": name, **entry})
                    continue
                if how == "published":
                    logger.warning("%s: part %s, left in the spool by an earlier run, %s now (%d records)",
                                   name, entry["part"], entry["action"], entry["records"])
                elif how == "reconciled":
                    logger.warning("%s: part %s was finalised only in part by a killed run: %s now (%d records)",
                                   name, entry["part"], entry["action"], entry["records"])
                else:
                    logger.warning("%s: leftover part %s %s (%d records)", name, entry["part"], entry["action"],
                                   entry["records"])
                stats.inc_value(f"archiver/source/{name}/leftovers/{entry['action']}")
                spider.salvage_report.append({"source": name, **entry})
            if prepared.catch_up is not None:
                self._report_catch_up(prepared.catch_up, spider)
        logger.info("%s: ready after %.2f s", ", ".join(p.source for p in done), time.monotonic() - self.started)

    def _report_catch_up(self, result: CatchUp, spider: Any) -> None:
        stats = self.crawler.stats
        name = result.source
        if result.indexed:
            parts, records = len(result.indexed), result.records
            if result.cause == MISSING:
                logger.warning("%s: the index held nothing of this source while the manifest lists %d part(s) "
                               "(index deleted, or a new --state on this archive): rebuilt it from them (%d "
                               "records) before discovery", name, result.listed, records)
            elif result.cause == LAGGING:
                logger.warning("%s: the index lacked %d of the %d listed part(s) (an interrupted run, or another "
                               "--state on this archive): indexed them (%d records) before discovery", name,
                               parts, result.listed, records)
            elif result.cause == STALE:
                logger.warning("%s: the index held %d part(s) the manifest no longer lists (withdrawn by "
                               "`archiver verify --repair`, or an index of another archive): rebuilt this "
                               "source's index from the %d listed part(s) (%d records)", name, len(result.stale),
                               parts, records)
            elif result.cause == UNRECORDED:
                logger.info("%s: recorded which parts the index holds (%d part(s) read once; the index was "
                            "written by an older version)", name, parts)
            if result.cause in (MISSING, STALE):
                outcomes.count(stats, name, "index", "rebuilt")
            outcomes.count(stats, name, "index", "parts_indexed", value=parts)
            outcomes.count(stats, name, "index", "records_indexed", value=records)
            for entry in result.indexed:
                spider.salvage_report.append({"source": name, **entry, "action": "indexed", "reason": result.cause})
        for damaged in result.damaged:
            consequence = ("its records stay known to the index, so they are not fetched again" if damaged["indexed"]
                           else "it was not indexed")
            logger.error("%s: listed part %s is damaged (%s); %s. Run `archiver verify --repair` to set it aside "
                         "and have the next run fetch its records again", name, damaged["part"], damaged["problem"],
                         consequence)
            outcomes.count(stats, name, "index", "damaged_parts")
            spider.salvage_report.append({"source": name, "part": damaged["part"], "action": "damaged",
                                          "problem": damaged["problem"], "records": 0})
        if result.seconds > 1:
            logger.info("%s: index checked against %d listed part(s) in %.1f s", name, result.listed, result.seconds)

    def _failed(self, error: Exception, spider: Any, names: list[str]) -> None:
        logger.error("%s: could not finish killed runs' leftovers or bring the index up to date; not crawling",
                     ", ".join(names), exc_info=(type(error), error, error.__traceback__))
        for name in names:
            outcomes.count(self.crawler.stats, name, PREPARE_FAILED)
        self._close(PREPARE_FAILED)

    def _close(self, reason: str) -> None:
        """Close the crawl before it discovers anything (the engine starts right after ``spider_opened``, and
        this close runs first)."""
        asyncio.ensure_future(self.crawler.engine.close_spider_async(reason=reason))

    def _lost_from_thread(self, source: str, reason: str) -> None:
        if self.loop is not None and not self.loop.is_closed():
            self.loop.call_soon_threadsafe(self._lock_lost, source, reason)

    def _retaken_from_thread(self, source: str) -> None:
        if self.loop is not None and not self.loop.is_closed():
            self.loop.call_soon_threadsafe(self.crawler.stats.inc_value, f"archiver/source/{source}/lock_retaken")

    def _lock_lost(self, source: str, reason: str) -> None:
        """Another run may now be crawling this source: stop, and fail the source, loudly."""
        logger.error("%s: the source's lock was lost (%s); stopping this crawl so that no two runs archive the "
                     "source at once. What was fetched is finalised; the source fails", source, reason)
        outcomes.count(self.crawler.stats, source, LOCK_LOST)
        if self.crawler.engine is not None and self.crawler.engine.running:
            self._close(LOCK_LOST)

    def engine_stopped(self) -> None:
        self._release()

    def _release(self) -> None:
        for lock in self.locks:
            lock.release()
        self.locks = []
