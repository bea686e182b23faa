"""Rules for the US diplomatic network's WordPress multisite (theme "cms3", Yoast SEO).

About 170 mission sites share one theme, so one rule set covers ``*.usembassy.gov``,
``*.usmission.gov``, ``*.usconsulate.gov`` and the China mission's own domain. Authorship on these
sites is institutional ("By U.S. Embassy Vientiane"), so such bylines are never reported as
authors. The markup these selectors follow is described in ``../shared/pages/SITES.md``.
"""

from __future__ import annotations

from .rules import DateRule, Marker, Match, PageTypeRule, SiteRules

_INSTITUTION = r"\b(?:U\.?\s?S\.?\s+)?(?:Embassy|Mission|Consulate(?:s)?(?:\s+General)?)\b"

RULES = SiteRules(
    name="usembassy",
    host_patterns=(
        r"(?:[a-z0-9-]+\.)*usembassy\.gov",
        r"(?:[a-z0-9-]+\.)*usmission\.gov",
        r"(?:[a-z0-9-]+\.)*usconsulate\.gov",
        r"(?:[a-z0-9-]+\.)*usembassy-china\.org\.cn",
    ),
    markers=(
        "link#cms3-style-css",
        Marker("//link[contains(@href, '/themes/cms3/')]", needs_any=("/themes/cms3/",)),
        Marker("//script[contains(@src, '/themes/cms3/')]", needs_any=("/themes/cms3/",)),
        ".mo-meta",
        ".mo-page-content",
    ),
    title_selectors=("article h1.entry-title", "h1.entry-title", "h1.page-title"),
    title_suffixes=(
        r"\s+[|–—-]\s+U\.S\.\s+Embassy\s+(?:&|&amp;|and)\s+Consulates?\s+in\s+[^|]+",
        r"\s+[|–—-]\s+U\.S\.\s+Embassy\s+(?:in|to)\s+[^|]+",
        r"\s+[|–—-]\s+U\.S\.\s+Mission\s+(?:in|to)\s+[^|]+",
        r"\s+[|–—-]\s+U\.S\.\s+Consulate(?:s)?(?:\s+General)?\b[^|]*",
        # Lao-language pages: "ສະຖານທູດສະຫະລັດ..." ("Embassy of the United States ...").
        r"\s+[|–—-]\s+ສະຖານທູດ[^|]*",
    ),
    body_selectors=(
        "article .entry-content",
        "div.entry-content",
        "div.mo-page-content",
    ),
    furniture=(
        ".addtoany_share_save_container",
        ".addtoany_share",
        ".a2a_kit",
        "//*[contains(@class, 'addthis_')]",
        ".addthis",
        ".share-this",
        ".sharedaddy",
        ".sd-sharing-enabled",
        ".social-share",
        ".social-links",
        ".jp-relatedposts",
        ".related-posts",
        ".yarpp-related",
        "a.more-link",
        ".post-navigation",
        "nav",
        ".screen-reader-text",
        ".breadcrumbs",
        ".entry-footer",
        "h1.entry-title",
    ),
    date_rules=(
        DateRule(".entry-meta time.published"),
        DateRule(".entry-meta time.entry-date"),
        DateRule("article time.entry-date"),
        DateRule(".entry-meta time.entry-date", attribute=None),
        DateRule(".entry-meta .posted-on", attribute=None),
    ),
    modified_rules=(DateRule(".entry-meta time.updated"),),
    author_reject=_INSTITUTION,
    section_selectors=(
        ".entry-meta a[rel~='category'][rel~='tag']",
        "article a[rel~='category'][rel~='tag']",
    ),
    tag_selectors=(
        ".entry-footer a[rel~='tag']:not([rel~='category'])",
        ".tags-links a[rel~='tag']",
    ),
    page_types=(
        PageTypeRule("listing", (Match("body.archive, body.blog, body.category, body.search"),)),
        PageTypeRule("article", (Match("body.single-post, body.single"),)),
        PageTypeRule("page", (Match("body.page"),)),
        PageTypeRule("article", (Match("meta[property='og:type'][content='article']"),)),
        PageTypeRule(
            "page",
            (Match("meta[property='og:type'][content='website']"), Match(".mo-page-content")),
        ),
        PageTypeRule(
            "listing",
            (
                Match("main article, #main article", 2),
                Match(".pagination, .nav-links .page-numbers, link[rel='next']"),
            ),
        ),
    ),
    body_page_types=frozenset({"article", "page", "unknown"}),
    prefer_rules_for=frozenset({"section", "tags"}),
)
