"""Turning response bytes into text when servers lie about the charset, or the bytes are damaged.

The precedence is the one w3lib's ``html_to_unicode`` (and so Scrapy and browsers) applies: a byte order mark,
then the HTTP header, then ``<meta charset>``. ``html_to_unicode`` trusts the winner blindly, and on the sites we
archive three things go wrong with that: Windows-1252 pages are served as ``charset=utf-8``, ``<meta charset>``
contradicts the header, and UTF-16 arrives without a byte order mark (which ``html_to_unicode`` then reads as
big-endian, or a UTF-8 decoder reads as text full of NULs). So we use w3lib's parts in the same order, but let the
bytes overrule a declaration that they contradict:

1. A byte order mark decides (w3lib ``read_bom``).
2. UTF-16 and UTF-32 without one are recognised by the shape of their bytes (see ``wide_unicode``): every
   ASCII character (all of HTML's markup) is one byte beside one (UTF-16) or three (UTF-32) NULs, on the side
   the byte order gives, and the other characters of a script share one high byte. ASCII-compatible charsets
   never put NULs in text and spread their bytes alike over even and odd positions.
3. UTF-8 is judged by its multi-byte sequences. Other encodings form a valid UTF-8 sequence only by chance
   (Windows-1252 text almost never; GBK, Big5, Shift_JIS, EUC-KR and TIS-620 text about one for every three
   to five invalid ones), while a UTF-8 page damaged by a stray byte has thousands of valid sequences and a few
   invalid ones. When valid sequences outnumber invalid ones the page is UTF-8, and each invalid sequence
   becomes one U+FFFD (the WHATWG decoder's rule, Python's ``errors="replace"``), counted in ``undecodable``.
4. Otherwise a declared legacy charset that the bytes fit by the same rule (more characters it reads than
   sequences it cannot) is used, its damage replaced alike; when the header and the meta declare two that fit,
   or none fits, charset-normalizer decides from the bytes, preferring Windows-1252 (the web's default legacy
   encoding) among charsets that give the same text.

``mismatch`` says when the answer differs from what the server declared (counted as ``charset_mismatch``).
"""

from __future__ import annotations

import codecs
import contextlib
from collections import Counter
from dataclasses import dataclass

from charset_normalizer import from_bytes
from w3lib.encoding import html_body_declared_encoding, http_content_type_encoding, read_bom, resolve_encoding

_REPLACEMENT = "\ufffd"
# How much of the page the NUL pattern is read from: markup-heavy <head> is in the first few kilobytes.
_SNIFF_BYTES = 4096
# UTF-16: at least this share of the code units on the NUL side hold an ASCII character (HTML's markup alone
# is far above it), and at most this share of the other side is NUL (only U+xx00 characters put one there).
_MIN_ASCII_SHARE = 0.25
_MAX_STRAY_NUL_SHARE = 0.05
# UTF-16 text of one script without markup: its two most common high bytes cover at least this share of that
# side, and the two most common low bytes at most this share of the other.
_HIGH_BYTE_SHARE = 0.75
_LOW_BYTE_SHARE = 0.4
_WIDE_FAMILIES = ("utf-16", "utf-32")
# Codecs whose text is pure 7-bit ASCII bytes yet not ASCII: a declaration of one is honoured on ASCII bytes.
_SEVEN_BIT = frozenset({"iso2022_jp", "iso2022_jp_1", "iso2022_jp_2", "iso2022_jp_2004", "iso2022_jp_3",
                        "iso2022_jp_ext", "iso2022_kr", "hz", "utf-7"})


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str
    declared: str | None
    mismatch: str | None
    undecodable: int = 0
    """Invalid byte sequences replaced by U+FFFD (one each)."""


# Real UTF-8 text beside invalid bytes: at least this many valid characters, and this share of them, with no
# invalid byte as a neighbour (see ``_utf8_text_beside_damage``).
_MIN_CLEAN = 8
_CLEAN_SHARE = 0.8


def _codec_name(name: str | None) -> str | None:
    if not name:
        return None
    resolved = resolve_encoding(name)
    if not resolved:
        return None
    try:
        return codecs.lookup(resolved).name
    except LookupError:
        return None


