"""Read a day written in the page's own language ("21 ມີນາ 2023", "15 มีนาคม 2566", "21 de marzo de
2023") with dateparser, restricted to that one language.

The English parser in ``dates.py`` reads English month names and numeric forms; pages in Lao, Thai,
Khmer, Vietnamese, French or Spanish write the month as a word of their own language. dateparser
knows those words (its locale data) and reads such dates, but it is slow, reads relative phrases
("3 hours ago", "ເມື່ອວານນີ້", "hier") as dates relative to now, fills a missing day or year from the
current date, converts a stated zone to another day, and misreads some forms (Thai abbreviated
months: "15 มี.ค. 2023" comes back as January). So it is only asked about one short span that
already has the shape of a date in the page's language: a day number, a month word from
dateparser's own vocabulary for that language, and a four-digit year, next to each other. Its
answer is taken only when it names that same day, month and year; with absolute dates only and
every part required, a relative phrase can never become a date (it has no month word and no year,
so it is not even asked).

Thai pages count years in the Buddhist era as well as the common one: on a Thai page a year in the
Buddhist-era range (2443-2643, i.e. 1900-2100 CE) is converted (2566 -> 2023). No other language's
years are converted: a Buddhist-era year elsewhere stays out of range and gives no date.

Digits written in the page's own script (Thai ๒๕๖๖, Lao ໒໐໒໓, Khmer ២០២៣) are read as digits.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from datetime import date
from functools import cache
from typing import Any

_MONTH_KEYS = ("january", "february", "march", "april", "may", "june", "july", "august",
               "september", "october", "november", "december")
# only absolute dates, and only when the text gives day, month and year: nothing is filled in
# from the current date, and no phrase is read relative to it
_SETTINGS: dict[str, Any] = {
    "PARSERS": ["absolute-time"],
    "REQUIRE_PARTS": ["day", "month", "year"],
    "STRICT_PARSING": True,
    "RETURN_AS_TIMEZONE_AWARE": False,
    "TIMEZONE": "UTC",
}
# scripts written without spaces between words: a month word may be glued to a label such as
# Khmer "ខែ" ("month") or Lao "ເດືອນ"; in spaced scripts a word must stand on its own
_SPACELESS = ((0x0E00, 0x0EFF), (0x1000, 0x109F), (0x1780, 0x17FF))
# a day that follows a dash ends a range ("21 ພຶດສະພາ – 4 ມິຖຸນາ 2021"); one that follows a digit,
# a colon or a dot belongs to a clock or a number
_DAY = r"(?<![\d:./,-])(?<![-–—]\s)(?P<d>\d{1,2})(?!\d)"
_YEAR = r"(?P<y>\d{4})(?!\d)"
_SEPARATOR = r"[\s,.\-/'|;]"
# era labels before a year ("พ.ศ. 2566", "ຄ.ສ. 2023", "គ.ស. 2023"), written here without their
# dots as the text is read (dateparser's locale data has none)
_ERA_LABELS = {"th": ("พศ", "คศ"), "lo": ("ພສ", "ຄສ"), "km": ("គស", "ពស")}
_THAI = "th"
# Buddhist-era years 2443-2643 (1900-2100 CE)
_BUDDHIST_YEAR = re.compile(r"(?<!\d)(24[4-9]\d|25\d\d|26[0-4]\d)(?!\d)")
_BUDDHIST_OFFSET = 543
# Thai and Lao abbreviations are written with dots ("มี.ค.", "พ.ศ."); dateparser has them without
_ABBREVIATION_DOT = re.compile(r"(?<=[\u0E01-\u0EFF])\.")
_FOUR_DIGITS = re.compile(r"\d{4}")
_LOCAL_DIGIT = re.compile(r"(?![0-9])\d")  # a decimal digit of a script other than ASCII
_SHORT_NUMBER = re.compile(r"(?<!\d)\d{1,2}(?!\d)")
# a span to read is at most this long: a date, not a sentence
_MAX_SPAN = 40
# how many date-shaped spans of one text are read at most
_MAX_SPANS = 3


def local_digits(text: str) -> str:
    """``text`` with decimal digits of any script as ASCII digits ("๒๕๖๖" -> "2566")."""
    if text.isascii():
        return text
    return "".join(str(unicodedata.decimal(ch)) if ch.isdecimal() and not ch.isascii() else ch
                   for ch in text)


def common_era(text: str, language: str) -> str:
    """On a Thai page, Buddhist-era years (2443-2643) in ``text`` as common-era years (2566 ->
    2023); any other language's text unchanged."""
    if language != _THAI:
        return text
    return _BUDDHIST_YEAR.sub(lambda m: str(int(m.group(1)) - _BUDDHIST_OFFSET), text)


