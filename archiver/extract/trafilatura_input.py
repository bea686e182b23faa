"""The page as trafilatura is shown it: two of its readings of markup corrected for one call.

trafilatura decides what is boilerplate partly by names and by hiding, read from the raw markup:
an element whose class starts with "comment" is a comment thread, an element hidden by a
``hidden`` attribute, ``aria-hidden``, an inline ``display:none`` (or ``overflow:hidden``) or a
class word such as "hidden" is not shown. Two kinds of
page break those readings in ways a reader never sees (measured on the WCXB dev pages,
``bench/README.md``):

- a wrapper around the story named for a feature, not a thread (LessWrong's
  ``commentOnSelection``, which lets a reader comment on a selected sentence): trafilatura drops
  the whole story with it;
- the panels of an accordion or of tabs, collapsed until the reader opens them (a guide's steps,
  a product's sections): hidden in the markup, they are the page's content as much as the heading
  that opens them. A panel is known by the button that names it (``aria-controls``), and is shown
  with the collapsing wrappers right above it; a hidden block that no control opens (a modal, a
  script's template) stays hidden. HTML's own disclosure
  widget, ``<details>``, is read without its class and id, which trafilatura would take for
  boilerplate ("expandable", "collapsible");
- a paragraph of the story written as a ``<div>`` of text (an "Updates:" box, an accordion's
  answer, a page builder's text block): trafilatura takes a text-bearing ``<div>`` only from a page
  with almost no ``<p>`` text, so on a story of ``<p>`` paragraphs the ones written as ``<div>``
  are lost. Between the story's first and last prose paragraph, a ``<div>`` holding only text and
  inline markup, long and ending like a sentence, is read as a ``<p>``. Outside that stretch such
  divs are mostly furniture (author bios, teaser cards, calls to subscribe) and stay divs.

The changes are made on the tree lent to trafilatura (which copies it before its own work) and
undone on leaving, so every other stage reads the page as parsed.
"""

from __future__ import annotations

import contextlib
import re
from collections import Counter
from collections.abc import Iterator, Sequence
from itertools import islice, pairwise

from lxml import etree

from .text import PROSE_CHARS, is_prose

# the names trafilatura takes for a reader-comment section (its ``REMOVE_COMMENTS_XPATH``, which it
# applies to the raw page when comments are not extracted)
_COMMENT_CLASS = re.compile(r"^[Cc]omment(?!ary)|(?:article|post)-comments")
_COMMENT_ID = re.compile(r"^(?:[Cc]omment(?!ary)|comol|disqus_thread|dsq-comments)")
_PRUNED_AS_COMMENTS = frozenset({"div", "section", "details", "ol", "ul"})

# an accordion's or a tab list's panel: the element a control's ``aria-controls`` names (WAI-ARIA's
# disclosure and tabs patterns). The names are read from the page's bytes (a tenth of a millisecond;
# a search of the tree for the controls costs twice that) and the panels found by the parser's table
# of ids, in one call. ``id()`` finds only the first of several elements sharing an id, as the panels
# of a component repeated on a page do (and so do the buttons naming them): a name that several
# controls give is looked for by a walk of the elements with an id.
_CONTROLS = re.compile(rb"""aria-controls\s*=\s*["']?([^"'>]{1,2000})""")
_BY_IDS = etree.XPath("id($names)")
_NAMED = etree.XPath(".//*[@id][contains($names, concat(' ', @id, ' '))]")
# the class words of stylesheets that hide an element until a script shows it
_HIDING_CLASS = re.compile(r"(?:^|\s)(?:hidden|hide|is-hidden|d-none|collapse|collapsed)(?:\s|$)")
# hidden wrappers above a panel that are shown with it
_WRAPPERS = 2
# at most this many panels are shown, and names that several controls give looked for, on one page
_MAX_PANELS = 500
_MAX_REPEATED = 50
_HIDING_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
# a ``<div>`` read as a paragraph: only text and these inline elements in it, and the text prose
# (``text.is_prose``: as long as, and ending like, the story's paragraphs)
_INLINE = frozenset({"a", "abbr", "b", "bdi", "br", "cite", "code", "em", "font", "i", "kbd",
                     "mark", "q", "s", "small", "span", "strong", "sub", "sup", "time", "u", "wbr"})
