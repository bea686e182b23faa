"""The US diplomatic missions' WordPress network (``<cc>.usembassy.gov`` and its sister hosts).

Discovery per site, each method tried only when the one before found nothing:

1. Yoast's sitemap index ``/sitemap_index.xml`` -> ``post-sitemap*.xml`` (complete, with ``lastmod``);
2. WordPress core's ``/wp-sitemap.xml`` -> ``wp-sitemap-posts-post-N.xml``;
3. the RSS feed ``/feed/`` and then the listing pages (``/news-events/page/N/``, ``/category/<slug>/page/N/``):
   a feed carries only the newest posts, so the listings are always walked after it for the rest.

``-a since=YYYY-MM-DD`` skips posts whose sitemap ``lastmod``, feed date or listing date is older, before
fetching them; ``-a limit=N`` caps articles per site (newest first where dates are known).
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from typing import Any

from scrapy.http import Request, Response
from twisted.python.failure import Failure

from archiver import outcomes
from archiver.discovery import Entry
from archiver.discovery.feeds import FeedError, parse_feed
from archiver.discovery.listings import parse_listing
from archiver.discovery.sitemaps import SitemapError, parse_sitemap
from archiver.sources import Source
from archiver.spiders.base import ArchiveSpider

SITEMAP_STEPS = (
    ("yoast_sitemap", "/sitemap_index.xml", re.compile(r"/post-sitemap\d*\.xml(\.gz)?$")),
    ("wp_sitemap", "/wp-sitemap.xml", re.compile(r"/wp-sitemap-posts-post-\d+\.xml(\.gz)?$")),
)
DEFAULT_LISTINGS = ("/news-events/", "/category/press-releases/", "/category/news/", "/category/alert/")
# Paths that are never posts on these sites, whatever links point to them.
NOT_POSTS = re.compile(r"^/(category|tag|author|page|feed|wp-content|wp-json|wp-admin|news-events)(/|$)")


def newest_first(entries: list[Entry]) -> list[Entry]:
    """Entries with known dates newest first, undated ones after, so a limit keeps the most recent posts."""
    return sorted(entries, key=lambda e: (e.day is None, -(e.day.toordinal() if e.day else 0)))


class EmbassySpider(ArchiveSpider):
    name = "embassy"
    source_kind = "embassy"
    source_argument = "site"
    max_listing_pages = 1000

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._pending_sitemaps: Counter[str] = Counter()
        self._sitemap_entries: defaultdict[str, list[Entry]] = defaultdict(list)

    def discover(self, source: Source) -> Iterable[Request]:
        yield self._sitemap_step(source, 0)

    # -- 1 and 2: sitemaps ----------------------------------------------------------------------------

    def _sitemap_step(self, source: Source, index: int) -> Request:
        if index >= len(SITEMAP_STEPS):
            return self._feed_request(source)
        step, path, _ = SITEMAP_STEPS[index]
        return Request(
            source.base_url + path,
            callback=self.parse_sitemap_index,
            errback=self.sitemap_failed,
            meta={"source": source.name, "step": index, "step_name": step},
        )

    def sitemap_failed(self, failure: Failure) -> Iterator[Request]:
        self.on_discovery_error(failure)
        request = failure.request  # type: ignore[attr-defined]
        source = self.sources_by_name[request.meta["source"]]
        yield self._sitemap_step(source, request.meta["step"] + 1)

    def parse_sitemap_index(self, response: Response) -> Iterator[Request]:
        source = self.sources_by_name[response.meta["source"]]
        index = response.meta["step"]
        step, _, child_pattern = SITEMAP_STEPS[index]
        requests: list[Request] = []
        try:
            parsed = parse_sitemap(response.body, max_size=self.settings.getint("DOWNLOAD_MAXSIZE"))
        except SitemapError as exc:
            self._discovery_unusable(source, step, response.url, str(exc))
        else:
            if parsed.kind == "urlset":
                requests = list(self._articles_from_sitemap(source, parsed.entries, step))
            else:
                for child in parsed.entries:
                    if not child_pattern.search(child.url.split("?")[0]):
                        continue
                    if self.is_too_old(child):
                        outcomes.count(self.crawler.stats, source.name, "discovery", "skipped_since")
                        continue
                    requests.append(
                        Request(
                            child.url,
                            callback=self.parse_post_sitemap,
                            errback=self.post_sitemap_failed,
                            meta={"source": source.name, "step_name": step},
                        )
                    )
                self._pending_sitemaps[source.name] = len(requests)
            if not requests:
                self._discovery_unusable(source, step, response.url, "no post sitemaps or posts listed")
        if requests:
            outcomes.count(self.crawler.stats, source.name, "discovery", "method", step)
            yield from requests
        else:
            yield self._sitemap_step(source, index + 1)

    def parse_post_sitemap(self, response: Response) -> Iterator[Request]:
        source = self.sources_by_name[response.meta["source"]]
        try:
            parsed = parse_sitemap(response.body, max_size=self.settings.getint("DOWNLOAD_MAXSIZE"))
        except SitemapError as exc:
            outcomes.count(self.crawler.stats, source.name, "discovery", "invalid_sitemap")
            outcomes.note_once(self.crawler.stats, "invalid sitemap", response.url, str(exc))
        else:
            if parsed.malformed:
                outcomes.count(self.crawler.stats, source.name, "discovery", "invalid_sitemap")
                outcomes.note_once(
                    self.crawler.stats, "malformed sitemap (using the entries before the error)", response.url,
                    parsed.malformed,
                )
            self._sitemap_entries[source.name].extend(parsed.entries)
        yield from self._post_sitemap_done(source, response.meta["step_name"])

    def post_sitemap_failed(self, failure: Failure) -> Iterator[Request]:
        self.on_discovery_error(failure)
        request = failure.request  # type: ignore[attr-defined]
        yield from self._post_sitemap_done(self.sources_by_name[request.meta["source"]], request.meta["step_name"])

    def _post_sitemap_done(self, source: Source, via: str) -> Iterator[Request]:
        """Once every post sitemap of a site is read, schedule its posts newest first (so ``limit`` keeps the
        most recent posts of the whole site, not of whichever sitemap arrived first)."""
        self._pending_sitemaps[source.name] -= 1
        if self._pending_sitemaps[source.name] > 0:
            return
        entries = self._sitemap_entries.pop(source.name, [])
        yield from self._articles_from_sitemap(source, entries, via)

    def _articles_from_sitemap(self, source: Source, entries: list[Entry], via: str) -> Iterator[Request]:
        for entry in newest_first(entries):
            if self.limit_reached(source):
                return
            request = self.article_request(source, entry, via)
            if request is not None:
                yield request

    def _discovery_unusable(self, source: Source, step: str, url: str, why: str) -> None:
        outcomes.count(self.crawler.stats, source.name, "discovery", "failed", step)
        outcomes.note_once(self.crawler.stats, f"{step} unusable, trying the next method", url, why)

    # -- 3: feed, then listings -----------------------------------------------------------------------

    def _feed_request(self, source: Source) -> Request:
        return Request(
            source.base_url + "/feed/",
            callback=self.parse_feed,
            errback=self.feed_failed,
            meta={"source": source.name, "step_name": "feed"},
        )

    def feed_failed(self, failure: Failure) -> Iterator[Request]:
        self.on_discovery_error(failure)
        source = self.sources_by_name[failure.request.meta["source"]]  # type: ignore[attr-defined]
        yield from self._listing_requests(source)

    def parse_feed(self, response: Response) -> Iterator[Request]:
        source = self.sources_by_name[response.meta["source"]]
        try:
            entries = parse_feed(response.body)
        except FeedError as exc:
            self._discovery_unusable(source, "feed", response.url, str(exc))
            entries = []
        if entries:
            outcomes.count(self.crawler.stats, source.name, "discovery", "method", "feed")
        for entry in entries:
            request = self.article_request(source, entry, "feed")
            if request is not None:
                yield request
        yield from self._listing_requests(source)

    def _listing_requests(self, source: Source) -> Iterator[Request]:
        if self.limit_reached(source):
            return
        for path in source.extra.get("listing_paths", DEFAULT_LISTINGS):
            yield Request(
                source.base_url + path,
                callback=self.parse_listing,
                errback=self.on_discovery_error,
                meta={"source": source.name, "listing_page": 1, "step_name": "listing"},
            )

    def parse_listing(self, response: Response) -> Iterator[Request]:
        source = self.sources_by_name[response.meta["source"]]
        listing = parse_listing(response.text if hasattr(response, "text") else "", response.url)
        outcomes.count(self.crawler.stats, source.name, "discovery", "listing_pages")
        all_too_old = bool(listing.entries) and all(self.is_too_old(e) for e in listing.entries)
        for entry in listing.entries:
            path = "/" + entry.url.split("://", 1)[-1].split("/", 1)[-1] if "://" in entry.url else entry.url
            if NOT_POSTS.match(path):
                continue
            request = self.article_request(source, entry, "listing")
            if request is not None:
                yield request
        page = response.meta["listing_page"]
        if listing.next_url and not all_too_old and not self.limit_reached(source):
            if page >= self.max_listing_pages:
                outcomes.note_once(self.crawler.stats, "listing page cap reached", response.url)
                return
            yield Request(
                listing.next_url,
                callback=self.parse_listing,
                errback=self.on_discovery_error,
                meta={"source": source.name, "listing_page": page + 1, "step_name": "listing"},
            )

    def parse(self, response: Response, **kwargs: Any) -> Any:  # pragma: no cover - not used
        return None
