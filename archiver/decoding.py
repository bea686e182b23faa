"""Turning response bytes into text when servers lie about the charset.

Scrapy decodes by the HTTP header first, as browsers do. Two lies are common on the sites we archive: Windows-1252
pages served as ``charset=utf-8`` (decoding them as UTF-8 turns every curly quote into U+FFFD), and a
``<meta charset>`` that contradicts the header. Bytes that decode strictly as UTF-8 are almost never anything
else, so we try UTF-8 first, then each declared charset strictly, then Windows-1252, and report when the answer
differs from what the server declared.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass

from w3lib.encoding import html_body_declared_encoding, http_content_type_encoding, read_bom, resolve_encoding


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str
    declared: str | None
    mismatch: str | None


def _codec_name(name: str | None) -> str | None:
    if not name:
        return None
    resolved = resolve_encoding(name)
    if not resolved:
        return None
    return codecs.lookup(resolved).name


def decode_html(body: bytes, content_type: str | None) -> Decoded:
    """Decode ``body``, choosing the charset by evidence; ``mismatch`` says why when not the declared one."""
    header = _codec_name(http_content_type_encoding(content_type or ""))
    meta = _codec_name(html_body_declared_encoding(body[:4096]))
    declared = header or meta
    bom_encoding, bom = read_bom(body)
    if bom_encoding:
        name = _codec_name(bom_encoding) or "utf-8"
        return Decoded(body[len(bom):].decode(name, "replace"), name, declared, None)
    candidates = ["utf-8"] + [c for c in (header, meta) if c and c != "utf-8"] + ["cp1252"]
    for name in candidates:
        try:
            text = body.decode(name)
        except (UnicodeDecodeError, LookupError):
            continue
        return Decoded(text, name, declared, _mismatch(name, header, meta, body))
    text = body.decode("cp1252", "replace")
    return Decoded(text, "cp1252", declared, _mismatch("cp1252", header, meta, body))


def _mismatch(chosen: str, header: str | None, meta: str | None, body: bytes) -> str | None:
    if body.isascii():
        return None
    declared = [d for d in (header, meta) if d]
    if not declared:
        return f"no charset declared; decoded as {chosen}"
    if chosen == "utf-8" and all(d in ("ascii", "utf-8") for d in declared):
        return None
    wrong = [f"{label} says {d}" for label, d in (("header", header), ("meta", meta)) if d and d != chosen]
    if not wrong:
        return None
    return f"{', '.join(wrong)}; decoded as {chosen}"