# a story written in such divs has several; a lone text box between its paragraphs is more often a
# call to action ("Download our guide...", "Sign up to join..."): on the WCXB dev pages, renaming a
# lone one changed 16 pages, 10 of them down, for no gain in either half's mean
_MIN_DIV_PARAGRAPHS = 2
# trafilatura reads text-bearing divs itself when a page's ``<p>`` text is under three times its
# ``min_extracted_size`` (250): below this, renaming them would turn that reading off instead
_DIV_MODE_CHARS = 1000
_STRING_VALUE = etree.XPath("string()", smart_strings=False)


class Displayed:
    """What was changed for trafilatura that the caller's own measures should count."""

    def __init__(self) -> None:
        # characters of the ``<div>`` paragraphs read as ``<p>`` (part of the page's paragraph text)
        self.paragraph_chars = 0


@contextlib.contextmanager
def as_displayed_for_trafilatura(lead: etree._Element | None, tree: etree._Element,
                                 source: bytes | None,
                                 disclosures: Sequence[etree._Element] = (),
                                 last_prose: etree._Element | None = None,
                                 paragraph_chars: int = 0) -> Iterator[Displayed]:
    """While trafilatura reads ``tree`` (the page or the container it is lent): the elements around
    ``lead`` (the page's first paragraph of prose) without names trafilatura takes for a comment
    section, the collapsed panels in ``tree`` that a control names shown, the page's
    ``disclosures`` (its ``<details>`` elements) without names at all, and the text ``<div>``
    elements between ``lead`` and ``last_prose`` (the page's last paragraph of prose) read as
    paragraphs when the page has ``paragraph_chars`` of ``<p>`` text enough for trafilatura to
    skip divs. Comment threads follow the story, so an element holding its first paragraph is not
    one. ``source``: the page's bytes, where the controls are looked for.
    """
    changed: list[tuple[etree._Element, str, str | None]] = []
    renamed: list[etree._Element] = []
    displayed = Displayed()
    try:
        if lead is not None:
            _defuse_comment_names(lead, changed)
            if last_prose is not None and paragraph_chars >= _DIV_MODE_CHARS:
                displayed.paragraph_chars = _divs_as_paragraphs(tree, lead, last_prose, renamed)
        if source and b"aria-controls" in source:
            _show_panels(tree, source, changed)
        for details in disclosures[:_MAX_PANELS]:
            # HTML's own disclosure widget: what it folds is content, whatever its class says
            # (trafilatura drops ``<details class="expandable">`` as boilerplate by the name)
            for attr in ("class", "id"):
                if details.get(attr) is not None:
                    _set(details, attr, None, changed)
        yield displayed
    finally:
        for div in renamed:
            div.tag = "div"
        for el, attr, value in reversed(changed):
            if value is None:
                el.attrib.pop(attr, None)
            else:
                el.set(attr, value)


def _set(el: etree._Element, attr: str, value: str | None,
         changed: list[tuple[etree._Element, str, str | None]]) -> None:
    """Give ``el`` a new ``attr`` value (``None``: none), remembering the old one."""
    changed.append((el, attr, el.get(attr)))
    if value is None:
        el.attrib.pop(attr, None)
    else:
        el.set(attr, value)


def _defuse_comment_names(lead: etree._Element,
                          changed: list[tuple[etree._Element, str, str | None]]) -> None:
    for el in lead.iterancestors():
        if el.tag not in _PRUNED_AS_COMMENTS:
            continue
        for attr, pattern in (("class", _COMMENT_CLASS), ("id", _COMMENT_ID)):
            value = el.get(attr)
            if value and pattern.search(value):
                _set(el, attr, "story-" + value, changed)


