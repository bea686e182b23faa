"""Counting and logging what happened to each page, once.

Every page a crawl touches ends in one of three ways: archived, dropped for a reason, or failed with an error.
The reasons are counted in Scrapy's stats under fixed keys, globally and per source, so the run summary, the
run report and a reader of ``scrapy crawl`` output all see the same numbers:

- ``archiver/dropped/<reason>`` and ``archiver/source/<name>/dropped/<reason>``
- ``archiver/source/<name>/pages`` (responses received for article candidates)
- ``archiver/source/<name>/records`` (records handed to the archive)

Each (reason, URL) pair is logged once at WARNING with the URL, so a retry storm or a page reached twice does
not flood the log.
"""

from __future__ import annotations

import logging
from typing import Any

from scrapy.exceptions import DropItem

logger = logging.getLogger("archiver")

_logged: set[tuple[int, str, str]] = set()


def source_key(source: str, *parts: str) -> str:
    return "/".join(("archiver/source", source, *parts))


def count(stats: Any, source: str | None, *parts: str, value: int = 1) -> None:
    """Increment ``archiver/<parts>`` and, when the source is known, its per-source twin."""
    stats.inc_value("/".join(("archiver", *parts)), value)
    if source:
        stats.inc_value(source_key(source, *parts), value)


def note_once(stats: Any, reason: str, url: str, detail: str = "", *, level: int = logging.WARNING) -> None:
    """Log ``reason`` for ``url`` unless this crawl (identified by its stats object) already did."""
    key = (id(stats), reason, url)
    if key in _logged:
        return
    _logged.add(key)
    logger.log(level, "%s: %s%s", reason, url, f" ({detail})" if detail else "")


def reject(stats: Any, source: str | None, url: str, reason: str, detail: str = "") -> None:
    """Count and log a page that will not become a record, without raising."""
    count(stats, source, "dropped", reason)
    note_once(stats, reason, url, detail)


class Counted(DropItem):
    """A drop whose outcome is already counted (as a reason, or as ``unchanged``). Any other ``DropItem``
    (a third-party pipeline's) is counted when Scrapy reports it, so no page leaves without a reason."""


def drop(stats: Any, item: Any, reason: str, detail: str = "") -> Counted:
    """Count and log a dropped item, and return the exception for the pipeline to raise."""
    source = item.get("source") if hasattr(item, "get") else None
    url = (item.get("url") if hasattr(item, "get") else None) or "?"
    reject(stats, source, url, reason, detail)
    return Counted(f"{reason}: {url}")
