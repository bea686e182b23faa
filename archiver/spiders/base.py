"""What every archiver spider shares: arguments, sources, the archive feeds, and the outcome of each response.

A concrete spider only says how to discover a family's articles (which documents to read, in which order).
This base turns its arguments into sources, points one Scrapy feed per source at the dated archive, and gives
every article response one of two fates: a ``Page`` item for the pipelines, or a counted, logged reason why not.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import secrets
import time
from collections import Counter, deque
from collections.abc import Iterable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, ClassVar, NamedTuple

import scrapy
from scrapy import signals
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Request, Response
from scrapy.settings import SETTINGS_PRIORITIES
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure
from w3lib.url import safe_url_string

from archiver import outcomes
from archiver.archive.feeds import archive_feeds
from archiver.archive.objectstore import ArchiveURL, ArchiveURLError, archive_url_of, spool_dir
from archiver.captures.paths import CAPTURE_META
from archiver.challenges import detect_challenge
from archiver.decoding import decode_html
from archiver.discovery import Entry
from archiver.items import Page
from archiver.normalise import clean_url
from archiver.paths import default_archive_dir, sources_dir
from archiver.sources import Source, SourceError, load_registry, resolve
from archiver.state.location import state_location
from archiver.state.reader import IndexReader

logger = logging.getLogger(__name__)

_HTML_TYPES = ("text/html", "application/xhtml+xml")
_FAILURE_REASONS = {
    "DownloadTimeoutError": "timeout",
    "TimeoutError": "timeout",
    "DownloadCancelledError": "too_large",
    "ResponseDataLossError": "truncated",
    "CannotResolveHostError": "dns_error",
    "DNSLookupError": "dns_error",
    "DownloadConnectionRefusedError": "connection_refused",
    "ConnectionRefusedError": "connection_refused",
    "DownloadFailedError": "download_failed",
    "ResponseFailed": "download_failed",
    # archiver.middlewares
    "IncompleteContentCoding": "truncated",
    "CorruptContentCoding": "corrupt_encoding",
    "DecompressedTooLarge": "too_large",
    "OffsiteRedirect": "offsite_redirect",
    "RedirectLoop": "redirect_loop",
    "TooManyRedirects": "too_many_redirects",
    "InvalidRedirect": "bad_redirect",
    # archiver.replay (archiver reextract): a request the captures cannot answer, which never goes to the network
    "NotCaptured": "not_captured",
    "UnreadableCapture": "unreadable_capture",
}


def new_run_id(now: datetime | None = None) -> str:
    """A sortable, unique run id: UTC start time plus a random suffix (two runs in one second still differ)."""
    now = now or datetime.now(UTC)
    return f"{now:%Y%m%dT%H%M%SZ}-{secrets.token_hex(3)}"


_TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?([+-]\d{2}:\d{2}|Z))?$")


def normal_lastmod(raw: str | None) -> str | None:
    """A sitemap lastmod as stored in records and the index (ISO 8601 as given), or None when it is not a real
    moment: the shape alone would let ``2024-02-30T25:61:00+99:00`` into the archive."""
    raw = (raw or "").strip()
    if not _TIMESTAMP.match(raw):
        return None
    try:
        moment = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        return None
    return raw if moment.utcoffset() is None or abs(moment.utcoffset().total_seconds()) <= 14 * 3600 else None


def request_length(url: str) -> int:
    """How long Scrapy will find the URL: it percent-encodes it (w3lib) before its length limit applies, so a
    URL in Lao script is about nine times longer than it looks."""
    return len(safe_url_string(url))


def parse_day(name: str, value: str | None) -> date | None:
    if not value:
        return None
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", str(value)):
        raise ValueError(f"{name}={value!r} is not a date in YYYY-MM-DD form")
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise ValueError(f"{name}={value!r} is not a date in YYYY-MM-DD form") from exc


def parse_since(value: str | None) -> date | None:
    return parse_day("since", value)


def parse_period(since: str | None, until: str | None) -> tuple[date | None, date | None]:
    """``since`` and ``until`` (both days included); refuses a period that ends before it starts."""
    first, last = parse_day("since", since), parse_day("until", until)
    if first and last and last < first:
        raise ValueError(f"until={until!r} is before since={since!r}")
    return first, last


def parse_limit(value: Any) -> int | None:
    if value in (None, ""):
        return None
    try:
        limit = int(value)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"limit={value!r} is not a whole number") from exc
    if limit < 1:
        raise ValueError(f"limit={value!r} must be at least 1")
    return limit


class Candidate(NamedTuple):
    """An article URL waiting to be requested. Small on purpose: a big sitemap queues 200,000 of them."""

    source: str
    url: str  # where to fetch it
    via: str  # the discovery step that found it
    lastmod: str | None  # when the document says it was last modified (sitemap lastmod, API modified_gmt)
    listing_date: str | None  # the date a listing printed beside it
    published_at: str | None = None  # its exact publication time, from the WordPress API


class ArchiveSpider(scrapy.Spider):
    """Base for spiders that archive a kind of source. Subclasses implement the discovery of documents
    (``begin_discovery``, ``discovery_finished``) and hand the article URLs they find to ``offer``."""

    source_kind: ClassVar[str]
    source_argument: ClassVar[str] = "source"
    # Whether the spider needs its source argument (``urls`` finds each URL's source by its host instead).
    source_required: ClassVar[bool] = True
    # Whether a finished run discovers each of its sources whole (every post the site lists), so that what it
    # did not see is known not to exist; ``urls`` fetches only the pages given and never says that.
    covers_sources_whole: ClassVar[bool] = True
    # Article requests kept waiting in Scrapy's scheduler. Discovery may find 200,000 URLs at once; they wait
    # here as small ``Candidate`` tuples and become requests only as the scheduler drains.
    scheduler_high_water: ClassVar[int] = 64
    feed_batch: ClassVar[int] = 256

    def __init__(
        self,
        *args: Any,
        since: str | None = None,
        until: str | None = None,
        limit: str | int | None = None,
        base_url: str | None = None,
        mirrors: str | None = None,
        run_id: str | None = None,
        archive: str | None = None,
        **kwargs: Any,
    ):
        spec = kwargs.pop(self.source_argument, None)
        super().__init__(*args, **kwargs)
        if not spec and self.source_required:
            raise SourceError(
                f"name what to crawl: -a {self.source_argument}=NAME[,NAME...] or -a {self.source_argument}=all"
            )
        self._source_spec = spec
        self._base_url = base_url
        self._mirrors = mirrors
        self.sources: list[Source] = []
        self.sources_by_name: dict[str, Source] = {}
        self.since, self.until = parse_period(since, until)
        self.limit = parse_limit(limit)
        self.started_at = datetime.now(UTC)
        self.run_id = run_id or new_run_id(self.started_at)
        self.archive_arg = archive
        self.archive_url: ArchiveURL | None = None  # an s3:// archive (``archiver.archive.objectstore``)
        self.salvage_report: list[dict[str, Any]] = []
        self.index: IndexReader | None = None
        # per source: when the last run that saw it whole started (``archiver.state.watermarks``)
        self.watermarks: dict[str, str | None] = {}
        self._scheduled: Counter[str] = Counter()
        self._limit_noted: set[str] = set()
        self._seen_urls: set[str] = set()  # article URLs discovered this run (fetch addresses)
        self._queues: dict[str, deque[Candidate]] = {}
        self._outbox: deque[Request] = deque()  # discovery documents to request
        self._in_flight: dict[str, str] = {}  # article request (its ticket) -> source, until its outcome is counted
        self._wake: asyncio.Event | None = None

    def resolve_sources(self, data_dir_setting: str | None = None) -> None:
        """Look the requested names up in the registry of the configured data directory."""
        sources = resolve(self._source_spec, kind=self.source_kind,
                          registry=load_registry(sources_dir(data_dir_setting)))
        if self._base_url:
            if len(sources) != 1:
                raise SourceError("base_url can only replace the address of a single source")
            mirrors = self._mirrors
            mirror_hosts = tuple(m.strip() for m in mirrors.split(",") if m.strip()) if mirrors is not None else None
            sources = [sources[0].with_base_url(self._base_url, mirror_hosts)]
        self.sources = sources
        self.sources_by_name = {s.name: s for s in sources}
        self.allowed_domains = sorted({host for s in sources for host in s.hosts})
        self._queues = {s.name: deque() for s in sources}

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> ArchiveSpider:
        settings = crawler.settings
        try:
            spider = super().from_crawler(crawler, *args, **kwargs)
            spider.resolve_sources(settings.get("ARCHIVER_DATA_DIR"))
        except SourceError as exc:  # a bad registry entry or name: one line on stderr, exit 1, no traceback
            raise SystemExit(f"{cls.name}: {exc}") from None
        try:
            spider.archive_url = archive_url_of(spider.archive_arg, settings)
        except ArchiveURLError as exc:
            raise SystemExit(f"{cls.name}: {exc}") from None
        if spider.archive_url is not None:  # parts are finalised in a local spool, then published to the bucket
            root = spool_dir(state_location(settings).folder, spider.archive_url).resolve()
        else:
            root = Path(
                spider.archive_arg
                or settings.get("ARCHIVER_ARCHIVE_DIR")
                or default_archive_dir(settings.get("ARCHIVER_DATA_DIR"))
            ).resolve()
        spider.archive_dir = root
        index_file = None
        if settings.getbool("ARCHIVER_INCREMENTAL", True):
            index_file = state_location(settings).index  # the SQLite file, or the state database's URL
            spider.index = IndexReader(index_file)
        spider.url_length_limit = settings.getint("URLLENGTH_LIMIT", 2083)
        # The archive's feeds come first: Scrapy hands an item to each feed in turn and stops at the first that
        # raises, so a user's failing feed must not cost the archive a record (the archive's never raise).
        feeds = archive_feeds(
            root,
            [s.name for s in spider.sources],
            run_id=spider.run_id,
            spider_name=spider.name,
            crawl_day=spider.started_at.date(),
            batch_items=settings.getint("ARCHIVER_BATCH_ITEMS"),
            index=index_file,
            remote=str(spider.archive_url) if spider.archive_url is not None else None,
        )
        feeds.update(settings.getdict("FEEDS"))
        # At the priority of the FEEDS it extends: a user's -o/-O (cmdline priority) must not hide the archive.
        settings.set("FEEDS", feeds, priority=max(settings.getpriority("FEEDS") or 0, SETTINGS_PRIORITIES["spider"]))
        crawler.signals.connect(spider.on_request_dropped, signal=signals.request_dropped)
        crawler.signals.connect(spider.on_item_error, signal=signals.item_error)
        crawler.signals.connect(spider.on_item_dropped, signal=signals.item_dropped)
        crawler.signals.connect(spider.on_request_scheduled, signal=signals.request_scheduled)
        return spider

    # -- discovery --------------------------------------------------------------------------------------

    async def start(self):  # type: ignore[override]
        """Discovery documents as discovery asks for them, then article requests as the scheduler drains.

        Runs until every source's discovery plan is finished and every discovered URL was requested or
        counted as not fetched, so Scrapy keeps the crawl open while discovery is still working.
        """
        logger.info(
            "run %s: %d %s source(s)%s%s%s; archive in %s",
            self.run_id,
            len(self.sources),
            self.source_kind,
            f", since {self.since}" if self.since else "",
            f", until {self.until}" if self.until else "",
            f", at most {self.limit} articles each" if self.limit else "",
            f"{self.archive_url} (spooled in {self.archive_dir})" if self.archive_url else self.archive_dir,
        )
        self._wake = asyncio.Event()
        if self.index is not None and self.settings.getbool("ARCHIVER_WP_REST_INCREMENTAL", True):
            for source in self.sources:
                self.watermarks[source.name] = await self.index.watermark(source.name)
        for source in self.sources:
            self.begin_discovery(source)
        while True:
            while self._outbox:
                yield self._outbox.popleft()
            articles = await self._next_articles()
            for request in articles:
                yield request
            if self._outbox or articles:
                continue
            if self.discovery_finished() and not any(self._queues.values()):
                return
            await self._wait_for_work()

    def begin_discovery(self, source: Source) -> None:
        raise NotImplementedError

    def discovery_finished(self) -> bool:
        raise NotImplementedError

    def check_stalled_discovery(self, quiet_for: float) -> None:
        """Called while waiting, with how long Scrapy has had nothing in flight; subclasses give up on
        discovery documents that Scrapy dropped without a callback."""

    def poke(self) -> None:
        """Wake ``start()``: discovery queued documents or article URLs."""
        if self._wake is not None:
            self._wake.set()

    async def _wait_for_work(self) -> None:
        assert self._wake is not None
        self._wake.clear()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._wake.wait(), timeout=0.05)
        self.check_stalled_discovery(self._quiet_for())

    _quiet_since: float | None = None

    def _quiet_for(self) -> float:
        """Seconds during which Scrapy has had no request queued or downloading and no response in process."""
        engine = self.crawler.engine
        scheduler = engine.scheduler
        scraper_slot = engine.scraper.slot
        busy = (
            bool(engine.downloader.active)
            or (scheduler is not None and scheduler.has_pending_requests())
            or (scraper_slot is not None and not scraper_slot.is_idle())
            or bool(self._outbox)
        )
        now = time.monotonic()
        if busy:
            self._quiet_since = None
            return 0.0
        if self._quiet_since is None:
            self._quiet_since = now
        return now - self._quiet_since

    def _room(self) -> int:
        scheduler = self.crawler.engine.scheduler
        if scheduler is None:
            return 0
        try:
            pending = len(scheduler)  # type: ignore[arg-type]
        except TypeError:  # a scheduler without a length: feed only when it is empty
            pending = self.scheduler_high_water if scheduler.has_pending_requests() else 0
        return min(self.feed_batch, self.scheduler_high_water - pending)

    async def _next_articles(self) -> list[Request]:
        """Requests for waiting article URLs, as many as the scheduler has room for, taken from each source in
        turn; URLs whose sitemap lastmod has not moved since they were archived are counted unchanged instead."""
        room = self._room()
        if room <= 0 or not any(self._queues.values()):
            return []
        batch: list[Candidate] = []
        while len(batch) < room and any(self._queues.values()):
            for queue in self._queues.values():
                if queue and len(batch) < room:
                    batch.append(queue.popleft())
        known: dict[str, str | None] = {}
        if self.index is not None:
            keys = [self._index_key(c) for c in batch if c.lastmod]
            if keys:
                known = await self.index.lastmods(keys)
        requests = []
        for candidate in batch:
            if candidate.lastmod and known.get(self._index_key(candidate)) == candidate.lastmod:
                outcomes.count(self.crawler.stats, candidate.source, "unchanged")
                outcomes.count(self.crawler.stats, candidate.source, "discovery", "skipped_unchanged")
                continue
            if self.limit is not None and self._scheduled[candidate.source] >= self.limit:
                self._over_limit(candidate.source, 1)
                continue
            requests.append(self._article_request(candidate))
        return requests

    def _index_key(self, candidate: Candidate) -> str:
        return clean_url(self.sources_by_name[candidate.source].canonical_url(candidate.url))

    def _over_limit(self, source: str, count: int) -> None:
        """Count ``count`` URLs of ``source`` as not fetched over the limit, and everything still waiting too."""
        waiting = self._queues[source]
        outcomes.count(self.crawler.stats, source, "not_fetched", "over_limit", value=count + len(waiting))
        waiting.clear()
        self._note_limit(source)

    def _note_limit(self, source: str) -> None:
        if source not in self._limit_noted:
            self._limit_noted.add(source)
            logger.info("%s: limit of %d articles reached; the rest is not fetched", source, self.limit)

    def _article_request(self, candidate: Candidate) -> Request:
        source = self.sources_by_name[candidate.source]
        hints: dict[str, Any] = {"timezone": source.timezone} if source.timezone else {}
        # the languages the registry says the site writes in: dates are read in them when the page says nothing
        hints["languages"] = list(dict.fromkeys([source.language, *source.languages]))
        if candidate.listing_date:
            hints["listing_date"] = candidate.listing_date
        if candidate.lastmod:
            hints["sitemap_lastmod"] = candidate.lastmod
        if candidate.published_at:
            hints["published_at"] = candidate.published_at
        self._scheduled[candidate.source] += 1
        self._in_flight[candidate.url] = candidate.source
        outcomes.count(self.crawler.stats, candidate.source, "discovery", "articles", candidate.via)
        return Request(
            candidate.url,
            callback=self.parse_article,
            errback=self.on_article_error,
            priority=10,
            meta={"source": candidate.source, "discovered_via": candidate.via, "hints": hints,
                  "ticket": candidate.url},
        )

    def is_too_old(self, entry: Entry) -> bool:
        """True when ``since`` is set and the entry's date is known and earlier (unknown dates are fetched).

        Any document date works here: a post modified (sitemap ``lastmod``) before ``since`` was published
        before it too."""
        return bool(self.since and entry.day and entry.day < self.since)

    def is_too_new(self, entry: Entry) -> bool:
        """True when ``until`` is set and the entry's *publication* date is known and later.

        A modification date (a sitemap's ``lastmod``, an Atom ``updated``) proves nothing here: a post edited
        after ``until`` may have been published before it, so such entries are fetched and judged by the page's
        own date (``archiver.pipelines.validate``)."""
        return bool(self.until and entry.day and entry.published and entry.day > self.until)

    def offer(self, source: Source, entry: Entry, address: str | None, *, via: str, article: bool,
              unusable: bool = False, from_sitemap: bool = False) -> bool:
        """Count ``entry`` as discovered and queue it, or count why it will not be fetched.

        ``address`` is where it would be fetched (None: off-site, or ``unusable``: no parser or registry
        rewrite could read it); ``article`` whether that address is one of the source's article URLs. A URL
        discovered twice in a run counts once. Returns True when the URL was queued.
        """
        stats = self.crawler.stats
        key = address or entry.url
        if key in self._seen_urls:
            outcomes.count(stats, source.name, "discovery", "repeated")
            return False
        self._seen_urls.add(key)
        outcomes.count(stats, source.name, "discovered")
        if entry.date_unreadable:
            outcomes.count(stats, source.name, "discovery", "unparsable_date")
            outcomes.note_once(stats, "unparsable date", entry.url, f"{via} gave {entry.raw_date!r}")
        reason = None
        if address is None:
            reason = "bad_url" if unusable else "offsite"
        elif not article:
            reason = "not_article_url"
        elif request_length(address) > self.url_length_limit:
            reason = "url_too_long"
        elif self.is_too_old(entry):
            reason = "before_since"
        elif self.is_too_new(entry):
            reason = "after_until"
        if reason:
            self.not_fetched(source.name, reason, entry.url)
            return False
        if self.limit_reached(source):
            self.not_fetched(source.name, "over_limit", entry.url)
            self._note_limit(source.name)
            return False
        lastmod = normal_lastmod(entry.raw_date if from_sitemap else entry.modified)
        listing_date = entry.day.isoformat() if entry.day and via == "listing" else None
        self._queues[source.name].append(
            Candidate(source.name, address, via, lastmod, listing_date, entry.published_at))
        self.poke()
        return True

    def not_fetched(self, source: str, reason: str, url: str) -> None:
        """Count a discovered URL that will not be requested, and log it once at debug level (they can be many)."""
        outcomes.count(self.crawler.stats, source, "not_fetched", reason)
        outcomes.note_once(self.crawler.stats, f"not fetched ({reason})", url, level=logging.DEBUG)

    def limit_reached(self, source: Source) -> bool:
        """True when the source has as many articles requested or waiting as ``limit`` allows."""
        return self.limit is not None and (
            self._scheduled[source.name] + len(self._queues[source.name]) >= self.limit)

    # -- article responses ------------------------------------------------------------------------------

    def _settle(self, meta: dict[str, Any]) -> bool:
        """Mark an article request's outcome as counted; False when it already was (or it is not one)."""
        ticket = meta.get("ticket")
        return ticket is not None and self._in_flight.pop(ticket, None) is not None

    def parse_article(self, response: Response) -> Iterable[Page]:
        self._settle(response.meta)
        source = response.meta["source"]
        try:
            page = self._page(response, source)
        except Exception as exc:  # a bug here must cost one counted page, never the outcome of the page
            logger.warning("could not read %s", response.url, exc_info=True)
            outcomes.reject(self.crawler.stats, source, response.url, "read_error", repr(exc)[:300])
            return
        if page is not None:
            yield page

    def _page(self, response: Response, source: str) -> Page | None:
        stats = self.crawler.stats
        outcomes.count(stats, source, "pages")
        content_type = (response.headers.get(b"Content-Type") or b"").decode("latin-1").lower()
        if not response.body:
            outcomes.reject(stats, source, response.url, "empty_body", f"HTTP {response.status}")
            return None
        if content_type and not content_type.startswith(_HTML_TYPES):
            outcomes.reject(stats, source, response.url, "not_html", content_type.split(";")[0])
            return None
        if not content_type:
            # judged on the decoded text, so a UTF-16 page served without any header is still recognised (only
            # such pages are decoded here: every other page is decoded where it is extracted)
            head = decode_html(response.body, content_type).text.lstrip("\ufeff \t\r\n")[:512].lower()
            if not head.startswith(("<!doctype", "<html")):
                outcomes.reject(stats, source, response.url, "not_html", "no Content-Type and no HTML start")
                return None
        challenge = detect_challenge(response.status, response.headers, response.body)
        if challenge:
            self.count_challenge(source, response.url, challenge)
            return None
        # the bytes as received: decoding (its charset_mismatch and decode_errors counts included) and parsing
        # happen in the extraction worker, off the reactor thread
        return Page(
            url=response.url,
            body=response.body,
            content_type=content_type,
            http_status=response.status,
            fetched_at=datetime.now(UTC).isoformat(timespec="seconds"),
            source=source,
            discovered_via=response.meta.get("discovered_via"),
            hints=response.meta.get("hints") or {},
            capture=response.meta.get(CAPTURE_META),
        )

    def closed(self, reason: str) -> None:
        """Count what the crawl ended without: requests never answered and URLs never requested.

        A crawl that finished normally has neither; if it has, Scrapy dropped them without a callback, and
        they are counted as ``lost`` (the run then fails its accounting). An interrupted or refused crawl
        counts them as not fetched (``interrupted``): the next run fetches them.
        """
        stats = self.crawler.stats
        finished = reason == "finished"
        for url, source in list(self._in_flight.items()):
            if finished:
                outcomes.reject(stats, source, url, "lost", "Scrapy dropped the request without a callback")
            else:
                self.not_fetched(source, "interrupted", url)
        self._in_flight.clear()
        for source, queue in self._queues.items():
            if queue:
                outcomes.count(stats, source, "not_fetched", "interrupted", value=len(queue))
                queue.clear()
        if self.index is not None:
            self.index.close()

    def on_article_error(self, failure: Failure) -> None:
        request = failure.request  # type: ignore[attr-defined]
        self._settle(request.meta)
        source = request.meta.get("source")
        if isinstance(failure.value, HttpError):
            response = failure.value.response
            challenge = detect_challenge(response.status, response.headers, response.body)
            if challenge:
                self.count_challenge(source, request.url, challenge, response.status)
                return
        reason, detail = describe_failure(failure)
        outcomes.reject(self.crawler.stats, source, request.url, reason, detail)

    def on_request_dropped(self, request: Request, spider: Any = None) -> None:
        """Scrapy's scheduler refused a request (its duplicate filter): no callback will come, so count it here."""
        if self._settle(request.meta):
            source = request.meta.get("source")
            if request.url in request.meta.get("redirect_urls", ()):
                outcomes.reject(self.crawler.stats, source, request.url, "redirect_loop",
                                "redirected back to an address already fetched")
            else:
                self.not_fetched(source, "duplicate", request.url)

    def on_request_scheduled(self, request: Request, spider: Any = None) -> None:
        """Keep the largest number of requests the scheduler held (the crawl's memory grows with it)."""
        scheduler = self.crawler.engine.scheduler
        if scheduler is not None and hasattr(scheduler, "__len__"):
            self.crawler.stats.max_value("archiver/scheduler/peak_pending", len(scheduler) + 1)

    def on_item_error(self, item: Any, response: Any, spider: Any = None, failure: Any = None) -> None:
        """An item pipeline raised: the page is lost to the archive; count it as dropped with the error."""
        source = item.get("source") if hasattr(item, "get") else None
        url = (item.get("url") if hasattr(item, "get") else None) or getattr(response, "url", "?")
        detail = repr(getattr(failure, "value", failure))[:300]
        outcomes.reject(self.crawler.stats, source, url, "pipeline_error", detail)

    def on_item_dropped(self, item: Any, response: Any = None, exception: Any = None, spider: Any = None) -> None:
        """A DropItem our pipelines did not count (a third-party pipeline's): count it under its own reason."""
        if isinstance(exception, outcomes.Counted):
            return
        source = item.get("source") if hasattr(item, "get") else None
        url = (item.get("url") if hasattr(item, "get") else None) or "?"
        outcomes.reject(self.crawler.stats, source, url, "pipeline_drop", str(exception)[:300])

    def count_challenge(self, source: str, url: str, kind: str, status: int = 200) -> None:
        """A bot check answered instead of the page: counted per source, said clearly, never archived."""
        outcomes.count(self.crawler.stats, source, "challenges")
        outcomes.count(self.crawler.stats, source, "challenges", kind)
        outcomes.reject(self.crawler.stats, source, url, "challenge",
                        f"{kind} bot check (HTTP {status}); not archived, not bypassed")

    def on_discovery_error(self, failure: Failure) -> None:
        """Count a failed discovery document (not an article: it is no term of the accounting identity)."""
        request = failure.request  # type: ignore[attr-defined]
        reason, detail = describe_failure(failure)
        source = request.meta.get("source")
        step = request.meta.get("step_name", "document")
        outcomes.count(self.crawler.stats, source, "discovery", "errors", reason)
        outcomes.note_once(
            self.crawler.stats, f"{step} unavailable ({reason})", request.url, detail, level=logging.INFO
        )


def describe_failure(failure: Failure) -> tuple[str, str]:
    """A short, countable reason for a failed request, and a human detail line."""
    exc = failure.value
    if isinstance(exc, HttpError):
        status = exc.response.status
        return f"http_{status}", f"HTTP {status}"
    if isinstance(exc, IgnoreRequest):
        text = str(exc)
        if "robots.txt" in text:
            return "robots_disallowed", text
        if "offsite" in text.lower() or "Filtered offsite" in text:
            return "offsite_redirect", text
        return "ignored", text or type(exc).__name__
    name = type(exc).__name__
    return _FAILURE_REASONS.get(name, f"error_{name}"), str(exc)[:300] or name
