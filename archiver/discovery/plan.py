"""How to discover a source's articles: an ordered list of steps, from the registry or the family's defaults.

A registry entry may list ``[[source.discovery]]`` steps (sitemap, feed, listing); a family such as the US
missions' WordPress network brings default steps so its 189 entries need only a host. Every key of a step is
checked when the plan is built, which the registry does at load, so a typo fails at start-up naming the source
and the field, not mid-crawl: a key the step's method does not read is refused too, since a typo silently
ignored is a silently wrong crawl.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from archiver.discovery.listings import WORDPRESS_LISTING, ListingRules
from archiver.discovery.patterns import LinearPattern, PatternError, UrlRewrite, compile_rewrite
from archiver.discovery.selectors import ELEMENT, VALUE, SelectorProblem, check_css, check_css_list

METHODS = ("wp-rest", "sitemap", "feed", "listing")
# The keys each method reads; any other key in a step is refused.
STEP_KEYS: dict[str, tuple[str, ...]] = {
    "wp-rest": ("method", "name", "url", "urls", "max_pages"),
    "sitemap": ("method", "name", "url", "urls", "follow"),
    "feed": ("method", "name", "url", "urls"),
    "listing": ("method", "name", "url", "urls", "links", "next_page", "entry", "entry_date", "page_date",
                "max_pages"),
}
_STEP_NAME = re.compile(r"[a-z][a-z0-9_]{0,39}")
_URL_TEXT = re.compile(r"[^\s\x00-\x1f\x7f#]+")  # no whitespace, control characters or fragment


class PlanError(ValueError):
    """A source's discovery configuration is unusable: ``field`` names the key, ``problem`` says why."""

    def __init__(self, field: str, problem: str) -> None:
        super().__init__(f"{field}: {problem}")
        self.field = field
        self.problem = problem


@dataclass(frozen=True)
class DiscoveryStep:
    name: str  # label used in stats and logs: "yoast_sitemap", "feed", "listing", ...
    method: str
    urls: tuple[str, ...]
    follow: LinearPattern | None = None  # child sitemaps of an index worth reading
    listing: ListingRules | None = None
    max_pages: int = 1000


USEMBASSY_LISTINGS = ("/news-events/", "/category/press-releases/", "/category/news/", "/category/alert/")
# WordPress's REST API lists every post with its exact publication and modification times, filtered by date on the
# server; tried first where the site runs WordPress. A site that closed it (401/403/404, HTML, rest_no_route) falls
# through to its sitemaps.
WP_REST = DiscoveryStep("wp_rest", "wp-rest", ("/wp-json/wp/v2/posts",))
WP_REST_FAMILIES = ("usembassy", "tagdiv")
FAMILY_PLANS: dict[str, tuple[DiscoveryStep, ...]] = {
    "usembassy": (
        WP_REST,
        DiscoveryStep("yoast_sitemap", "sitemap", ("/sitemap_index.xml",),
                      follow=LinearPattern(r"/post-sitemap\d*\.xml(\.gz)?$")),
        DiscoveryStep("wp_sitemap", "sitemap", ("/wp-sitemap.xml",),
                      follow=LinearPattern(r"/wp-sitemap-posts-post-\d+\.xml(\.gz)?$")),
        DiscoveryStep("feed", "feed", ("/feed/",)),
        DiscoveryStep("listing", "listing", USEMBASSY_LISTINGS, listing=WORDPRESS_LISTING),
    ),
}
# Generic WordPress: what almost every WordPress news site publishes.
DEFAULT_PLAN = (
    DiscoveryStep("sitemap", "sitemap", ("/sitemap_index.xml",),
                  follow=LinearPattern(r"post-sitemap\d*\.xml(\.gz)?$")),
    DiscoveryStep("wp_sitemap", "sitemap", ("/wp-sitemap.xml",), follow=LinearPattern(r"-posts-post-\d+\.xml$")),
    DiscoveryStep("feed", "feed", ("/feed/",)),
)