def prepared(text: str) -> bool:
    """Whether ``prepare`` leaves ``text`` as it is whatever the languages: it holds no digit of
    another script and no Buddhist-era year."""
    return (text.isascii() or not _LOCAL_DIGIT.search(text)) and not _BUDDHIST_YEAR.search(text)


def has_day_and_year(text: str) -> bool:
    """Whether ``text`` holds a number of four digits and one of one or two, without which
    ``local_day`` finds no date in any language."""
    return bool(_FOUR_DIGITS.search(text)) and bool(_SHORT_NUMBER.search(text))


def prepare(text: str, languages: Iterable[str]) -> str:
    """``text`` made readable for the date parsers of ``languages``: local digits as ASCII, and
    the Buddhist-era year converted on a Thai page."""
    text = local_digits(text)
    for language in languages:
        text = common_era(text, language)
    return text


def supported(language: str | None) -> bool:
    """Whether dates in ``language`` (ISO 639-1) are read here: any language dateparser has
    month names for, except English (``dates.py`` reads it, faster and with its own rules)."""
    return bool(language) and language != "en" and _vocabulary(language) is not None


def local_day(text: str | None, language: str) -> str | None:
    """The first day-month-year date written in ``language`` in ``text``, as ``YYYY-MM-DD``, or
    ``None``. ``text`` is expected to be prepared (see ``prepare``)."""
    # no year, no date: the common case, and the cheapest test (it loads nothing)
    if not text or not _FOUR_DIGITS.search(text) or not supported(language):
        return None
    vocabulary = _vocabulary(language)
    if vocabulary is None:
        return None
    folded = _ABBREVIATION_DOT.sub("", unicodedata.normalize("NFC", text).casefold())
    for count, match in enumerate(vocabulary.pattern.finditer(folded)):
        if count >= _MAX_SPANS:
            break
        span = match.group(0)
        if len(span) > _MAX_SPAN:
            continue
        if match["m1"]:
            word, day, year = match["m1"], match["d"], match["y"]
        else:
            word, day, year = match["m2"], match["d2"], match["y2"]
        month = vocabulary.months.get(" ".join(word.split()))
        found = _checked(language, span, int(year), month, int(day), vocabulary)
        if found:
            return found
    return None


class _Vocabulary:
    """A language's month words (dateparser's locale data), the date shapes built from them, and
    for each month a form dateparser reads back as that month."""

    def __init__(self, months: dict[str, int], canonical: dict[int, str], connectors: list[str],
                 month_labels: list[str], year_labels: list[str]) -> None:
        self.months = months
        self.canonical = canonical
        words = _alternation(months, glued=False)
        # between the parts: separators and the words the language puts there, no other word:
        # "21 de marzo de 2023", "1er mars", "21 ខែមីនា ឆ្នាំ 2023" ("month March year"),
        # "21 tháng 3 năm 2023", "15 มีนาคม พ.ศ. 2566"
        before_month = _gap(connectors + month_labels)
        before_year = _gap(connectors + year_labels)
        # day first, or month first ("marzo 21, 2023": WordPress's default form, translated)
        self.pattern = re.compile(
            rf"{_DAY}{before_month}(?P<m1>{words}){before_year}{_YEAR}"
            rf"|(?P<m2>{words})[\s.]{{0,3}}(?P<d2>\d{{1,2}})(?!\d)[\s,]{{0,3}}(?P<y2>\d{{4}})(?!\d)"
        )


