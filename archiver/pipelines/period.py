"""Keep a run to the period it asked for (``--since``/``--until``), judged by the page's own publication date.

Discovery skips what its documents prove is out of the period before fetching anything. What they cannot prove
is fetched and judged here: a post with no date in any document, or one whose only date is a modification date
(a sitemap's ``lastmod`` after ``until`` says nothing of when the post was published). A record whose
``published_at`` day falls outside the period is dropped and counted (``published_before_since``,
``published_after_until``); a record without a publication date is kept, since nothing shows it is outside.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from archiver import outcomes
from archiver.items import Article


class PeriodPipeline:
    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Any) -> PeriodPipeline:
        return cls(crawler)

    def process_item(self, item: Any, spider: Any = None) -> Any:
        spider = self.crawler.spider
        since, until = getattr(spider, "since", None), getattr(spider, "until", None)
        published = item.get("published_at") if isinstance(item, Article) else None
        if not published or not (since or until):
            return item
        try:
            day = date.fromisoformat(str(published)[:10])  # the day as the page wrote it, in its own offset
        except ValueError:
            return item
        if since and day < since:
            raise outcomes.drop(self.crawler.stats, item, "published_before_since", f"published {day}")
        if until and day > until:
            raise outcomes.drop(self.crawler.stats, item, "published_after_until", f"published {day}")
        return item
