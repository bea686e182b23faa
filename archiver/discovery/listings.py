"""Listing pages (archives, categories, "News & Events", issue indexes) as declarative selector rules.

A listing shows links to articles, sometimes with a date per entry or one date for the whole page (a
newspaper's issue date), and a link to the next page. Sites differ only in the selectors, so a listing's shape
is data: a ``ListingRules`` value, built from a family's defaults or a registry entry.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urljoin

from parsel import Selector

from archiver.discovery.entries import Entry, parse_loose_date


@dataclass(frozen=True)
class ListingRules:
    """``entry``: CSS of one listing entry (links and dates are then looked up inside each entry); without
    it, every link the ``link`` selector finds on the page is an entry and ``page_date`` dates them all."""

    link: str = "a::attr(href)"
    entry: str | None = None
    date: tuple[str, ...] = ()
    next_page: tuple[str, ...] = ("link[rel=next]::attr(href)", "a[rel=next]::attr(href)")
    page_date: tuple[str, ...] = ()


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


def _first_text(node: Selector, selectors: tuple[str, ...]) -> str | None:
    return next((t.strip() for sel in selectors for t in node.css(sel).getall() if t.strip()), None)


def parse_listing(html: str, url: str, rules: ListingRules = WORDPRESS_LISTING) -> ParsedListing:
    """Entries (in page order, de-duplicated) and the next page's absolute URL, if any."""
    page = Selector(text=html or "<html></html>")
    page_raw = _first_text(page, rules.page_date)
    page_day = parse_loose_date(page_raw)
    entries: list[Entry] = []
    seen: set[str] = set()
    blocks = page.css(rules.entry) if rules.entry else [page]
    for block in blocks:
        hrefs = block.css(rules.link).getall()
        raw = _first_text(block, rules.date) if rules.entry else None
        for href in hrefs[:1] if rules.entry else hrefs:
            link = urljoin(url, href.strip())
            if not href.strip() or link in seen or not link.startswith(("http://", "https://")):
                continue
            seen.add(link)
            if raw is not None:
                entries.append(Entry(url=link, day=parse_loose_date(raw), raw_date=raw))
            else:
                entries.append(Entry(url=link, day=page_day, raw_date=page_raw))
    next_href = _first_text(page, rules.next_page)
    next_url = urljoin(url, next_href) if next_href else None
    return ParsedListing(entries=entries, next_url=next_url if next_url != url else None)
