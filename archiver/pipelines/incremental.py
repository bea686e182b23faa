"""Across runs: an unchanged page is not archived again; a changed one is archived as a new revision.

Looks each record's canonical URL up in the archive index (``archiver.state.index``), through the crawl's
``IndexReader`` so the lookup never blocks the reactor. Same body hash: the record is dropped and counted as
``unchanged`` (not a problem, so it is not logged as one). Different hash: the record gets ``revision`` =
previous + 1 and ``previous_sha256``. The index itself is only written when the archive file holding a record
is finalised (by the archive storage), never here.
"""

from __future__ import annotations

from typing import Any

from archiver import outcomes
from archiver.items import Article


class Unchanged(outcomes.Counted):
    """Dropped because the archive already holds this exact body."""


class IncrementalPipeline:
    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Any) -> IncrementalPipeline:
        return cls(crawler)

    async def process_item(self, item: Any, spider: Any = None) -> Any:
        index = getattr(self.crawler.spider, "index", None)
        if not isinstance(item, Article) or index is None:
            return item
        known = await index.known(item["canonical_url"])
        if known is None:
            item["revision"] = 1
            return item
        if known.content_sha256 == item["content_sha256"]:
            outcomes.count(self.crawler.stats, item["source"], "unchanged")
            raise Unchanged(f"unchanged: {item['canonical_url']}")
        item["revision"] = known.revision + 1
        item["previous_sha256"] = known.content_sha256
        outcomes.count(self.crawler.stats, item["source"], "revisions")
        return item
