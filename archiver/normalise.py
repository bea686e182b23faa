"""Normalising a record: one canonical form for URLs, text and derived fields.

Pure functions, no Scrapy, so the same rules apply when re-processing stored records. Every function is
idempotent (applying it to its own output changes nothing), which is what lets a record be normalised again
after a schema change without drifting. w3lib does the HTML-entity, tag and URL work.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal
from urllib.parse import parse_qsl, urlsplit

from w3lib.html import remove_comments, remove_tags, remove_tags_with_content, replace_entities
from w3lib.url import canonicalize_url, url_query_cleaner

TRACKING_PARAMS = frozenset(
    {"fbclid", "gclid", "dclid", "msclkid", "yclid", "igshid", "mc_cid", "mc_eid", "_ga", "_gl", "ref_src"}
)
_TRACKING_PREFIXES = ("utm_", "pk_", "mtm_")
_HAS_WORD_CHAR = re.compile(r"[^\W_]")
_PARAGRAPH_BREAK = re.compile(r"\n[^\S\n]*\n\s*")
_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\ufeff"), None)


def _without_invisible(text: str) -> str:
    """``text`` without soft hyphens and byte-order marks (``_INVISIBLE``). They are looked for first:
    ``str.translate`` looks every character up in its table (a fifth of a millisecond on a body), a
    substring search costs almost nothing, and most texts have neither."""
    return text.translate(_INVISIBLE) if "\u00ad" in text or "\ufeff" in text else text


def is_tracking_param(name: str) -> bool:
    lowered = name.lower()
    return lowered in TRACKING_PARAMS or lowered.startswith(_TRACKING_PREFIXES)


@lru_cache(maxsize=4096)
def clean_url(url: str) -> str:
    """Canonical form of a URL: tracking parameters removed, query sorted, fragment dropped (w3lib).

    Remembered: a crawl cleans each article's address half a dozen times (its index key, its canonical
    choice, its record), and w3lib's canonicalisation costs some 50 µs."""
    url = url.strip()
    query = urlsplit(url).query
    if query:
        tracking = sorted({k for k, _ in parse_qsl(query, keep_blank_values=True) if is_tracking_param(k)})
        if tracking:
            url = url_query_cleaner(url, tracking, remove=True, unique=False, keep_fragments=True)
    return canonicalize_url(url, keep_fragments=False)


# Characters no text field keeps: C0 and C1 controls other than the whitespace ones (which the whitespace rules
# turn into spaces or line breaks), DEL, and lone surrogates (a JSON-LD "\\ud800" escape; not encodable as UTF-8).
_CONTROLS = "\x00-\x08\x0e-\x1b\x7f-\x84\x86-\x9f\ud800-\udfff"
# The body also loses the bidi embedding and override characters (U+202A-U+202E): they reverse what a reader sees
# ("Trojan Source") and modern text uses isolates instead, which the body keeps (Arabic or Hebrew quoted in an
# English paragraph needs them), as it keeps the marks U+200E/F.
_BODY_STRIPPED = re.compile(f"[{_CONTROLS}\u202a-\u202e]")
# One-line fields also lose the isolates: a headline never needs them.
_LINE_STRIPPED = re.compile(f"[{_CONTROLS}\u202a-\u202e\u2066-\u2069]")
# A tag as markup writes it: a name, then attributes or nothing, then ">".
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9]*)(?=[\s/>])([^<>]*)>")
_DOCTYPE = re.compile(r"<!doctype\b[^<>]*>", re.IGNORECASE)
_VOID_TAGS = frozenset({"br", "wbr", "hr", "img"})
_WITH_CONTENT = frozenset({"script", "style"})
# Real escaping nests two or three levels deep; past this the value is hostile and loses every "<", ">", "&".
_MAX_MARKUP_PASSES = 8
_HOSTILE_MARKUP = dict.fromkeys(map(ord, "<>&"), None)


def _markup_tags(text: str) -> set[str]:
    """Names of the tags in ``text`` that are markup rather than words in angle brackets: an element opened
    and closed in the value (``<em>new</em>``), a void element (``<br>``), or a tag with attributes
    (``<a href="...">``). "Why <script> tags matter" names a tag; it holds none."""
    opened: set[str] = set()
    closed: set[str] = set()
    markup: set[str] = set()
    for match in _TAG.finditer(text):
        closing, name, rest = match.group(1), match.group(2).lower(), match.group(3)
        (closed if closing else opened).add(name)
        if name in _VOID_TAGS or "=" in rest:
            markup.add(name)
    return markup | (opened & closed)


def _strip_markup(text: str) -> str:
    if "<" not in text:
        return text
    if "<!" in text:
        text = _DOCTYPE.sub("", text)  # a document type declaration is never words
    names = _markup_tags(text)
    if not names:
        return text
    with_content = names & _WITH_CONTENT
    if with_content:
        text = remove_tags_with_content(text, which_ones=tuple(sorted(with_content)))
    return remove_tags(text, which_ones=tuple(sorted(names)))


