"""News sites, each described by a registry entry (``data/sources/news.toml``): no per-site Python.

``scrapy crawl news -a source=laotiantimes`` (or several names, or ``all``). The entry's discovery steps, article
URL pattern, mirrors and timezone drive discovery; its ``family`` picks the extraction rules.
"""

from __future__ import annotations

from archiver.spiders.registry import RegistrySpider


class NewsSpider(RegistrySpider):
    name = "news"
    source_kind = "news"
    source_argument = "source"
