"""Apply any ``SiteRules`` to a parsed page.

The engine is the only code that interprets rule sets, so every family gets the same behaviour:
recognition by host or DOM marker, furniture removal on a private copy of the body container (the
caller's tree is never modified), captions recorded with their images instead of in the text, and
each value labelled with the family's provenance.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Container, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from urllib.parse import urlsplit

from lxml import etree

from ..dates import parse_any, parse_pattern
from ..dom import could_match, relative_xpath, remove_selected, select, select_first
from ..evidence import Evidence
from ..metadata import absolute
from ..text import element_text, normalize_text
from .rules import DateRule, Marker, PageTypeRule, SiteRules

# "By Jane Doe", "Written by: Jane Doe", Lao "ໂດຍ ..." in a byline element: the word is never part
# of the name
_BYLINE = re.compile(
    r"^\s*(?:(?:written|posted|reported)\s+)?(?:by|ໂດຍ)(?:\s*:\s*|\s+)", re.IGNORECASE
)


@dataclass
class SiteResult:
    """What a family's rules found: ordinary candidates plus the body and its images."""

    evidence: Evidence = field(default_factory=Evidence)
    page_type: str | None = None
    body: str | None = None
    images: list[dict[str, str]] = field(default_factory=list)


def recognise(rules: SiteRules, root: etree._Element | None, url: str | None,
              markup: Container[str] | None = None, names: Container[str] | None = None) -> str | None:
    """``"host"`` or ``"marker"`` when the page belongs to the family, else ``None``. ``markup``, the
    page's source text (or the set of ``Marker.needs_any`` strings it contains, see
    ``marker_texts``), and ``names``, its class names and ids, let markers the page cannot hold be
    ruled out without a search."""
    host = ""
    if url:
        try:
            host = (urlsplit(url).hostname or "").lower()
        except ValueError:
            host = ""
    if host and any(p.fullmatch(host) for p in rules.host_regexes()):
        return "host"
    if root is not None and any(_marker_found(root, marker, markup, names) for marker in rules.markers):
        return "marker"
    return None


_CLASS_SELECTOR = re.compile(r"^[a-z0-9]*\.([\w-]+)$", re.IGNORECASE)


@lru_cache(maxsize=256)
def _class_prefilter(marker: str) -> etree.XPath | None:
    """For a one-class CSS marker (``.td-post-content``, ``body.tdb-template``), an XPath that is
    true whenever the marker can match: a plain substring test of ``@class``, several times
    cheaper than the token-exact test cssselect compiles. Every page is checked against every
    family's markers, and almost none carries them."""
    match = _CLASS_SELECTOR.match(marker)
    if not match or "'" in match.group(1):
        return None
    return etree.XPath(f"boolean(//*[contains(@class, '{match.group(1)}')])")


def _marker_found(root: etree._Element, marker: str | Marker, markup: Container[str] | None,
                  names: Container[str] | None) -> bool:
    if isinstance(marker, Marker):
        if markup is not None and not any(needed in markup for needed in marker.needs_any):
            return False
        return bool(select(root, marker.selector))
    if names is not None or markup is not None:
        return bool(select(root, marker, names if names is not None else markup))
    prefilter = _class_prefilter(marker)
    if prefilter is not None and not prefilter(root):
        return False
    return bool(select(root, marker))


def _page_type(rules: tuple[PageTypeRule, ...], root: etree._Element, names: Container[str] | None) -> str | None:
    for rule in rules:
        if all(len(select(root, m.selector, names)) >= m.min_count for m in rule.require):
            return rule.page_type
    return None


def _date(rules: tuple[DateRule, ...], root: etree._Element, tz: str | None, names: Container[str] | None,
          languages: Sequence[str] = ()) -> str | None:
    for rule in rules:
        for el in select(root, rule.selector, names):
            raw = el.get(rule.attribute) if rule.attribute else " ".join(el.itertext())
            parsed = (parse_pattern(raw, rule.pattern, tz) if rule.pattern
                      else parse_any(raw, tz, languages))
            if parsed:
                return parsed
    return None


