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
  boilerplate ("expandable", "collapsible").

The changes are made on the tree lent to trafilatura (which copies it before its own work) and
undone on leaving, so every other stage reads the page as parsed.
"""

from __future__ import annotations

import contextlib
import re
from collections import Counter
from collections.abc import Iterator, Sequence
from itertools import islice

from lxml import etree

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


@contextlib.contextmanager
def as_displayed_for_trafilatura(lead: etree._Element | None, tree: etree._Element,
                                 source: bytes | None,
                                 disclosures: Sequence[etree._Element] = ()) -> Iterator[None]:
    """While trafilatura reads ``tree`` (the page or the container it is lent): the elements around
    ``lead`` (the page's first paragraph of prose) without names trafilatura takes for a comment
    section, the collapsed panels in ``tree`` that a control names shown, and the page's
    ``disclosures`` (its ``<details>`` elements) without names at all. Comment threads follow the
    story, so an element holding its first paragraph is not one. ``source``: the page's bytes,
    where the controls are looked for.
    """
    changed: list[tuple[etree._Element, str, str | None]] = []
    try:
        if lead is not None:
            _defuse_comment_names(lead, changed)
        if source and b"aria-controls" in source:
            _show_panels(tree, source, changed)
        for details in disclosures[:_MAX_PANELS]:
            # HTML's own disclosure widget: what it folds is content, whatever its class says
            # (trafilatura drops ``<details class="expandable">`` as boilerplate by the name)
            for attr in ("class", "id"):
                if details.get(attr) is not None:
                    _set(details, attr, None, changed)
        yield
    finally:
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
