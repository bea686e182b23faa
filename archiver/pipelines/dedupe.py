"""Within one run, keep the first record of each canonical URL and of each body (mirrors, reposts).

"""

from __future__ import annotations

from typing import Any

from archiver import outcomes
from archiver.items import Article


class DedupePipeline:
    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler
        self.urls: set[str] = set()
        self.bodies: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler: Any) -> DedupePipeline:
        return cls(crawler)

    def process_item(self, item: Any, spider: Any = None) -> Any:
        if not isinstance(item, Article):
            return item
        stats = self.crawler.stats
        if item["canonical_url"] in self.urls:
            raise outcomes.drop(stats, item, "duplicate_url", item["canonical_url"])
        if item["content_sha256"] in self.bodies:
            raise outcomes.drop(stats, item, "duplicate_content", item["content_sha256"][:12])
        self.urls.add(item["canonical_url"])
        self.bodies.add(item["content_sha256"])
        return item
