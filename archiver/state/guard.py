"""The per-source guard around a crawl: take each source's lock, repair and salvage leftovers, release at the end.

An extension, so ``scrapy crawl``, ``archiver crawl`` and Scrapyd jobs all get it. A source already locked by
a live run makes the crawl close at once with finish reason ``source_locked`` (``archiver crawl`` turns that
into its own exit code); a lock left by a killed run is taken over and said so.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from scrapy import signals

from archiver.archive.salvage import reconcile_source, salvage_source
from archiver.paths import state_dir
from archiver.state.index import index_path
from archiver.state.locks import LockBusy, SourceLock

logger = logging.getLogger(__name__)


class SourceGuard:
    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler
        self.locks: list[SourceLock] = []

    @classmethod
    def from_crawler(cls, crawler: Any) -> SourceGuard:
        guard = cls(crawler)
        crawler.signals.connect(guard.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(guard.engine_stopped, signal=signals.engine_stopped)
        return guard

    def spider_opened(self, spider: Any) -> None:
        if not hasattr(spider, "sources"):
            return
        settings = self.crawler.settings
        state = state_dir(settings.get("ARCHIVER_STATE_DIR"), settings.get("ARCHIVER_DATA_DIR"))
        stats = self.crawler.stats
        for source in spider.sources:
            lock = SourceLock(state / "locks", source.name, run_id=spider.run_id)
            try:
                lock.acquire()
            except LockBusy as busy:
                logger.error("%s", busy)
                stats.set_value("archiver/locked", source.name)
                self._release()
                import asyncio

                asyncio.ensure_future(self.crawler.engine.close_spider_async(reason="source_locked"))
                return
            self.locks.append(lock)
            if lock.took_over:
                logger.warning("%s: took over the lock left by a run that is no longer running (pid %s, %s)",
                               source.name, lock.took_over.get("pid"), lock.took_over.get("started_at"))
                stats.set_value(f"archiver/source/{source.name}/stale_lock_taken_over", lock.took_over.get("pid"))
        index = index_path(state) if settings.getbool("ARCHIVER_INCREMENTAL", True) else None
        for source in spider.sources:
            for entry in reconcile_source(Path(spider.archive_dir), source.name, index=index, spider=spider.name):
                logger.warning("%s: part %s was finalised only in part by a killed run: %s now (%d records)",
                               source.name, entry["part"], entry["action"], entry["records"])
                stats.inc_value(f"archiver/source/{source.name}/leftovers/{entry['action']}")
                spider.salvage_report.append({"source": source.name, **entry})
            for entry in salvage_source(Path(spider.archive_dir), source.name, index=index, spider=spider.name):
                logger.warning("%s: leftover part %s %s (%d records)", source.name, entry["part"], entry["action"],
                               entry["records"])
                stats.inc_value(f"archiver/source/{source.name}/leftovers/{entry['action']}")
                spider.salvage_report.append({"source": source.name, **entry})

    def engine_stopped(self) -> None:
        self._release()

    def _release(self) -> None:
        for lock in self.locks:
            lock.release()
        self.locks = []
