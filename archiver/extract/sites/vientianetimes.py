"""Rules for the Vientiane Times (``www.vientianetimes.org.la`` and its mirrors).

The site is hand-made static pages in an old table layout, with no CMS, no structured metadata and
usually no date on the article page itself: the issue date is printed on the index page that
links to the story. ``published_at`` is therefore never read from the article page's furniture
(the masthead's copyright year, "Updated" stamps of the site) and, when the page states no date of
its own, comes only from the discovery hint ``listing_date`` (provenance ``hint:listing_date``,
added by the assembler); without the hint it stays absent rather than invented.

The page has no ``<link rel=canonical>``; ``canonical_url`` is then left absent and the pipeline
canonicalises mirror hosts. Recognised by host (``vientianetimes.org.la``, ``vientianetimes.la``
and their ``www.`` forms) or, for copies served elsewhere, by the paper's name in the masthead.
"""

from __future__ import annotations

from .rules import DateRule, Marker, Match, PageTypeRule, SiteRules

RULES = SiteRules(
    name="vientianetimes",
    host_patterns=(
        r"(?:www\.)?vientianetimes\.org\.la",
        r"(?:www\.)?vientianetimes\.la",
    ),
    markers=(
        Marker("//title[normalize-space(.) = 'Vientiane Times'][not(//meta[@property='og:type'])]",
               needs_any=("Vientiane",)),
        Marker("//img[contains(@alt, 'Vientiane Times')][contains(@src, 'vt_banner')]",
               needs_any=("vt_banner",)),
    ),
    title_selectors=(
        ".vt-headline",
        "h1.headline",
        "h2.headline",
        ".headline",
        "td.newsHead",
        "h1",
        "h2",
    ),
    title_suffixes=(r"\s+[|–—-]\s+Vientiane\s+Times",),
    # the story is the table cell (or block) holding the headline; the layout has no other label
    body_selectors=(
        ".vt-article .vt-body",
        ".vt-body",
        "td.newsContent",
        "(//*[contains(concat(' ', normalize-space(@class), ' '), ' headline ')]/parent::*)",
        "(//h1/parent::td)",
    ),
    furniture=(
        ".vt-headline",
        ".headline",
        "h1",
        ".vt-byline",
        ".byline",
        ".copyright",
        # photo captions sit in a small table next to the image: not article text
        "td.caption",
        "//p[a[contains(@href, 'history.back') or contains(@href, 'window.print')"
        " or contains(., 'Back to') or contains(., 'More >>>')]]",
        "//a[contains(., 'More >>>') or contains(., 'Back to')]",
    ),
    # a date printed on the article page itself, when a page has one
    date_rules=(
        DateRule(".vt-date", attribute=None),
        DateRule(".article-date", attribute=None),
    ),
    author_selectors=(".vt-byline .vt-author", ".byline .author", ".byline"),
    # the desk's collective byline is not a person
    author_reject=r"^(?:Times\s+Reporters?|Vientiane\s+Times(?:\s+Reporters?)?|Staff(?:\s+Reporters?)?)$",
    section_selectors=(".vt-section", ".section-name"),
    page_types=(
        PageTypeRule("article", (Match(".headline, .vt-body, td.newsContent"),)),
        PageTypeRule("listing", (Match("//a[contains(., 'More >>>')]", 2),)),
    ),
    # the paper is published in English only; its pages declare no language
    url_languages=((r"^https?://", "en"),),
    prefer_rules_for=frozenset({"title", "section", "authors"}),
)
