"""Feeds in every format sites publish (RSS 0.9x/1.0/2.0, RDF, Atom 0.3/1.0), read by feedparser.

feedparser is the library made for this: it knows every dialect, namespace and date format feeds use. What it is
given is our own: the response body as fetched under Scrapy's size cap, with any document type declaration
removed first (``without_doctype``: no entity can then be declared, so none expands), and never a URL (bytes
only, so feedparser fetches nothing).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import feedparser

from archiver.discovery.entries import Entry, parse_loose_date, without_doctype


class FeedError(ValueError):
    """The document is not a readable feed."""


def _link(item: Any) -> str:
    for link in item.get("links") or ():
        if link.get("rel", "alternate") == "alternate" and link.get("href"):
            return str(link["href"]).strip()
    return str(item.get("link") or item.get("id") or "").strip()


def _date(item: Any, name: str) -> tuple[str | None, Any]:
    raw = item.get(name)
    parsed = item.get(f"{name}_parsed")
    return (str(raw).strip() or None) if raw else None, parsed


def _entry(item: Any) -> Entry | None:
    link = _link(item)
    if not link:  # a relative or odd link is kept: the spider resolves it against the feed, or counts it
        return None
    raw, parsed = _date(item, "published")
    published = bool(raw)
    if not raw:
        raw, parsed = _date(item, "updated")  # a modification date: good for --since, not for --until
    day = parse_loose_date(raw)
    if day is None and parsed is not None:  # a format our parser does not know, read by feedparser (in UTC)
        day = datetime(*parsed[:6], tzinfo=UTC).date()
    return Entry(url=link, day=day, raw_date=raw, published=published)


def parse_feed(body: bytes) -> list[Entry]:
    """Item links with their dates, in document order."""
    head = body.lstrip()[:512].lower()
    if not head.startswith(b"<") or b"<html" in head:
        raise FeedError("not an XML document")
    parsed = feedparser.parse(without_doctype(body), sanitize_html=False, resolve_relative_uris=False)
    if not parsed.get("version"):
        problem = parsed.get("bozo_exception")
        raise FeedError(f"not a feed: {problem}" if problem else "not an RSS, RDF or Atom feed")
    return [entry for entry in (_entry(item) for item in parsed.entries) if entry is not None]
