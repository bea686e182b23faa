"""Find the byline a reader sees: the author's name printed near the headline.

Many pages declare no author in their metadata (or only the publisher) but print "By Jane Doe"
under the headline, or link the name with ``rel="author"``, ``itemprop="author"`` or an element
whose class names an author or byline. Such an element is trusted only when its text reads as a
name (a few words, no date, no sentence), and the one nearest the headline wins: author boxes
further down (bios, "more from", related posts) repeat names of other people.
"""

from __future__ import annotations

import re
from functools import lru_cache

from lxml import etree

from .text import clean_inline

# class/id tokens that mark the printed byline (``post-author``, ``byline``, ``author-name``)
_LABEL = re.compile(r"(?:^|[\s_-])(?:author|authors|byline|writer|autor|auteur)(?:$|[\s_-])|byline|"
                    r"authorname|author_name", re.IGNORECASE)
# class/id tokens of blocks that carry an author's name among other prose or are not the byline
_NOT_LABEL = re.compile(r"bio|desc|about|avatar|image|img|photo|pic|social|follow|more|box-text|"
                        r"comment|related|share|date|time", re.IGNORECASE)
_BY = re.compile(r"^\s*(?:(?:written|posted|reported|words|story|article|text)\s+)?"
                 r"(?:by|von|par|por|door)\s*:?\s+", re.IGNORECASE)
_AUTHOR_LABEL = re.compile(r"^\s*(?:authors?|written by|posted by|reviewed by)\s*(?::\s*|\s+)",
                           re.IGNORECASE)
_DIGIT = re.compile(r"\d")
_NAME = re.compile(r"^[^\W\d_][\w.'’&-]*(?:\s+[\w.'’&()-]+){0,5}$", re.UNICODE)
_STOP = frozenset({"the", "a", "an", "in", "on", "of", "is", "are", "was", "for", "to", "with",
                   "this", "that", "our", "your", "more", "all", "posts", "view", "read", "see",
                   "about", "share", "follow", "min", "minutes", "updated", "published", "by",
                   "author", "authors", "written", "posted", "and"})
_SKIP = frozenset({"script", "style", "noscript", "nav", "footer", "aside", "form", "head",
                   "select", "option", "button"})
_MAX_CHARS = 60
# elements (document order) searched after the headline, and before it
_AFTER, _BEFORE = 300, 60
_TEXT_WINDOW = 80
# A superset of the elements ``_is_byline`` accepts, tested before it: a rel or itemprop naming an author,
# or a class/id holding one of the words ``_LABEL`` needs, in any letter case. The window holds hundreds of
# elements and few carry any of these.
_LABEL_WORDS = ("author", "byline", "writer", "autor", "auteur")
_MAY_BE_BYLINE = " or ".join(
    ["contains(@rel, 'author')", "contains(translate(@itemprop, 'AUTHOR', 'author'), 'author')"]
    + [f"contains(translate(concat(@class, ' ', @id), 'ABEHILNORTUWY', 'abehilnortuwy'), '{word}')"
       for word in _LABEL_WORDS])
_IN_SCOPE = etree.XPath(f"descendant-or-self::*[{_MAY_BE_BYLINE}]")


def _may_be_byline(el: etree._Element) -> bool:
    """``_MAY_BE_BYLINE`` read in Python, for the elements of the window."""
    if "author" in (el.get("rel") or "") or "author" in (el.get("itemprop") or "").lower():
        return True
    label = f"{el.get('class') or ''} {el.get('id') or ''}".lower()
    return any(word in label for word in _LABEL_WORDS)


def _following(anchor: etree._Element, limit: int) -> list[etree._Element]:
    """The first ``limit`` elements after ``anchor`` in document order, its own descendants left out (XPath's
    ``following::*``). Walked from the anchor outwards, so only the window is visited: libxml2 evaluates
    ``following::*[position() <= n]`` over the whole rest of the document, which was most of the byline's cost
    (3.1 ms a dev page, now 0.7, the same elements on every one)."""
    found: list[etree._Element] = []
    node: etree._Element | None = anchor
    while node is not None:
        for sibling in node.itersiblings():
            for el in sibling.iter(etree.Element):
                found.append(el)
                if len(found) >= limit:
                    return found
        node = node.getparent()
    return found


def _preceding(anchor: etree._Element, limit: int) -> list[etree._Element]:
    """The ``limit`` elements nearest before ``anchor``, nearest first, its ancestors left out (XPath's
    ``preceding::*``)."""
    found: list[etree._Element] = []
    node: etree._Element | None = anchor
    while node is not None:
        for sibling in node.itersiblings(preceding=True):
            for el in reversed(list(sibling.iter(etree.Element))):
                found.append(el)
                if len(found) >= limit:
                    return found
        node = node.getparent()
    return found