def did_you_mean(key: str, known: tuple[str, ...] | list[str], *, list_known: bool = True) -> str:
    """The closest known key as a hint, else (with ``list_known``) the known keys."""
    close = difflib.get_close_matches(key, list(known), n=1, cutoff=0.6)
    if close:
        return f"; did you mean {close[0]!r}?"
    return f" (known: {', '.join(known)})" if list_known else ""


def compile_pattern(value: Any, field: str) -> LinearPattern:
    try:
        return LinearPattern(value)
    except PatternError as exc:
        raise PlanError(field, str(exc)) from None


def _step_url(value: Any, field: str, on_site: Callable[[str], bool] | None) -> str:
    """A path on the site, or an absolute URL on the source's own hosts (made a path, so the step follows
    the run's base URL when the site is fetched from a local copy or a mirror)."""
    if not isinstance(value, str) or not value:
        raise PlanError(field, f"a URL is a non-empty string, not {value!r}")
    if not _URL_TEXT.fullmatch(value):
        raise PlanError(field, f"{value!r} holds whitespace, a control character or a '#fragment'")
    if value.startswith("/") and not value.startswith("//"):
        return value
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - raises on a port that is not a number in range
    except ValueError as exc:
        raise PlanError(field, f"{value!r} is not a usable URL: {exc}") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise PlanError(field, f"{value!r} is neither a path starting with '/' nor an http(s) URL")
    if on_site is None:
        return value
    if not on_site(value):
        raise PlanError(field, f"{value!r} is not on the source's own host or mirrors")
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


