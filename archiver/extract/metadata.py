"""Structured metadata: JSON-LD, OpenGraph, ``article:*``, Twitter and plain ``<meta>`` tags.

Publishers state their own title, dates and language in these tags, so they are the first tier of
evidence for every field. Values are collected raw-but-parsed (dates normalised, URLs absolute) as
ordered candidates; cleaning a title of its site-name suffix needs the site family and happens
later.

Within JSON-LD an Article-typed node is preferred over a WebPage node for dates and authors: the
page node of a Yoast graph describes the HTML page, which may be re-published later than the story
itself.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import urljoin

from lxml import etree

from .dates import normalize_iso, parse_text_date
from .evidence import Evidence
from .jsonld import (
    ARTICLE_TYPES,
    LISTING_TYPES,
    PAGE_TYPES,
    SITE_TYPES,
    image_urls,
    node_types,
    read_jsonld,
    text_values,
)
from .text import normalize_text

AUTHOR_ORGANISATION = "json-ld:organization"
PAGE_NODE_DATE = "json-ld:webpage"
_LANG = re.compile(r"^\s*([A-Za-z]{2})(?:[-_][A-Za-z0-9]+)*\s*$")


def meta_values(metas: Iterable[etree._Element]) -> dict[str, list[str]]:
    """``<meta>`` contents keyed by lower-cased ``property``/``name``/``itemprop``, in document
    order.

    Tags that carry several keys at once (VnExpress writes ``itemprop="headline"
    property="og:title"``) are filed under each of them.
    """
    found: dict[str, list[str]] = {}
    for meta in metas:
        content = meta.get("content")
        if content is None or not content.strip():
            continue
        keys = {
            (meta.get(attr) or "").strip().lower()
            for attr in ("property", "name", "itemprop", "http-equiv")
        }
        for key in sorted(k for k in keys if k):
            found.setdefault(key, []).append(content.strip())
    return found


def language_code(value: str | None) -> str | None:
    """ISO 639-1 code from a tag like ``en-US``, ``lo_LA`` or ``vi``; ``None`` for anything else."""
    if not value:
        return None
    match = _LANG.match(value)
    return match.group(1).lower() if match else None


def absolute(url: str | None, base: str) -> str | None:
    """``url`` resolved against ``base``; ``None`` unless the result is http(s)."""
    if not url or not url.strip():
        return None
    try:
        resolved = urljoin(base, url.strip())
    except ValueError:
        return None
    return resolved if resolved.startswith(("http://", "https://")) else None


def _first_date(values: list[str], tz: str | None, text: bool = False) -> str | None:
    """The first value that is a date: ISO 8601, or with ``text`` also a written day ("March 27,
    2025", "2023 Jan 7", "2019/1/22") as the plain and scholarly vocabularies write them."""
    for value in values:
        parsed = normalize_iso(value, tz) or (parse_text_date(value[:80]) if text else None)
        if parsed:
            return parsed
    return None


def _persons(value: object, resolve) -> tuple[list[str], list[str]]:
    """Names in a JSON-LD ``author`` value: ``(people, organisations)``. An organisation credited
    as the author is kept apart: it is the byline only when the page prints no person's name."""
    items = value if isinstance(value, list) else [value]
    people: list[str] = []
    bodies: list[str] = []
    for item in items:
        item = resolve(item)
        if isinstance(item, str):
            people.append(item)
        elif isinstance(item, dict):
            target = bodies if "Organization" in node_types(item) else people
            target.extend(text_values(item.get("name")))
    return people, bodies


def read_metadata(root: etree._Element, url: str, tz: str | None = None) -> Evidence:
    """Candidates from the page's structured metadata, most trusted first within each field."""
    ev = Evidence(meta_elements=list(root.iter("meta")))
    meta = meta_values(ev.meta_elements)
    ld = read_jsonld(root)
    article = ld.first_of(ARTICLE_TYPES) or {}
    page = ld.first_of(PAGE_TYPES) or {}
    site = ld.first_of(SITE_TYPES) or {}

    def m(key: str) -> list[str]:
        return meta.get(key, [])

    def first_text(key: str) -> str | None:
        return next((v for v in m(key)), None)

    # title (raw: suffix stripping needs the family)
    ev.add("title", first_text("og:title"), "meta:og:title")
    for headline in text_values(article.get("headline"))[:1]:
        ev.add("title", headline, "json-ld")
    ev.add("title", first_text("twitter:title"), "meta:twitter:title")

    ev.add("description", first_text("description"), "meta:description")
    ev.add("description", first_text("og:description"), "meta:og:description")
    for text in text_values(article.get("description") or page.get("description"))[:1]:
        ev.add("description", text, "json-ld")
    ev.add("description", first_text("twitter:description"), "meta:twitter:description")

    people, bodies = _persons(article.get("author"), ld.resolve)
    ev.add("authors", people, "json-ld")
    ev.add("authors", m("author"), "meta:author")
    ev.add(
        "authors",
        [a for a in m("article:author") if not a.startswith(("http://", "https://", "/"))],
        "meta:article:author",
    )
    # scholarly and analytics vocabularies; Twitter's "Written by" reading label
    for key in ("citation_author", "dc.creator", "dcterms.creator", "parsely-author",
                "sailthru.author"):
        ev.add("authors", m(key), f"meta:{key}")
    for index in ("1", "2"):
        label = (first_text(f"twitter:label{index}") or "").casefold()
        if "written by" in label or "author" in label:
            ev.add("authors", m(f"twitter:data{index}")[:1], "meta:twitter:data")
    ev.add("authors", bodies, AUTHOR_ORGANISATION)

    for key in ("article:published_time", "og:article:published_time"):
        ev.add("published_at", _first_date(m(key), tz), f"meta:{key}")
    ev.add("published_at", _first_date(text_values(article.get("datePublished")), tz), "json-ld")
    # the page node's date describes the HTML page (an About or service page has one too); it is
    # a publication date only when the page shows one (see ``assemble``)
    ev.add("published_at", _first_date(text_values(page.get("datePublished")), tz), PAGE_NODE_DATE)
    ev.add("published_at", _first_date(m("datepublished"), tz), "meta:itemprop:datePublished")
    # plain, Dublin Core, scholarly (Highwire ``citation_*``) and analytics (Parse.ly, Sailthru)
    # vocabularies; their values are often written days rather than ISO stamps
    for key in ("pubdate", "publishdate", "publish-date", "dc.date.issued", "dcterms.issued",
                "dc.date", "dcterms.date", "dcterms.created", "date", "citation_publication_date",
                "citation_date", "citation_online_date", "parsely-pub-date", "sailthru.date",
                "og:published_time", "og:publish_date"):
        ev.add("published_at", _first_date(m(key), tz, text=True), f"meta:{key}")

    for key in ("article:modified_time", "og:updated_time"):
        ev.add("modified_at", _first_date(m(key), tz), f"meta:{key}")
    for node in (article, page):
        ev.add("modified_at", _first_date(text_values(node.get("dateModified")), tz), "json-ld")
    ev.add("modified_at", _first_date(m("datemodified"), tz), "meta:itemprop:dateModified")

    ev.add("section", first_text("article:section"), "meta:article:section")
    ev.add("section", next(iter(text_values(article.get("articleSection"))), None), "json-ld")

    ev.add("tags", [t for tag in m("article:tag") for t in tag.split(",")], "meta:article:tag")
    keywords = article.get("keywords")
    if isinstance(keywords, str):
        keywords = keywords.split(",")
    ev.add("tags", text_values(keywords), "json-ld")

    html_lang = root.get("lang") or root.get("{http://www.w3.org/XML/1998/namespace}lang")
    ev.add("language", language_code(html_lang), "html:lang")
    ev.add("language", language_code(first_text("og:locale")), "meta:og:locale")
    for node in (article, page):
        ev.add("language", language_code(next(iter(text_values(node.get("inLanguage"))), None)),
               "json-ld")
    ev.add("language", language_code(first_text("content-language")), "meta:content-language")

    for link in root.xpath("//link[@href]"):
        if "canonical" in (link.get("rel") or "").lower().split():
            ev.add("canonical_url", absolute(link.get("href"), url), "link:canonical")
            break
    ev.add("canonical_url", absolute(first_text("og:url"), url), "meta:og:url")

    ev.add("site_name", first_text("og:site_name"), "meta:og:site_name")
    for name in text_values(site.get("name"))[:1]:
        ev.add("site_name", name, "json-ld")

    for key in ("og:image", "og:image:url", "og:image:secure_url", "twitter:image"):
        for value in m(key):
            ev.add("images", {"url": absolute(value, url)}, f"meta:{key}")
    for value in image_urls(article.get("image")):
        ev.add("images", {"url": absolute(value, url)}, "json-ld")

    og_type = (first_text("og:type") or "").lower()
    types = ld.all_types()
    if og_type == "article":
        ev.add("page_type", "article", "meta:og:type")
    if article:
        ev.add("page_type", "article", "json-ld")
    if types & LISTING_TYPES:
        ev.add("page_type", "listing", "json-ld")
    return ev


def clean_values(values: list[str]) -> list[str]:
    """Whitespace-normalised, de-duplicated non-empty strings in their original order."""
    seen: set[str] = set()
    out: list[str] = []
    for value in values:
        text = normalize_text(value)
        if text and text.casefold() not in seen:
            seen.add(text.casefold())
            out.append(text)
    return out
