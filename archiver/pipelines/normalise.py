"""Normalise each Article in place (see ``archiver.normalise``: w3lib, NFC, tracking parameters, hashes)."""

from __future__ import annotations

from typing import Any

from archiver.items import Article
from archiver.normalise import normalise_record


class NormalisePipeline:
    def process_item(self, item: Any, spider: Any = None) -> Any:
        if not isinstance(item, Article):
            return item
        # An Article's values are plain JSON values, so a shallow copy is its dict (ItemAdapter.asdict()
        # walks every nested value looking for items, a measurable share of the crawl process's CPU).
        normalised = normalise_record(dict(item))
        for key in list(item.keys()):
            if key not in normalised:
                del item[key]
        item.update(normalised)
        return item