def _gap(words: list[str]) -> str:
    if not words:
        return rf"{_SEPARATOR}{{0,4}}"
    return rf"(?:{_SEPARATOR}|{_alternation(words, glued=True)}){{0,6}}"


def _alternation(words: Iterable[str], glued: bool) -> str:
    """``words`` as one regex alternation, longest first."""
    return "|".join(_word_pattern(w, glued) for w in sorted(set(words), key=len, reverse=True))


def _word_pattern(word: str, glued: bool) -> str:
    """A word as a regex: internal spaces flexible, and standing as a word of its own unless it is
    written in a script without spaces and either ``glued`` (a label that precedes what it names)
    or long enough not to occur inside other words."""
    body = r"\s+".join(re.escape(part) for part in word.split())
    spaceless = any(first <= ord(word[0]) <= last for first, last in _SPACELESS)
    if spaceless and (glued or len(word) >= 3):
        return body
    return rf"(?<![^\W\d_]){body}(?![^\W_])"


@cache
def _parser(language: str) -> Any:
    from dateparser.date import DateDataParser

    return DateDataParser(languages=[language], settings=_SETTINGS, try_previous_locales=False)


@cache
def _vocabulary(language: str) -> _Vocabulary | None:
    """``None`` when dateparser has no month names for ``language``."""
    if not re.fullmatch(r"[a-z]{2,3}", language or ""):
        return None
    try:
        from dateparser.languages.loader import default_loader

        info = default_loader.get_locale(language).info
    except Exception:  # an unknown code, or dateparser missing: no local dates for it
        return None
    months: dict[str, int] = {}
    for number, key in enumerate(_MONTH_KEYS, start=1):
        for word in _words(info.get(key)):
            if not word.isdigit():
                months.setdefault(word, number)
    if len(set(months.values())) != 12:
        return None
    canonical: dict[int, str] = {}
    parser = _parser(language)
    for word, number in sorted(months.items(), key=lambda item: -len(item[0])):
        if number in canonical:
            continue
        read = parser.get_date_data(f"15 {word} 2001").date_obj
        if read is not None and (read.year, read.month, read.day) == (2001, number, 15):
            canonical[number] = word
    connectors = [w for w in _words(info.get("skip")) + _words(info.get("pertain"))
                  if not re.fullmatch(_SEPARATOR + "*", w)]
    year_labels = _words(info.get("year")) + list(_ERA_LABELS.get(language, ()))
    return _Vocabulary(months, canonical, connectors, _words(info.get("month")), year_labels)


def _words(values: object) -> list[str]:
    """Locale-data words, NFC, case-folded, whitespace collapsed, empty ones left out."""
    if not isinstance(values, list):
        return []
    words = [" ".join(unicodedata.normalize("NFC", str(v)).casefold().split()) for v in values]
    return [w for w in words if w]


def _checked(language: str, span: str, year: int, month: int | None, day: int,
             vocabulary: _Vocabulary) -> str | None:
    """The day when it is a real day that dateparser reads from ``span`` (or, when it misreads the
    span's month word, from the same day written with the month's canonical word)."""
    if month is None:
        return None
    try:
        wanted = date(year, month, day)
    except ValueError:
        return None
    if not 1900 <= wanted.year <= 2100:
        return None
    parser = _parser(language)
    tries = [span]
    if month in vocabulary.canonical:
        tries.append(f"{day} {vocabulary.canonical[month]} {year}")
    for attempt in tries:
        read = parser.get_date_data(attempt).date_obj
        if read is not None and read.date() == wanted:
            return wanted.isoformat()
    return None
