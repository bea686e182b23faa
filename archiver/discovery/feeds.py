"""RSS 2.0 and Atom feeds, read without resolving entities or touching the network."""

from __future__ import annotations

from lxml import etree

from archiver.discovery.entries import Entry, parse_loose_date, without_doctype


class FeedError(ValueError):
    """The document is not a readable RSS or Atom feed."""


_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, recover=True, huge_tree=False, remove_comments=True
)
_ATOM = "{http://www.w3.org/2005/Atom}"


def parse_feed(body: bytes) -> list[Entry]:
    """Item links with their publication dates, in document order."""
    head = body.lstrip()[:512].lower()
    if not head.startswith(b"<") or b"<html" in head:
        raise FeedError("not an XML document")
    try:
        root = etree.fromstring(without_doctype(body), _PARSER)
    except etree.XMLSyntaxError as exc:
        raise FeedError(f"malformed feed XML: {exc}") from exc
    if root is None:
        raise FeedError("empty feed document")
    entries: list[Entry] = []
    if etree.QName(root).localname == "rss" or root.find("channel") is not None:
        for item in root.iter("item"):
            link = (item.findtext("link") or "").strip()
            raw = (item.findtext("pubDate") or "").strip() or None
            if link:
                entries.append(Entry(url=link, day=parse_loose_date(raw), raw_date=raw))
    elif root.tag == f"{_ATOM}feed":
        for item in root.iter(f"{_ATOM}entry"):
            link_el = item.find(f"{_ATOM}link[@rel='alternate']")
            if link_el is None:
                link_el = item.find(f"{_ATOM}link")
            raw = (item.findtext(f"{_ATOM}published") or item.findtext(f"{_ATOM}updated") or "").strip()
            if link_el is not None and link_el.get("href"):
                entries.append(Entry(url=link_el.get("href"), day=parse_loose_date(raw), raw_date=raw or None))
    else:
        raise FeedError(f"root element is <{etree.QName(root).localname}>, not an RSS or Atom feed")
    return entries
