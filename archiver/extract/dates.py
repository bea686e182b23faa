"""Parse the date strings pages carry into the archive's one timestamp format.

The archive keeps the offset exactly as the best evidence states it (a page saying ``+07:00`` stays
in ``+07:00``; nothing is converted to UTC) because the offset itself tells readers where and when
the text was published. Output is ``YYYY-MM-DDTHH:MM:SS+HH:MM``, or ``YYYY-MM-DD`` when only the
day is known. A time with no zone is only trusted to the day unless the caller knows the site's
zone, since guessing a zone would invent precision the page does not have.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, date, time, timedelta, timezone

from .localdates import has_day_and_year, local_day, prepare, prepared

_ISO = re.compile(
    r"""^\s*
    (?P<y>\d{4})-?(?P<m>\d{2})-?(?P<d>\d{2})
    (?:[T\s]+
       (?P<H>\d{1,2}):?(?P<M>\d{2})(?::?(?P<S>\d{2})(?:[.,]\d+)?)?
       \s*(?P<tz>Z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)?
    )?\s*$""",
    re.VERBOSE | re.IGNORECASE,
)
_OFFSET = re.compile(r"^(?P<sign>[+-])(?P<h>\d{2}):?(?P<m>\d{2})?$")

_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
_MONTH = r"(?P<mon>[A-Za-z]{3,9})\.?"
# (a day that ends a range, "23-26 March 2026", is not a date of its own)
_NOT_RANGE_END = r"(?<!\d[-–])(?<!\d [-–] )(?<!\d[-–] )(?<!\d [-–])"
_DAY_FIRST = re.compile(_NOT_RANGE_END + r"\b(?P<d>\d{1,2})(?:st|nd|rd|th)?\s+" + _MONTH
                        + r",?\s+(?P<y>\d{4})\b")
_MONTH_FIRST = re.compile(r"\b" + _MONTH + r"\s+(?P<d>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<y>\d{4})\b")
# "10/31/2024", "09.10.2024": day and month in an order only the value or the locale tells
_NUMERIC = re.compile(r"(?<![\w./-])(?P<a>\d{1,2})(?P<sep>[/.])(?P<b>\d{1,2})(?P=sep)(?P<y>\d{4})"
                      r"(?![\d/-]|\.\d)")
# "2019/1/22", "2023 Jan 7" (the scholarly metadata's forms)
_YEAR_FIRST = re.compile(r"(?<![\d./-])(?P<y>(?:19|20)\d{2})(?:/(?P<m>\d{1,2})/(?P<d>\d{1,2})(?![\d/])"
                         r"|\s+" + _MONTH + r"\s+(?P<d2>\d{1,2})\b)")


def parse_offset(value: str | None) -> timezone | None:
    """``"+07:00"``, ``"+0700"``, ``"-06"``, ``"Z"`` -> a fixed offset; anything else ->
    ``None``."""
    if not value:
        return None
    value = value.strip()
    if value.upper() in {"Z", "UTC", "GMT"}:
        return UTC
    match = _OFFSET.match(value)
    if not match:
        return None
    hours, minutes = int(match["h"]), int(match["m"] or 0)
    if hours > 14 or minutes > 59:
        return None
    delta = timedelta(hours=hours, minutes=minutes)
    return timezone(-delta if match["sign"] == "-" else delta)


def format_offset(tz: timezone) -> str:
    """A fixed offset as ``+HH:MM`` (UTC is written ``+00:00``, never ``Z``)."""
    total = int(tz.utcoffset(None).total_seconds()) // 60
    sign = "-" if total < 0 else "+"
    hours, minutes = divmod(abs(total), 60)
    return f"{sign}{hours:02d}:{minutes:02d}"


def _format(day: date, clock: time | None, tz: timezone | None) -> str:
    if clock is None or tz is None:
        return day.isoformat()
    return f"{day.isoformat()}T{clock.strftime('%H:%M:%S')}{format_offset(tz)}"


def normalize_iso(value: str | None, default_tz: str | None = None) -> str | None:
    """Normalise an ISO 8601 string; ``None`` when it is not a plausible date.

    ``default_tz`` (e.g. ``"+07:00"``) is applied to a time that has no zone; without it such a
    time is cut to the day.
    """
    if not isinstance(value, str):
        return None
    match = _ISO.match(value)
    if not match:
        return None
    try:
        day = date(int(match["y"]), int(match["m"]), int(match["d"]))
    except ValueError:
        return None
    if not 1900 <= day.year <= 2100:
        return None
    if match["H"] is None:
        return day.isoformat()
    try:
        clock = time(int(match["H"]), int(match["M"]), int(match["S"] or 0))
    except ValueError:
        return day.isoformat()
    tz = parse_offset(match["tz"]) if match["tz"] else parse_offset(default_tz)
    return _format(day, clock, tz)


def parse_text_date(text: str | None, month_first: bool = False,
                    languages: Sequence[str] = ()) -> str | None:
    """Find a human-written day in visible text ("17 March, 2023", "March 17, 2023", "2/11/2023",
    "17.03.2023", "2023 Mar 17", "2023/3/17").

    Only the day is returned: visible dates rarely state a zone, and the site rules that call this
    record their own provenance. A numeric day whose order is ambiguous ("04/09/2024") is read
    day first unless ``month_first`` (the page's locale writes the month first, as in the US);
    one that is only valid in one order ("10/31/2024") is read in that order. Dotted forms follow
    the same rule: American sites write "09.10.2024" for September 10th too.

    ``languages``: the page's language (ISO 639-1), when known. A date that the forms above do not
    read is then looked for as written in that language ("21 ມີນາ 2023", "21 de marzo de 2023"; see
    ``localdates``), digits of the page's script are read as digits, and on a Thai page a
    Buddhist-era year is converted (2566 -> 2023). A relative phrase ("hier", "3 hours ago") is
    never a date.
    """
    if not text:
        return None
    # ``languages`` may be computed on first use (see ``language.DeferredLanguages``): it is only
    # looked at when the text could read differently in a language, so that pages whose dates are
    # all English or numeric never pay for finding their language
    if not prepared(text) and languages:
        text = prepare(text, languages)
    found = _english_or_numeric(text, month_first)
    if found:
        return found
    if not has_day_and_year(text):  # no day or no year: no date in any language
        return None
    for language in languages:
        found = local_day(text, language)
        if found:
            return found
    return None


def _english_or_numeric(text: str, month_first: bool) -> str | None:
    iso = normalize_iso(text)
    if iso:
        return iso[:10]
    for pattern in (_DAY_FIRST, _MONTH_FIRST):
        for match in pattern.finditer(text):
            month = _MONTHS.get(match["mon"].lower())
            if month is None:
                continue
            found = _safe_day(match["y"], month, match["d"])
            if found:
                return found
    for match in _YEAR_FIRST.finditer(text):
        if match["mon"]:
            month = _MONTHS.get(match["mon"].lower())
            found = _safe_day(match["y"], month, match["d2"]) if month else None
        else:
            found = _safe_day(match["y"], match["m"], match["d"])
        if found:
            return found
    for match in _NUMERIC.finditer(text):
        first, second = int(match["a"]), int(match["b"])
        if first > 12 or not (month_first or second > 12):
            found = _safe_day(match["y"], second, first)
        else:
            found = _safe_day(match["y"], first, second)
        if found:
            return found
    return None


def _safe_day(year: str | int, month: str | int, day: str | int) -> str | None:
    try:
        found = date(int(year), int(month), int(day))
    except ValueError:
        return None
    return found.isoformat() if 1900 <= found.year <= 2100 else None


def date_from_url(url: str | None) -> str | None:
    """The day in a ``/YYYY/MM/DD/`` URL path (common in WordPress permalinks) or a slug that
    starts with it (``/blog/2025-12-17-title``), else ``None``."""
    if not url:
        return None
    match = re.search(r"/((?:19|20)\d{2})/(\d{2})/(\d{2})/", url) or re.search(
        r"/((?:19|20)\d{2})-(\d{2})-(\d{2})(?:[-_/.]|$)", url.split("?")[0])
    return _safe_day(*match.groups()) if match else None


def month_from_url(url: str | None) -> str | None:
    """The ``YYYY-MM`` (or only ``YYYY``) an archive-style URL path names (``/2025/12/slug``,
    ``/posts/2021/slug``), else ``None``: the page's period without its day."""
    if not url:
        return None
    path = url.split("?")[0].split("#")[0]
    match = re.search(r"/((?:19|20)\d{2})/(0?[1-9]|1[0-2])/", path)
    if match:
        return f"{match.group(1)}-{int(match.group(2)):02d}"
    match = re.search(r"/((?:19|20)\d{2})/[^/]*[A-Za-z][^/]*/?$", path)
    return match.group(1) if match else None


def parse_any(value: str | None, default_tz: str | None = None,
              languages: Sequence[str] = ()) -> str | None:
    """ISO first, then visible-text forms (English, numeric, then ``languages``'s own; see
    ``parse_text_date``): for values whose format is not known in advance."""
    return normalize_iso(value, default_tz) or parse_text_date(value, languages=languages)


def parse_pattern(text: str | None, pattern: str, default_tz: str | None = None) -> str | None:
    """A date written in a site's own fixed form, found by ``pattern`` (named groups ``y``, ``m``,
    ``d`` and optionally ``H``, ``M``, ``S``) anywhere in ``text``.

    For numeric forms whose field order only the site knows ("20/06/2024 14:37" is day first on
    KPL): the generic parsers cannot tell such a time's order or zone, the site's rule can. The
    time is kept when ``default_tz`` is known, else only the day, as for any naive time.
    """
    if not text:
        return None
    try:
        match = re.search(pattern, text)
    except re.error:
        return None
    if not match:
        return None
    groups = match.groupdict()
    try:
        day = date(int(groups["y"]), int(groups["m"]), int(groups["d"]))
    except (KeyError, TypeError, ValueError):
        return None
    if not 1900 <= day.year <= 2100:
        return None
    clock: time | None = None
    if groups.get("H") is not None and groups.get("M") is not None:
        try:
            clock = time(int(groups["H"]), int(groups["M"]), int(groups.get("S") or 0))
        except ValueError:
            clock = None
    return _format(day, clock, parse_offset(default_tz))
