"""Discovery driven by the sources registry: one engine for every family and every news site.

Each source has a plan (``archiver.discovery.plan``): sitemap, feed and listing steps in order of preference.
The engine runs a step, counts what it discovered, and moves to the next step only when the step found
nothing, or when the step was a feed (a feed carries only the newest posts, so the listings after it are
walked for the rest). Sitemap entries are gathered across all child sitemaps of a step and requested newest
first, so ``limit`` keeps a site's most recent posts. ``since`` drops entries whose date (sitemap ``lastmod``,
feed date, listing date) is older, before any request is made.
"""

from __future__ import annotations

import logging
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from urllib.parse import urlsplit

from scrapy.http import Request, Response
from twisted.python.failure import Failure

from archiver import outcomes
from archiver.challenges import detect_challenge
from archiver.discovery import Entry
from archiver.discovery.feeds import FeedError, parse_feed
from archiver.discovery.listings import parse_listing
from archiver.discovery.plan import DiscoveryStep
from archiver.discovery.sitemaps import SitemapError, parse_sitemap
from archiver.sources import Source
from archiver.spiders.base import ArchiveSpider

logger = logging.getLogger(__name__)

Key = tuple[str, int]  # (source name, step index)


def newest_first(entries: list[Entry]) -> list[Entry]:
    """Entries with known dates newest first, undated ones after, so a limit keeps the most recent posts."""
    return sorted(entries, key=lambda e: (e.day is None, -(e.day.toordinal() if e.day else 0)))


def path_and_query(url: str) -> str:
    parts = urlsplit(url)
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