def _scrub(text: str, stripped: re.Pattern[str]) -> tuple[str, bool]:
    """Entities decoded, markup and ``stripped`` characters removed, repeated until nothing changes (so a
    double-escaped "&amp;#8217;" ends as "’" and cleaning the result again is a no-op); and whether any
    ``stripped`` character was found."""
    found = False
    for _ in range(_MAX_MARKUP_PASSES):
        decoded = _without_invisible(replace_entities(text))
        found = found or bool(stripped.search(decoded))
        cleaned = _strip_markup(stripped.sub("", decoded))
        if "<!--" in cleaned:
            cleaned = remove_comments(cleaned)
        if cleaned == text:
            return text, found
        text = cleaned
    return stripped.sub("", _without_invisible(text.translate(_HOSTILE_MARKUP))), found


def _line(text: str) -> tuple[str, bool]:
    """The cleaned one-line text and whether control or bidi characters were removed from it."""
    scrubbed, found = _scrub(text, _LINE_STRIPPED)
    return " ".join(unicodedata.normalize("NFC", scrubbed).split()), found


def clean_line(text: str) -> str:
    """A one-line text field: entities decoded, markup removed (but not words in angle brackets), control and
    bidi-override characters removed, whitespace collapsed, Unicode NFC."""
    return _line(text)[0]


def _clean_paragraph(block: str) -> str:
    # A single newline inside a paragraph is a deliberate line break (<br>: addresses, verse); keep it.
    lines = (" ".join(line.split()) for line in block.split("\n"))
    return "\n".join(line for line in lines if line)


def clean_body(text: str) -> str:
    """Body text: NFC, control characters removed (line breaks kept), whitespace collapsed within lines,
    exactly one blank line between paragraphs."""
    text = _BODY_STRIPPED.sub("", _without_invisible(text))
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    paragraphs = (_clean_paragraph(block) for block in _PARAGRAPH_BREAK.split(text))
    return "\n\n".join(p for p in paragraphs if p)


@dataclass(frozen=True)
class BodyFacts:
    """What normalising a body makes of it: the clean body (``clean_body``), whether control characters were
    removed, its ``word_count`` and its ``sha256_hex``."""

    body: str
    controls: bool
    word_count: int
    sha256: str


def body_facts(raw: str) -> BodyFacts:
    """The ``BodyFacts`` of a raw body."""
    body = clean_body(raw)
    return BodyFacts(body, bool(_BODY_STRIPPED.search(raw)), word_count(body), sha256_hex(body))


# Bodies whose facts were computed where they were extracted (a crawl's extraction worker, off the reactor
# thread), waiting for ``normalise``: it takes them instead of computing them again. Keyed by the raw body
# itself, so an entry is only ever used for exactly the text it was computed from; bounded, so bodies that
# never reach ``normalise`` (an item dropped on the way) do not accumulate.
_PRECOMPUTED: OrderedDict[str, BodyFacts] = OrderedDict()
_PRECOMPUTED_MAX = 256


def remember_body_facts(raw: str, facts: BodyFacts) -> None:
    """Hand ``normalise`` the ``BodyFacts`` of ``raw``, computed elsewhere by ``body_facts``."""
    _PRECOMPUTED[raw] = facts
    while len(_PRECOMPUTED) > _PRECOMPUTED_MAX:
        _PRECOMPUTED.popitem(last=False)


def word_count(body: str) -> int:
    """Whitespace-separated tokens holding a letter or digit (Lao, which has no spaces between words, counts
    its space-separated phrases)."""
    return sum(1 for token in body.split() if token.isalnum() or _HAS_WORD_CHAR.search(token))


