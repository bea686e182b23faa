"""Discovery driven by the sources registry: one engine for every family and every news site.

Each source has a plan (``archiver.discovery.plan``): sitemap, feed and listing steps in order of preference.
The engine runs a step, counts what it discovered, and moves to the next step only when the step found
nothing, or when the step was a feed (a feed carries only the newest posts, so the listings after it are
walked for the rest). Sitemap entries are gathered across all child sitemaps of a step and offered newest
first, so ``limit`` keeps a site's most recent posts. ``since`` drops entries whose date (sitemap ``lastmod``,
feed date, listing date) is older, before any request is made.

A step is finished when every document it asked for is settled, and each document is settled exactly once,
whatever happens to it: read, failed (errback), refused before it was asked for (off-site, too long, already
read: a cycle of sitemap indexes), unreadable (its parse raised), or dropped by Scrapy without any callback
(given up after Scrapy has had nothing in flight for ``ARCHIVER_STALL_SECONDS``). So a bad document costs
only itself: the step completes, and a step that found nothing falls through to the next method.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlencode, urljoin, urlsplit

from scrapy.http import Request, Response
from twisted.python.failure import Failure

from archiver import outcomes
from archiver.challenges import detect_challenge
from archiver.discovery import Entry, parse_loose_date
from archiver.discovery.feeds import FeedError, parse_feed
from archiver.discovery.listings import parse_listing
from archiver.discovery.plan import DiscoveryStep
from archiver.discovery.sitemaps import SitemapError, parse_sitemap
from archiver.sources import Source
from archiver.spiders.base import ArchiveSpider, request_length

logger = logging.getLogger(__name__)

Key = tuple[str, int]  # (source name, step index)
Parse = Callable[[Response, DiscoveryStep], Any]  # pure: runs on a thread
Reader = Callable[[Response, Source, int, DiscoveryStep, Any], None]  # what was parsed (or the parser's error)


def newest_first(entries: list[Entry]) -> list[Entry]:
    """Entries with known dates newest first, undated ones after, so a limit keeps the most recent posts."""
    return sorted(entries, key=lambda e: (e.day is None, -(e.day.toordinal() if e.day else 0)))


def path_and_query(url: str) -> str:
    parts = urlsplit(url)
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


@dataclass
class StepRun:
    """One discovery step of one source in this run."""

    pending: int = 0  # documents asked for and not yet settled
    found: int = 0  # on-site article URLs its documents listed (whatever became of them)
    works: bool = False  # the API answered an incremental request as it should, even if it listed nothing
    failed: int = 0  # documents that failed after being asked for (errors, unreadable, a repeated API page)
    last_page: tuple[Any, ...] = ()  # the post ids of the API page read last (a repeated page ends paging)
    sitemap_entries: list[Entry] = field(default_factory=list)  # held back to be offered newest first


class RegistrySpider(ArchiveSpider):
    """Runs each source's discovery plan; subclasses fix the kind of source and the argument name."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self._steps: dict[Key, StepRun] = {}
        self._documents: dict[int, Key] = {}  # open documents: id -> step
        self._document_ids = itertools.count(1)
        self._documents_seen: dict[str, set[str]] = {}
        self._finished: set[str] = set()

    @property
    def stall_seconds(self) -> float:
        return self.settings.getfloat("ARCHIVER_STALL_SECONDS", 5.0)

    # -- the plan ---------------------------------------------------------------------------------------

    def begin_discovery(self, source: Source) -> None:
        self._documents_seen[source.name] = set()
        self._start_step(source, 0)

    def discovery_finished(self) -> bool:
        return len(self._finished) == len(self.sources)

    def _start_step(self, source: Source, index: int) -> None:
        if index >= len(source.plan):
            self._finish_source(source)
            return
        key = (source.name, index)
        self._steps[key] = StepRun()
        for url in source.plan[index].urls:
            # A base URL may carry a path (a site served under a folder): plan paths are relative to it.
            absolute = source.base_url + url if url.startswith("/") else urljoin(source.base_url + "/", url)
            if source.plan[index].method == "wp-rest":
                absolute = self._rest_page_url(source, absolute, 1)
            self._request_document(source, index, absolute, listing_page=1,
                                   incremental="modified_after=" in absolute)
        if not self._steps[key].pending:  # every document was refused before it was asked for
            self._step_done(source, index)

    def _step_done(self, source: Source, index: int) -> None:
        step, run = source.plan[index], self._steps[(source.name, index)]
        if step.method == "sitemap":
            entries, run.sitemap_entries = run.sitemap_entries, []
            self._offer_entries(source, index, newest_first(entries))
        stats = self.crawler.stats
        if (run.found or run.works) and run.failed:
            # the step worked, but some of its documents did not: the posts they list were never discovered
            outcomes.count(stats, source.name, "discovery", "incomplete", step.name, value=run.failed)
            logger.warning("%s: %d %s document(s) failed; the posts they list were not discovered this run",
                           source.name, run.failed, step.name)
        if run.found or run.works:
            outcomes.count(stats, source.name, "discovery", "method", step.name)
        else:
            outcomes.count(stats, source.name, "discovery", "failed", step.name)
            logger.info("%s: %s found no articles; trying the next method", source.name, step.name)
        if not (run.found or run.works) or step.method == "feed":
            self._start_step(source, index + 1)
        else:
            self._finish_source(source)

    def _finish_source(self, source: Source) -> None:
        self._finished.add(source.name)
        if not any(run.found or run.works for (name, _), run in self._steps.items() if name == source.name):
            outcomes.count(self.crawler.stats, source.name, "discovery", "nothing_found")
            logger.warning("%s: no articles discovered by any method (%s)", source.name,
                           ", ".join(s.name for s in source.plan))
        self.poke()

    # -- documents --------------------------------------------------------------------------------------

    def _request_document(self, source: Source, index: int, url: str, **meta: Any) -> bool:
        """Ask for a discovery document, or count why not. True when it was asked for."""
        step = source.plan[index]
        stats = self.crawler.stats
        reason = None
        try:
            urlsplit(url).port  # noqa: B018 - raises on an unparsable host or port
            address = source.fetch_address(url, rewrite=False)
        except ValueError:
            address, reason = None, "bad_url"
        if reason:
            pass
        elif address is None:
            reason = "offsite_document"
        elif request_length(address) > self.url_length_limit:
            reason = "url_too_long"
        elif address in self._documents_seen[source.name]:
            outcomes.count(stats, source.name, "discovery", "repeated_documents")
            outcomes.note_once(stats, "discovery document already read (a cycle or a repeat)", url,
                               level=logging.INFO)
            return False
        if reason is None:
            callback = {"sitemap": self.parse_sitemap, "feed": self.parse_feed,
                        "listing": self.parse_listing, "wp-rest": self.parse_wp_rest}[step.method]
            document = next(self._document_ids)
            try:
                request = Request(
                    address, callback=callback, errback=self.discovery_failed, dont_filter=True,
                    meta={**meta, "source": source.name, "step": index, "step_name": step.name,
                          "document": document},
                )
            except (TypeError, ValueError) as exc:
                reason = "bad_url"
                outcomes.note_once(stats, f"{step.name} document unusable", url, str(exc), level=logging.INFO)
        if reason is not None:
            outcomes.count(stats, source.name, "discovery", "errors", reason)
            outcomes.note_once(stats, f"{step.name} document not requested ({reason})", url, level=logging.INFO)
            return False
        self._documents_seen[source.name].add(address)  # type: ignore[arg-type]
        self._documents[document] = (source.name, index)
        self._steps[(source.name, index)].pending += 1
        outcomes.count(stats, source.name, "discovery", "documents")
        self._outbox.append(request)
        self.poke()
        return True

    def _settle_document(self, meta: dict[str, Any]) -> Key | None:
        """The step of a document that was open, now settled; None when it was settled already."""
        return self._documents.pop(meta.get("document", 0), None)

    def _failed_document(self, source: str, index: int, reason: str) -> None:
        """Count a document that was asked for and failed (its step then knows it is incomplete)."""
        outcomes.count(self.crawler.stats, source, "discovery", "errors", reason)
        self._steps[(source, index)].failed += 1

    def _document_done(self, key: Key) -> None:
        source = self.sources_by_name[key[0]]
        run = self._steps[key]
        run.pending -= 1
        if run.pending == 0:
            self._step_done(source, key[1])

    async def _read_document(self, response: Response, parse: Parse, reader: Reader) -> None:
        """Parse a document on a thread (a sitemap of 200,000 URLs takes seconds, which would stall every crawl
        on the reactor), then apply it; whatever happens, the document is settled once and its step goes on."""
        key = self._settle_document(response.meta)
        if key is None:
            return
        source = self.sources_by_name[key[0]]
        try:
            if not self._challenged(response, source):
                step = source.plan[key[1]]
                parsed = await asyncio.to_thread(_parsed_or_error, parse, response, step)
                reader(response, source, key[1], step, parsed)
        except Exception as exc:  # a document we cannot read is one failed document, never a stalled source
            self._failed_document(source.name, key[1], "unreadable")
            logger.warning("%s: could not read discovery document %s: %r", source.name, response.url, exc,
                           exc_info=True)
        finally:
            self._document_done(key)

    def discovery_failed(self, failure: Failure) -> None:
        request = failure.request  # type: ignore[attr-defined]
        key = self._settle_document(request.meta)
        if key is None:
            return
        self.on_discovery_error(failure)
        self._steps[key].failed += 1
        self._document_done(key)

    def on_request_dropped(self, request: Request, spider: Any = None) -> None:
        key = self._settle_document(request.meta)
        if key is None:
            super().on_request_dropped(request, spider)
            return
        self._failed_document(key[0], key[1], "dropped_by_scrapy")
        self._document_done(key)

    def check_stalled_discovery(self, quiet_for: float) -> None:
        """Give up on documents Scrapy dropped without any callback: nothing is in flight, yet they are open."""
        if not self._documents or quiet_for < self.stall_seconds:
            return
        for document, key in list(self._documents.items()):
            del self._documents[document]
            self._failed_document(key[0], key[1], "lost")
            logger.warning("%s: a %s document never came back from Scrapy; going on without it", key[0],
                           self.sources_by_name[key[0]].plan[key[1]].name)
            self._document_done(key)

    def _challenged(self, response: Response, source: Source) -> bool:
        kind = detect_challenge(response.status, response.headers, response.body)
        if kind:
            outcomes.count(self.crawler.stats, source.name, "challenges")
            outcomes.count(self.crawler.stats, source.name, "challenges", kind)
            self._failed_document(source.name, response.meta["step"], "challenge")
            outcomes.note_once(self.crawler.stats, "challenge", response.url,
                               f"{kind} bot check instead of a discovery document; not bypassed")
        return bool(kind)

    # -- entries ----------------------------------------------------------------------------------------

    def is_article_url(self, source: Source, url: str) -> bool:
        pattern = source.article_pattern
        return pattern.search(path_and_query(url)) is not None if pattern else self.default_is_article(url)

    def default_is_article(self, url: str) -> bool:
        return path_and_query(url) != "/"

    @staticmethod
    def _address(source: Source, url: str) -> tuple[str | None, bool]:
        """Where to fetch an entry's URL (None when off-site), and whether the URL is unusable."""
        try:
            parts = urlsplit(url)
            parts.port  # noqa: B018 - raises on an unparsable host or port
            if parts.scheme not in ("http", "https"):  # javascript:, mailto:, file:: no web page at all
                return None, True
            return source.fetch_address(url), False
        except Exception:  # a URL no parser or registry rewrite can use
            return None, True

    def _offer_entries(self, source: Source, index: int, entries: list[Entry]) -> list[Entry]:
        """Offer a document's entries; returns those that are on-site article URLs."""
        step = source.plan[index]
        articles = []
        run = self._steps[(source.name, index)]
        via = "listing" if step.method == "listing" else step.name
        for entry in entries:
            address, unusable = self._address(source, entry.url)
            article = address is not None and self.is_article_url(source, address)
            if step.method == "listing" and not article:
                # A listing page links to menus, tags and other sites too; only its article links are discovered.
                outcomes.count(self.crawler.stats, source.name, "discovery", "links_ignored")
                continue
            if article:
                articles.append(entry)
                run.found += 1
            self.offer(source, entry, address, via=via, article=article, unusable=unusable,
                       from_sitemap=step.method == "sitemap")
        return articles

    # -- readers ----------------------------------------------------------------------------------------

    async def parse_sitemap(self, response: Response) -> None:
        max_size = self.settings.getint("DOWNLOAD_MAXSIZE")
        await self._read_document(response, lambda r, _: parse_sitemap(r.body, max_size=max_size), self._read_sitemap)

    async def parse_feed(self, response: Response) -> None:
        await self._read_document(response, lambda r, _: parse_feed(r.body), self._read_feed)

    async def parse_listing(self, response: Response) -> None:
        await self._read_document(response, _parse_listing, self._read_listing)

    async def parse_wp_rest(self, response: Response) -> None:
        await self._read_document(response, lambda r, _: json.loads(r.body), self._read_wp_rest)

    def _read_sitemap(self, response: Response, source: Source, index: int, step: DiscoveryStep,
                      parsed: Any) -> None:
        stats = self.crawler.stats
        if isinstance(parsed, SitemapError):
            outcomes.count(stats, source.name, "discovery", "invalid_sitemap")
            self._steps[(source.name, index)].failed += 1
            outcomes.note_once(stats, f"{step.name} unusable", response.url, str(parsed))
            return
        if isinstance(parsed, Exception):
            raise parsed
        if parsed.malformed:
            outcomes.count(stats, source.name, "discovery", "invalid_sitemap")
            outcomes.note_once(stats, "malformed sitemap (read as far as the parser could recover)",
                               response.url, parsed.malformed)
        entries = absolute_entries(parsed.entries, response.url)
        if parsed.kind == "urlset":
            self._steps[(source.name, index)].sitemap_entries.extend(entries)
            return
        for child in entries:
            if step.follow and not step.follow.search(child.url.split("?")[0]):
                continue
            if self.is_too_old(child):
                outcomes.count(stats, source.name, "discovery", "skipped_since")
                self._steps[(source.name, index)].found += 1  # the sitemap works; it just has nothing new
                continue
            self._request_document(source, index, child.url)

    def _read_feed(self, response: Response, source: Source, index: int, step: DiscoveryStep, parsed: Any) -> None:
        if isinstance(parsed, FeedError):
            self._failed_document(source.name, index, "invalid_feed")
            outcomes.note_once(self.crawler.stats, f"{step.name} unusable", response.url, str(parsed))
            return
        if isinstance(parsed, Exception):
            raise parsed
        self._offer_entries(source, index, absolute_entries(parsed, response.url))

    def _read_listing(self, response: Response, source: Source, index: int, step: DiscoveryStep,
                      listing: Any) -> None:
        if isinstance(listing, Exception):
            raise listing
        if listing is None:
            return
        outcomes.count(self.crawler.stats, source.name, "discovery", "listing_pages")
        articles = self._offer_entries(source, index, listing.entries)
        page = response.meta["listing_page"]
        all_too_old = bool(articles) and all(self.is_too_old(e) for e in articles)
        if not listing.next_url or all_too_old or self.limit_reached(source):
            return
        if page >= step.max_pages:
            outcomes.count(self.crawler.stats, source.name, "discovery", "capped", step.name)
            outcomes.note_once(self.crawler.stats, "listing page cap reached", response.url)
            return
        self._request_document(source, index, listing.next_url, listing_page=page + 1)

    # -- the WordPress REST API -------------------------------------------------------------------------

    REST_FIELDS = "id,link,date,date_gmt,modified_gmt"

    def _rest_page_url(self, source: Source, endpoint: str, page: int) -> str:
        """A page of ``/wp-json/wp/v2/posts``: 100 posts, newest first, only the fields discovery reads, and the
        run's period as the server's own date filters (exclusive bounds, in the site's clock). A run of the whole
        source asks only for posts modified since the last run that saw it whole (``modified_after``, in GMT,
        an hour early for clocks that disagree); the rest are in the archive already."""
        per_page = max(1, min(100, self.settings.getint("ARCHIVER_WP_REST_PER_PAGE", 100)))
        query = {"per_page": str(per_page), "page": str(page), "orderby": "date", "order": "desc",
                 "_fields": self.REST_FIELDS}
        if self.since:
            query["after"] = f"{self.since - timedelta(days=1)}T23:59:59"
        if self.until:
            query["before"] = f"{self.until + timedelta(days=1)}T00:00:00"
        watermark = self.watermarks.get(source.name)
        if watermark and not (self.since or self.until or self.limit):
            since = datetime.fromisoformat(watermark).astimezone(UTC) - timedelta(hours=1)
            query["modified_after"] = since.strftime("%Y-%m-%dT%H:%M:%S")
            query["dates_are_gmt"] = "true"
        return f"{endpoint.split('?', 1)[0]}?{urlencode(query)}"

    def _read_wp_rest(self, response: Response, source: Source, index: int, step: DiscoveryStep, data: Any) -> None:
        """One page of posts. Anything but a JSON list of posts (an HTML page where JSON was expected, an API
        error such as ``rest_no_route``) means the API is not usable here: counted, and the step falls through."""
        stats = self.crawler.stats
        if isinstance(data, ValueError):  # JSONDecodeError and UnicodeDecodeError are ValueErrors
            self._failed_document(source.name, index, "not_json")
            outcomes.note_once(stats, f"{step.name} unusable (not JSON)", response.url, level=logging.INFO)
            return
        if isinstance(data, dict) and "code" in data:
            self._failed_document(source.name, index, "api_error")
            outcomes.note_once(stats, f"{step.name} unusable ({data.get('code')})", response.url, level=logging.INFO)
            return
        if not isinstance(data, list):
            self._failed_document(source.name, index, "not_json")
            return
        run = self._steps[(source.name, index)]
        posts = [p for p in data if isinstance(p, dict) and isinstance(p.get("link"), str)]
        ids = tuple(str(p.get("id") or p["link"]) for p in posts)
        if ids and ids == run.last_page:
            self._failed_document(source.name, index, "repeated_page")
            outcomes.note_once(stats, f"{step.name} answered the same page twice; paging stops", response.url)
            return
        run.last_page = ids
        # An empty answer is the API working only for an incremental run (nothing modified since the last whole
        # run); otherwise an API that lists no post of this site (a staging address, a broken plugin) has not
        # shown it works, and discovery falls through to the sitemaps.
        run.works = run.works or bool(response.meta.get("incremental"))
        outcomes.count(stats, source.name, "discovery", "api_pages")
        entries = [entry for entry in (self._rest_entry(p) for p in posts) if entry is not None]
        if len(entries) < len(data):
            outcomes.count(stats, source.name, "discovery", "errors", "unusable_posts", value=len(data) - len(entries))
        articles = self._offer_entries(source, index, entries)
        page = response.meta["listing_page"]
        try:
            pages = int(response.headers.get(b"X-WP-TotalPages") or b"0")
        except ValueError:
            pages = 0
        all_too_old = bool(articles) and all(self.is_too_old(e) for e in articles)
        if not posts and page < pages:  # the API says there is more, and gives nothing: it stopped short
            self._failed_document(source.name, index, "empty_page")
            return
        if page >= pages or not posts or all_too_old or self.limit_reached(source):
            return
        if page >= step.max_pages:
            outcomes.count(stats, source.name, "discovery", "capped", step.name)
            outcomes.note_once(stats, f"{step.name} page cap reached", response.url)
            return
        self._request_document(source, index, self._rest_page_url(source, response.url, page + 1),
                               listing_page=page + 1, incremental=response.meta.get("incremental", False))

    @staticmethod
    def _rest_entry(post: dict[str, Any]) -> Entry | None:
        """A post as an entry: its day from the site's clock (``date``), its exact publication time and its
        modification stamp in UTC (``date_gmt``, ``modified_gmt``)."""
        published = normalize_gmt(post.get("date_gmt"))
        local = post.get("date") if isinstance(post.get("date"), str) else None
        day = parse_loose_date(local[:10]) if local else None
        if day is None and published:
            day = parse_loose_date(published[:10])
        return Entry(url=post["link"].strip(), day=day, raw_date=local or published, published=True,
                     modified=normalize_gmt(post.get("modified_gmt")), published_at=published)


