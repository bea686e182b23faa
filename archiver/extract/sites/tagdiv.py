"""Rules for WordPress sites on tagDiv's "Newspaper" theme (The Laotian Times and many others).

The theme renders an article either with its page-builder ("tdb" Cloud templates: every part is a
``td_block_wrap tdb_single_*`` block) or with the classic single templates (``td-post-header``,
``td-post-content``). Both are covered, and the family is recognised by the theme's own markup,
not by host, so any site on the theme matches.

Pages on this theme are full of dates that are not the article's: the header shows today's date
(``.tdb_header_date``, older ``.td_data_time``), sidebar modules and "Latest article" boxes show
their own posts' times (often relative, "6 hours ago") and can come first in the document. Date
rules are therefore scoped to the article's own date block, never to a bare ``<time>``.

Precedence for ``published_at`` / ``modified_at``:

1. ``article:published_time`` / ``article:modified_time`` meta, then JSON-LD ``datePublished`` /
   ``dateModified`` (Yoast graph; Article node before WebPage node), as for any page;
2. the article's date block ``.tdb_single_date time[datetime]`` / ``.td-post-header .td-post-date
   time[datetime]``;
3. the visible text of that block when it has no ``datetime`` ("March 21, 2023" -> day only);
4. then the generic tail (a ``/YYYY/MM/DD/`` URL, the ``listing_date`` hint);

with one refinement (``prefer_local_offset``): when the winner is written in UTC and another of
these candidates names the same moment in a local offset, the local form is taken. Yoast and the
OpenGraph tags are often converted to UTC, while the JSON-LD or the theme's own ``<time datetime>``
keeps the newsroom's clock (The Laotian Times: ``+07:00``); the instant is the same, but only the
local form carries the day the paper's readers saw (09:45 UTC is 16:45 in Vientiane; a story
posted at 22:08 in St Lucia is dated the next day in UTC). A different moment is never taken
from the date block, so a date block that disagrees with the metadata cannot win.
Section, title and authors come from the visible article header first: the first category label
is the section the site files the story under ("This Week"), and the ``h1`` is the headline
without the SEO suffix of ``og:title``.
"""

from __future__ import annotations

from .rules import DateRule, Marker, Match, PageTypeRule, SiteRules

# Blocks inside (or copied into) the body container that are never article text.
_FURNITURE = (
    # advertising: tagDiv ad slots and "spot" image ads (alt="spot_img")
    ".td-a-ad",
    ".td-a-rec",
    ".td-g-rec",
    ".td-adspot-title",
    "a.td_spot_img_all",
    "//img[@alt='spot_img']",
    "ins.adsbygoogle",
    # header furniture (weather widget, today's date) when a template nests it in the content
    ".tdb_header_weather",
    ".td-weather-now",
    ".td-weather-top-widget",
    ".tdb_header_date",
    ".td_data_time",
    ".td-header-date",
    # share buttons
    ".tdb_single_post_share",
    ".td-post-sharing",
    ".td-post-sharing-top",
    ".td-post-sharing-bottom",
    ".essb_links",
    ".sharedaddy",
    # previous/next, related and latest-article boxes; any titled module block
    ".tdb_single_next_prev",
    ".td-post-next-prev",
    ".td_block_related_posts",
    ".tdb_single_related",
    ".td-related-row",
    ".jp-relatedposts",
    "//div[contains(concat(' ', normalize-space(@class), ' '), ' td_block_wrap ')]"
    "[.//*[contains(concat(' ', normalize-space(@class), ' '), ' td-block-title ')]]",
    ".td-block-title-wrap",
    # tags, author boxes, comments, newsletter, sidebars
    ".td-post-source-tags",
    ".tdb_single_tags",
    ".tdb-author-box",
    ".td-author-box",
    ".author-box-wrap",
    ".td-post-author-box",
    "#comments",
    ".comments",
    ".tdb_single_comments",
    ".tdb_single_newsletter",
    ".td_block_newsletter",
    ".tdn_block_newsletter_subscribe",
    ".mc4wp-form",
    ".td-ss-main-sidebar",
    ".td-main-sidebar",
    "aside",
)

RULES = SiteRules(
    name="tagdiv",
    host_patterns=(r"(?:www\.)?laotiantimes\.com",),
    markers=(
        ".tdb_single_content",
        ".td-post-content",
        "body.tdb-template",
        Marker("//body[contains(@class, 'td-theme-') or contains(@class, 'theme-Newspaper')]",
               needs_any=("td-theme-", "theme-Newspaper")),
        Marker("//link[contains(@href, '/wp-content/themes/Newspaper')]",
               needs_any=("/wp-content/themes/Newspaper",)),
        Marker("//script[contains(@src, '/wp-content/themes/Newspaper')]",
               needs_any=("/wp-content/themes/Newspaper",)),
    ),
    title_selectors=(
        "h1.tdb-title-text",
        ".td-post-header h1.entry-title",
        "h1.entry-title",
    ),
    body_selectors=(
        ".tdb_single_content .tdb-block-inner",
        ".td-post-content",
    ),
    furniture=_FURNITURE,
    date_rules=(
        DateRule(".tdb_single_date time.entry-date"),
        DateRule(".tdb_single_date time"),
        DateRule(".td-post-header .td-post-date time.entry-date"),
        DateRule(".td-post-header .td-post-date time"),
        DateRule(".tdb_single_date time", attribute=None),
        DateRule(".tdb_single_date .tdb-block-inner", attribute=None),
        DateRule(".td-post-header .td-post-date", attribute=None),
    ),
    modified_rules=(
        DateRule(".tdb_single_modified_date time"),
        DateRule(".td-post-header .td-post-modified-date time"),
    ),
    author_selectors=(
        ".tdb_single_author a.tdb-author-name",
        ".td-post-header .td-post-author-name a",
        ".td-post-author-name a",
    ),
    section_selectors=(
        ".tdb_single_categories a.tdb-entry-category",
        ".td-post-header .td-category a",
        ".td-category a",
    ),
    tag_selectors=(
        ".tdb_single_tags a",
        ".td-post-source-tags .td-tags a",
    ),
    page_types=(
        PageTypeRule(
            "listing",
            (Match("body.archive, body.blog, body.category, body.tag, body.search"),),
        ),
        PageTypeRule("article", (Match("body.single-post, body.single"),)),
        PageTypeRule("page", (Match("body.page"),)),
        PageTypeRule("article", (Match(".tdb_single_content, .td-post-content"),)),
    ),
    prefer_rules_for=frozenset({"title", "section", "authors"}),
    prefer_local_offset=frozenset({"published_at", "modified_at"}),
)
