"""Recognising bot checks and block pages, so they are counted and never archived as articles.

Some sites answer crawlers with a challenge (Anubis proof-of-work, Cloudflare's "Just a moment...", other
WAF interstitials) instead of the article, often with status 200. We do not try to pass them: we recognise
them by markers that only such pages carry, report them per source, and leave the decision (an allow-list, a
slower schedule) to the operator.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cache
from typing import Any

import re2

# kind -> markers (lower-case byte strings) any one of which identifies the page. Markers are specific to the
# challenge software, so an article that merely mentions "Cloudflare" is not mistaken for one.
MARKERS: dict[str, tuple[bytes, ...]] = {
    "anubis": (b"anubis_challenge", b"making sure you&#39;re not a bot", b"making sure you're not a bot",
               b"protected by anubis", b"/.within.website/x/cmd/anubis"),
    "cloudflare": (b"window._cf_chl_opt", b"/cdn-cgi/challenge-platform/", b'id="challenge-running"',
                   b"cf-browser-verification", b"cf_chl_"),
    "ddos-guard": (b"ddos-guard.net/", b"check.ddos-guard"),
    "sucuri": (b"sucuri website firewall - access denied", b"sucuri.net/privacy-policy"),
    "incapsula": (b"incapsula incident id", b"_incapsula_resource"),
    "aws-waf": (b"awswafintegration", b"aws-waf-token"),
}
_HEAD_BYTES = 64 * 1024


def _header(headers: Mapping[Any, Any] | Any, name: bytes) -> bytes:
    value = headers.get(name) if hasattr(headers, "get") else None
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, str):
        value = value.encode("latin-1", "replace")
    return (value or b"").lower()


@cache
def _any_marker() -> Any:
    """One RE2 pattern for every marker, matched without regard to ASCII letter case over raw bytes (Latin-1
    mode: one byte is one character, so no byte sequence is decoded or folded beyond what ``bytes.lower``
    does): every article page is checked, and one pass costs a quarter of a marker-by-marker search."""
    options = re2.Options()
    options.case_sensitive = False
    options.encoding = re2.Options.Encoding.LATIN1
    return re2.compile(b"|".join(re.escape(marker) for markers in MARKERS.values() for marker in markers), options)


def detect_challenge(status: int, headers: Mapping[Any, Any] | Any, body: bytes) -> str | None:
    """The challenge software's name when the response is a bot check or block page, else None."""
    if _header(headers, b"cf-mitigated") == b"challenge":
        return "cloudflare"
    if _any_marker().search(body, 0, _HEAD_BYTES) is None:
        return None
    head = body[:_HEAD_BYTES].lower()  # a marker is there: which software's, in MARKERS order
    for kind, markers in MARKERS.items():
        if any(marker in head for marker in markers):
            return kind
    return None