class RegistrySpider(ArchiveSpider):
    """Runs each source's discovery plan; subclasses fix the kind of source and the argument name."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self._pending: Counter[Key] = Counter()
        self._discovered: Counter[Key] = Counter()
        self._sitemap_entries: defaultdict[Key, list[Entry]] = defaultdict(list)

    # -- the plan ---------------------------------------------------------------------------------------

    def discover(self, source: Source) -> Iterable[Request]:
        yield from self._run_step(source, 0)

    def _run_step(self, source: Source, index: int) -> Iterator[Request]:
        if index >= len(source.plan):
            if not sum(v for (name, _), v in self._discovered.items() if name == source.name):
                outcomes.count(self.crawler.stats, source.name, "discovery", "nothing_found")
                logger.warning("%s: no articles discovered by any method (%s)", source.name,
                               ", ".join(s.name for s in source.plan))
            return
        step = source.plan[index]
        callback = {"sitemap": self.parse_sitemap, "feed": self.parse_feed, "listing": self.parse_listing}[step.method]
        for url in step.urls:
            self._pending[(source.name, index)] += 1
            yield Request(
                source.base_url + url if url.startswith("/") else url,
                callback=callback,
                errback=self.discovery_failed,
                meta={"source": source.name, "step": index, "step_name": step.name, "listing_page": 1},
            )

    def _document_done(self, source: Source, index: int) -> Iterator[Request]:
        """One discovery document of a step is handled; when it was the last, finish the step."""
        key = (source.name, index)
        self._pending[key] -= 1
        if self._pending[key] > 0:
            return
        step = source.plan[index]
        if step.method == "sitemap":
            yield from self._schedule(source, newest_first(self._sitemap_entries.pop(key, [])), step)
        if self._discovered[key]:
            outcomes.count(self.crawler.stats, source.name, "discovery", "method", step.name)
        else:
            outcomes.count(self.crawler.stats, source.name, "discovery", "failed", step.name)
            logger.info("%s: %s found no articles; trying the next method", source.name, step.name)
        if not self._discovered[key] or step.method == "feed":
            yield from self._run_step(source, index + 1)

    def _context(self, response_or_request: Response | Request) -> tuple[Source, int, DiscoveryStep]:
        source = self.sources_by_name[response_or_request.meta["source"]]
        index = response_or_request.meta["step"]
        return source, index, source.plan[index]

    def discovery_failed(self, failure: Failure) -> Iterator[Request]:
        self.on_discovery_error(failure)
        source, index, _ = self._context(failure.request)  # type: ignore[attr-defined]
        yield from self._document_done(source, index)

    def _challenged(self, response: Response, source: Source) -> bool:
        kind = detect_challenge(response.status, response.headers, response.body)
        if kind:
            self.count_challenge(source.name, response.url, kind)
        return bool(kind)

    # -- entries to requests ----------------------------------------------------------------------------

    def is_article_url(self, source: Source, url: str) -> bool:
        pattern = source.article_pattern
        return pattern.search(path_and_query(url)) is not None if pattern else self.default_is_article(url)

    def default_is_article(self, url: str) -> bool:
        return path_and_query(url) != "/"

    def _keep(self, source: Source, entry: Entry) -> Entry | None:
        """The entry at its canonical address if it is an article of this source, else None."""
        if urlsplit(entry.url).hostname not in source.hosts:
            outcomes.count(self.crawler.stats, source.name, "discovery", "offsite_link")
            return None
        url = source.primary_url(entry.url)
        if not self.is_article_url(source, url):
            return None
        return Entry(url=url, day=entry.day, raw_date=entry.raw_date)

    def _schedule(self, source: Source, entries: list[Entry], step: DiscoveryStep) -> Iterator[Request]:
        hints = {"timezone": source.timezone} if source.timezone else {}
        for entry in entries:
            if self.limit_reached(source):
                return
            request = self.article_request(source, entry, step.name if step.method != "listing" else "listing",
                                           hints, from_sitemap=step.method == "sitemap")
            if request is not None:
                yield request

    # -- readers ----------------------------------------------------------------------------------------

    def parse_sitemap(self, response: Response) -> Iterator[Request]:
        source, index, step = self._context(response)
        key = (source.name, index)
        if not self._challenged(response, source):
            try:
                parsed = parse_sitemap(response.body, max_size=self.settings.getint("DOWNLOAD_MAXSIZE"))
            except SitemapError as exc:
                outcomes.count(self.crawler.stats, source.name, "discovery", "invalid_sitemap")
                outcomes.note_once(self.crawler.stats, f"{step.name} unusable", response.url, str(exc))
            else:
                if parsed.malformed:
                    outcomes.count(self.crawler.stats, source.name, "discovery", "invalid_sitemap")
                    outcomes.note_once(self.crawler.stats, "malformed sitemap (using the entries before the error)",
                                       response.url, parsed.malformed)
                if parsed.kind == "sitemapindex":
                    yield from self._follow_children(source, index, step, parsed.entries)
                else:
                    kept = [e for e in (self._keep(source, e) for e in parsed.entries) if e]
                    self._discovered[key] += len(kept)
                    self._sitemap_entries[key].extend(kept)
        yield from self._document_done(source, index)

    def _follow_children(
        self, source: Source, index: int, step: DiscoveryStep, children: list[Entry]
    ) -> Iterator[Request]:
        for child in children:
            if step.follow and not step.follow.search(child.url.split("?")[0]):
                continue
            if self.is_too_old(child):
                outcomes.count(self.crawler.stats, source.name, "discovery", "skipped_since")
                self._discovered[(source.name, index)] += 1  # the sitemap works; it just has nothing new
                continue
            self._pending[(source.name, index)] += 1
            yield Request(child.url, callback=self.parse_sitemap, errback=self.discovery_failed,
                          meta={"source": source.name, "step": index, "step_name": step.name})

    def parse_feed(self, response: Response) -> Iterator[Request]:
        source, index, step = self._context(response)
        if not self._challenged(response, source):
            try:
                entries = parse_feed(response.body)
            except FeedError as exc:
                outcomes.note_once(self.crawler.stats, f"{step.name} unusable", response.url, str(exc))
                entries = []
            kept = [e for e in (self._keep(source, e) for e in entries) if e]
            self._discovered[(source.name, index)] += len(kept)
            yield from self._schedule(source, kept, step)
        yield from self._document_done(source, index)

    def parse_listing(self, response: Response) -> Iterator[Request]:
        source, index, step = self._context(response)
        if not self._challenged(response, source) and step.listing is not None:
            outcomes.count(self.crawler.stats, source.name, "discovery", "listing_pages")
            listing = parse_listing(getattr(response, "text", ""), response.url, step.listing)
            kept = [e for e in (self._keep(source, e) for e in listing.entries) if e]
            self._discovered[(source.name, index)] += len(kept)
            yield from self._schedule(source, kept, step)
            page = response.meta["listing_page"]
            all_too_old = bool(kept) and all(self.is_too_old(e) for e in kept)
            if listing.next_url and not all_too_old and not self.limit_reached(source):
                if page >= step.max_pages:
                    outcomes.note_once(self.crawler.stats, "listing page cap reached", response.url)
                elif urlsplit(listing.next_url).hostname in source.hosts:
                    self._pending[(source.name, index)] += 1
                    yield Request(listing.next_url, callback=self.parse_listing, errback=self.discovery_failed,
                                  meta={**response.meta, "listing_page": page + 1})
        yield from self._document_done(source, index)
