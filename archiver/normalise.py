"""Normalising a record: one canonical form for URLs, text and derived fields.

Pure functions, no Scrapy, so the same rules apply when re-processing stored records. Every function is
idempotent (applying it to its own output changes nothing), which is what lets a record be normalised again
after a schema change without drifting. w3lib does the HTML-entity, tag and URL work.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from w3lib.html import remove_tags, replace_entities
from w3lib.url import canonicalize_url, url_query_cleaner

TRACKING_PARAMS = frozenset(
    {"fbclid", "gclid", "dclid", "msclkid", "yclid", "igshid", "mc_cid", "mc_eid", "_ga", "_gl", "ref_src"}
)
_TRACKING_PREFIXES = ("utm_", "pk_", "mtm_")
_HAS_WORD_CHAR = re.compile(r"[^\W_]")
_PARAGRAPH_BREAK = re.compile(r"\n[^\S\n]*\n\s*")
_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\ufeff"), None)


def is_tracking_param(name: str) -> bool:
    lowered = name.lower()
    return lowered in TRACKING_PARAMS or lowered.startswith(_TRACKING_PREFIXES)


def clean_url(url: str) -> str:
    """Canonical form of a URL: tracking parameters removed, query sorted, fragment dropped (w3lib)."""
    url = url.strip()
    query = urlsplit(url).query
    if query:
        tracking = sorted({k for k, _ in parse_qsl(query, keep_blank_values=True) if is_tracking_param(k)})
        if tracking:
            url = url_query_cleaner(url, tracking, remove=True, unique=False, keep_fragments=True)
    return canonicalize_url(url, keep_fragments=False)


def _decode_entities(text: str) -> str:
    # Decode until nothing changes, so a double-escaped "&amp;#8217;" ends as "’" and a second pass is a no-op.
    for _ in range(4):
        decoded = replace_entities(text)
        if decoded == text:
            break
        text = decoded
    return text


def clean_line(text: str) -> str:
    """A one-line text field: entities decoded, tags removed, whitespace collapsed, Unicode NFC."""
    text = remove_tags(_decode_entities(text))
    text = unicodedata.normalize("NFC", text.translate(_INVISIBLE))
    return " ".join(text.split())


def _clean_paragraph(block: str) -> str:
    # A single newline inside a paragraph is a deliberate line break (<br>: addresses, verse); keep it.
    lines = (" ".join(line.split()) for line in block.split("\n"))
    return "\n".join(line for line in lines if line)


def clean_body(text: str) -> str:
    """Body text: NFC, whitespace collapsed within lines, exactly one blank line between paragraphs."""
    text = unicodedata.normalize("NFC", text.translate(_INVISIBLE)).replace("\r\n", "\n").replace("\r", "\n")
    paragraphs = (_clean_paragraph(block) for block in _PARAGRAPH_BREAK.split(text))
    return "\n\n".join(p for p in paragraphs if p)


def clean_list(values: Iterable[Any]) -> list[str]:
    """Cleaned, de-duplicated (case-insensitively, first spelling wins), empty values removed."""
    out: list[str] = []
    seen: set[str] = set()
    for value in values:
        text = clean_line(str(value))
        if text and text.casefold() not in seen:
            seen.add(text.casefold())
            out.append(text)
    return out


def word_count(body: str) -> int:
    """Whitespace-separated tokens holding a letter or digit (Lao, which has no spaces between words, counts
    its space-separated phrases)."""
    return sum(1 for token in body.split() if token.isalnum() or _HAS_WORD_CHAR.search(token))


def sha256_hex(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def record_id(canonical_url: str) -> str:
    """Stable id of an article: the first 32 hex digits of sha256 of its canonical URL."""
    return sha256_hex(canonical_url)[:32]


_TEXT_FIELDS = ("title", "description", "section", "site_name")
_LIST_FIELDS = ("authors", "tags")


def normalise_record(record: dict[str, Any]) -> dict[str, Any]:
    """The normalised copy of a record (idempotent). Empty values are removed rather than kept as ""."""
    out = dict(record)
    for key in ("url", "canonical_url"):
        if out.get(key):
            out[key] = clean_url(out[key])
    if not out.get("canonical_url") and out.get("url"):
        out["canonical_url"] = out["url"]
    for key in _TEXT_FIELDS:
        if key in out:
            out[key] = clean_line(str(out[key]))
    for key in _LIST_FIELDS:
        if key in out:
            out[key] = clean_list(out[key] or [])
    if "language" in out:
        out["language"] = str(out["language"]).strip().lower()[:2]
    if "images" in out:
        images, seen = [], set()
        for image in out["images"] or []:
            url = clean_url(image.get("url", "")) if image.get("url") else ""
            if not url or url in seen:
                continue
            seen.add(url)
            entry = {"url": url}
            caption = clean_line(image.get("caption") or "")
            if caption:
                entry["caption"] = caption
            images.append(entry)
        out["images"] = images
    if "body" in out:
        out["body"] = clean_body(str(out["body"]))
        out["word_count"] = word_count(out["body"])
        out["content_sha256"] = sha256_hex(out["body"])
    if out.get("canonical_url"):
        out["id"] = record_id(out["canonical_url"])
    for key in [k for k, v in out.items() if v in ("", None, [], {})]:
        if key != "provenance":
            del out[key]
    if "provenance" in out:
        out["provenance"] = {k: v for k, v in out["provenance"].items() if k in out}
    return out
