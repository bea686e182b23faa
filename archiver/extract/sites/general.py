"""Rules for pages no family recognises: only what any WordPress-like page states in its markup.

WordPress themes label the body with the template kind (``single-post``, ``page``, ``archive``),
which is the one structural hint that holds across unrelated sites. Everything else for such pages
comes from structured metadata and the trafilatura fallback, so this rule set has no body
selectors.
"""

from __future__ import annotations

from .rules import Match, PageTypeRule, SiteRules

_WORDPRESS_ASSETS = (
    "//link[contains(@href, '/wp-content/') or contains(@href, '/wp-includes/')]"
    " | //script[contains(@src, '/wp-content/') or contains(@src, '/wp-includes/')]"
)



def _body_class(*names: str) -> str:
    """An XPath for the page's ``<body>`` carrying any of the classes ``names``: the same test as
    the CSS ``body.name``, written from the root, so that it looks at one element instead of
    walking the whole page (these rules run on every page no family recognises)."""
    tests = " or ".join(f"contains(concat(' ', normalize-space(@class), ' '), ' {name} ')" for name in names)
    return f"/html/body[{tests}]"


RULES = SiteRules(
    name="general",
    page_types=(
        PageTypeRule("listing", (Match(_body_class("archive", "category", "tag", "search")),)),
        # WordPress puts ``blog`` on its posts index; other systems put it on blog posts too, so it
        # marks a listing only on a page that WordPress built
        PageTypeRule("listing", (Match(_body_class("blog")), Match(_WORDPRESS_ASSETS))),
        PageTypeRule("article", (Match(_body_class("single-post", "single")),)),
        PageTypeRule("page", (Match(_body_class("page")),)),
    ),
    body_page_types=frozenset(),
    source_label="html:body-class",
)
