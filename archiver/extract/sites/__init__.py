"""Site-family rule sets and the lookup that picks one for a page.

Families are tried in ``FAMILIES`` order; the first that recognises the page (by host, then by DOM
marker) wins, and ``general`` applies otherwise. A new family is a new module holding a
``SiteRules`` value plus one line here.
"""

from __future__ import annotations

from collections.abc import Container

from lxml import etree

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
                markup: str | None = None, names: Container[str] | None = None) -> tuple[SiteRules, str]:
    """The rule set for the page and how it was recognised (``"host"``, ``"marker"`` or
    ``"default"``).

    Hosts are checked for every family before any DOM marker, so that a host match is never
    overridden by a marker that another family's pages happen to share.
    """
    for rules in FAMILIES:
        if recognise(rules, None, url) == "host":
            return rules, "host"
    for rules in FAMILIES:
        if recognise(rules, root, None, markup, names) == "marker":
            return rules, "marker"
    return GENERAL, "default"