def clean_name(text: str) -> str | None:
    """``text`` as a person's or organisation's name ("By Jane Doe" -> "Jane Doe"), or ``None``
    when it does not read as one."""
    text = clean_inline(text).strip(" |·•,;:-–—\"'“”")
    # "Jane Doe | Senior Writer | July 2, 2025": the name is the first part
    text = text.split(" | ")[0]
    text = _AUTHOR_LABEL.sub("", _BY.sub("", text)).strip(" |·•,;:-–—\"'“”")
    if not text or len(text) > _MAX_CHARS or _DIGIT.search(text) or "@" in text:
        return None
    if not _NAME.match(text):
        return None
    lowered = text.casefold().split()
    if lowered[0] in _STOP or sum(word in _STOP for word in lowered) > 1:
        return None
    return text


def _label(el: etree._Element) -> str:
    return f"{el.get('class') or ''} {el.get('id') or ''}"


def _is_byline(el: etree._Element) -> bool:
    if "author" in (el.get("rel") or "").split() or (el.get("itemprop") or "").lower() == "author":
        return True
    return _names_byline(_label(el))


@lru_cache(maxsize=4096)
def _names_byline(label: str) -> bool:
    """Whether a class/id label marks a byline (labels repeat across a page's blocks: each is read
    once)."""
    return bool(label.strip()) and bool(_LABEL.search(label)) and not _NOT_LABEL.search(label)


def _name_in(el: etree._Element) -> str | None:
    """The name an author element holds: its ``itemprop=name`` part, else its own short text."""
    for part in el.iter():
        if isinstance(part.tag, str) and (part.get("itemprop") or "").lower() == "name":
            value = part.get("content") or " ".join(part.itertext())
            name = clean_name(value)
            if name:
                return name
    return clean_name(" ".join(el.itertext()))


def _window(root: etree._Element, anchor: etree._Element | None
            ) -> tuple[list[etree._Element], set[etree._Element]]:
    """The elements searched, in order, and those among them that may be a byline element (see
    ``_MAY_BE_BYLINE``): the ``_TEXT_WINDOW`` elements after the headline, where a "By ..." text
    is looked for too, then the rest of the ``_AFTER`` elements after it that may be a byline, then
    those of the ``_BEFORE`` elements before it (nearest first); without a headline, the start of the
    ``<article>``/``<main>`` element."""
    if anchor is None:
        scope = next(iter(root.iter("article")), None)
        if scope is None:
            scope = next(iter(root.iter("main")), None)
        if scope is None:
            return [], set()
        return [el for el in scope.iter() if isinstance(el.tag, str)][:_AFTER], set(_IN_SCOPE(scope))
    following = _following(anchor, _AFTER)
    nearest = following[:_TEXT_WINDOW]
    preceding = _preceding(anchor, _BEFORE)
    candidates = [el for el in following if _may_be_byline(el)] + [el for el in preceding if _may_be_byline(el)]
    if len(nearest) < _TEXT_WINDOW:  # near the end of the page: the elements before it come next
        return nearest + preceding, set(candidates)
    first = set(nearest)
    return nearest + [el for el in candidates if el not in first], set(candidates)


def _excluded(el: etree._Element, stop: set[etree._Element]) -> bool:
    node = el
    while node is not None and node not in stop:
        if node.tag in _SKIP:
            return True
        node = node.getparent()
    return False


def find_byline(root: etree._Element, anchor: etree._Element | None) -> list[str]:
    """Names printed as the byline near the headline ``anchor``, nearest first (empty when
    none is found)."""
    stop = set(anchor.iterancestors()) if anchor is not None else set()
    window, candidates = _window(root, anchor)
    for position, el in enumerate(window):
        if el in candidates and _is_byline(el) and not _excluded(el, stop):
            names: list[str] = []
            # several linked names in one byline element ("By A and B")
            links = [a for a in el.iter("a") if a is not el]
            for link in links or [el]:
                name = _name_in(link)
                if name and name not in names:
                    names.append(name)
            if names and (not links or len(names) <= 4):
                return names
        elif position < _TEXT_WINDOW and el.text and _BY.match(el.text) and len(el) <= 2:
            name = clean_name(" ".join(el.itertext()))
            if name and not _excluded(el, stop):
                return [name]
    return []
