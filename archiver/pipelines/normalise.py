"""Normalise each Article in place (see ``archiver.normalise``: w3lib, NFC, tracking parameters, hashes)."""

from __future__ import annotations

from typing import Any

from itemadapter import ItemAdapter

from archiver.items import Article
from archiver.normalise import normalise_record


class NormalisePipeline:
    def process_item(self, item: Any, spider: Any = None) -> Any:
        if not isinstance(item, Article):
            return item
        adapter = ItemAdapter(item)
        normalised = normalise_record(adapter.asdict())
        for key in list(adapter.keys()):
            if key not in normalised:
                del adapter[key]
        for key, value in normalised.items():
            adapter[key] = value
        return item
