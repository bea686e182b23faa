"""Find the headline element a reader sees, checked against the titles the page declares.

``og:title``, JSON-LD ``headline`` and ``<title>`` are often an SEO title ("Best Movers 2026 | Top
19 Companies") written for search results, while the ``<h1>`` is the headline printed over the
story. The printed headline is what the archive wants, but pages also use ``<h1>`` for logos, site
names and promo boxes. An ``<h1>`` is therefore taken only when it agrees with a declared title
(enough shared words), or when the page declares none. The element is also the anchor for finding
the date shown near the headline.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from lxml import etree

from .text import normalize_text

_WORD = re.compile(r"\w+", re.UNICODE)
_OUTSIDE = frozenset({"nav", "footer", "aside", "form"})
_MAX_CHARS = 300


def words(text: str) -> set[str]:
    """Lower-cased word set of ``text``."""
    return set(_WORD.findall(text.casefold()))


def agreement(candidate: str, declared: Iterable[str]) -> float:
    """Best share of the candidate's words found in one declared title (0 when none)."""
    mine = words(candidate)
    if not mine:
        return 0.0
    best = 0.0
    for title in declared:
        theirs = words(title)
        if theirs:
            best = max(best, len(mine & theirs) / len(mine))
    return best


def _outside_content(el: etree._Element) -> bool:
    node = el.getparent()
    while node is not None:
        if isinstance(node.tag, str) and node.tag in _OUTSIDE:
            return True
        node = node.getparent()
    return False


def find_headline(
    root: etree._Element, declared: list[str], site_names: Iterable[str] = ()
) -> tuple[str | None, etree._Element | None]:
    """``(text, element)`` of the printed headline, or ``(None, element-or-None)`` when no
    ``<h1>`` agrees with the declared titles (the element may still anchor the date search)."""
    names = {normalize_text(n).casefold() for n in site_names if n}
    candidates: list[tuple[str, etree._Element]] = []
    for el in root.iter("h1"):
        text = normalize_text(" ".join(el.itertext()))
        if not text or len(text) > _MAX_CHARS or text.casefold() in names or _outside_content(el):
            continue
        candidates.append((text, el))
    if not candidates:
        return None, None
    if not declared:
        return candidates[0]
    scored = [(agreement(text, declared), -index, text, el) for index, (text, el) in enumerate(candidates)]
    best = max(scored, key=lambda item: (item[0], item[1]))
    if best[0] >= 0.5 and len(words(best[2])) >= 2 or best[0] >= 0.99:
        return best[2], best[3]
    return None, best[3] if best[0] >= 0.3 else candidates[0][1]
