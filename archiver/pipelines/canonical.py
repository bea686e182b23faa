"""Which address a record is archived under: the page's declared canonical URL, or the URL it was fetched from.

The canonical URL is the record's identity (its ``id``, its index row, its revisions), so a page must not be
able to claim another page's identity. A hostile or broken page can declare any ``<link rel=canonical>``: the
home page, a page of another source (``th.usembassy.gov`` in an ``la`` record), or another article of the same
site, whose record would then become "revision 2" with this page's text. The declared canonical is accepted
only when it is on the source's own hosts, is one of its article URLs, and is not known as a page of its own
(discovered as an article in this run, or archived before as fetched from that very address). Otherwise the
fetched URL is the identity, and the refusal is counted (``archiver/source/<s>/canonical_refused/<reason>``).
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlsplit

from archiver import outcomes
from archiver.normalise import clean_url
from archiver.sources import Source


def _path(url: str) -> str:
    parts = urlsplit(url)
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


async def refusal(spider: Any, source: Source, fetched: str, declared: str) -> str | None:
    """Why ``declared`` may not be the canonical URL of the page fetched from ``fetched``, or None if it may."""
    try:
        address = source.fetch_address(declared)
    except ValueError:
        return "unusable"
    if address is None:
        return "offsite"
    if clean_url(address) == clean_url(fetched) or _path(clean_url(address)) == _path(clean_url(fetched)):
        return None  # the same page (another scheme, a mirror, tracking parameters)
    is_article = getattr(spider, "is_article_url", None)
    if is_article is not None and not is_article(source, address):
        return "not_article_url"
    if address in getattr(spider, "_seen_urls", ()):
        return "other_page"  # discovered as an article of its own in this run
    index = getattr(spider, "index", None)
    if index is not None:
        archived_from = await index.fetched_as(clean_url(source.canonical_url(address)))
        if archived_from is not None and _path(archived_from) == _path(clean_url(address)):
            return "other_page"  # archived before, fetched from its own address
    return None


async def choose_canonical(spider: Any, source: Source, fetched: str, declared: str | None,
                           stats: Any) -> tuple[str, str]:
    """The record's canonical URL (at the registry's address) and its provenance."""
    why = await refusal(spider, source, fetched, declared) if declared else "absent"
    if why is None:
        chosen, provenance = declared, "page"
    else:
        chosen, provenance = fetched, "url"
        if why != "absent":
            outcomes.count(stats, source.name, "canonical_refused", why)
            outcomes.note_once(stats, f"declared canonical refused ({why})", fetched, declared or "",
                               level=logging.INFO)
    canonical = source.canonical_url(chosen)  # type: ignore[arg-type]
    if canonical != chosen:
        provenance = "registry:canonical_host"
    return canonical, provenance
