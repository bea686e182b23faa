"""Drop what is not an article, with the reason counted; hold every record to the JSON Schema.

A record that would mislead an analyst is worse than a missing one, so anything without a title, without a
body of article length, or failing the schema is dropped and counted (``archiver/dropped/<reason>``).
"""

from __future__ import annotations

from typing import Any

from archiver import outcomes
from archiver.items import Article
from archiver.schema import schema_errors

# A body this long counts as an article even with few space-separated words (Lao, Thai, Chinese).
MIN_BODY_CHARS = 200


class ValidatePipeline:
    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler
        self.min_words = crawler.settings.getint("ARCHIVER_MIN_WORDS", 20)

    @classmethod
    def from_crawler(cls, crawler: Any) -> ValidatePipeline:
        return cls(crawler)

    def process_item(self, item: Any, spider: Any = None) -> Any:
        if not isinstance(item, Article):
            return item
        stats = self.crawler.stats
        if not item.get("title"):
            raise outcomes.drop(stats, item, "no_title")
        body = item.get("body") or ""
        if not body:
            raise outcomes.drop(stats, item, "no_body")
        if item.get("word_count", 0) < self.min_words and len(body) < MIN_BODY_CHARS:
            raise outcomes.drop(stats, item, "too_short", f"{item.get('word_count', 0)} words")
        errors = schema_errors(dict(item))  # an Article holds plain JSON values
        if errors:
            raise outcomes.drop(stats, item, "schema_invalid", "; ".join(errors[:3]))
        return item
