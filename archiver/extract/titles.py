"""Remove the site name that pages append to (or put before) their headline.

Only a part that is demonstrably the site's name is removed: either it matches a family's known
suffix pattern, ``og:site_name``, or the host name. A headline such as "Deal agreed - talks resume"
keeps its dash because "talks resume" is not the site's name.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import urlsplit

from .text import normalize_text

SEPARATORS = (" | ", " - ", " – ", " — ", " :: ", " · ", " » ")
_TRAILING_SEPARATOR = re.compile(r"\s+[|:\-–—·»]+\s*$")
_NON_ALNUM = re.compile(r"[\W_]+", re.UNICODE)
_HOST_PREFIXES = ("www.", "m.", "amp.")


def _squash(text: str) -> str:
    return _NON_ALNUM.sub("", text.casefold())


def host_label(url: str | None) -> str | None:
    """The distinctive label of a host (``www.caymancompass.com`` -> ``caymancompass``)."""
    if not url:
        return None
    try:
        host = (urlsplit(url).hostname or "").lower()
    except ValueError:
        return None
    for prefix in _HOST_PREFIXES:
        if host.startswith(prefix):
            host = host[len(prefix):]
    label = host.split(".")[0] if host else ""
    return label or None


_SECOND_LEVEL = frozenset({"co", "com", "org", "net", "gov", "edu", "ac", "or", "ne", "go"})


def domain_label(url: str | None) -> str | None:
    """The label of the registered domain (``developers.slashdot.org`` -> ``slashdot``,
    ``www.bbc.co.uk`` -> ``bbc``): a subdomain names a section or an edition, the domain the site."""
    label = host_label(url)
    if not label:
        return None
    host = (urlsplit(url or "").hostname or "").lower()
    parts = host.split(".")
    if len(parts) >= 3 and parts[-2] in _SECOND_LEVEL and len(parts[-1]) == 2:
        parts = parts[:-1]
    return parts[-2] if len(parts) >= 2 else label


def _is_site_name(part: str, names: Iterable[str], label: str | None) -> bool:
    squashed = _squash(part)
    if not squashed:
        return False
    for name in names:
        if name and squashed == _squash(name):
            return True
    if label:
        squashed_label = _squash(label)
        if squashed == squashed_label:
            return True
        # "Caymancompass News" is the site; "Signal #18" after the name is an issue's title
        if (squashed.startswith(squashed_label) and len(part.split()) <= 3
                and not any(ch.isdigit() for ch in squashed[len(squashed_label):])):
            return True
    return False


def strip_site_name(
    title: str,
    *,
    site_names: Iterable[str] = (),
    url: str | None = None,
    patterns: Iterable[re.Pattern[str]] = (),
) -> str:
    """``title`` without a recognised site-name suffix or prefix; never returns an empty string
    when ``title`` had content."""
    title = normalize_text(title)
    original = title
    for pattern in patterns:
        title = pattern.sub("", title).strip()
    names = [n for n in site_names if n]
    label = host_label(url)
    domain = domain_label(url)
    if domain and domain != label:
        names.append(domain)
    for sep in SEPARATORS:
        if sep in title:
            head, _, tail = title.rpartition(sep)
            if head.strip() and _is_site_name(tail, names, label):
                title = head.strip()
                break
            first, _, rest = title.partition(sep)
            if rest.strip() and _is_site_name(first, names, label):
                title = rest.strip()
                break
    title = _TRAILING_SEPARATOR.sub("", title).strip()
    return title or original


_LABEL_SEPARATORS = (" | ", " – ", " — ")
_DASHES = (" – ", " — ")
_MAX_LABEL_WORDS = 4
# Words a name may hold in lower case ("Department of State", "Faces and Places").
_NAME_CONNECTORS = frozenset({"a", "an", "and", "at", "by", "de", "for", "in", "of", "on", "the", "to", "&", "+"})


def _is_name_shaped(text: str) -> bool:
    """Whether ``text`` is written the way names and labels are: every word starts with a capital letter or a
    digit, apart from the connectors names hold ("Artlyst", "EPAM SolutionsHub", "Top Affordable Picks").
    Caseless scripts (Lao, Thai) give no such sign, and their tails are kept."""
    words = text.split()
    if not words:
        return False
    for position, word in enumerate(words):
        first = next((ch for ch in word if ch.isalnum()), "")
        if position and word.casefold() in _NAME_CONNECTORS:
            continue
        if not (first.isdigit() or first.isupper()):
            return False
    return True


def strip_trailing_label(title: str) -> str:
    """``title`` without a short trailing segment after a separator ("Headline | Opinion",
    "Headline – Artlyst"). A plain hyphen is left alone: headlines use it ("Talks resume - deal
    in sight").

    SEO titles end in a section, site or format label that the printed headline does not carry;
    the label is short, so a tail of more than a few words (a subtitle) is kept. A pipe separates
    only labels; a dash also introduces subtitles ("Deal agreed – what comes next"), so after a
    dash the tail must also be written as a name is, each word capitalised. Only for titles
    declared in metadata on pages no family describes: a family strips its own known suffix.
    """
    for sep in _LABEL_SEPARATORS:
        if sep in title:
            head, _, tail = title.rpartition(sep)
            if len(head.split()) < 2 or len(tail.split()) > _MAX_LABEL_WORDS:
                return title
            if sep in _DASHES and not _is_name_shaped(tail):
                return title
            return head.strip()
    return title


_MOJIBAKE = re.compile("[\u0080-\u009f]|\u00e2\u20ac|\u00c3[\u0080-\u00bf]")


def repair_mojibake(text: str) -> str:
    """``text`` with UTF-8 that was decoded as Latin-1 or Windows-1252 put right ("Investorâ\\x80\\x99s"
    -> "Investor’s"). Only when the tell-tale pairs are present and the whole text re-decodes as
    UTF-8, so a title that merely contains "Ã" is kept."""
    if not _MOJIBAKE.search(text):
        return text
    for codec in ("latin-1", "cp1252"):
        try:
            return text.encode(codec).decode("utf-8")
        except UnicodeError:
            continue
    return text


_FULLWIDTH = re.compile("[\uff01-\uff5e]")
# scripts whose text is set with full-width punctuation on purpose
_EAST_ASIAN = re.compile("[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")


def fold_fullwidth(text: str) -> str:
    """``text`` with full-width forms of ASCII ("Work？") made ASCII when it has no Chinese,
    Japanese or Korean in it: in a Latin-script title they are an input method's leftovers."""
    if not _FULLWIDTH.search(text) or _EAST_ASIAN.search(text):
        return text
    return _FULLWIDTH.sub(lambda m: chr(ord(m.group()) - 0xFEE0), text)