def sha256_hex(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def record_id(canonical_url: str) -> str:
    """Stable id of an article: the first 32 hex digits of sha256 of its canonical URL."""
    return sha256_hex(canonical_url)[:32]


@dataclass(frozen=True)
class Limit:
    """The most characters a field keeps, and what an over-long value becomes: ``cut`` at a word boundary
    with "…" (prose: a title, a description, a caption), or ``removed`` (a name: a section, a site name, an
    author, a tag; a value that long is not one)."""

    max_chars: int
    over: Literal["cut", "removed"]


# Documented in the README's record table and enforced again by the JSON Schema (maxLength, maxItems).
LIMITS = {
    "title": Limit(300, "cut"),
    "description": Limit(1000, "cut"),
    "section": Limit(100, "removed"),
    "site_name": Limit(200, "removed"),
    "authors": Limit(120, "removed"),
    "tags": Limit(100, "removed"),
    "caption": Limit(1000, "cut"),
}
MAX_ITEMS = {"authors": 20, "tags": 50, "images": 100}
MAX_URL_CHARS = 2083
_ELLIPSIS = "…"
_TEXT_FIELDS = ("title", "description", "section", "site_name")
_LIST_FIELDS = ("authors", "tags")


@dataclass(frozen=True)
class Normalised:
    """A normalised record and what normalising had to change beyond formatting: ``(field, change)`` pairs,
    change being ``cut``, ``removed`` (an over-long or unusable value, or list entries over the limit) or
    ``controls`` (control or bidi characters removed). The pipeline counts them per source."""

    record: dict[str, Any]
    changes: tuple[tuple[str, str], ...] = ()


def cut_at_word(text: str, max_chars: int) -> str:
    """``text`` if it fits, else its longest start that ends at a space (or, in a run without spaces such as
    Lao or a hostile value, at a character that starts a grapheme) followed by "…", within ``max_chars``."""
    if len(text) <= max_chars:
        return text
    room = max_chars - len(_ELLIPSIS)
    space = text.rfind(" ", 0, room + 1)
    end = space if space > room // 2 else room
    while end > 0 and unicodedata.category(text[end])[0] == "M":
        end -= 1  # never separate a vowel sign or tone mark from its consonant
    return text[:end].rstrip() + _ELLIPSIS


class _Changes:
    def __init__(self) -> None:
        self.seen: list[tuple[str, str]] = []

    def add(self, name: str, change: str) -> None:
        if (name, change) not in self.seen:
            self.seen.append((name, change))


def _bounded_line(value: Any, name: str, changes: _Changes) -> str:
    text, had_controls = _line(str(value))
    if had_controls:
        changes.add(name, "controls")
    limit = LIMITS[name]
    if len(text) <= limit.max_chars:
        return text
    changes.add(name, limit.over)
    return cut_at_word(text, limit.max_chars) if limit.over == "cut" else ""


def _bounded_list(values: Iterable[Any], name: str, changes: _Changes) -> list[str]:
    out: list[str] = []
    seen: set[str] = set()
    for value in values:
        text = _bounded_line(value, name, changes)
        if text and text.casefold() not in seen:
            seen.add(text.casefold())
            out.append(text)
    if len(out) > MAX_ITEMS[name]:
        changes.add(name, "removed")
        out = out[: MAX_ITEMS[name]]
    return out


def _images(images: Iterable[Any], changes: _Changes) -> list[dict[str, str]]:
    out: list[dict[str, str]] = []
    seen: set[str] = set()
    for image in images:
        raw = image.get("url") if isinstance(image, dict) else None
        url = clean_url(raw) if isinstance(raw, str) and raw.strip() else ""
        if url and (not url.startswith(("http://", "https://")) or len(url) > MAX_URL_CHARS):
            changes.add("images", "removed")  # a data: URI or a megabyte of URL is not an image address
            continue
        if not url or url in seen:
            continue
        seen.add(url)
        entry = {"url": url}
        caption = _bounded_line(image.get("caption") or "", "caption", changes)
        if caption:
            entry["caption"] = caption
        out.append(entry)
    if len(out) > MAX_ITEMS["images"]:
        changes.add("images", "removed")
        out = out[: MAX_ITEMS["images"]]
    return out


def normalise(record: dict[str, Any]) -> Normalised:
    """The normalised copy of a record (idempotent) and the changes worth counting. Empty values are removed
    rather than kept as ""."""
    changes = _Changes()
    out = dict(record)
    for key in ("url", "canonical_url"):
        if out.get(key):
            out[key] = clean_url(out[key])
    if not out.get("canonical_url") and out.get("url"):
        out["canonical_url"] = out["url"]
    for key in _TEXT_FIELDS:
        if key in out:
            out[key] = _bounded_line(out[key], key, changes)
    for key in _LIST_FIELDS:
        if key in out:
            out[key] = _bounded_list(out[key] or [], key, changes)
    if "language" in out:
        out["language"] = str(out["language"]).strip().lower()[:2]
    if "images" in out:
        out["images"] = _images(out["images"] or [], changes)
    if "body" in out:
        raw_body = str(out["body"])
        facts = _PRECOMPUTED.pop(raw_body, None) or body_facts(raw_body)
        out["body"] = facts.body
        if facts.controls:
            changes.add("body", "controls")
        out["word_count"] = facts.word_count
        out["content_sha256"] = facts.sha256
    if out.get("canonical_url"):
        out["id"] = record_id(out["canonical_url"])
    for key in [k for k, v in out.items() if v in ("", None, [], {})]:
        if key != "provenance":
            del out[key]
    if "provenance" in out:
        out["provenance"] = {k: v for k, v in out["provenance"].items() if k in out}
    return Normalised(out, tuple(changes.seen))


def normalise_record(record: dict[str, Any]) -> dict[str, Any]:
    """The normalised copy of a record (idempotent); see ``normalise`` for the changes it made."""
    return normalise(record).record
