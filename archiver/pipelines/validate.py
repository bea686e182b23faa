"""Drop what is not an article, with the reason counted; hold every record to the JSON Schema.

A record that would mislead an analyst is worse than a missing one, so anything without a title, without a
body of article length, with a body that is HTML source rather than text, or failing the schema is dropped and
counted (``archiver/dropped/<reason>``).
"""

from __future__ import annotations

import re
from typing import Any

from archiver import outcomes
from archiver.items import Article
from archiver.schema import schema_errors

# A body this long counts as an article even with few space-separated words (Lao, Thai, Chinese).
MIN_BODY_CHARS = 200
# A body is HTML source when at least this share of its characters is markup (tags with their attributes,
# <!DOCTYPE, comments, and the text of <script> and <style> elements) in at least MIN_MARKUP_TAGS tags. A page's
# source is well over half markup; an article that quotes code is far below: 7% at most among the 793 pages of
# the WCXB dev set (../shared/eval), the most code-heavy being a build-file tutorial.
MARKUP_SHARE = 0.3
MIN_MARKUP_TAGS = 10
_MARKUP_TAG = re.compile(r"<(?:!doctype\b[^<>]*|!--[^<>]*|/?[A-Za-z][A-Za-z0-9:-]*(?=[\s/>])[^<>]*)>", re.IGNORECASE)
_CODE_ELEMENTS = ("script", "style")


def markup_share(body: str) -> tuple[int, float]:
    """How many tags ``body`` holds, and the share of its characters that is markup or script/style text."""
    tags = 0
    markup = 0
    for match in _MARKUP_TAG.finditer(body):
        tags += 1
        markup += match.end() - match.start()
    if not tags:
        return 0, 0.0
    lowered = body.lower()
    for name in _CODE_ELEMENTS:
        start = lowered.find(f"<{name}")
        while start != -1:
            opened = lowered.find(">", start)
            closed = lowered.find(f"</{name}", opened) if opened != -1 else -1
            if closed == -1:
                break  # an element never closed is a word in angle brackets ("the <script> tag"), not code
            markup += closed - opened - 1  # the element's text; its tags are counted above
            start = lowered.find(f"<{name}", closed)
    return tags, min(markup / len(body), 1.0)


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
        tags, share = markup_share(body)
        if tags >= MIN_MARKUP_TAGS and share >= MARKUP_SHARE:
            raise outcomes.drop(stats, item, "markup_body", f"{share:.0%} of the body is markup ({tags} tags)")
        if item.get("word_count", 0) < self.min_words and len(body) < MIN_BODY_CHARS:
            raise outcomes.drop(stats, item, "too_short", f"{item.get('word_count', 0)} words")
        errors = schema_errors(dict(item))  # an Article holds plain JSON values
        if errors:
            raise outcomes.drop(stats, item, "schema_invalid", "; ".join(errors[:3]))
        return item