def _positive_int(value: Any, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise PlanError(field, f"must be a positive integer, not {value!r}")
    return value


def _css(value: Any, field: str, wants: str) -> str:
    try:
        return check_css(value, wants)
    except SelectorProblem as exc:
        raise PlanError(field, str(exc)) from None


def _css_list(value: Any, field: str, wants: str) -> tuple[str, ...]:
    try:
        return check_css_list(value, wants)
    except SelectorProblem as exc:
        raise PlanError(field, str(exc)) from None


def _step(raw: Any, where: str, taken: set[str], on_site: Callable[[str], bool] | None) -> DiscoveryStep:
    if not isinstance(raw, dict):
        raise PlanError(where, f"a step is a table ([[source.discovery]]), not {raw!r}")
    method = raw.get("method")
    if method not in METHODS:
        hint = did_you_mean(method, METHODS, list_known=False) if isinstance(method, str) else ""
        raise PlanError(f"{where} 'method'",
                        f"discovery method must be one of {', '.join(METHODS)}, not {method!r}{hint}")
    for key in raw:
        if key not in STEP_KEYS[method]:
            other = [m for m in METHODS if key in STEP_KEYS[m]]
            why = (f"a {method} step does not use it (it belongs to {' and '.join(other)} steps)" if other
                   else "unknown key" + did_you_mean(key, STEP_KEYS[method]))
            raise PlanError(f"{where} {key!r}", why)
    if "url" in raw and "urls" in raw:
        raise PlanError(f"{where} 'urls'", "give 'url' or 'urls', not both")
    if "urls" in raw:
        if not isinstance(raw["urls"], list) or not raw["urls"]:
            raise PlanError(f"{where} 'urls'", f"must be a non-empty list of paths, not {raw['urls']!r}")
        urls = tuple(_step_url(u, f"{where} 'urls'", on_site) for u in raw["urls"])
    elif "url" in raw:
        urls = (_step_url(raw["url"], f"{where} 'url'", on_site),)
    else:
        raise PlanError(f"{where} 'url'", f"a {method} step needs 'url' or 'urls' (paths starting with '/')")
    if len(set(urls)) != len(urls):
        raise PlanError(f"{where} 'urls'", "lists the same URL twice")
    name = raw.get("name", method)
    if not isinstance(name, str) or not _STEP_NAME.fullmatch(name):
        raise PlanError(f"{where} 'name'", f"a step name is lowercase letters, digits and '_', not {name!r}")
    base, n = name, 1
    while name in taken:
        n += 1
        name = f"{base}{n}"
    taken.add(name)
    follow = compile_pattern(raw["follow"], f"{where} 'follow'") if "follow" in raw else None
    listing = None
    if method == "listing":
        if "entry_date" in raw and "entry" not in raw:
            raise PlanError(f"{where} 'entry_date'", "is read inside each 'entry', and the step has no 'entry'; "
                                                     "for one date per page use 'page_date'")
        listing = ListingRules(
            link=_css(raw["links"], f"{where} 'links'", VALUE) if "links" in raw else "a::attr(href)",
            entry=_css(raw["entry"], f"{where} 'entry'", ELEMENT) if "entry" in raw else None,
            date=_css_list(raw["entry_date"], f"{where} 'entry_date'", VALUE) if "entry_date" in raw else (),
            next_page=(_css_list(raw["next_page"], f"{where} 'next_page'", VALUE) if "next_page" in raw
                       else ListingRules().next_page),
            page_date=_css_list(raw["page_date"], f"{where} 'page_date'", VALUE) if "page_date" in raw else (),
        )
    max_pages = _positive_int(raw["max_pages"], f"{where} 'max_pages'") if "max_pages" in raw else 1000
    return DiscoveryStep(name, method, urls, follow=follow, listing=listing, max_pages=max_pages)


def discovery_plan(
    source_name: str, family: str, extra: dict[str, Any], on_site: Callable[[str], bool] | None = None
) -> tuple[DiscoveryStep, ...]:
    """The source's steps: its own ``discovery`` list, else its family's, else generic WordPress.

    With ``on_site`` (the registry passes the source's own test at load), an absolute step URL must be on the
    source's hosts and becomes a path.
    """
    if "discovery" not in extra:
        plan = FAMILY_PLANS.get(family, DEFAULT_PLAN)
    else:
        raw_steps = extra["discovery"]
        if not isinstance(raw_steps, list) or not raw_steps:
            raise PlanError("'discovery'", "must be a non-empty list of tables ([[source.discovery]]), not "
                            f"{raw_steps!r}; leave it out to use the family's plan")
        taken: set[str] = set()
        plan = tuple(_step(raw, f"'discovery' step {i + 1}", taken, on_site) for i, raw in enumerate(raw_steps))
    if family in WP_REST_FAMILIES and not any(step.method == "wp-rest" for step in plan):
        plan = (WP_REST, *plan)  # the WordPress families always try the API first
    return plan


def plan_as_registry(plan: tuple[DiscoveryStep, ...], raw_steps: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The registry's steps with each step's URLs as the plan resolved them (absolute same-site URLs made
    paths), so a plan rebuilt later from them, for another base URL, fetches from that base URL."""
    cleaned = []
    if len(plan) == len(raw_steps) + 1 and plan[0] is WP_REST:
        plan = plan[1:]  # the API step the WordPress families add in front of their own steps
    for step, raw in zip(plan, raw_steps, strict=True):
        entry = {k: v for k, v in raw.items() if k not in ("url", "urls")}
        entry["urls"] = list(step.urls)
        cleaned.append(entry)
    return cleaned


def article_pattern(source_name: str, extra: dict[str, Any]) -> LinearPattern | None:
    """Which URLs (path and ``?query``) are articles; matched by RE2, in linear time."""
    if "article_pattern" not in extra:
        return None
    return compile_pattern(extra["article_pattern"], "'article_pattern'")


def url_rewrites(source_name: str, extra: dict[str, Any]) -> tuple[UrlRewrite, ...]:
    """``url_rewrites = [["regex", "replacement"], ...]`` applied to path+query (e.g. a malformed duplicate path).

    Each pattern is compiled by RE2 and each replacement's group references are checked against it, so
    applying a rewrite at run time cannot fail.
    """
    raw = extra.get("url_rewrites", [])
    if not isinstance(raw, list):
        raise PlanError("'url_rewrites'", f"must be a list of [regex, replacement] pairs, not {raw!r}")
    out = []
    for i, pair in enumerate(raw, 1):
        field = f"'url_rewrites' entry {i}"
        if not (isinstance(pair, list) and len(pair) == 2 and all(isinstance(p, str) for p in pair)):
            raise PlanError(field, f"entries are [regex, replacement] pairs of strings, not {pair!r}")
        try:
            out.append(compile_rewrite(pair[0], pair[1]))
        except PatternError as exc:
            raise PlanError(field, str(exc)) from None
    return tuple(out)
