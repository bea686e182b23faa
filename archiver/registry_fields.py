"""The fields of a sources-registry entry, each checked when the registry is loaded.

Every key a ``[[source]]`` entry (or a file's ``[defaults]``) may hold is listed in ``SOURCE_KEYS`` with what it
must be; an unknown key is refused with the closest known one, because a typo silently ignored is a silently
wrong crawl. Names and codes are matched whole (``fullmatch``: ``"la2\\n"`` is not a name), country and
language codes against ISO 3166-1 and ISO 639-1 (pycountry), hosts as DNS host names. A problem is a
``FieldError`` naming the field; the loader adds the file and the source. The discovery steps and the patterns
are checked by ``archiver.discovery.plan`` when the loader builds the source's plan.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import pycountry

from archiver.discovery.plan import did_you_mean
from archiver.discovery.selectors import VALUE, SelectorProblem, check_css

KINDS = ("embassy", "news")
# Every key an entry may hold, with what it must be (the README's registry table says the same).
SOURCE_KEYS: dict[str, str] = {
    "name": "unique id: lowercase letters, digits, '.', '_', '-' (starting with a letter or digit), at most 64",
    "kind": "one of " + ", ".join(KINDS),
    "country": "ISO 3166-1 alpha-2 code, upper case",
    "site_name": "the site's display name",
    "host": "host name (and optional :port); https is assumed",
    "base_url": "http(s)://host[:port], optionally with the folder the site lives under; no query",
    "family": "extraction rule family",
    "language": "ISO 639-1 code of the main language",
    "languages": "list of ISO 639-1 codes, the main language first",
    "timezone": "UTC offset +HH:MM or -HH:MM",
    "mirrors": "list of other host names serving the same articles",
    "article_pattern": "RE2 regular expression matched against path?query",
    "url_rewrites": "list of [RE2 regex, replacement] pairs",
    "discovery": "list of [[source.discovery]] tables",
    "selectors": "table of record field = CSS",
}
NOT_DEFAULTS = ("name", "host", "base_url")  # one per source: a default would give every source the same
RESERVED_NAMES = ("all",)  # `-a site=all` means every source, so a source of that name could never be named
# Record fields a [source.selectors] CSS may set: what the page states. The others are archiver's own (ids,
# hashes, fetch facts), the body is the extractor's, and the canonical URL is checked against the source.
SELECTOR_FIELDS = ("title", "description", "authors", "published_at", "modified_at", "section", "tags",
                   "language", "site_name")
KOSOVO = "XK"  # not in ISO 3166-1, but the code the US, the EU and ISO's own user-assigned range use for Kosovo

_NAME = re.compile(r"[a-z0-9][a-z0-9_.-]{0,63}")
_CODE2 = re.compile(r"[A-Z]{2}")
_LANGUAGE = re.compile(r"[a-z]{2}")
_LABEL = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
_HOST = re.compile(rf"(?:{_LABEL}\.)*{_LABEL}")
_HOST_PORT = re.compile(r"(?P<host>[^:/?#\s]+)(?::(?P<port>[0-9]{1,5}))?")
# A site may live under a folder (WordPress installed in /news/): a path is kept, a query or fragment is not.
_BASE_URL = re.compile(r"(?P<scheme>https?)://(?P<netloc>[^/?#\s\\@]+)(?P<path>(?:/[^/?#\s\\]+)*)/?")
_OFFSET = re.compile(r"[+-](?P<h>[0-9]{2}):(?P<m>[0-9]{2})")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


class FieldError(ValueError):
    """An entry's field is unusable: ``field`` names the key, ``problem`` says why."""

    def __init__(self, field: str, problem: str) -> None:
        super().__init__(f"{field}: {problem}")
        self.field = field
        self.problem = problem


@dataclass(frozen=True)
class Fields:
    """A checked entry: the ``Source`` constructor's arguments and the rest (``extra``)."""

    core: dict[str, Any]
    extra: dict[str, Any]


def known_families() -> tuple[str, ...]:
    """The extraction rule families of ``archiver/extract/sites/``, ``general`` included."""
    from archiver.extract.sites import FAMILIES, GENERAL

    return tuple(rules.name for rules in (*FAMILIES, GENERAL))


def _string(value: Any, field: str) -> str:
    if not isinstance(value, str):
        raise FieldError(field, f"must be a string, not {type(value).__name__} {value!r}")
    return value


