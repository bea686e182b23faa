"""General main-content fallback for pages no site family describes.

trafilatura finds the main text of arbitrary pages well; this module calls it with fixed options
(recall not traded for precision, no comments, no cross-document de-duplication cache, so the same
page always gives the same text) and converts its XML body into the archive's paragraph format with
the same text rules as site bodies.
"""

from __future__ import annotations

import logging

from lxml import etree

from .text import element_text

log = logging.getLogger(__name__)

# trafilatura's output vocabulary -> the HTML element with the same text role
_TAG_MAP = {
    "head": "h2",
    "list": "ul",
    "item": "li",
    "quote": "blockquote",
    "lb": "br",
    "row": "tr",
    "cell": "td",
    "hi": "span",
    "ref": "span",
    "del": "span",
    "graphic": "img",
}


def fallback_body(html: str, url: str | None) -> str | None:
    """Main text of ``html`` found by trafilatura, or ``None`` when it finds nothing or fails."""
    try:
        import trafilatura
    except ImportError:  # pragma: no cover - dependency declared in pyproject
        return None
    try:
        document = trafilatura.bare_extraction(
            html,
            url=url,
            favor_precision=False,
            favor_recall=False,
            include_comments=False,
            include_tables=True,
            include_images=False,
            include_links=False,
            deduplicate=False,
            with_metadata=False,
        )
    except Exception as exc:  # a third-party parser must never break extraction
        log.debug("trafilatura failed on %s: %s", url, exc)
        return None
    body = getattr(document, "body", None)
    if body is None and isinstance(document, dict):
        body = document.get("body")
    if not isinstance(body, etree._Element):
        return None
    for el in body.iter():
        if isinstance(el.tag, str) and el.tag in _TAG_MAP:
            el.tag = _TAG_MAP[el.tag]
        elif el.tag == "code" and "\n" in "".join(el.itertext()):
            el.tag = "pre"
    text = element_text(body)
    return text or None
