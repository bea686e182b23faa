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
from w3lib.html import replace_entities

from .text import normalize_text

# "Posted" or a month name with a day: what a date line next to the headline contains
_DATE_WORDS = re.compile(r"\bposted\b|\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|"
                         r"dec)[a-z]*\.?\s+\d", re.IGNORECASE)
_WORD = re.compile(r"\w+", re.UNICODE)
_LABEL_PREFIX = re.compile(r"\w+:")
_OUTSIDE = frozenset({"nav", "footer", "aside", "form"})
_CONTENT = frozenset({"article", "main"})
_MAX_CHARS = 300
_BREAKS = frozenset({"br", "div", "p", "li"})
# least word F1 with a declared title for an <h1> / an <h2> to be taken as the headline
_H1_FIT, _H2_FIT = 0.25, 0.8


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
    """Inside navigation, a sidebar, a form, a link (logos) or the page-level ``<header>``, and
    not inside an ``<article>`` or ``<main>`` closer to it."""
    node = el.getparent()
    while node is not None:
        tag = node.tag if isinstance(node.tag, str) else ""
        if tag in _CONTENT:
            # an unclosed menu or header tag makes the parser nest the whole story inside it;
            # a heading in the story's own article or main element is the story's
            return False
        if tag in _OUTSIDE or tag == "a":
            return True
        if tag == "header" and node.getparent() is not None and node.getparent().tag == "body":
            return True
        node = node.getparent()
    return False


def heading_text(el: etree._Element) -> str:
    """The text of a heading as printed: inline parts joined without invented spaces (a styled
    first letter stays part of its word), line breaks and nested blocks read as spaces, entities
    that survived parsing decoded."""
    parts: list[str] = [el.text or ""]
    for child in el.iterdescendants():
        if not isinstance(child.tag, str):
            parts.append(child.tail or "")
            continue
        if child.tag in _BREAKS:
            parts.append(" ")
        if child.tag not in ("script", "style"):
            parts.append(child.text or "")
        if child.tag in _BREAKS:
            parts.append(" ")
        parts.append(child.tail or "")
    return normalize_text(replace_entities("".join(parts)))


def _fit(candidate: str, declared: Iterable[str]) -> float:
    """Best word-set F1 between the candidate and one declared title: a logo or section label
    shares words with an SEO title but covers little of it, the printed headline covers most."""
    mine = words(candidate)
    best = 0.0
    for title in declared:
        theirs = words(title)
        shared = len(mine & theirs)
        if shared:
            best = max(best, 2 * shared / (len(mine) + len(theirs)))
    return best


def _trim(text: str, declared: Iterable[str]) -> str:
    """The headline without a date line the template put in the same element ("... Posted on
    July 1, 2024 by x", "Dec 18 2025 ...") or a one-word label before it ("Blog: ..."): when a
    declared title is printed inside the heading and the rest is such a line or label, that
    stretch of the heading (in the heading's own characters) is the headline."""
    folded = text.casefold()
    for title in sorted(declared, key=len, reverse=True):
        title = normalize_text(title)
        if len(words(title)) < 3 or len(title) >= len(text):
            continue
        at = folded.find(title.casefold())
        if at < 0:
            continue
        rest = text[:at] + " " + text[at + len(title):]
        if len(rest.split()) >= 2 and _DATE_WORDS.search(rest) or _LABEL_PREFIX.fullmatch(
                text[:at].strip()) and not text[at + len(title):].strip():
            return text[at: at + len(title)]
    return text


_QUOTES = str.maketrans("\u2018\u2019\u201a\u201b\u201c\u201d\u201e\u201f", "\'\'\'\'\"\"\"\"")


def declared_form(headline: str, declared: Iterable[str]) -> str:
    """The declared title's characters for a printed headline that says the same thing: themes
    curl the quotes of the stored title when they print it, and headings set in capitals or in
    lower case are a stylesheet's doing, while the metadata keeps what the author typed. Only the
    quote characters (and, for a heading in one case, the letter case) may differ."""
    key = headline.translate(_QUOTES)
    one_case = headline.isupper() or headline.islower()
    for title in declared:
        other = title.translate(_QUOTES)
        if other == key or one_case and other.casefold() == key.casefold():
            return title
    return headline


