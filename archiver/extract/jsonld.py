"""Read JSON-LD blocks as publishers actually write them.

Real pages put JSON-LD in ``@graph`` containers, lists, or single objects, refer to nodes by
``@id``, and often ship JSON that strict parsers reject (trailing commas, raw newlines in strings,
HTML comments around the block). This module turns all of that into a flat list of nodes and
answers the questions extraction asks: which node is the article, which is the page, which is the
website.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

ARTICLE_TYPES = frozenset(
    {
        "Article", "NewsArticle", "BlogPosting", "ReportageNewsArticle", "AnalysisNewsArticle",
        "OpinionNewsArticle", "BackgroundNewsArticle", "ReviewNewsArticle", "LiveBlogPosting",
        "Report", "ScholarlyArticle", "TechArticle", "SocialMediaPosting",
    }
)
PAGE_TYPES = frozenset({"WebPage", "ItemPage", "AboutPage", "ContactPage", "FAQPage", "QAPage"})
LISTING_TYPES = frozenset({"CollectionPage", "SearchResultsPage"})
SITE_TYPES = frozenset({"WebSite"})

_TRAILING_COMMA = re.compile(r",\s*([}\]])")
_CONTROL = re.compile(r"[\x00-\x1f]")
_WRAPPER = re.compile(r"^\s*(?:<!--|<!\[CDATA\[)|(?:-->|\]\]>)\s*$")


@dataclass
class JsonLd:
    """All JSON-LD nodes of a page, with an ``@id`` index for resolving references."""

    nodes: list[dict[str, Any]] = field(default_factory=list)
    by_id: dict[str, dict[str, Any]] = field(default_factory=dict)

    def first_of(self, types: frozenset[str]) -> dict[str, Any] | None:
        """The first node whose ``@type`` is one of ``types``."""
        for node in self.nodes:
            if node_types(node) & types:
                return node
        return None

    def resolve(self, value: Any) -> Any:
        """Follow a ``{"@id": ...}`` reference to the full node when the page defines it."""
        if isinstance(value, dict) and set(value) <= {"@id"} and value.get("@id") in self.by_id:
            return self.by_id[value["@id"]]
        return value

    def all_types(self) -> set[str]:
        """Every type named by any node."""
        found: set[str] = set()
        for node in self.nodes:
            found |= node_types(node)
        return found


def node_types(node: dict[str, Any]) -> set[str]:
    """``@type`` as a set of bare names (``"schema:NewsArticle"`` and URL forms reduced to the
    name)."""
    raw = node.get("@type")
    values = raw if isinstance(raw, list) else [raw]
    return {v.rsplit("/", 1)[-1].rsplit(":", 1)[-1] for v in values if isinstance(v, str)}


def loads_tolerant(text: str) -> Any:
    """Parse JSON the way browsers' consumers tolerate it; ``None`` when it cannot be repaired."""
    text = _WRAPPER.sub("", text.strip()).strip()
    if not text:
        return None
    attempts = (
        text,
        _TRAILING_COMMA.sub(r"\1", text),
        _CONTROL.sub(" ", _TRAILING_COMMA.sub(r"\1", text)),
    )
    for attempt in attempts:
        try:
            return json.loads(attempt, strict=False)
        except (ValueError, RecursionError):
            continue
    return None


def _flatten(data: Any, out: list[dict[str, Any]], depth: int = 0) -> None:
    if depth > 5:
        return
    if isinstance(data, list):
        for item in data:
            _flatten(item, out, depth + 1)
    elif isinstance(data, dict):
        graph = data.get("@graph")
        if "@type" in data:
            out.append(data)
        if isinstance(graph, (list, dict)):
            _flatten(graph, out, depth + 1)
        main = data.get("mainEntity")
        if isinstance(main, dict) and "@type" in main:
            _flatten(main, out, depth + 1)


def read_jsonld(root: etree._Element) -> JsonLd:
    """Collect and flatten every ``application/ld+json`` block of the document."""
    result = JsonLd()
    scripts = root.xpath(
        "//script[contains(translate(@type, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', "
        "'abcdefghijklmnopqrstuvwxyz'), 'ld+json')]"
    )
    for script in scripts:
        data = loads_tolerant(script.text or "")
        if data is not None:
            _flatten(data, result.nodes)
    for node in result.nodes:
        node_id = node.get("@id")
        if isinstance(node_id, str) and node_id not in result.by_id:
            result.by_id[node_id] = node
    return result


def text_values(value: Any) -> list[str]:
    """Strings held by a JSON-LD value that may be a string, a list, or objects with ``name``."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return [str(value)]
    if isinstance(value, dict):
        return text_values(value.get("name"))
    if isinstance(value, list):
        found: list[str] = []
        for item in value:
            found.extend(text_values(item))
        return found
    return []


def image_urls(value: Any) -> list[str]:
    """Image URLs from a JSON-LD ``image`` value (string, ``ImageObject``, or a list of either)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        url = value.get("url") or value.get("contentUrl")
        return [url] if isinstance(url, str) else []
    if isinstance(value, list):
        found: list[str] = []
        for item in value:
            found.extend(image_urls(item))
        return found
    return []
