"""Decide a page's language from the script its text is written in.

``<html lang>`` and ``og:locale`` are often left at the theme's default ("en-US") on pages whose
text is in another language; the Lao edition of a news agency written in Lao script says nothing
at all. Some scripts are used by essentially one language, so when most letters of a text are in
such a script the language is known without any statistics, and that evidence beats a declaration
that contradicts it. For scripts shared by many languages (Latin, Cyrillic, Arabic, Han) the text
says nothing this simple rule can use, and the declared language (the hint) stands.

For shared scripts a statistical detector (py3langid: character n-grams, 97 languages, its model ships
inside the package) reads the text; it overrules the declaration only when it is near certain
(``CONFIDENT``) and fills in a language when the page declares none. Short texts keep the declaration.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from functools import cache
from typing import Any

# (first, last code point, language): ranges of scripts that identify one language
_SCRIPTS: tuple[tuple[int, int, str], ...] = (
    (0x0E80, 0x0EFF, "lo"),  # Lao
    (0x0E00, 0x0E7F, "th"),  # Thai
    (0x1780, 0x17FF, "km"),  # Khmer
    (0x19E0, 0x19FF, "km"),  # Khmer symbols
    (0x1000, 0x109F, "my"),  # Myanmar
    (0xAA60, 0xAA7F, "my"),  # Myanmar extended-A
    (0x1100, 0x11FF, "ko"),  # Hangul jamo
    (0x3130, 0x318F, "ko"),  # Hangul compatibility jamo
    (0xAC00, 0xD7AF, "ko"),  # Hangul syllables
    (0x3040, 0x309F, "ja"),  # Hiragana
    (0x30A0, 0x30FF, "ja"),  # Katakana
    (0x31F0, 0x31FF, "ja"),  # Katakana phonetic extensions
    (0x10A0, 0x10FF, "ka"),  # Georgian
    (0x0530, 0x058F, "hy"),  # Armenian
    (0x0370, 0x03FF, "el"),  # Greek
    (0x1F00, 0x1FFF, "el"),  # Greek extended
    (0x0590, 0x05FF, "he"),  # Hebrew
    (0x1200, 0x137F, "am"),  # Ethiopic (Amharic is by far its main written language)
    (0x0D80, 0x0DFF, "si"),  # Sinhala
    (0x0A80, 0x0AFF, "gu"),  # Gujarati
    (0x0A00, 0x0A7F, "pa"),  # Gurmukhi
    (0x0B80, 0x0BFF, "ta"),  # Tamil
    (0x0C00, 0x0C7F, "te"),  # Telugu
    (0x0C80, 0x0CFF, "kn"),  # Kannada
    (0x0D00, 0x0D7F, "ml"),  # Malayalam
    (0x0B00, 0x0B7F, "or"),  # Oriya
    (0x0F00, 0x0FFF, "bo"),  # Tibetan
    (0x0780, 0x07BF, "dv"),  # Thaana
)
_HAN = ((0x4E00, 0x9FFF), (0x3400, 0x4DBF), (0xF900, 0xFAFF))

# share of a text's letters that must be in one script for the script to decide
MAJORITY = 0.6
# below this many letters a text is too short to outvote a declaration
MIN_LETTERS = 12
# Japanese writes most content words in Han characters; kana at this share of the Han+kana
# letters tell Japanese from Chinese
KANA_SHARE = 0.15

# statistics need this many letters to be trusted over a declaration
STATISTICAL_MIN_LETTERS = 80
# and this normalised probability to overrule one (a guess below it never beats the page's own word)
CONFIDENT = 0.9
# with no declaration at all, a guess this likely is better than nothing
PLAUSIBLE = 0.5

_LANG = re.compile(r"^\s*([A-Za-z]{2,3})(?:[-_][A-Za-z0-9]+)*\s*$")
# ISO 639-2 codes sites sometimes declare, for the languages this archive meets
_THREE_TO_TWO = {
    "eng": "en", "lao": "lo", "tha": "th", "khm": "km", "mya": "my", "bur": "my", "vie": "vi",
    "fra": "fr", "fre": "fr", "zho": "zh", "chi": "zh", "jpn": "ja", "kor": "ko", "ind": "id",
    "msa": "ms", "may": "ms", "spa": "es", "por": "pt", "deu": "de", "ger": "de", "rus": "ru",
}


def normalise_code(value: str | None) -> str | None:
    """ISO 639-1 code of a declared language ("en-US" -> "en", "lo_LA" -> "lo", "lao" -> "lo");
    ``None`` when ``value`` is not a language tag."""
    if not isinstance(value, str):
        return None
    match = _LANG.match(value)
    if not match:
        return None
    code = match.group(1).lower()
    if len(code) == 3:
        return _THREE_TO_TWO.get(code)
    return code


def _script_of(char: str) -> str | None:
    point = ord(char)
    for first, last, language in _SCRIPTS:
        if first <= point <= last:
            return language
    if any(first <= point <= last for first, last in _HAN):
        return "han"
    return None


_ASCII_RUNS = re.compile(r"[\x00-\x7f]+")
_ASCII_NOT_LETTERS = bytes(b for b in range(128) if not chr(b).isalpha())


def script_counts(text: str) -> tuple[dict[str, int], int]:
    """Letters per identifying script (plus ``"han"``) and the total number of letters.

    Letters include combining vowel signs (category M), because Lao, Thai, Khmer and Myanmar write
    most vowels with them.
    """
    # ASCII letters (the only ASCII characters of category L or M) are counted in C, as the bytes
    # left when every other ASCII byte is deleted; only the rest of the text is read character by
    # character, and each distinct character of it classified once (a page has thousands of letters
    # but a few dozen distinct ones, and the per-character lookup is the costly part)
    total = len(text.encode("ascii", "ignore").translate(None, _ASCII_NOT_LETTERS))
    counts: dict[str, int] = {}
    for char, seen in Counter(_ASCII_RUNS.sub("", text) if not text.isascii() else "").items():
        category = unicodedata.category(char)
        if not category.startswith(("L", "M")):
            continue
        total += seen
        script = _script_of(char)
        if script:
            counts[script] = counts.get(script, 0) + seen
    return counts, total


def detect_language(text: str, hint: str | None) -> tuple[str | None, str]:
    """The language of ``text`` as ``(ISO 639-1 code, provenance)``.

    When a clear majority (``MAJORITY``) of at least ``MIN_LETTERS`` letters is in a script that
    identifies one language, that language wins with provenance ``"text:script"``, whatever
    ``hint`` says. Otherwise the hint (normalised to ISO 639-1) is returned with provenance
    ``"hint"``, or ``(None, "none")`` when there is no usable hint. Deterministic and pure.
    """
    counts, total = script_counts(text or "")
    if total >= MIN_LETTERS and counts:
        kana = counts.get("ja", 0)
        han = counts.get("han", 0)
        if han and kana >= KANA_SHARE * (han + kana) and (han + kana) >= MAJORITY * total:
            return "ja", "text:script"
        ranked = sorted(
            ((n, code) for code, n in counts.items() if code != "han"), key=lambda x: (-x[0], x[1])
        )
        if ranked and ranked[0][0] >= MAJORITY * total:
            return ranked[0][1], "text:script"
    code = normalise_code(hint)
    if total >= STATISTICAL_MIN_LETTERS and not (code == "en" and plainly_english(text)):
        guess, probability = statistical_guess(text)
        if guess and guess != code and probability >= (CONFIDENT if code else PLAUSIBLE):
            return guess, "text:langid"
    if code:
        return code, "hint"
    return None, "none"


@cache
def _identifier() -> Any:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


# py3langid's cost grows with the sample (on the dev pages' bodies 0.57 ms per call at 1,000 characters, 0.34 ms at
# 400: the largest single cost of extracting a family page after parsing), while 400 characters, some 60 words, are
# already more than it needs to tell languages apart confidently: on the 793 dev pages the answer changed on one
# page, from Latin to English (an English page).
STATISTICAL_SAMPLE_CHARS = 400


# Words that make up a fifth or more of any running English text (articles, pronouns, prepositions,
# auxiliaries) and are rare or absent as words of the other languages written in Latin letters ("a",
# "in", "is", "on", "at", "an", "was" and the like are left out: they are common words of Spanish,
# Italian, Dutch, French, Danish or German too)
_ENGLISH_WORDS = frozenset({
    "the", "of", "and", "to", "that", "for", "with", "by", "from", "this", "are", "has", "have", "were", "said",
    "will", "their", "which", "not", "or", "but", "its", "been", "it", "he", "she", "they", "we", "his", "her",
    "would", "who", "also", "than",
})
# share of a sample's words that must be such words, and how many words the sample must have: English
# prose measures 0.2 to 0.3, other Latin-script languages a few hundredths
ENGLISH_SHARE = 0.15
ENGLISH_MIN_WORDS = 30
_ASCII_WORDS = re.compile(r"[a-z]+")


def plainly_english(text: str) -> bool:
    """Whether the start of ``text`` (what ``statistical_guess`` would read) is so plainly English that a
    page declaring English needs no statistical check.

    Most pages declare English and are, and py3langid costs a third of a millisecond a page (a sixth of a
    family page's extraction) only to agree. A page whose sample is one fifth English function words is
    English to any detector; anything less plain is still asked (measured: the same language on every
    dev page, ``bench/README.md``).
    """
    words = _ASCII_WORDS.findall(text[:STATISTICAL_SAMPLE_CHARS].lower())
    if len(words) < ENGLISH_MIN_WORDS:
        return False
    return sum(word in _ENGLISH_WORDS for word in words) >= ENGLISH_SHARE * len(words)


def statistical_guess(text: str) -> tuple[str | None, float]:
    """py3langid's best ISO 639-1 guess for the start of ``text`` and its probability."""
    code, probability = _identifier().classify(text[:STATISTICAL_SAMPLE_CHARS])
    return normalise_code(code) if len(code) == 2 else None, float(probability)


def page_language(declared: Iterable[str | None], sample: str) -> str | None:
    """The language a page is written in, as far as it is known before its body is read: what
    ``sample`` (its title and description) is written in, or the first usable ``declared`` code
    (``<html lang>``, ``og:locale``, the family's URL rule, the registry) when the sample cannot
    tell (see ``detect_language``). ``None`` when nothing says.

    Visible dates are read in this language: a date line has too few letters to name its own
    language, and the page's declaration alone is often the theme's default ("en-US" on a Lao page).
    """
    hint = next((code for code in map(normalise_code, declared) if code), None)
    code, _ = detect_language(sample, hint)
    return code


class DeferredLanguages(Sequence[str]):
    """The page's language (``page_language``), found the first time it is asked for.

    Visible dates are read in the page's language only when they are not English or numeric, and
    finding the language costs a statistical guess (a millisecond): on most pages no date needs it.
    """

    def __init__(self, find: Callable[[], tuple[str, ...]]) -> None:
        self._find: Callable[[], tuple[str, ...]] | None = find
        self._found: tuple[str, ...] = ()

    def _value(self) -> tuple[str, ...]:
        if self._find is not None:
            self._found, self._find = self._find(), None
        return self._found

    def __getitem__(self, index):  # type: ignore[no-untyped-def]
        return self._value()[index]

    def __len__(self) -> int:
        return len(self._value())

    def __iter__(self) -> Iterator[str]:
        return iter(self._value())
