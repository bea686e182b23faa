"""Put the parts of a streamed React page where the browser shows them.

React's streaming server rendering (React 18 and later; Next.js's app router, Remix and others
use it) sends the page's shell first, with a ``<template id="B:0">`` placeholder (and a "Loading"
fallback) where a part is not ready yet, and sends the part later, at the end of the document, as
``<div hidden id="S:0">...</div>`` followed by a small script (``$RC("B:0","S:0")``) that moves it
into the placeholder. A part may itself hold ``<template id="P:7">`` placeholders for smaller
parts (``$RS("S:7","P:7")``). Read as saved, such a page has its story in hidden divs after the
footer, outside the ``<article>`` around the headline, and a "Loading paragraph..." where each
paragraph should be: on the WCXB dev pages, fool.com's articles kept under half of their text.

Each part is moved into its placeholder as the browser's script would, so every later stage (the
headline, the dates, the body) reads the page as it is displayed. The placeholder a part goes to
is the one the page's own ``$RC``/``$RS`` calls name; where a saved page has lost its scripts,
React's naming is followed: a part ``S:x`` fills ``B:x`` or ``P:x``. Parts without a placeholder
stay where they are, hidden.
"""

from __future__ import annotations

import re

from lxml import etree

# the page's own instructions: $RC("B:0","S:0") (a boundary completed by a part) and
# $RS("S:7","P:7") (a part completing a smaller placeholder)
_CALLS = re.compile(rb"""\$R([CS])\(\s*["']([BSP]:[\w-]{1,16})["']\s*,\s*["']([BSP]:[\w-]{1,16})["']""")
_SEGMENTS = etree.XPath("//*[@hidden][starts-with(@id, 'S:')]")
_PLACEHOLDERS = etree.XPath("//template[starts-with(@id, 'B:') or starts-with(@id, 'P:')]")
# at most this many parts are placed on one page (a real page streams tens)
_MAX_SEGMENTS = 2000
# a boundary's fallback is looked for among at most this many nodes after its placeholder (React's
# are a line or a skeleton of a few elements)
_FALLBACK_NODES = 200


def place_streamed_segments(root: etree._Element, source: bytes) -> int:
    """Move each hidden streamed part of ``root`` into its placeholder; the number moved.

    ``source``: the page's bytes, read for the ``$RC``/``$RS`` calls; a page without a
    ``<template`` (almost every page: a tenth of a millisecond to tell) has no placeholder.
    """
    if b"<template" not in source:
        return 0
    segments = {el.get("id"): el for el in _SEGMENTS(root)[:_MAX_SEGMENTS]}
    if not segments:
        return 0
    placeholders = {el.get("id"): el for el in _PLACEHOLDERS(root)}
    targets: dict[str, str] = {}
    for kind, first, second in _CALLS.findall(source):
        segment, placeholder = (second, first) if kind == b"C" else (first, second)
        targets.setdefault(segment.decode(), placeholder.decode())
    moved = 0
    for segment_id, segment in segments.items():
        suffix = segment_id[2:]
        placeholder_id = targets.get(segment_id)
        if placeholder_id is None:
            placeholder_id = next((p for p in ("B:" + suffix, "P:" + suffix) if p in placeholders), None)
        placeholder = placeholders.get(placeholder_id or "")
        if (placeholder is None or _inside(placeholder, segment)
                or not _attached(placeholder, root) or not _attached(segment, root)):
            continue
        if placeholder_id and placeholder_id.startswith("B:"):
            _drop_fallback(placeholder)
        _replace(placeholder, segment)
        moved += 1
    return moved


def _attached(node: etree._Element, root: etree._Element) -> bool:
    """Whether ``node`` is still in the document (not in a fallback an earlier part removed)."""
    ancestors = list(node.iterancestors())
    return (ancestors[-1] if ancestors else node) is root


def _inside(node: etree._Element, ancestor: etree._Element) -> bool:
    """Whether ``node`` is ``ancestor`` or lies in it (moving a part into itself would loop)."""
    return node is ancestor or any(a is ancestor for a in node.iterancestors())


def _drop_fallback(placeholder: etree._Element) -> None:
    """Remove what a boundary shows until its part arrives: the nodes after ``placeholder`` up to
    the ``<!--/$-->`` comment that closes the boundary (nested boundaries counted), as React does.
    Nothing is removed when that comment is not among the next ``_FALLBACK_NODES`` siblings (a
    page saved without its comments): a stray "Loading..." line is a smaller harm than the rest of
    a section taken for a fallback."""
    fallback: list[etree._Element] = []
    depth = 0
    for node in placeholder.itersiblings():
        if len(fallback) >= _FALLBACK_NODES:
            return
        if node.tag is etree.Comment:
            data = (node.text or "").strip()
            if data == "/$":
                if depth == 0:
                    break
                depth -= 1
            elif data in ("$", "$?", "$!"):
                depth += 1
        fallback.append(node)
    else:
        return
    placeholder.tail = None
    for node in fallback:
        node.getparent().remove(node)


def _replace(placeholder: etree._Element, segment: etree._Element) -> None:
    """Put ``segment``'s content (its text and children) where ``placeholder`` is, and remove both.
    Each child is put before the placeholder (no position is counted: a page may hold thousands
    of siblings), and the placeholder's tail then follows the last of them."""
    parent = placeholder.getparent()
    if parent is None:
        return
    if segment.text:
        _text_before(placeholder, segment.text)
    for child in list(segment):
        placeholder.addprevious(child)  # moves it out of the segment, with its tail
    _remove(placeholder)
    _remove(segment)


def _remove(node: etree._Element) -> None:
    """Take ``node`` out of the tree, leaving the text that follows it (its tail) in place."""
    parent = node.getparent()
    if parent is None:
        return
    if node.tail:
        _text_before(node, node.tail)
    parent.remove(node)


def _text_before(node: etree._Element, text: str) -> None:
    """Add ``text`` just before ``node``: to its previous sibling's tail, or its parent's text."""
    previous = node.getprevious()
    if previous is not None:
        previous.tail = (previous.tail or "") + text
    else:
        parent = node.getparent()
        parent.text = (parent.text or "") + text
