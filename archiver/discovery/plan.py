"""How to discover a source's articles: an ordered list of steps, from the registry or the family's defaults.

A registry entry may list ``[[source.discovery]]`` steps (sitemap, feed, listing); a family such as the US
missions' WordPress network brings default steps so its 189 entries need only a host. Validation happens when
the plan is built, so a typo in a registry regex fails at start-up with the source's name, not mid-crawl.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from archiver.discovery.listings import WORDPRESS_LISTING, ListingRules

METHODS = ("sitemap", "feed", "listing")


class PlanError(ValueError):
    """A source's discovery configuration is unusable."""


@dataclass(frozen=True)
class DiscoveryStep:
    name: str  # label used in stats and logs: "yoast_sitemap", "feed", "listing", ...
    method: str
    urls: tuple[str, ...]
    follow: re.Pattern[str] | None = None  # child sitemaps of an index worth reading
    listing: ListingRules | None = None
    max_pages: int = 1000


USEMBASSY_LISTINGS = ("/news-events/", "/category/press-releases/", "/category/news/", "/category/alert/")
FAMILY_PLANS: dict[str, tuple[DiscoveryStep, ...]] = {
    "usembassy": (
        DiscoveryStep("yoast_sitemap", "sitemap", ("/sitemap_index.xml",),
                      follow=re.compile(r"/post-sitemap\d*\.xml(\.gz)?$")),
        DiscoveryStep("wp_sitemap", "sitemap", ("/wp-sitemap.xml",),
                      follow=re.compile(r"/wp-sitemap-posts-post-\d+\.xml(\.gz)?$")),
        DiscoveryStep("feed", "feed", ("/feed/",)),
        DiscoveryStep("listing", "listing", USEMBASSY_LISTINGS, listing=WORDPRESS_LISTING),
    ),
}
# Generic WordPress: what almost every WordPress news site publishes.
DEFAULT_PLAN = (
    DiscoveryStep("sitemap", "sitemap", ("/sitemap_index.xml",), follow=re.compile(r"post-sitemap\d*\.xml(\.gz)?$")),
    DiscoveryStep("wp_sitemap", "sitemap", ("/wp-sitemap.xml",), follow=re.compile(r"-posts-post-\d+\.xml$")),
    DiscoveryStep("feed", "feed", ("/feed/",)),
)


def _selectors(value: Any) -> tuple[str, ...]:
    if not value:
        return ()
    if isinstance(value, str):
        return tuple(s.strip() for s in value.split(",") if s.strip())
    return tuple(value)


def _compile(pattern: str, where: str) -> re.Pattern[str]:
    try:
        return re.compile(pattern)
    except re.error as exc:
        raise PlanError(f"{where}: invalid regular expression {pattern!r}: {exc}") from exc


def _step(raw: dict[str, Any], where: str, taken: set[str]) -> DiscoveryStep:
    method = raw.get("method")
    if method not in METHODS:
        raise PlanError(f"{where}: discovery method must be one of {', '.join(METHODS)}, not {method!r}")
    urls = raw.get("urls") or ([raw["url"]] if raw.get("url") else [])
    if not urls or not all(isinstance(u, str) and (u.startswith("/") or u.startswith("http")) for u in urls):
        raise PlanError(f"{where}: a {method} step needs 'url' or 'urls' (paths starting with '/')")
    name = raw.get("name") or method
    base, n = name, 1
    while name in taken:
        n += 1
        name = f"{base}{n}"
    taken.add(name)
    follow = _compile(raw["follow"], where) if raw.get("follow") else None
    listing = None
    if method == "listing":
        listing = ListingRules(
            link=raw.get("links") or "a::attr(href)",
            entry=raw.get("entry"),
            date=_selectors(raw.get("entry_date")),
            next_page=_selectors(raw.get("next_page")) or ListingRules().next_page,
            page_date=_selectors(raw.get("page_date")),
        )
    return DiscoveryStep(name, method, tuple(urls), follow=follow, listing=listing,
                         max_pages=int(raw.get("max_pages", 1000)))


def discovery_plan(source_name: str, family: str, extra: dict[str, Any]) -> tuple[DiscoveryStep, ...]:
    """The source's steps: its own ``discovery`` list, else its family's, else generic WordPress."""
    raw_steps = extra.get("discovery")
    if not raw_steps:
        return FAMILY_PLANS.get(family, DEFAULT_PLAN)
    taken: set[str] = set()
    return tuple(_step(raw, f"source {source_name!r} discovery step {i + 1}", taken) for i, raw in enumerate(raw_steps))


def article_pattern(source_name: str, extra: dict[str, Any]) -> re.Pattern[str] | None:
    raw = extra.get("article_pattern")
    return _compile(raw, f"source {source_name!r} article_pattern") if raw else None


def url_rewrites(source_name: str, extra: dict[str, Any]) -> tuple[tuple[re.Pattern[str], str], ...]:
    """``url_rewrites = [["regex", "replacement"], ...]`` applied to path+query (e.g. a malformed duplicate path)."""
    out = []
    for pair in extra.get("url_rewrites", []):
        if not (isinstance(pair, list) and len(pair) == 2):
            raise PlanError(f"source {source_name!r}: url_rewrites entries are [regex, replacement] pairs")
        out.append((_compile(pair[0], f"source {source_name!r} url_rewrites"), pair[1]))
    return tuple(out)
