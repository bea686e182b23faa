"""Sitemaps and sitemap indexes, plain or gzipped, parsed with Scrapy's entity-safe sitemap reader."""

from __future__ import annotations

from dataclasses import dataclass, field

from lxml import etree
from scrapy.utils.gz import gunzip
from scrapy.utils.sitemap import Sitemap

from archiver.discovery.entries import Entry, parse_loose_date, without_doctype


class SitemapError(ValueError):
    """The document is not a readable sitemap (not XML, malformed, over the size limit, wrong root)."""


@dataclass
class ParsedSitemap:
    kind: str  # "sitemapindex" or "urlset"
    entries: list[Entry] = field(default_factory=list)
    # Set when the XML was broken and only the entries before the break could be recovered.
    malformed: str | None = None


_STRICT = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False)


def _syntax_problem(xml: bytes) -> str | None:
    try:
        etree.fromstring(xml, _STRICT)
    except etree.XMLSyntaxError as exc:
        return str(exc)
    return None


def sitemap_bytes(body: bytes, *, max_size: int = 0) -> bytes:
    """The XML of a sitemap response: gunzipped when compressed (bounded by ``max_size``)."""
    if body[:2] == b"\x1f\x8b":
        try:
            return gunzip(body, max_size=max_size)
        except Exception as exc:  # gzip, size or struct errors all mean the same to us
            raise SitemapError(f"cannot gunzip sitemap: {exc}") from exc
    return body


def parse_sitemap(body: bytes, *, max_size: int = 0) -> ParsedSitemap:
    """Entries of a sitemap or sitemap index. Entities are never expanded (Scrapy's reader disables them)."""
    xml = without_doctype(sitemap_bytes(body, max_size=max_size))
    head = xml.lstrip()[:512].lower()
    if not head.startswith(b"<") or b"<html" in head:
        raise SitemapError("not an XML document")
    try:
        sitemap = Sitemap(xml)
        kind = sitemap.type
        entries = [
            Entry(url=d["loc"], day=parse_loose_date(d.get("lastmod")), raw_date=d.get("lastmod") or None,
                  published=False)
            for d in sitemap
            if d.get("loc", "").startswith(("http://", "https://"))
        ]
    except (etree.XMLSyntaxError, StopIteration, KeyError) as exc:
        raise SitemapError(f"malformed sitemap XML: {exc}") from exc
    if kind not in ("sitemapindex", "urlset"):
        raise SitemapError(f"root element is <{kind}>, not <urlset> or <sitemapindex>")
    return ParsedSitemap(kind=kind, entries=entries, malformed=_syntax_problem(xml))
