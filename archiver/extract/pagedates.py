"""The date a page shows its readers, and the choice between it and the structured dates.

Structured metadata is the most precise evidence (it carries the time and the offset), but it is
also the least watched: templates stamp ``datePublished`` on pages that show no date at all, and
keep the first-publication stamp on stories the page itself presents as updated. The date printed
near the headline is what a reader (and an analyst) takes as the article's date. So the visible
date decides *which day*, and structured data supplies the precision when one of its dates falls
on that day. Dates that are never publication dates are not looked at: ``<header>``/``<nav>``/
``<footer>``/sidebars (today widgets, copyright years), comment threads, and related-post lists.
"""

from __future__ import annotations

import re
from collections import deque
from itertools import islice

from lxml import etree

from .dates import normalize_iso, parse_text_date
from .text import clean_inline

# Containers whose dates belong to something other than the article.
# Class/id words (first or last word of a token such as ``comment-list``, ``sidebar``).
_FOREIGN_WORDS = frozenset({
    "comment", "comments", "respond", "reply", "replies", "sidebar", "widget", "widgets",
    "related", "footer", "navbar", "nav", "menu", "breadcrumb", "breadcrumbs", "recent", "popular",
    "trending", "newsletter", "cookie", "ticker", "topbar", "weather", "copyright", "promo",
})
_SEGMENTS = re.compile(r"[-_]+")
_FOREIGN_TAGS = frozenset({"footer", "nav", "aside", "form", "select", "option", "script", "style"})
# Elements whose class, id or itemprop names a date.
_DATE_HINT = re.compile(r"date|time|publish|posted|updated|byline|meta|dateline", re.IGNORECASE)
_UPDATED = re.compile(r"\b(?:updated|modified|last\s+reviewed|reviewed)\b", re.IGNORECASE)
_UPDATED_LABEL = re.compile(r"updated|modified", re.IGNORECASE)
_MAX_TEXT = 80
_DIGIT = re.compile(r"\d")
# How far (in elements, document order) a visible date may sit from the headline.
_WINDOW = 400


def _foreign_label(label: str) -> bool:
    for token in label.lower().split():
        parts = [p for p in _SEGMENTS.split(token) if p]
        if parts and (parts[0] in _FOREIGN_WORDS or parts[-1] in _FOREIGN_WORDS):
            return True
    return False


def _foreign(el: etree._Element, keep: set[etree._Element]) -> bool:
    """Whether ``el`` sits inside a container whose dates are not the article's. Containers that
    also hold the headline (``keep``) never count: broken markup often leaves a menu or header
    element open around the whole story."""
    node = el
    while node is not None and node not in keep:
        tag = node.tag if isinstance(node.tag, str) else ""
        if tag in _FOREIGN_TAGS:
            return True
        if tag == "header" and node.getparent() is not None and node.getparent().tag == "body":
            return True
        if _foreign_label(f"{node.get('class') or ''} {node.get('id') or ''}"):
            return True
        node = node.getparent()
    return False


def _element_date(el: etree._Element, attributes: bool = True) -> tuple[str, bool] | None:
    """``(date, says_updated)`` for one element, from its machine attribute or short text."""
    text = clean_inline(" ".join(el.itertext()))
    for attr in ("datetime", "content", "data-date", "title") if attributes else ():
        value = el.get(attr)
        if value:
            parsed = normalize_iso(value.strip()) or (parse_text_date(value) if attr != "content" else None)
            if parsed:
                return parsed, bool(_UPDATED.search(text))
    if not text or len(text) > _MAX_TEXT:
        return None
    parsed = parse_text_date(text)
    return (parsed, bool(_UPDATED.search(text))) if parsed else None