def _divs_as_paragraphs(tree: etree._Element, first: etree._Element, last: etree._Element,
                        renamed: list[etree._Element]) -> int:
    """Rename to ``p`` the text ``<div>`` elements of ``tree`` between the paragraphs ``first`` and
    ``last`` (appended to ``renamed``); the characters of their text."""
    chosen: list[tuple[etree._Element, int]] = []
    branches = _stretch(first, last)
    for number, branch in enumerate(branches):
        # only the two outer branches hold the paragraphs themselves, and may hold divs before
        # the first or after the last
        outer = number in (0, len(branches) - 1)
        for div in branch.iter("div"):
            for child in div:  # a loop, not any(): this runs for every div of the story
                if isinstance(child.tag, str) and child.tag not in _INLINE:
                    break
            else:
                if not len(div) and len(div.text or "") < PROSE_CHARS:
                    continue  # a short leaf, the common case, known without the string value
                text = " ".join(_STRING_VALUE(div).split())
                if (is_prose(text) and tree in div.iterancestors()
                        and (not outer or _precedes(first, div) and _precedes(div, last))):
                    chosen.append((div, len(text)))
                    if len(chosen) >= _MAX_PANELS:
                        break
        if len(chosen) >= _MAX_PANELS:
            break
    if len(chosen) < _MIN_DIV_PARAGRAPHS:
        return 0
    for div, _ in chosen:
        renamed.append(div)
        div.tag = "p"
    return sum(length for _, length in chosen)


def _stretch(first: etree._Element, last: etree._Element) -> list[etree._Element]:
    """The children of ``first``'s and ``last``'s nearest common ancestor from the one holding
    ``first`` to the one holding ``last``: all that lies between them, and only a little more (the
    story, not the page, is searched)."""
    on_way_to_last = _path_to(last)
    child = first
    for parent in first.iterancestors():
        if parent in on_way_to_last:
            start, end = parent.index(child), parent.index(on_way_to_last[parent])
            return list(parent)[start:end + 1]
        child = parent
    return []


def _path_to(el: etree._Element) -> dict[etree._Element, etree._Element]:
    """Each ancestor of ``el`` and its child on the way down to ``el``."""
    return {parent: child for child, parent in pairwise((el, *el.iterancestors()))}


def _precedes(el: etree._Element, other: etree._Element) -> bool:
    """Whether ``el`` ends before ``other`` starts in document order (false when one holds the
    other): their nearest common ancestor's children on the way to each are compared."""
    on_way_to_other = _path_to(other)
    child = el
    for parent in el.iterancestors():
        if parent in on_way_to_other:
            child_of_other = on_way_to_other[parent]
            return child is not child_of_other and parent.index(child) < parent.index(child_of_other)
        child = parent
    return False


def _show_panels(tree: etree._Element, source: bytes,
                 changed: list[tuple[etree._Element, str, str | None]]) -> None:
    controls = Counter(name for value in _CONTROLS.findall(source)
                       for name in value.decode("utf-8", "replace").split())
    once = sorted(name for name, count in controls.items() if count == 1)[:_MAX_PANELS]
    # each element with an id is tested against the whole list: kept short on a hostile page
    repeated = sorted(name for name, count in controls.items() if count > 1)[:_MAX_REPEATED]
    panels = _BY_IDS(tree, names=" ".join(once)) if once else []
    if repeated:
        panels += _NAMED(tree, names=" " + " ".join(repeated) + " ")
    for panel in panels[:_MAX_PANELS]:
        if not isinstance(panel.tag, str):
            continue
        # the panel, and the wrappers right above it that hide it with it (a collapsing animation's
        # box around the panel); the first one shown ends the climb
        for el in (panel, *islice(panel.iterancestors(), _WRAPPERS)):
            if not _show(el, changed) and el is not panel:
                break


def _show(el: etree._Element, changed: list[tuple[etree._Element, str, str | None]]) -> bool:
    """Undo the ways ``el`` is hidden that trafilatura reads; whether it was hidden at all.

    A shown element loses its whole inline style: a collapsed panel's style is the collapsed state
    (``height:0``, ``opacity:0``, ``overflow:hidden``, the last of which trafilatura also reads as
    hiding), and a stylesheet's hiding class loses the whole class, as trafilatura reads parts of
    words in it."""
    style = el.get("style") or ""
    hiding_class = bool(_HIDING_CLASS.search(el.get("class") or ""))
    if not (_HIDING_STYLE.search(style) or "hidden" in el.attrib or el.get("aria-hidden") == "true"
            or hiding_class):
        return False
    for attr in ("style", "hidden", "aria-hidden", *(("class",) if hiding_class else ())):
        if attr in el.attrib:
            _set(el, attr, None, changed)
    return True
