"""Site-family rule sets and the lookup that picks one for a page.

Families are tried in ``FAMILIES`` order; the first that recognises the page (by host, then by DOM
marker) wins, and ``general`` applies otherwise. A new family is a new module holding a
``SiteRules`` value plus one line here.
"""

from __future__ import annotations

import re
from collections.abc import Container
from functools import cache
from typing import Any

import re2
from lxml import etree

from ..dom import required_names
from . import general, kpl, tagdiv, usembassy, vientianetimes
from .engine import SiteResult, apply_rules, recognise
from .rules import DateRule, Marker, Match, PageTypeRule, SiteRules

# Specific publishers before the theme family: their markers are narrower.
FAMILIES: tuple[SiteRules, ...] = (
    usembassy.RULES,
    kpl.RULES,
    vientianetimes.RULES,
    tagdiv.RULES,
)
GENERAL: SiteRules = general.RULES

__all__ = [
    "FAMILIES",
    "GENERAL",
    "DateRule",
    "Marker",
    "Match",
    "PageTypeRule",
    "SiteResult",
    "SiteRules",
    "apply_rules",
    "find_family",
]


def find_family(root: etree._Element | None, url: str | None,
                markup: str | bytes | None = None, names: Container[str] | None = None) -> tuple[SiteRules, str]:
    """The rule set for the page and how it was recognised (``"host"``, ``"marker"`` or
    ``"default"``).

    Hosts are checked for every family before any DOM marker, so that a host match is never
    overridden by a marker that another family's pages happen to share.
    """
    for rules in FAMILIES:
        if recognise(rules, None, url) == "host":
            return rules, "host"
    found = marker_texts(markup) if markup is not None else None
    for rules in FAMILIES:
        if recognise(rules, root, None, found, None if found is not None else names) == "marker":
            return rules, "marker"
    return GENERAL, "default"


@cache
def _marker_search(as_bytes: bool) -> tuple[tuple[str, ...], Any]:
    """Every string a family's marker needs (an XPath marker's ``Marker.needs_any``, a CSS marker's
    class names and ids), and one RE2 pattern that finds any of them (in UTF-8 bytes or in text)."""
    needles: list[str] = []
    for rules in FAMILIES:
        for marker in rules.markers:
            if isinstance(marker, Marker):
                needles += marker.needs_any
            else:
                needles += [name for member in required_names(marker) or () for name in member]
    unique = tuple(dict.fromkeys(needles))
    pattern = "|".join(re.escape(needed) for needed in unique)
    return unique, re2.compile(pattern.encode("utf-8") if as_bytes else pattern)


def marker_texts(markup: str | bytes) -> frozenset[str]:
    """The strings the families' markers need (see ``_marker_search``) that the page's source
    ``markup`` contains: what ``recognise`` needs to rule a family's markers out.

    One pass of RE2 over the source (a page is checked against every family's markers, and a
    substring search per string costs a tenth of a millisecond on a large page). The pattern
    reports leftmost, non-overlapping matches, so a string it did not report can only occur
    overlapping one it did: those strings are looked for around the reported matches only."""
    as_bytes = isinstance(markup, bytes)
    needles, pattern = _marker_search(as_bytes)
    if not needles:
        return frozenset()
    spans = [(match.start(), match.end(), match.group()) for match in pattern.finditer(markup)]
    if not spans:
        return frozenset()
    reported = {text for _, _, text in spans}
    found = set()
    for needed in needles:
        text = needed.encode("utf-8") if as_bytes else needed
        if text in reported or any(text in markup[max(0, start - len(text) + 1):end + len(text) - 1]
                                   for start, end, _ in spans):
            found.add(needed)
    return frozenset(found)
