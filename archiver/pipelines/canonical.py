"""Which address a record is archived under: the URL it was fetched from, written as the source's own address.

The canonical URL is the record's identity (its ``id``, its index row, its revisions), so a page must not be
able to claim another page's identity. A hostile or broken page can declare any ``<link rel=canonical>``: the
home page, a page of another source (``th.usembassy.gov`` in an ``la`` record), or another article of the same
site, which this run may not have discovered yet; accepting it would archive this page's text under that
article's identity, and the real article would then pass for "unchanged" when it is listed. So a declared
canonical is accepted only when it names the same page as the one fetched (the same path and query once the
source's own addresses, tracking parameters and the registry's rewrites are taken into account); what it adds
is then only the address's spelling, which ``Source.canonical_url`` writes the registry's way anyway. Any other
declared canonical is refused and counted (``archiver/source/<s>/canonical_refused/<reason>``: ``offsite``,
``other_page``, ``unusable``), and the fetched URL is the identity.
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
    if _path(clean_url(address)) != _path(clean_url(source.primary_url(fetched))):
        return "other_page"
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
