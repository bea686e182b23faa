"""Scrapy FEEDS entries that write the archive.

One feed per source, because Scrapy names a feed's file from the run, not from each item: the item filter
routes each ``Article`` to its source's feed. Each feed is gzipped by Scrapy's own postprocessing plugin, cut
into parts of ``batch_items`` records, and stored by ``AtomicFileFeedStorage``, which is what makes parts appear
whole or not at all. The feeds use a scheme of their own, ``archive://`` (registered in ``FEED_STORAGES``), so
Scrapy's file storage, and with it a user's own ``-o items.jsonl`` or ``FEEDS``, works as in any project.
"""

from __future__ import annotations

import logging
from datetime import date
from pathlib import Path
from typing import Any

from scrapy.extensions.feedexport import FeedExporter, ItemFilter

from archiver.archive.storage import archive_uri
from archiver.items import Article
from archiver.state.location import IndexLocation

logger = logging.getLogger(__name__)


def partition_dir(root: Path, source: str, day: date) -> Path:
    """Hive-style partition folder, so one glob reads the archive: ``source=<name>/date=<YYYY-MM-DD>``."""
    return root / f"source={source}" / f"date={day.isoformat()}"


class SourceItemFilter(ItemFilter):
    """Accepts the Article items of one source (the feed's ``archiver_source`` option)."""

    def __init__(self, feed_options: dict[str, Any] | None) -> None:
        super().__init__(feed_options)
        self.source = (feed_options or {}).get("archiver_source")

    def accepts(self, item: Any) -> bool:
        return isinstance(item, Article) and item.get("source") == self.source


def archive_feeds(
    root: Path,
    sources: list[str],
    *,
    run_id: str,
    spider_name: str,
    crawl_day: date,
    batch_items: int,
    index: IndexLocation | None = None,
    remote: str | None = None,
) -> dict[str, dict[str, Any]]:
    """FEEDS entries for one run: ``archive://<root>/source=<s>/date=<day>/<run_id>-<part>.jsonl.gz``. With
    ``remote`` (an ``s3://`` archive URL), ``root`` is the spool each part is published from."""
    feeds: dict[str, dict[str, Any]] = {}
    for source in sources:
        uri = archive_uri(partition_dir(root, source, crawl_day) / f"{run_id}-%(batch_id)04d.jsonl.gz")
        feeds[uri] = {
            "format": "jsonlines",
            "encoding": "utf-8",
            "item_classes": [Article],
            "item_filter": SourceItemFilter,
            "batch_item_count": batch_items,
            "store_empty": False,
            "overwrite": False,
            "postprocessing": ["scrapy.extensions.postprocessing.GzipPlugin"],
            "gzip_compresslevel": 6,
            "gzip_mtime": 0,
            "archiver_source": source,
            "archiver_root": str(root),
            "archiver_run_id": run_id,
            "archiver_spider": spider_name,
            "archiver_index": str(index) if index else None,
            "archiver_remote": remote,
        }
    return feeds


class ArchiveFeedExporter(FeedExporter):
    """Scrapy's feed exporter, except that an error in one feed no longer costs the other feeds the item.

    Scrapy hands an item to each feed in turn inside one signal handler, and the first feed that raises ends the
    loop: the feeds after it miss the item, and a feed that had just rolled over to a new part loses that part.
    Here each feed gets the item through Scrapy's own code, one feed at a time, and a feed's error is logged as
    Scrapy would log it. So a user's ``-o`` on a full disk cannot take records from the archive (whose own
    feeds never raise: ``storage.PartFile``).
    """

    def item_scraped(self, item: Any, spider: Any) -> None:
        slots = []
        for slot in list(self.slots):
            self.slots = [slot]
            try:
                super().item_scraped(item, spider)
            except Exception:
                logger.exception("Error exporting an item to the feed %s", slot.uri, extra={"spider": spider})
                self.slots = [slot]
            slots += self.slots
        self.slots = slots
