"""The downloader middleware that captures every HTTP exchange of a crawl (``ARCHIVER_CAPTURE``, on by default).

It sits next to the downloader (priority 950 in ``DOWNLOADER_MIDDLEWARES``), so it sees each attempt exactly as
it came back, before anything above it acts: a 3xx before our redirect middleware (600) turns it into a new
request, a 429 or 503 before the retry middleware (550) asks again, a cut gzip body before the completeness
check (595) fails it, and every body before HttpCompressionMiddleware (590) decodes it. Each attempt is one
exchange: articles, listings, sitemaps, feeds, the WordPress API, error and bot-check pages, and robots.txt
(Scrapy's RobotsTxtMiddleware fetches it through ``engine.download_async``, which runs these middlewares too).

The capture's pointer (WARC path, offset and length of the response record, payload digest) goes into
``request.meta[CAPTURE_META]``, which the response shares, so the spider can hand it to the record. A pointer
left by an earlier attempt (a redirect or a retry copies the meta) is removed before each download.

A response cut short by the connection (fewer bytes than its ``Content-Length``) is what Scrapy's
``DOWNLOAD_FAIL_ON_DATALOSS`` turns into ``ResponseDataLossError`` and throws away. To keep those bytes, this
middleware asks the downloader for such responses instead (``download_fail_on_dataloss`` off in the request's
meta), captures them marked ``WARC-Truncated: disconnect``, and then fails them exactly as Scrapy would have:
the same exception goes through the other middlewares' ``process_exception`` (retry and its backoff, download
stats) and, if none of them retries it, to the request's errback (counted ``truncated``).

Capturing never costs a page: a capture that fails is counted (``archiver/source/<s>/captures/lost``) and
reported as a storage fault of the source, and the response goes on unchanged.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from typing import Any

from scrapy import signals
from scrapy.exceptions import NotConfigured, ResponseDataLossError
from scrapy.http import Request, Response
from scrapy.utils.defer import ensure_awaitable

from archiver.captures.exchange import exchange_of
from archiver.captures.paths import CAPTURE_META, captures_root
from archiver.captures.writer import CaptureWriter, register

logger = logging.getLogger(__name__)

# Set on a request whose crawl wants short reads to fail, while the downloader is asked to return them.
_FAIL_ON_DATALOSS = "archiver_fail_on_dataloss"
_HTTP = ("http://", "https://")  # data: and file: URLs are no HTTP exchange


class CaptureMiddleware:
    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler
        self.writer = CaptureWriter(crawler)
        self.fail_on_dataloss = crawler.settings.getbool("DOWNLOAD_FAIL_ON_DATALOSS", True)
        self._spider: Any = None

    @classmethod
    def from_crawler(cls, crawler: Any) -> CaptureMiddleware:
        if not crawler.settings.getbool("ARCHIVER_CAPTURE", True):
            raise NotConfigured("ARCHIVER_CAPTURE is off")
        middleware = cls(crawler)
        register(crawler, middleware.writer)
        crawler.signals.connect(middleware.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(middleware.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(middleware.engine_stopped, signal=signals.engine_stopped)
        return middleware

    # -- the crawl's life ---------------------------------------------------------------------------------------

    def spider_opened(self, spider: Any) -> None:
        if not getattr(spider, "sources", None):
            return  # not an archiver spider: nothing to file captures under
        self._spider = spider
        settings = self.crawler.settings
        index = None
        if getattr(spider, "index", None) is not None:
            index = spider.index.location  # the SQLite file's path, or the state database's URL
        root = captures_root(settings, getattr(spider, "archive_dir", None))
        self.writer.open(root, spider.run_id, spider.started_at.date(), index)
        url = getattr(spider, "archive_url", None)
        if url is not None:  # an s3:// archive: ``root`` is its captures spool, published file by file
            from archiver.archive.objectstore import store_for

            self.writer.remote = store_for(self.crawler, str(url))
        logger.info("captures of run %s in %s", spider.run_id, root)

    async def spider_closed(self, spider: Any) -> None:
        await self.writer.close()

    def engine_stopped(self) -> None:
        self.writer.shutdown()

    # -- each exchange ------------------------------------------------------------------------------------------

    def process_request(self, request: Request) -> None:
        request.meta.pop(CAPTURE_META, None)
        if not self.writer.ready or not request.url.startswith(_HTTP):
            return
        if request.meta.get(_FAIL_ON_DATALOSS) or request.meta.get("download_fail_on_dataloss",
                                                                   self.fail_on_dataloss):
            request.meta[_FAIL_ON_DATALOSS] = True
            request.meta["download_fail_on_dataloss"] = False

    async def process_response(self, request: Request, response: Response) -> Request | Response:
        cut_short = "dataloss" in response.flags
        if self.writer.ready and "cached" not in response.flags and request.url.startswith(_HTTP):
            source = self.source_of(request)
            if source is not None:
                pointer = await self._capture(source, request, response, cut_short)
                if pointer is not None:
                    request.meta[CAPTURE_META] = pointer
        if cut_short and request.meta.get(_FAIL_ON_DATALOSS):
            return await self._fail_as_dataloss(request, response)
        return response

    async def _capture(self, source: str, request: Request, response: Response, cut_short: bool
                       ) -> dict[str, Any] | None:
        try:
            exchange = exchange_of(request, response, self._started(request), cut_short=cut_short)
        except Exception as exc:  # a bug of ours costs the capture, said and counted, never the page
            logger.exception("%s: could not rebuild the exchange of %s", source, request.url)
            self.writer.lost(source, request.url, exc)
            return None
        return await self.writer.capture(source, exchange)

    def _started(self, request: Request) -> datetime:
        """When the request went out: now, less the time the download took."""
        now = datetime.now(UTC)
        latency = request.meta.get("download_latency")
        return now - timedelta(seconds=float(latency)) if latency else now

    def source_of(self, request: Request) -> str | None:
        """The source a request belongs to: its ``source`` meta, else the source whose site it is on (robots.txt
        has no meta of ours), else the crawl's first source."""
        spider = self._spider
        if spider is None:
            return None
        name = request.meta.get("source")
        if name in spider.sources_by_name:
            return name
        for source in spider.sources:
            if source.on_site(request.url):
                return source.name
        return spider.sources[0].name

    async def _fail_as_dataloss(self, request: Request, response: Response) -> Request | Response:
        """Fail a short read as the downloader would have with ``DOWNLOAD_FAIL_ON_DATALOSS``: the other
        middlewares' ``process_exception`` in their order (this one has none), then the errback."""
        declared = response.headers.get(b"Content-Length", b"?").decode("latin-1")
        exception = ResponseDataLossError(f"the connection closed after {len(response.body)} of {declared} bytes")
        manager = self.crawler.engine.downloader.middleware
        call = getattr(manager, "_handle_mw_method", None)  # passes ``spider`` to old-style middlewares
        for method in manager.methods["process_exception"]:
            result = call(method, request=request, exception=exception) if call else method(
                request=request, exception=exception)
            outcome = await ensure_awaitable(result)
            if outcome is not None:
                return outcome
        raise exception
