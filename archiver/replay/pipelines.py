"""A re-extracted record's ``fetched_at``: when its capture was made, not when it was read back.

Runs before extraction (``ITEM_PIPELINES`` of ``archiver reextract`` only) and changes nothing else: the page's
bytes, and every other field, come from the capture as they did in the crawl.
"""

from __future__ import annotations

from typing import Any

from archiver.items import Page
from archiver.replay.session import session_for


class CaptureTimePipeline:
    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Any) -> CaptureTimePipeline:
        return cls(crawler)

    def process_item(self, item: Any, spider: Any = None) -> Any:
        session = session_for(self.crawler)
        if isinstance(item, Page) and session is not None and "fetched_at" in item.fields:
            when = session.fetched_at(item.get("capture"))
            if when:
                item["fetched_at"] = when
        return item
