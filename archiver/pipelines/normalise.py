"""Normalise each Article in place (see ``archiver.normalise``: w3lib, NFC, tracking parameters, hashes, limits).

The normaliser is pure; what it had to change beyond formatting (an over-long value cut or removed, control or
bidi characters removed) comes back as data, and is counted here per source as
``archiver/source/<name>/fields/<change>/<field>`` and logged once per page.
"""

from __future__ import annotations

import logging
from typing import Any

from archiver import outcomes
from archiver.items import Article
from archiver.normalise import LIMITS, MAX_ITEMS, normalise

_SAID = {
    "cut": "over {max_chars} characters; cut at a word boundary",
    "removed": "over the limit or unusable; removed",
    "controls": "control or bidi-override characters removed",
}


class NormalisePipeline:
    def __init__(self, crawler: Any = None) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Any) -> NormalisePipeline:
        return cls(crawler)

    def process_item(self, item: Any, spider: Any = None) -> Any:
        if not isinstance(item, Article):
            return item
        # An Article's values are plain JSON values, so a shallow copy is its dict (ItemAdapter.asdict()
        # walks every nested value looking for items, a measurable share of the crawl process's CPU).
        result = normalise(dict(item))
        for key in list(item.keys()):
            if key not in result.record:
                del item[key]
        item.update(result.record)
        if result.changes and self.crawler is not None:
            self._count(item, result.changes)
        return item

    def _count(self, item: Article, changes: tuple[tuple[str, str], ...]) -> None:
        stats = self.crawler.stats
        source = item.get("source")
        for field, change in changes:
            outcomes.count(stats, source, "fields", change, field)
            limit = LIMITS.get(field)
            detail = _SAID[change].format(max_chars=limit.max_chars if limit else MAX_ITEMS.get(field, ""))
            level = logging.INFO if change == "controls" else logging.WARNING
            outcomes.note_once(stats, f"{field} {change}", item.get("url") or "?", detail, level=level)