def absolute_entries(entries: list[Entry], document_url: str) -> list[Entry]:
    """Entries with their URLs made absolute against the document that lists them.

    The protocols ask for absolute http(s) URLs, but sites publish relative ones (``/x/``, ``//host/x/``) and
    upper-case schemes (``HTTP://``): a browser follows them, so discovery reads them the same way, and what still
    is not an http(s) URL (``javascript:``, ``file:``) is offered as it is, to be counted as a bad URL.
    """
    out = []
    for entry in entries:
        try:
            url = urljoin(document_url, entry.url.strip())
        except ValueError:  # an unparsable host: left for offer() to count as bad_url
            url = entry.url
        out.append(entry if url == entry.url else replace(entry, url=url))
    return out


def _parsed_or_error(parse: Parse, response: Response, step: DiscoveryStep) -> Any:
    """What ``parse`` made of the document, or the exception it raised (the reader decides what it means)."""
    try:
        return parse(response, step)
    except Exception as exc:
        return exc


def _parse_listing(response: Response, step: DiscoveryStep) -> Any:
    if step.listing is None:
        return None
    return parse_listing(getattr(response, "text", ""), response.url, step.listing)


def normalize_gmt(value: Any) -> str | None:
    """A WordPress ``*_gmt`` field ("2023-03-21T02:00:00", no zone) as ISO 8601 in UTC, or None."""
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        moment = datetime.fromisoformat(value.strip().replace("Z", ""))
    except ValueError:
        return None
    return moment.replace(tzinfo=UTC, microsecond=0).isoformat() if moment.tzinfo is None else None
