"""The shape of a site-family rule set: data only, no behaviour.

A family (a CMS theme shared by many sites, or one publisher) is described by selectors and
patterns; the one engine in ``engine.py`` applies any rule set. Adding a family therefore means
writing a new ``SiteRules`` value, never changing the engine. Selectors are CSS, or XPath when they
start with ``/``, ``./`` or ``(``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Match:
    """A selector that must match at least ``min_count`` elements."""

    selector: str
    min_count: int = 1


@dataclass(frozen=True)
class Marker:
    """An XPath marker with the strings of which the page's source must hold at least one for it
    to match (``needs_any``). Every page is checked against every family's markers and almost none
    carries them: a substring test rules a page out in microseconds, where the XPath walks the whole
    document. (CSS markers need no such list: the class names and ids they require are read from
    the selector itself, see ``dom.could_match``.)"""

    selector: str
    needs_any: tuple[str, ...]


@dataclass(frozen=True)
class PageTypeRule:
    """``page_type`` applies when every ``Match`` in ``require`` holds; rules are tried in order."""

    page_type: str
    require: tuple[Match, ...]


@dataclass(frozen=True)
class DateRule:
    """Where a visible date lives: an attribute (``datetime``, ``content``) or, when ``attribute``
    is ``None``, the element's text ("17 March, 2023")."""

    selector: str
    attribute: str | None = "datetime"
    # A regex with named groups ``y``, ``m``, ``d`` and optionally ``H``, ``M``, ``S`` for sites
    # whose visible dates carry a clock time in a fixed local form ("20/06/2024 14:37"): the
    # generic text parser keeps only the day, this keeps the time too (zone from the hints or the
    # family's ``default_timezone``).
    pattern: str | None = None


@dataclass(frozen=True)
class SiteRules:
    """Declarative description of one site family.

    Recognition: a page belongs to the family when its host fully matches one of ``host_patterns``
    or any ``markers`` selector matches its DOM (for copies served from other hosts, such as demo
    mirrors).
    """

    name: str
    host_patterns: tuple[str, ...] = ()
    markers: tuple[str | Marker, ...] = ()
    # title: selectors tried after structured metadata; regexes removed from the end of any title
    title_selectors: tuple[str, ...] = ()
    title_suffixes: tuple[str, ...] = ()
    # body: the first container found, with furniture removed
    body_selectors: tuple[str, ...] = ()
    furniture: tuple[str, ...] = ()
    caption_selectors: tuple[str, ...] = ("figcaption", ".wp-caption-text")
    body_page_types: frozenset[str] = frozenset({"article", "page", "unknown"})
    # dates, people, classification
    date_rules: tuple[DateRule, ...] = ()
    modified_rules: tuple[DateRule, ...] = ()
    author_selectors: tuple[str, ...] = ()
    author_reject: str | None = None
    section_selectors: tuple[str, ...] = ()
    tag_selectors: tuple[str, ...] = ()
    page_types: tuple[PageTypeRule, ...] = ()
    # fields where this family's selectors are more reliable than the page's metadata
    prefer_rules_for: frozenset[str] = frozenset()
    # date fields for which a value written in UTC gives way to another candidate (metadata or the
    # family's date block) naming the same moment in a local offset: themes whose SEO plugin
    # writes UTC while the article's own date block keeps the newsroom's clock
    prefer_local_offset: frozenset[str] = frozenset()
    # the zone naive visible times on this family's pages are in, when hints give none (a single
    # publisher in one country); ``None`` keeps such times to the day
    default_timezone: str | None = None
    # regexes for whole body paragraphs that are furniture on this family's pages ("Email Print
    # 1,234"); matched against each paragraph after whitespace collapsing
    drop_paragraphs: tuple[str, ...] = ()
    # (regex searched in the URL, ISO 639-1 code): for sites whose editions differ only by path
    # (KPL: ``/En/...`` English, no prefix Lao) and whose pages declare no language
    url_languages: tuple[tuple[str, str], ...] = ()
    # provenance label of values found by these selectors; default "site:<name>"
    source_label: str | None = None
    _compiled: dict[str, object] = field(default_factory=dict, compare=False, repr=False)

    @property
    def provenance(self) -> str:
        """The provenance label of values found by this family's selectors."""
        return self.source_label or f"site:{self.name}"

    def host_regexes(self) -> list[re.Pattern[str]]:
        """Compiled ``host_patterns`` (cached on the instance)."""
        if "hosts" not in self._compiled:
            self._compiled["hosts"] = [re.compile(p, re.IGNORECASE) for p in self.host_patterns]
        return self._compiled["hosts"]  # type: ignore[return-value]

    def suffix_regexes(self) -> list[re.Pattern[str]]:
        """Compiled ``title_suffixes`` anchored at the end of the title (cached on the instance)."""
        if "suffixes" not in self._compiled:
            self._compiled["suffixes"] = [
                re.compile(rf"(?:{p})\s*$", re.IGNORECASE) for p in self.title_suffixes
            ]
        return self._compiled["suffixes"]  # type: ignore[return-value]

    def paragraph_regexes(self) -> list[re.Pattern[str]]:
        """Compiled ``drop_paragraphs`` (cached on the instance), matched in full."""
        if "paragraphs" not in self._compiled:
            self._compiled["paragraphs"] = [
                re.compile(p, re.IGNORECASE) for p in self.drop_paragraphs
            ]
        return self._compiled["paragraphs"]  # type: ignore[return-value]

    def rejects_author(self, name: str) -> bool:
        """Whether ``name`` is an institutional byline this family never counts as a person."""
        if not self.author_reject:
            return False
        return re.search(self.author_reject, name, re.IGNORECASE) is not None