def _string_list(value: Any, field: str, *, empty: bool = False) -> list[str]:
    if not isinstance(value, list) or not (value or empty) or not all(isinstance(v, str) for v in value):
        raise FieldError(field, f"must be a {'' if empty else 'non-empty '}list of strings, not {value!r}")
    if len(set(value)) != len(value):
        raise FieldError(field, f"lists the same value twice: {value!r}")
    return value


def check_name(value: Any) -> str:
    name = _string(value, "'name'")
    if not _NAME.fullmatch(name):
        raise FieldError("'name'", f"{name!r} is not a name (lowercase letters, digits, '.', '_' and '-', "
                                   "starting with a letter or digit, at most 64 characters)")
    if name in RESERVED_NAMES:
        raise FieldError("'name'", f"{name!r} is reserved (it means every source)")
    return name


def check_country(value: Any) -> str:
    code = _string(value, "'country'")
    if not _CODE2.fullmatch(code):
        raise FieldError("'country'", f"{code!r} is not an ISO 3166-1 alpha-2 code like 'LA' (two capitals)")
    if code != KOSOVO and pycountry.countries.get(alpha_2=code) is None:
        raise FieldError("'country'", f"{code!r} is not an ISO 3166-1 alpha-2 country code (the UK is 'GB')")
    return code


def check_language(value: Any, field: str = "'language'") -> str:
    code = _string(value, field)
    if not _LANGUAGE.fullmatch(code) or pycountry.languages.get(alpha_2=code) is None:
        raise FieldError(field, f"{code!r} is not an ISO 639-1 language code like 'en' or 'lo'")
    return code


def check_host(value: Any, field: str) -> str:
    """A DNS host name (lowercase letters, digits, hyphens, dots) or an IP address."""
    host = _string(value, field)
    if not host.isascii():
        raise FieldError(field, f"{host!r}: write an internationalised host name in its ASCII (xn--) form")
    if host != host.lower():
        raise FieldError(field, f"{host!r}: write host names in lower case ({host.lower()!r})")
    if host.startswith("[") and host.endswith("]"):
        try:
            ipaddress.IPv6Address(host[1:-1])
        except ValueError:
            raise FieldError(field, f"{host!r} is not an IPv6 address") from None
        return host
    if len(host) > 253 or not _HOST.fullmatch(host):
        raise FieldError(field, f"{host!r} is not a host name (letters, digits, '-' and '.' only; no scheme, "
                                "path or port)")
    if host.rsplit(".", 1)[-1].isdigit():
        try:
            ipaddress.IPv4Address(host)
        except ValueError:
            raise FieldError(field, f"{host!r} is neither a host name nor an IPv4 address") from None
    return host


def _port(port: str | None, field: str, shown: str) -> None:
    if port is not None and not 0 < int(port) < 65536:
        raise FieldError(field, f"{shown!r}: port {port} is out of range")


def check_host_port(value: Any) -> str:
    """``host`` may carry a port (``127.0.0.1:8080``); it becomes ``https://host[:port]``."""
    text = _string(value, "'host'")
    match = _HOST_PORT.fullmatch(text) if not text.startswith("[") else re.fullmatch(
        r"(?P<host>\[[^\]]*\])(?::(?P<port>[0-9]{1,5}))?", text)
    if not match:
        raise FieldError("'host'", f"{text!r} is not host[:port] (give an http URL as 'base_url' instead)")
    check_host(match["host"], "'host'")
    _port(match["port"], "'host'", text)
    return text


def check_base_url(value: Any) -> str:
    """``http(s)://host[:port][/folder...]``, no query, fragment or user; returned without a final slash."""
    text = _string(value, "'base_url'")
    match = _BASE_URL.fullmatch(text)
    if not match:
        raise FieldError("'base_url'", f"{text!r} is not http(s)://host[:port][/path] (no query, fragment, user "
                                       "or whitespace)")
    netloc = match["netloc"]
    host_port = re.fullmatch(r"(?P<host>\[[^\]]*\]|[^:]+)(?::(?P<port>[0-9]{1,5}))?", netloc)
    if not host_port:
        raise FieldError("'base_url'", f"{text!r}: {netloc!r} is not host[:port]")
    check_host(host_port["host"], "'base_url'")
    _port(host_port["port"], "'base_url'", text)
    return f"{match['scheme']}://{netloc}{match['path']}"