def _mentions(text: str, declared: Iterable[str]) -> bool:
    """Whether ``text`` quotes a declared title inside more words of its own ("15 Replies to
    "Post title"", "More on Post title"): a heading about the post, such as the comments' header,
    not the post's headline."""
    if agreement(text, declared) >= 0.99:
        return False
    folded = text.casefold()
    for title in declared:
        title = title.casefold()
        if len(words(title)) >= 3 and title in folded and len(folded.replace(title, " ").split()) >= 2:
            return True
    return False


_NAME_SEPARATOR = re.compile(r"\s*[|:\-–—·»]+\s*$|^\s*[|:\-–—·»]+\s*")


def names_in_titles(declared: Iterable[str]) -> set[str]:
    """Site names that the declared titles reveal: when one declared title is another plus a part
    set off by a separator ("Blog Name: Post title" next to "Post title"), that part names the
    site, whatever its wording (lower-cased)."""
    titles = {t for t in declared if t}
    found: set[str] = set()
    for whole in titles:
        for part in titles:
            if part == whole or len(part) >= len(whole):
                continue
            if whole.startswith(part):
                rest = whole[len(part):]
            elif whole.endswith(part):
                rest = whole[: len(whole) - len(part)]
            else:
                continue
            name = _NAME_SEPARATOR.sub("", rest).strip()
            if name and name != rest.strip() and len(name.split()) <= 5:
                found.add(name.casefold())
    return found


def find_headline(
    root: etree._Element, declared: list[str], site_names: Iterable[str] = ()
) -> tuple[str | None, etree._Element | None]:
    """``(text, element)`` of the printed headline, or ``(None, element-or-None)`` when no
    heading agrees with the declared titles (the element may still anchor the date search).

    ``<h1>`` elements come first; an ``<h2>`` is taken only when it matches a declared title
    closely, for blogs whose ``<h1>`` is the blog's name and whose post title is an ``<h2>``.
    """
    names = {normalize_text(n).casefold() for n in site_names if n}
    inferred = names_in_titles(declared) - names
    # a heading that is a name the titles reveal still marks where the page's top is, as the
    # anchor of last resort for the date and byline searches
    logos: list[etree._Element] = []

    def headings(tag: str, limit: int) -> list[tuple[str, etree._Element]]:
        found: list[tuple[str, etree._Element]] = []
        for el in root.iter(tag):
            text = heading_text(el)
            if not text or len(text) > _MAX_CHARS or text.casefold() in names or _outside_content(el):
                continue
            if text.casefold() in inferred:
                logos.append(el)
                continue
            found.append((text, el))
            if len(found) >= limit:
                break
        return found

    candidates = headings("h1", 10)
    # the part before a separator, too: "Headline | a tagline of fifty words" covers the
    # headline's words, but the whole of it does not
    declared = list(declared) + [re.split(r" [|–—-] ", t)[0] for t in declared]
    if not declared:
        return candidates[0] if candidates else (None, None)
    # most of the heading's words in a declared title; among such headings the one covering
    # most of that title (a logo "Jane's Blog" is all in "Post title - Jane's Blog" too)
    scored = [(agreement(text, declared), _fit(text, declared), -index, text, el)
              for index, (text, el) in enumerate(candidates)]
    usable = [item for item in scored
              if (item[0] >= 0.5 and len(words(item[3])) >= 2 or item[0] >= 0.99)
              and item[1] >= _H1_FIT]
    if usable:
        best = max(usable, key=lambda item: (item[1], item[2]))
        return declared_form(_trim(best[3], declared), declared), best[4]
    for text, el in headings("h2", 30):
        if _fit(text, declared) >= _H2_FIT and not _mentions(text, declared):
            return declared_form(_trim(text, declared), declared), el
    if not candidates:
        return None, logos[0] if logos else None
    top = max(scored, key=lambda item: (item[0], item[2]))
    return None, top[4] if top[0] >= 0.3 else candidates[0][1]
