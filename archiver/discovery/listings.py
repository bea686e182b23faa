"""Listing pages (archives, categories, "News & Events") as declarative selector rules.

A listing shows entries (a link to a post, often with a date) and a link to the next page. Sites differ only in
the selectors, so a family's listing shape is data: a ``ListingRules`` value.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urljoin

from parsel import Selector

from archiver.discovery.entries import Entry, parse_loose_date


@dataclass(frozen=True)
class ListingRules:
    entry: str
    link: str
    date: tuple[str, ...]
    next_page: tuple[str, ...]


WORDPRESS_LISTING = ListingRules(
    entry="main article, #main article, article.post",
    link=".entry-title a::attr(href)",
    date=("time::attr(datetime)", ".entry-date::text", ".posted-on::text"),
    next_page=("link[rel=next]::attr(href)", "a.next.page-numbers::attr(href)", "a[rel=next]::attr(href)"),
)


@dataclass
class ParsedListing:
    entries: list[Entry]
    next_url: str | None


def parse_listing(html: str, url: str, rules: ListingRules = WORDPRESS_LISTING) -> ParsedListing:
    """Entries (in page order, de-duplicated) and the next page's absolute URL, if any."""
    page = Selector(text=html or "<html></html>")
    entries: list[Entry] = []
    seen: set[str] = set()
    for block in page.css(rules.entry):
        href = block.css(rules.link).get()
        if not href:
            continue
        link = urljoin(url, href.strip())
        if link in seen:
            continue
        seen.add(link)
        raw = next((t.strip() for sel in rules.date for t in block.css(sel).getall() if t.strip()), None)
        entries.append(Entry(url=link, day=parse_loose_date(raw), raw_date=raw))
    next_href = next((h for sel in rules.next_page for h in page.css(sel).getall() if h.strip()), None)
    next_url = urljoin(url, next_href.strip()) if next_href else None
    return ParsedListing(entries=entries, next_url=next_url if next_url != url else None)
