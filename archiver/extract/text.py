"""Turn an lxml element into archive body text: one paragraph per block, separated by one blank
line.

Readers of the archive (and its content hash) need text that does not depend on how a page happened
to be indented, so whitespace inside a paragraph is collapsed, paragraphs are rebuilt from the
block structure, and the result is Unicode NFC. Elements that never carry article prose (scripts,
forms, embeds) are skipped.
"""

from __future__ import annotations

import re
import unicodedata

from lxml import etree

# a paragraph of prose, as the general fallback tells the story's paragraphs from furniture: at
# least this long and ending like a sentence
PROSE_CHARS = 100
SENTENCE_END = (".", "!", "?", ":", '"', "\u201d", ")")


def is_prose(text: str) -> bool:
    """Whether ``text`` (whitespace collapsed) reads as a paragraph of prose."""
    return len(text) >= PROSE_CHARS and text.rstrip().endswith(SENTENCE_END)


_WORD = re.compile(r"\w+")


def word_key(text: str) -> str:
    """``text``'s words, lower-cased and joined by single spaces: two extractors' renderings of the
    same paragraph (spacing, punctuation, case) compare equal by it."""
    return " ".join(_WORD.findall(text.lower()))


SKIP_TAGS = frozenset(
    {
        "script", "style", "noscript", "form", "button", "iframe", "svg", "template", "select",
        "input", "textarea", "object", "embed", "video", "audio", "canvas", "map", "head", "title",
        "meta", "link",
    }
)
BLOCK_TAGS = frozenset(
    {
        "p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "pre", "dd", "dt", "div",
        "section", "article", "main", "aside", "header", "footer", "nav", "ul", "ol", "dl", "table",
        "thead", "tbody", "tfoot", "tr", "figure", "figcaption", "address", "hr", "center",
        "details", "summary", "caption", "fieldset", "body", "html",
    }
)
CELL_TAGS = frozenset({"td", "th"})
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")


def clean_inline(text: str) -> str:
    """Collapse runs of whitespace (including no-break spaces) to one space and trim, without the
    invisible characters (zero-width spaces and joiners, BOMs, soft hyphens).

    ``str.split()`` and the regular expression ``\\s`` agree on every code point (both ask
    ``str.isspace``), and the invisible characters are all outside ASCII: splitting costs a third of
    the substitutions it replaces, and this runs for every line of every body."""
    if not text.isascii():
        text = _INVISIBLE.sub("", text)
    return " ".join(text.split())


def normalize_text(text: str) -> str:
    """NFC and whitespace collapsing for short values such as titles and descriptions."""
    return unicodedata.normalize("NFC", clean_inline(text))


class _Collector:
    """Accumulates inline text into the current paragraph and closes it at block boundaries."""

    def __init__(self) -> None:
        self.paragraphs: list[str] = []
        self.lines: list[str] = []
        self.current: list[str] = []
        self.pending_breaks = 0

    def add(self, text: str | None) -> None:
        if text:
            if self.pending_breaks and "".join(self.current).strip():
                if self.pending_breaks >= 2:
                    self.close()
                else:
                    self._end_line()
            self.pending_breaks = 0
            self.current.append(text)

    def line_break(self) -> None:
        self.pending_breaks += 1

    def _end_line(self) -> None:
        line = clean_inline("".join(self.current))
        if line:
            self.lines.append(line)
        self.current = []

    def close(self) -> None:
        self._end_line()
        if self.lines:
            self.paragraphs.append("\n".join(self.lines))
        self.lines = []
        self.pending_breaks = 0

    def add_pre(self, text: str) -> None:
        self.close()
        lines = [line.rstrip() for line in text.strip("\n").splitlines()]
        block = "\n".join(lines).strip("\n")
        if block.strip():
            self.paragraphs.append(block)


def element_text(
    el: etree._Element | None,
    *,
    include_captions: bool = False,
    skip_tags: frozenset[str] = SKIP_TAGS,
) -> str:
    """Body text of ``el``: blocks become paragraphs joined by ``"\\n\\n"``.

    A single ``<br>`` is a line break inside a paragraph; two or more in a row end the paragraph,
    because older posts use ``<br><br>`` where newer ones use ``<p>``. ``<figcaption>`` text is
    left out unless ``include_captions`` is set, since captions are recorded with their images
    instead.
    """
    if el is None:
        return ""
    collector = _Collector()
    _walk(el, collector, include_captions, skip_tags, is_root=True)
    collector.close()
    text = "\n\n".join(p for p in collector.paragraphs if p.strip())
    return unicodedata.normalize("NFC", text)


def _tag(el: etree._Element) -> str:
    tag = el.tag
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1].lower()


def _walk(
    el: etree._Element,
    out: _Collector,
    include_captions: bool,
    skip_tags: frozenset[str],
    is_root: bool = False,
) -> None:
    tag = _tag(el)
    skipped = not tag or tag in skip_tags or (tag == "figcaption" and not include_captions)
    if not skipped:
        if tag == "br":
            out.line_break()
        elif tag == "pre":
            out.add_pre("".join(el.itertext()))
        else:
            block = tag in BLOCK_TAGS
            if block:
                out.close()
            elif tag in CELL_TAGS:
                out.add(" ")
            out.add(el.text)
            for child in el:
                _walk(child, out, include_captions, skip_tags)
            if block:
                out.close()
    if not is_root:
        out.add(el.tail)
