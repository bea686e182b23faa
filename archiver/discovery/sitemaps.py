"""Sitemaps and sitemap indexes, plain or gzipped, read as a stream without expanding entities.

One pass of lxml's ``iterparse`` over the document: each ``<url>``/``<sitemap>`` is read and then freed, so a
sitemap of 200,000 URLs costs the entries, not a tree of 600,000 elements (and not a second parse to find a
syntax error: lxml recovers and reads on, and what it had to recover from is reported). The document type declaration
is removed first, so no entity can be declared, and lxml never resolves entities or touches the network.
"""

from __future__ import annotations

import codecs
import io
import re
from dataclasses import dataclass, field

from lxml import etree
from scrapy.utils.gz import gunzip

from archiver.discovery.entries import Entry, parse_loose_date, without_doctype


class SitemapError(ValueError):
    """The document is not a readable sitemap (not XML, malformed, over the size limit, wrong root)."""


@dataclass
class ParsedSitemap:
    kind: str  # "sitemapindex" or "urlset"
    entries: list[Entry] = field(default_factory=list)
    # Set when the XML was broken and only the entries before the break could be recovered.
    malformed: str | None = None


_KINDS = ("sitemapindex", "urlset")
# An "&" that starts no character or entity reference: sites write URLs into <loc> unescaped ("?p=1&lang=lo"),
# and libxml2's recovery would drop the "&" of that URL and of the escaped ones after it.
_BARE_AMPERSAND = re.compile(rb"&(?!(?:[A-Za-z][A-Za-z0-9._-]*|#[0-9]+|#[xX][0-9A-Fa-f]+);)")
_ENTRY = {"sitemapindex": "sitemap", "urlset": "url"}


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def sitemap_bytes(body: bytes, *, max_size: int = 0) -> bytes:
    """The XML of a sitemap response: gunzipped when compressed (bounded by ``max_size``)."""
    if body[:2] == b"\x1f\x8b":
        try:
            return gunzip(body, max_size=max_size)
        except Exception as exc:  # gzip, size or struct errors all mean the same to us
            raise SitemapError(f"cannot gunzip sitemap: {exc}") from exc
    return body


# Byte order marks, and (XML 1.0, appendix F) how "<?" begins in UTF-16/32 without one. UTF-32's marks first:
# UTF-32LE's begins with UTF-16LE's.
_MARKS = ((codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"), (codecs.BOM_UTF8, "utf-8"),
          (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))
_UNMARKED = ((b"<\0\0\0", "utf-32-le"), (b"\0\0\0<", "utf-32-be"), (b"<\0?\0", "utf-16-le"), (b"\0<\0?", "utf-16-be"))
_DECLARATION = re.compile(r"\s*<\?xml\s[^>]*\?>")


def as_utf8(xml: bytes) -> bytes:
    """``xml`` as UTF-8 without a byte order mark. A UTF-16 or UTF-32 document (marked, or beginning with
    ``<?`` in one of them) is decoded (a stray invalid unit becomes U+FFFD) and loses its XML declaration, whose
    ``encoding`` would now be wrong (UTF-8 is XML's default). Done before anything looks for ``<`` or for a
    document type declaration among the bytes."""
    mark, encoding = next(((m, name) for m, name in _MARKS if xml.startswith(m)), (b"", ""))
    if not mark:
        encoding = next((name for head, name in _UNMARKED if xml.startswith(head)), "utf-8")
    if encoding == "utf-8":
        return xml[len(mark):]
    text = xml[len(mark):].decode(encoding, "replace")
    declaration = _DECLARATION.match(text)
    return text[declaration.end() if declaration else 0:].encode("utf-8")


def parse_sitemap(body: bytes, *, max_size: int = 0) -> ParsedSitemap:
    """Entries of a sitemap or sitemap index (``<loc>`` and ``<lastmod>``), in document order."""
    xml = without_doctype(as_utf8(sitemap_bytes(body, max_size=max_size)))
    head = xml.lstrip()[:512].lower()
    if not head.startswith(b"<") or b"<html" in head:
        raise SitemapError("not an XML document")
    kind: str | None = None
    entries: list[Entry] = []
    malformed = None
    xml, bare = _BARE_AMPERSAND.subn(b"&amp;", xml)
    if bare:
        malformed = f"{bare} unescaped '&' (read as '&amp;')"
    # recover: read on past an error (an undeclared entity, a stray "&") as browsers and search engines do;
    # the errors are reported as ``malformed``
    stream = etree.iterparse(io.BytesIO(xml), events=("start", "end"), resolve_entities=False, no_network=True,
                             huge_tree=False, load_dtd=False, remove_comments=True, remove_pis=True, recover=True)
    try:
        for event, element in stream:
            name = _local(element.tag)
            if kind is None:
                kind = name
                if kind not in _KINDS:
                    raise SitemapError(f"root element is <{kind}>, not <urlset> or <sitemapindex>")
                continue
            if event != "end" or name != _ENTRY[kind]:
                continue
            fields = {_local(child.tag): (child.text or "").strip() for child in element}
            loc, lastmod = fields.get("loc", ""), fields.get("lastmod") or None
            if loc:  # relative or odd ones too: the spider resolves them against the document, or counts them
                entries.append(Entry(url=loc, day=parse_loose_date(lastmod), raw_date=lastmod, published=False))
            element.clear(keep_tail=False)
            parent = element.getparent()
            while parent is not None and element.getprevious() is not None:
                del parent[0]
    except etree.XMLSyntaxError as exc:
        if kind is None:
            raise SitemapError(f"malformed sitemap XML: {exc}") from exc
        malformed = str(exc)
    if kind is None:
        raise SitemapError("empty sitemap document")
    errors = [e for e in stream.error_log if e.level >= etree.ErrorLevels.ERROR]
    if errors and malformed is None:
        malformed = f"{errors[0].message} (line {errors[0].line})"
    return ParsedSitemap(kind=kind, entries=entries, malformed=malformed)
