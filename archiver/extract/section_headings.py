"""Section headings trafilatura lost, put back between the story's paragraphs it kept.

When the first block trafilatura's body expressions find on a page is a small one (a form's
"thank you" note, a hero banner), it takes the page's loose paragraphs instead ("wild text"), and
that pass reads paragraphs, lists and quotes but no headings: the story comes out whole, without
one of its section headings (a WordPress blog's hidden "thank you" modal did it on the WCXB dev
pages; the rule below put headings back in 34 of their bodies, ``bench/README.md``).

So when trafilatura's text holds none of the page's headings, a heading that sits between two
paragraphs it kept, and opens the paragraphs under it (the next paragraph is its sibling), is put
back before that paragraph. A heading elsewhere (over a list of links, a teaser block, a sidebar)
has no kept paragraph of its own right after it and stays out; a text that already holds some of
the page's headings is left as it is (trafilatura's choice of headings stands).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from lxml import etree

from .text import clean_inline, word_key

HEADING_TAGS = ("h2", "h3", "h4", "h5", "h6")
# a heading worth restoring: at least two words, and no longer than a heading is
_MIN_WORDS = 2
_MAX_CHARS = 200
# at most this many headings are looked at on one page (a hostile page may have thousands), and a
# heading's paragraphs are looked for at most this many blocks away (they are its neighbours)
_MAX_HEADINGS = 300
_NEAR = 50
_WORDS = re.compile(r"\w+")
_STRING_VALUE = etree.XPath("string()", smart_strings=False)


def restore_headings(primary: str, blocks: Sequence[etree._Element],
                     texts: Mapping[etree._Element, str]) -> str:
    """``primary`` (trafilatura's text, paragraphs separated by a blank line) with the section
    headings among ``blocks`` (the page's ``<p>`` and ``<h2>``-``<h6>`` elements in document
    order) that it lost put back; ``texts``: each ``<p>``'s text, whitespace collapsed."""
    candidates: list[tuple[int, str]] = []
    lines = f"\n\n{primary}\n\n"
    for position, el in enumerate(blocks):
        if el.tag not in HEADING_TAGS:
            continue
        if len(candidates) >= _MAX_HEADINGS:
            break
        text = clean_inline(_STRING_VALUE(el))
        if len(text) > _MAX_CHARS or len(_WORDS.findall(text)) < _MIN_WORDS:
            continue
        if f"\n\n{text}\n\n" in lines:
            return primary  # trafilatura kept headings: the way of losing them seen here is not at work
        candidates.append((position, text))
    if not candidates:
        return primary
    # the same test by words (case, punctuation and spacing aside), and where each paragraph is
    paragraphs = primary.split("\n\n")
    where = {key: i for i, key in reversed(list(enumerate(map(word_key, paragraphs))))}  # first of each
    if any(word_key(text) in where for _, text in candidates):
        return primary
    before: dict[int, list[str]] = {}
    for position, text in candidates:
        previous = _kept_index(blocks, range(position - 1, max(-1, position - 1 - _NEAR), -1),
                               texts, where)
        following = _kept_index(blocks, range(position + 1, min(len(blocks), position + 1 + _NEAR)),
                                texts, where, sibling_of=blocks[position])
        if previous is not None and following is not None and previous < following:
            before.setdefault(following, []).append(text)
    if not before:
        return primary
    out: list[str] = []
    for i, paragraph in enumerate(paragraphs):
        out.extend(before.get(i, ()))
        out.append(paragraph)
    return "\n\n".join(out)


def _kept_index(blocks: Sequence[etree._Element], positions: range,
                texts: Mapping[etree._Element, str], where: Mapping[str, int],
                sibling_of: etree._Element | None = None) -> int | None:
    """The index in trafilatura's text of the nearest paragraph at ``positions`` of ``blocks``
    (skipping empty ones), when it was kept; with ``sibling_of``, only when that paragraph shares
    its parent (it is the heading's own first paragraph)."""
    for position in positions:
        el = blocks[position]
        if el.tag != "p":
            continue
        key = word_key(texts.get(el, ""))
        if not key:
            continue
        if sibling_of is not None and el.getparent() is not sibling_of.getparent():
            return None
        return where.get(key)
    return None