def _family(codec: str | None) -> str | None:
    """``utf-16`` for ``utf-16-le`` and ``utf-16-be`` (and likewise UTF-32): a declaration of the family is
    honest whatever the byte order turns out to be."""
    if not codec:
        return None
    for family in _WIDE_FAMILIES:
        if codec.startswith(family):
            return family
    return codec


def _decode(body: bytes, codec: str) -> tuple[str, int]:
    """``body`` decoded with ``codec``, each invalid sequence as one U+FFFD, and how many there were."""
    text = body.decode(codec, "replace")
    replaced = text.count(_REPLACEMENT)
    if replaced:
        # U+FFFD that the page itself spelled correctly is text, not damage
        with contextlib.suppress(UnicodeEncodeError):  # a charset without U+FFFD cannot have spelled one
            replaced -= body.count(_REPLACEMENT.encode(codec))
    return text, max(replaced, 0)


def _top_two_share(data: bytes) -> float:
    counts = sorted(Counter(data).values(), reverse=True)
    return sum(counts[:2]) / len(data)


def wide_unicode(body: bytes) -> str | None:
    """``utf-16-le``/``-be`` or ``utf-32-le``/``-be`` when the bytes have the shape of one, else None.

    The shape: in UTF-32 the two high bytes of every BMP character are NUL. In UTF-16 one side of each code
    unit is its character's high byte: NUL for every ASCII character (HTML's markup), and otherwise the
    number of the script's block (0x0E for Lao and Thai), so that side either holds many NULs while the other
    holds almost none, or is made of one or two values while the other varies. Text in an 8-bit charset has
    neither shape: its bytes are spread alike over both sides.
    """
    sample = body[:_SNIFF_BYTES]
    sample = sample[: len(sample) - len(sample) % 4]
    if len(sample) < 8:
        return None
    quarter = len(sample) // 4
    nul = [sample[i::4].count(0) / quarter for i in range(4)]
    if nul[2] >= 0.9 and nul[3] >= 0.9 and nul[0] <= _MAX_STRAY_NUL_SHARE:
        return "utf-32-le"
    if nul[0] >= 0.9 and nul[1] >= 0.9 and nul[3] <= _MAX_STRAY_NUL_SHARE:
        return "utf-32-be"
    even, odd = (nul[0] + nul[2]) / 2, (nul[1] + nul[3]) / 2
    if odd >= _MIN_ASCII_SHARE and even <= _MAX_STRAY_NUL_SHARE:
        return "utf-16-le"
    if even >= _MIN_ASCII_SHARE and odd <= _MAX_STRAY_NUL_SHARE:
        return "utf-16-be"
    high_even, high_odd = _top_two_share(sample[0::2]), _top_two_share(sample[1::2])
    if high_odd >= _HIGH_BYTE_SHARE and high_even <= _LOW_BYTE_SHARE:
        return "utf-16-le"
    if high_even >= _HIGH_BYTE_SHARE and high_odd <= _LOW_BYTE_SHARE:
        return "utf-16-be"
    return None


def _evidence(body: bytes, codec: str) -> tuple[str, int, int]:
    """``body`` read as ``codec``: the text, its valid non-ASCII characters, its invalid sequences (each one
    U+FFFD)."""
    text, invalid = _decode(body, codec)
    non_ascii = len(text) - len(text.encode("ascii", "ignore"))
    return text, non_ascii - invalid, invalid


def _utf8_text_beside_damage(body: bytes, valid: int) -> bool:
    """True when the valid UTF-8 characters are real text, however many invalid bytes the page also holds.

    A page in UTF-8 with a widget or footer pasted in Windows-1252 can hold more invalid bytes than valid
    characters; read as Windows-1252, its article would turn to mojibake. What tells real UTF-8 from the few
    sequences a legacy charset forms by accident (GBK, Big5, Shift_JIS read as UTF-8 give some): an accident is
    surrounded by the invalid bytes of its neighbours, while real text sits beside ASCII or other characters
    that decode. So UTF-8 wins when at least ``_MIN_CLEAN`` valid characters, and nearly all of them, have no
    invalid byte beside them; the invalid bytes then each become one U+FFFD.
    """
    if valid < _MIN_CLEAN:
        return False
    text = body.decode("utf-8", "surrogateescape")  # an invalid byte becomes a lone surrogate U+DC80-U+DCFF
    clean = 0
    for i, char in enumerate(text):
        if char < "\x80" or "\udc80" <= char <= "\udcff":
            continue
        before = text[i - 1] if i else " "
        after = text[i + 1] if i + 1 < len(text) else " "
        if not ("\udc80" <= before <= "\udcff" or "\udc80" <= after <= "\udcff"):
            clean += 1
    return clean >= _MIN_CLEAN and clean >= _CLEAN_SHARE * valid