def check_timezone(value: Any) -> str:
    text = _string(value, "'timezone'")
    match = _OFFSET.fullmatch(text)
    if not match or int(match["m"]) > 59 or int(match["h"]) * 60 + int(match["m"]) > 14 * 60:
        raise FieldError("'timezone'", f"{text!r} is not a UTC offset +HH:MM or -HH:MM (at most 14:00)")
    return text


def check_site_name(value: Any) -> str:
    text = _string(value, "'site_name'")
    if not text.strip() or text != text.strip() or len(text) > 200:
        raise FieldError("'site_name'", f"{text!r}: give the site's name, without surrounding spaces, at most "
                                        "200 characters")
    if _CONTROL.search(text):
        raise FieldError("'site_name'", f"{text!r} holds a control or bidi-override character")
    return text


def check_selectors(value: Any) -> dict[str, str]:
    if not isinstance(value, dict):
        raise FieldError("'selectors'", f"must be a table ([source.selectors]) of field = CSS, not {value!r}")
    for field, css in value.items():
        if field not in SELECTOR_FIELDS:
            raise FieldError(f"'selectors.{field}'", "not a record field a selector may set"
                             + did_you_mean(field, SELECTOR_FIELDS))
        try:
            check_css(css, VALUE)
        except SelectorProblem as exc:
            raise FieldError(f"'selectors.{field}'", str(exc)) from None
    return dict(value)


def check_unknown_keys(table: dict[str, Any], where_defaults: bool = False) -> None:
    for key in table:
        if key not in SOURCE_KEYS:
            raise FieldError(repr(key), "unknown key" + did_you_mean(key, tuple(SOURCE_KEYS)))
        if where_defaults and key in NOT_DEFAULTS:
            raise FieldError(repr(key), "differs for every source, so it cannot be a default")


def check_fields(merged: dict[str, Any]) -> Fields:
    """The entry's fields (defaults already merged in), checked one by one; raises ``FieldError``."""
    check_unknown_keys(merged)
    name = check_name(merged.get("name"))
    kind = merged.get("kind")
    if kind not in KINDS:
        raise FieldError("'kind'", f"must be one of {', '.join(KINDS)}, not {kind!r}")
    if "country" not in merged:
        raise FieldError("'country'", "is missing (an ISO 3166-1 alpha-2 code like 'LA')")
    country = check_country(merged["country"])
    if ("host" in merged) == ("base_url" in merged):
        raise FieldError("'host'", "give either 'host' or an http(s) 'base_url'" +
                         (", not both" if "host" in merged else ""))
    base_url = (check_base_url(merged["base_url"]) if "base_url" in merged
                else f"https://{check_host_port(merged['host'])}")
    site_name = check_site_name(merged["site_name"]) if "site_name" in merged else name
    family = _string(merged.get("family", "general"), "'family'")
    families = known_families()
    if family not in families:
        raise FieldError("'family'", f"{family!r} is not a known family ({', '.join(families)})"
                         + did_you_mean(family, families, list_known=False))
    language = check_language(merged.get("language", "en"))
    languages: tuple[str, ...] = (language,)
    if "languages" in merged:
        languages = tuple(check_language(code, "'languages'")
                          for code in _string_list(merged["languages"], "'languages'"))
        if languages[0] != language:
            raise FieldError("'languages'", f"lists the main language first: {language!r} ('language'), "
                                            f"not {languages[0]!r}")
    extra: dict[str, Any] = {}
    if "timezone" in merged:
        extra["timezone"] = check_timezone(merged["timezone"])
    if "mirrors" in merged:
        mirrors = [check_host(m, "'mirrors'") for m in _string_list(merged["mirrors"], "'mirrors'", empty=True)]
        own = urlsplit(base_url).hostname
        if own in mirrors:
            raise FieldError("'mirrors'", f"lists the source's own host {own!r}")
        extra["mirrors"] = mirrors
    if "selectors" in merged:
        extra["selectors"] = check_selectors(merged["selectors"])
    for key in ("article_pattern", "url_rewrites", "discovery"):  # checked with the plan, by the loader
        if key in merged:
            extra[key] = merged[key]
    core = {"name": name, "kind": kind, "family": family, "country": country, "site_name": site_name,
            "base_url": base_url, "language": language, "languages": languages}
    return Fields(core=core, extra=extra)
