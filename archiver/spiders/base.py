"""What every archiver spider shares: arguments, sources, the archive feeds, and the outcome of each response.

A concrete spider only says how to discover a family's articles (which documents to read, in which order).
This base turns its arguments into sources, points one Scrapy feed per source at the dated archive, and gives
every article response one of two fates: a ``Page`` item for the pipelines, or a counted, logged reason why not.
"""

from __future__ import annotations

import logging
import re
import secrets
from collections import Counter
from collections.abc import Iterable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, ClassVar

import scrapy
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Request, Response
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from archiver import outcomes
from archiver.archive.feeds import archive_feeds
from archiver.challenges import detect_challenge
from archiver.decoding import decode_html
from archiver.discovery import Entry
from archiver.items import Page
from archiver.normalise import clean_url
from archiver.paths import default_archive_dir, sources_dir, state_dir
from archiver.sources import Source, SourceError, load_registry, resolve
from archiver.state.index import ArchiveIndex, index_path

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
}


def new_run_id(now: datetime | None = None) -> str:
    """A sortable, unique run id: UTC start time plus a random suffix (two runs in one second still differ)."""
    now = now or datetime.now(UTC)
    return f"{now:%Y%m%dT%H%M%SZ}-{secrets.token_hex(3)}"


_TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?([+-]\d{2}:\d{2}|Z))?$")


def normal_lastmod(raw: str | None) -> str | None:
    """A sitemap lastmod as stored in records and the index (ISO 8601 as given), or None if not ISO."""
    raw = (raw or "").strip()
    return raw if _TIMESTAMP.match(raw) else None


