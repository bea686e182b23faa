"""Redirects and meta refreshes judged by the request's source, and every way they end given a name.

Scrapy's redirect middlewares follow a ``Location`` (or ``<meta http-equiv=refresh>``) and leave the rest to
the scheduler: an off-site target is dropped by the offsite check, a target already seen (a loop A -> B -> A, a
page that refreshes to itself) by the duplicate filter, and neither calls the request's errback, so the page
vanishes uncounted. Their domain check also knows host names only, so a crawl of ``http://127.0.0.1:PORT``
cannot tell the site from another server on the same host.

These subclasses decide before the scheduler does, with the request's own source (``request.meta["source"]``
looked up in ``spider.sources_by_name``): ``Source.fetch_address`` says whether the target is on the site's
hosts and port and where to fetch it in this run (the registry's address and mirrors map to the run's base
URL, so a crawl of a local copy never leaves it for the real site). A target elsewhere fails as
``OffsiteRedirect``; one that comes back to a URL of the same chain as ``RedirectLoop``; one past
``REDIRECT_MAX_TIMES`` as ``TooManyRedirects``; an unparsable ``Location`` as ``InvalidRedirect``. The spiders
count each as a drop reason. A followed redirect skips the duplicate filter (loops and chain length are
bounded here), so a target that another URL also reached is fetched and counted (``duplicate_url``) rather
than dropped unseen.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from scrapy.downloadermiddlewares.redirect import MetaRefreshMiddleware, RedirectMiddleware
from scrapy.http import Request, Response
from w3lib.url import canonicalize_url

from archiver.sources import Source


class OffsiteRedirect(Exception):
    """A redirect to another host, or another port of the site's host."""


class RedirectLoop(Exception):
    """A redirect back to a URL already visited in the same chain (including the page itself)."""


class TooManyRedirects(Exception):
    """A chain longer than REDIRECT_MAX_TIMES."""


class InvalidRedirect(Exception):
    """A ``Location`` or refresh target that is not a usable URL."""


def _same_page(a: str, b: str) -> bool:
    return canonicalize_url(a) == canonicalize_url(b)


def _mirror_hint(source: Source, url: str) -> str:
    """A word for the operator when a site moves to a related host (``www.``, or back to the bare domain)."""
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        return ""
    related = any(host.endswith(f".{own}") or own.endswith(f".{host}") for own in source.hosts if own and host)
    return f"; if {host} serves the same site, list it in the source's mirrors" if related else ""


class SiteRedirectMixin:
    """The judgement shared by 3xx redirects and meta refreshes, at Scrapy's single redirect step."""

    crawler: Any
    max_redirect_times: int

    def _source(self, request: Request) -> Source | None:
        if request.meta.get("allow_offsite"):
            return None
        sources = getattr(self.crawler.spider, "sources_by_name", None) or {}
        return sources.get(request.meta.get("source"))

    def _redirect(self, redirected: Request, request: Request, reason: Any) -> Request:
        kind = "meta refresh" if reason == "meta refresh" else f"{reason} redirect"
        history = [*request.meta.get("redirect_urls", []), request.url]
        # The errback sees the last request of a chain; name the URL the chain began at too.
        began = f"; the chain began at {history[0]}" if len(history) > 1 else ""
        source = self._source(request)
        if source is not None:
            address = source.fetch_address(redirected.url)
            if address is None:
                raise OffsiteRedirect(f"{kind} to {redirected.url}, off {source.name}'s site{began}"
                                      f"{_mirror_hint(source, redirected.url)}")
            if address != redirected.url:
                redirected = redirected.replace(url=address)
        if any(_same_page(redirected.url, seen) for seen in history):
            back = "to itself" if _same_page(redirected.url, request.url) else f"back to {redirected.url}"
            raise RedirectLoop(f"{kind} {back}{began}")
        redirects = int(request.meta.get("redirect_times", 0)) + 1
        ttl = request.meta.get("redirect_ttl", self.max_redirect_times)
        if not ttl or redirects > self.max_redirect_times:
            raise TooManyRedirects(f"{kind} number {redirects} (REDIRECT_MAX_TIMES is {self.max_redirect_times})"
                                   f" to {redirected.url}{began}")
        followed = super()._redirect(redirected, request, reason)  # type: ignore[misc]
        if source is not None:
            followed.dont_filter = True
        return followed

    def process_response(self, request: Request, response: Response) -> Request | Response:
        try:
            return super().process_response(request, response)  # type: ignore[misc]
        except ValueError as exc:  # an unparsable target ("http://[broken/"), found while joining it
            raise InvalidRedirect(f"unusable redirect target: {exc}") from exc


class SiteRedirectMiddleware(SiteRedirectMixin, RedirectMiddleware):
    """Scrapy's 3xx RedirectMiddleware, judged by the request's source."""


class SiteMetaRefreshMiddleware(SiteRedirectMixin, MetaRefreshMiddleware):
    """Scrapy's MetaRefreshMiddleware, judged by the request's source (it sees the decoded body)."""