def _region(root: etree._Element, anchor: etree._Element | None) -> tuple[list[etree._Element], int]:
    """Elements to search in document order and the anchor's index among them: a window around
    the headline, or the start of the ``<article>``/``<main>`` element when there is none."""
    if anchor is None:
        scope = next(iter(root.iter("article")), None)
        if scope is None:
            scope = next(iter(root.iter("main")), None)
        if scope is None:
            return [], 0
        return list(scope.iter())[:_WINDOW], 0
    # one walk that stops 2 * _WINDOW elements after the headline: pages are long, the window
    # is not, and every element visited costs a Python proxy
    before: deque[etree._Element] = deque(maxlen=_WINDOW // 2)
    walk = root.iter()
    for el in walk:
        if el is anchor:
            break
        before.append(el)
    else:
        return [], 0
    region = list(before)
    centre = len(region)
    region.append(anchor)
    region.extend(islice(walk, 2 * _WINDOW - 1))
    return region, centre


def visible_dates(root: etree._Element, anchor: etree._Element | None) -> list[tuple[str, bool]]:
    """Dates shown near ``anchor`` (the headline), nearest first, as ``(date, says_updated)``.

    Candidates are ``<time>`` elements, short elements whose class, id or itemprop names a date,
    and short text blocks that read as a date line ("Published March 3, 2024").
    """
    region, centre = _region(root, anchor)
    keep = set(anchor.iterancestors()) if anchor is not None else set()
    found: list[tuple[int, int, str, bool]] = []
    for position, el in enumerate(region):
        tag = el.tag if isinstance(el.tag, str) else ""
        if not tag or tag in _FOREIGN_TAGS or tag in ("html", "body"):
            continue
        label = f"{el.get('class') or ''} {el.get('id') or ''} {el.get('itemprop') or ''}"
        hinted = tag == "time" or bool(_DATE_HINT.search(label))
        if tag == "meta" and not el.get("itemprop"):
            continue
        if not hinted:
            if len(el) > 3 or abs(position - centre) > _WINDOW // 2:
                continue
            text = el.text_content()
            if len(text) > _MAX_TEXT or not _DIGIT.search(text):
                continue
        parsed = _element_date(el, attributes=hinted)
        if not parsed or _foreign(el, keep):
            continue
        updated = parsed[1] or bool(_UPDATED_LABEL.search(label))
        found.append((abs(position - centre), position, parsed[0], updated))
    found.sort(key=lambda item: (item[0], item[1]))
    return [(value, updated) for _, _, value, updated in found]


_META_PUBLISHED = re.compile(r"publish|release|created|pub-?date|issued", re.IGNORECASE)
_META_NOT = re.compile(r"modif|updat|expir|review", re.IGNORECASE)


def meta_published(root: etree._Element) -> list[str]:
    """Publication dates in site-specific ``<meta>`` names (``w-published-date``, ``published``)
    that the standard vocabularies do not cover."""
    found: list[str] = []
    for meta in root.iter("meta"):
        key = " ".join(meta.get(a) or "" for a in ("name", "property", "itemprop"))
        if not key.strip() or not _META_PUBLISHED.search(key) or _META_NOT.search(key):
            continue
        content = meta.get("content") or ""
        parsed = normalize_iso(content.strip()) or parse_text_date(content[:_MAX_TEXT])
        if parsed:
            found.append(parsed)
    return found


def choose_published(
    structured_published: list[str],
    structured_modified: list[str],
    shown: list[tuple[str, bool]],
) -> tuple[str | None, str]:
    """The publication date and the kind of evidence behind it.

    A shown day that is a structured publication day wins with the structured value (its time and
    offset). Otherwise the nearest shown date not labelled as an update is the page's own date,
    taken with the structured modification value when that falls on the same day (the page
    presents its revision date as its date). A page that shows only an "updated" stamp, or nothing,
    falls back to its structured publication date; a lone "updated" stamp is used last.
    """
    published_days = {value[:10]: value for value in reversed(structured_published)}
    modified_days = {value[:10]: value for value in reversed(structured_modified)}
    for value, _ in shown[:4]:
        if value[:10] in published_days:
            return published_days[value[:10]], "structured"
    plain = [value for value, updated in shown if not updated]
    if plain:
        day = plain[0][:10]
        if day in modified_days:
            return modified_days[day], "structured-modified"
        return plain[0], "visible"
    if structured_published:
        return structured_published[0], "structured"
    if shown:
        return shown[0][0], "visible"
    return None, "none"


def markup_date(root: etree._Element, url: str | None, period: str) -> str | None:
    """The publication day htmldate reads from the page's markup (no free-text scan), when it
    falls in ``period`` (``YYYY`` or ``YYYY-MM``, from an archive-style URL), else ``None``.

    For pages that show no date near the headline but file the story under a dated URL: the
    URL proves the page is dated and bounds the day, so htmldate's pick (from metadata, script
    data or archive links we do not read) is only taken when it agrees with it. Without that
    check htmldate dates most undated pages too.
    """
    try:
        from htmldate import find_date
    except ImportError:  # pragma: no cover - dependency declared in pyproject
        return None
    try:
        found = find_date(root, url=url or None, extensive_search=False, original_date=True)
    except Exception:  # a third-party parser must never break extraction
        return None
    if isinstance(found, str) and len(found) == 10 and found.startswith(period):
        return found
    return None


def original_date(html: str | bytes, url: str | None = None) -> str | None:
    """The first-publication day htmldate finds in a page (``YYYY-MM-DD``), or ``None``.

    Asked only for pages whose shown date is their revision date (rare, so its extensive scan of
    the whole page costs little overall): it reads the places a theme keeps the original date
    that the headline area no longer shows (script data, "Published" lines, archive links).
    """
    try:
        from htmldate import find_date
    except ImportError:  # pragma: no cover - dependency declared in pyproject
        return None
    text = html if isinstance(html, str) else html.decode("utf-8", "replace")
    try:
        found = find_date(text, url=url or None, extensive_search=True, original_date=True)
    except Exception:  # a third-party parser must never break extraction
        return None
    return found if isinstance(found, str) and len(found) == 10 else None