def parse_since(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise ValueError(f"since={value!r} is not a date in YYYY-MM-DD form") from exc


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


class ArchiveSpider(scrapy.Spider):
    """Base for spiders that archive a kind of source. Subclasses implement ``discover(source)``."""

    source_kind: ClassVar[str]
    source_argument: ClassVar[str] = "source"

    def __init__(
        self,
        *args: Any,
        since: str | None = None,
        limit: str | int | None = None,
        base_url: str | None = None,
        mirrors: str | None = None,
        run_id: str | None = None,
        archive: str | None = None,
        **kwargs: Any,
    ):
        spec = kwargs.pop(self.source_argument, None)
        super().__init__(*args, **kwargs)
        if not spec:
            raise SourceError(
                f"name what to crawl: -a {self.source_argument}=NAME[,NAME...] or -a {self.source_argument}=all"
            )
        self._source_spec = spec
        self._base_url = base_url
        self._mirrors = mirrors
        self.sources: list[Source] = []
        self.sources_by_name: dict[str, Source] = {}
        self.since = parse_since(since)
        self.limit = parse_limit(limit)
        self.started_at = datetime.now(UTC)
        self.run_id = run_id or new_run_id(self.started_at)
        self.archive_arg = archive
        self.salvage_report: list[dict[str, Any]] = []
        self._scheduled: Counter[str] = Counter()
        self._limit_noted: set[str] = set()
        self._article_urls: set[str] = set()

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

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> ArchiveSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        settings = crawler.settings
        spider.resolve_sources(settings.get("ARCHIVER_DATA_DIR"))
        root = Path(
            spider.archive_arg
            or settings.get("ARCHIVER_ARCHIVE_DIR")
            or default_archive_dir(settings.get("ARCHIVER_DATA_DIR"))
        ).resolve()
        spider.archive_dir = root
        spider.index = None
        index_file = None
        if settings.getbool("ARCHIVER_INCREMENTAL", True):
            index_file = index_path(state_dir(settings.get("ARCHIVER_STATE_DIR"), settings.get("ARCHIVER_DATA_DIR")))
            spider.index = ArchiveIndex(index_file)
        feeds = dict(settings.getdict("FEEDS"))
        feeds.update(
            archive_feeds(
                root,
                [s.name for s in spider.sources],
                run_id=spider.run_id,
                spider_name=spider.name,
                crawl_day=spider.started_at.date(),
                batch_items=settings.getint("ARCHIVER_BATCH_ITEMS"),
                index=index_file,
            )
        )
        settings.set("FEEDS", feeds, priority="spider")
        return spider

    # -- discovery --------------------------------------------------------------------------------------

    async def start(self):  # type: ignore[override]
        logger.info(
            "run %s: %d %s source(s)%s%s; archive in %s",
            self.run_id,
            len(self.sources),
            self.source_kind,
            f", since {self.since}" if self.since else "",
            f", at most {self.limit} articles each" if self.limit else "",
            self.archive_dir,
        )
        for source in self.sources:
            for request in self.discover(source):
                yield request

    def discover(self, source: Source) -> Iterable[Request]:
        raise NotImplementedError

    def is_too_old(self, entry: Entry) -> bool:
        """True when ``since`` is set and the entry's date is known and earlier (unknown dates are fetched)."""
        return bool(self.since and entry.day and entry.day < self.since)

    def article_request(
        self, source: Source, entry: Entry, via: str, hints: dict[str, Any] | None = None, from_sitemap: bool = False
    ) -> Request | None:
        """A request for an article page, or None when it is off-site, too old, already asked for, or over limit."""
        url = entry.url
        if self.is_too_old(entry):
            outcomes.count(self.crawler.stats, source.name, "discovery", "skipped_since")
            return None
        if entry.date_unreadable:
            outcomes.count(self.crawler.stats, source.name, "discovery", "unparsable_date")
            outcomes.note_once(self.crawler.stats, "unparsable date", url, f"{via} gave {entry.raw_date!r}")
        if url in self._article_urls:
            return None
        lastmod = normal_lastmod(entry.raw_date) if from_sitemap else None
        if lastmod and self.index is not None and (
            self.index.lastmod_for_url(clean_url(source.canonical_url(url))) == lastmod
        ):
            outcomes.count(self.crawler.stats, source.name, "unchanged")
            outcomes.count(self.crawler.stats, source.name, "discovery", "skipped_unchanged")
            return None
        if self.limit is not None and self._scheduled[source.name] >= self.limit:
            if source.name not in self._limit_noted:
                self._limit_noted.add(source.name)
                logger.info("%s: limit of %d articles reached; discovery stops", source.name, self.limit)
            return None
        self._article_urls.add(url)
        self._scheduled[source.name] += 1
        outcomes.count(self.crawler.stats, source.name, "discovery", "articles", via)
        page_hints = dict(hints or {})
        if entry.day and via == "listing":
            page_hints.setdefault("listing_date", entry.day.isoformat())
        if lastmod:
            page_hints["sitemap_lastmod"] = lastmod
        return Request(
            url,
            callback=self.parse_article,
            errback=self.on_article_error,
            priority=10,
            meta={"source": source.name, "discovered_via": via, "hints": page_hints},
        )

    def limit_reached(self, source: Source) -> bool:
        return self.limit is not None and self._scheduled[source.name] >= self.limit

    # -- article responses ------------------------------------------------------------------------------

    def parse_article(self, response: Response) -> Iterable[Page]:
        source = response.meta["source"]
        stats = self.crawler.stats
        outcomes.count(stats, source, "pages")
        content_type = (response.headers.get(b"Content-Type") or b"").decode("latin-1").lower()
        if not response.body:
            outcomes.reject(stats, source, response.url, "empty_body", f"HTTP {response.status}")
            return
        if content_type and not content_type.startswith(_HTML_TYPES):
            outcomes.reject(stats, source, response.url, "not_html", content_type.split(";")[0])
            return
        if not content_type and not response.body.lstrip()[:512].lower().startswith((b"<!doctype", b"<html")):
            outcomes.reject(stats, source, response.url, "not_html", "no Content-Type and no HTML start")
            return
        challenge = detect_challenge(response.status, response.headers, response.body)
        if challenge:
            self.count_challenge(source, response.url, challenge)
            return
        decoded = decode_html(response.body, content_type)
        if decoded.mismatch:
            outcomes.count(stats, source, "charset_mismatch")
            outcomes.note_once(stats, "charset mismatch", response.url, decoded.mismatch)
        yield Page(
            url=response.url,
            html=decoded.text,
            http_status=response.status,
            fetched_at=datetime.now(UTC).isoformat(timespec="seconds"),
            source=source,
            encoding=decoded.encoding,
            discovered_via=response.meta.get("discovered_via"),
            hints=response.meta.get("hints") or {},
        )

    def closed(self, reason: str) -> None:
        if self.index is not None:
            self.index.close()

    def on_article_error(self, failure: Failure) -> None:
        request = failure.request  # type: ignore[attr-defined]
        source = request.meta.get("source")
        if isinstance(failure.value, HttpError):
            response = failure.value.response
            challenge = detect_challenge(response.status, response.headers, response.body)
            if challenge:
                self.count_challenge(source, request.url, challenge, response.status)
                return
        reason, detail = describe_failure(failure)
        outcomes.reject(self.crawler.stats, source, request.url, reason, detail)

    def count_challenge(self, source: str, url: str, kind: str, status: int = 200) -> None:
        """A bot check answered instead of the page: counted per source, said clearly, never archived."""
        outcomes.count(self.crawler.stats, source, "challenges")
        outcomes.count(self.crawler.stats, source, "challenges", kind)
        outcomes.reject(self.crawler.stats, source, url, "challenge",
                        f"{kind} bot check (HTTP {status}); not archived, not bypassed")

    def on_discovery_error(self, failure: Failure) -> None:
        """Count a failed discovery document; subclasses chain to their next discovery method."""
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
