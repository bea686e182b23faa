"""The value discovery produces, and the lenient date parsing that sitemaps, feeds and listings need."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from email.utils import parsedate_to_datetime


@dataclass(frozen=True, slots=True)
class Entry:
    """A URL a document points to, with the date the document gives for it (None when absent or unreadable)."""

    url: str
    day: date | None = None
    raw_date: str | None = None
    # Whether ``day`` is a publication date (feed items, listings, the WordPress API) rather than a
    # modification date (a sitemap's lastmod): only a publication date can show a post is newer than ``until``.
    published: bool = True
    # From the WordPress API: the post's modification stamp (compared with the archive's, like a sitemap's
    # lastmod) and its exact publication time (a hint the page itself may lack).
    modified: str | None = None
    published_at: str | None = None

    @property
    def date_unreadable(self) -> bool:
        return bool(self.raw_date) and self.day is None


_VISIBLE_FORMATS = ("%B %d, %Y", "%b %d, %Y", "%d %B, %Y", "%d %B %Y", "%d %b %Y", "%d/%m/%Y", "%Y/%m/%d")
_WEEKDAY = re.compile(r"^(mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+", re.IGNORECASE)
_CLOCK = re.compile(r"[\s,]+\d{1,2}:\d{2}(:\d{2})?(\s*[ap]\.?m\.?)?$", re.IGNORECASE)


def parse_loose_date(text: str | None) -> date | None:
    """The day named by an ISO 8601, RFC 822 or common visible date string; None when it names none."""
    if not text:
        return None
    text = " ".join(text.split())
    iso = re.match(r"^(\d{4}-\d{2}-\d{2})([T ][\d:.]+)?(Z|[+-]\d{2}:?\d{2})?$", text)
    if iso:
        try:
            return datetime.fromisoformat(text.replace(" ", "T", 1)).date()
        except ValueError:
            try:
                return date.fromisoformat(iso.group(1))
            except ValueError:
                return None
    try:
        return parsedate_to_datetime(text).date()
    except (TypeError, ValueError, IndexError):
        pass
    # Visible dates: "Thursday June 20, 2024", "20/06/2024 14:37" (listings show the day; the time is not needed).
    bare = _CLOCK.sub("", _WEEKDAY.sub("", text)).strip()
    for fmt in _VISIBLE_FORMATS:
        try:
            return datetime.strptime(bare, fmt).date()
        except ValueError:
            continue
    return None


def without_doctype(xml: bytes) -> bytes:
    """``xml`` without its document type declaration. Sitemaps and feeds never need one, and its internal
    subset is where entity bombs are declared: without it no entity can be declared, so none expands, and the
    parser does not stop at its amplification limit (which would lose every entry after the hostile one)."""
    start = xml.find(b"<!DOCTYPE")
    if start == -1:
        return xml
    close = xml.find(b">", start)
    subset = xml.find(b"[", start, close if close != -1 else len(xml))
    if subset != -1:
        close = xml.find(b"]>", subset)
        close = close + 1 if close != -1 else -1
    if close == -1:
        return xml[:start]
    return xml[:start] + xml[close + 1:]
