"""Short log lines for dropped items.

Scrapy's default formatter logs a dropped item at WARNING with the whole item, which for an article means its
full body. archiver already logs each drop once, with its reason and URL (``archiver.outcomes``), so the
default line is repeated here at DEBUG and without the item.
"""

from __future__ import annotations

import logging
from typing import Any

from scrapy.logformatter import LogFormatter


class ArchiverLogFormatter(LogFormatter):
    def dropped(self, item: Any, exception: BaseException, response: Any, spider: Any = None) -> dict:
        return {"level": logging.DEBUG, "msg": "Dropped: %(exception)s", "args": {"exception": exception}}

    def scraped(self, item: Any, response: Any, spider: Any = None) -> dict:
        url = item.get("url") if hasattr(item, "get") else None
        return {"level": logging.DEBUG, "msg": "Scraped %(url)s", "args": {"url": url}}