def _texts(root: etree._Element, selectors: tuple[str, ...], names: Container[str] | None) -> list[str]:
    """Texts of all elements matched by the first selector that yields any text."""
    for selector in selectors:
        texts = [normalize_text(" ".join(el.itertext())) for el in select(root, selector, names)]
        texts = [t for t in texts if t]
        if texts:
            return texts
    return []


def _image_src(img: etree._Element) -> str | None:
    for attr in ("src", "data-src", "data-lazy-src", "data-orig-file"):
        value = img.get(attr)
        if value and not value.startswith("data:"):
            return value
    return None


def _caption_holder(img: etree._Element, container: etree._Element) -> etree._Element | None:
    """The nearest ``<figure>`` or WordPress caption block around ``img`` inside ``container``."""
    holder = img.getparent()
    while holder is not None and holder is not container.getparent():
        if holder.tag == "figure" or "wp-caption" in (holder.get("class") or ""):
            return holder
        if holder is container:
            return None
        holder = holder.getparent()
    return None


def _images(container: etree._Element, rules: SiteRules, url: str) -> list[dict[str, str]]:
    """Images of the body, each with the caption of its enclosing figure when there is one."""
    found: list[dict[str, str]] = []
    for img in container.iter("img"):
        src = absolute(_image_src(img), url)
        if not src:
            continue
        entry = {"url": src}
        holder = _caption_holder(img, container)
        if holder is not None:
            captions = [
                normalize_text(" ".join(c.itertext()))
                for selector in rules.caption_selectors
                for c in select(holder, relative_xpath(selector))
            ]
            captions = [c for c in captions if c]
            if captions:
                entry["caption"] = captions[0]
        found.append(entry)
    return found


def _drop_paragraphs(body: str, rules: SiteRules) -> str:
    """``body`` without the paragraphs the family declares furniture by their text (lines such as
    "Email Print 1,234" that carry no markup of their own to select them by)."""
    patterns = rules.paragraph_regexes()
    if not patterns or not body:
        return body
    kept = [
        p for p in body.split("\n\n")
        if not any(rx.fullmatch(normalize_text(p)) for rx in patterns)
    ]
    return "\n\n".join(kept)


def apply_rules(
    rules: SiteRules,
    root: etree._Element,
    url: str,
    *,
    tz: str | None = None,
    page_type: str | None = None,
    names: Container[str] | None = None,
    languages: Sequence[str] = (),
) -> SiteResult:
    """Run ``rules`` over ``root`` (read-only) and return what they found. ``names``, the page's
    class names and ids (``dom.page_names``), makes it cheaper (see ``dom.could_match``). ``languages``: the
    page's language, in which visible dates are read too (``dates.parse_any``)."""
    result = SiteResult()
    ev = result.evidence
    source = rules.provenance
    tz = tz or rules.default_timezone

    result.page_type = _page_type(rules.page_types, root, names)
    if result.page_type:
        ev.add("page_type", result.page_type, source)

    for text in _texts(root, rules.title_selectors, names)[:1]:
        ev.add("title", text, source)
    ev.add("published_at", _date(rules.date_rules, root, tz, names, languages), source)
    ev.add("modified_at", _date(rules.modified_rules, root, tz, names, languages), source)
    authors = [_BYLINE.sub("", a) for a in _texts(root, rules.author_selectors, names)]
    authors = [a for a in authors if a and not rules.rejects_author(a)]
    ev.add("authors", authors, source)
    ev.add("section", next(iter(_texts(root, rules.section_selectors, names)), None), source)
    for pattern, code in rules.url_languages:
        if re.search(pattern, url or "", re.IGNORECASE):
            ev.add("language", code, source)
            break
    ev.add("tags", _texts(root, rules.tag_selectors, names), source)

    effective_type = page_type or result.page_type or "unknown"
    if effective_type in rules.body_page_types:
        container = select_first(root, rules.body_selectors, names)
        if container is not None:
            container = copy.deepcopy(container)
            # furniture selectors naming classes the page does not use are not evaluated
            remove_selected(container, [relative_xpath(s) for s in rules.furniture
                                        if names is None or could_match(s, names)])
            result.images = _images(container, rules, url)
            result.body = _drop_paragraphs(element_text(container), rules) or None
    return result
