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

RULES = SiteRules(
    name="general",
    page_types=(
        PageTypeRule(
            "listing",
            (Match("body.archive, body.category, body.tag, body.search"),),
        ),
        # WordPress puts ``blog`` on its posts index; other systems put it on blog posts too, so it
        # marks a listing only on a page that WordPress built
        PageTypeRule("listing", (Match("body.blog"), Match(_WORDPRESS_ASSETS))),
        PageTypeRule("article", (Match("body.single-post, body.single"),)),
        PageTypeRule("page", (Match("body.page"),)),
    ),
    body_page_types=frozenset(),
    source_label="html:body-class",
)