def _detect_legacy(body: bytes, candidates: list[str] | None = None) -> str | None:
    """charset-normalizer's answer (among ``candidates`` when given), Windows-1252 on a tie.

    For Latin text several single-byte charsets read the bytes equally well (cp1250 and cp1252 both give "crème"
    a plausible letter), and charset-normalizer may rank either first. Windows-1252 is what the web's legacy
    pages overwhelmingly are (the WHATWG default for unlabelled Western pages), so any reading as good as the
    best that Windows-1252 also gives wins.
    """
    results = from_bytes(body, cp_isolation=candidates) if candidates else from_bytes(body)
    best = results.best()
    if best is None:
        return None
    for match in results:
        tied = abs(match.chaos - best.chaos) <= 0.005 and match.coherence >= best.coherence - 0.02
        if tied and "cp1252" in (_codec_name(c) for c in match.could_be_from_charset):
            return "cp1252"
    name = _codec_name(best.encoding)
    return None if _family(name) in _WIDE_FAMILIES or name == "utf-8" else name


def decode_html(body: bytes, content_type: str | None) -> Decoded:
    """Decode ``body``, choosing the charset by evidence; ``mismatch`` says why when not the declared one."""
    header = _codec_name(http_content_type_encoding(content_type or ""))
    meta = _codec_name(html_body_declared_encoding(body[:_SNIFF_BYTES]))
    bom_encoding, bom = read_bom(body)
    if bom_encoding and bom is not None:
        codec = _codec_name(bom_encoding) or "utf-8"
        text, undecodable = _decode(body[len(bom):], codec)
        return _decoded(text, codec, header, meta, undecodable)
    wide = wide_unicode(body)
    if wide:
        text, undecodable = _decode(body, wide)
        # a <meta charset> is only readable once the text is
        meta = meta or _codec_name(html_body_declared_encoding(text[:_SNIFF_BYTES]))
        return _decoded(text, wide, header, meta, undecodable)
    if body.isascii():
        declared = header or meta
        if declared in _SEVEN_BIT:
            text, undecodable = _decode(body, declared)
            if not undecodable:
                return Decoded(text, declared, declared, None)
        # every ASCII-compatible charset reads these bytes alike: nothing to judge, nothing mismatched
        return Decoded(body.decode("ascii"), "utf-8", declared, None)
    text, valid, invalid = _evidence(body, "utf-8")
    if valid > invalid or _utf8_text_beside_damage(body, valid):
        return _decoded(text, "utf-8", header, meta, invalid)
    # Not UTF-8: a declared legacy charset that the bytes fit by the same rule, the bytes' own evidence between
    # two, or detection when none fits.
    readings = {c: _evidence(body, c) for c in dict.fromkeys((header, meta))
                if c and c != "utf-8" and _family(c) not in _WIDE_FAMILIES}
    usable = [c for c, (_, fit, unfit) in readings.items() if fit > unfit]
    if len(usable) == 1:
        codec = usable[0]
    else:
        codec = _detect_legacy(body, usable or None) or (usable[0] if usable else "cp1252")
    if codec in readings:
        text, _, undecodable = readings[codec]
    else:
        text, undecodable = _decode(body, codec)
    return _decoded(text, codec, header, meta, undecodable)


def _decoded(text: str, codec: str, header: str | None, meta: str | None, undecodable: int) -> Decoded:
    return Decoded(text, codec, header or meta, _mismatch(codec, header, meta), undecodable)


def _mismatch(chosen: str, header: str | None, meta: str | None) -> str | None:
    declared = [d for d in (header, meta) if d]
    if not declared:
        return f"no charset declared; decoded as {chosen}"
    if chosen == "utf-8" and all(d in ("ascii", "utf-8") for d in declared):
        return None
    wrong = [f"{label} says {d}" for label, d in (("header", header), ("meta", meta))
             if d and _family(d) != _family(chosen)]
    if not wrong:
        return None
    return f"{', '.join(wrong)}; decoded as {chosen}"
