"""The download handler of a replayed crawl: every http(s) request answered from the captures, none sent.

It takes the place of Scrapy's HTTP handler (``DOWNLOAD_HANDLERS``), so everything above it works as in a live
crawl: robots.txt, the retry and redirect middlewares, the content-coding check and HttpCompressionMiddleware
(a capture's body is the body as sent, still gzip-encoded), the spiders and the pipelines. A response is built
as Scrapy's own HTTP/1.1 handler builds one (response class from the headers and body, status, every header as
sent, protocol, the server's IP address), flagged ``replayed``, and the request's meta carries the capture's
pointer (``archiver_capture``), so a record made from it points at the bytes it was made from, exactly as the
crawl's did.

A capture the connection cut short (``WARC-Truncated: disconnect``) fails as the live download did
(``ResponseDataLossError``, so the page is dropped as ``truncated`` after the same retries). A request with no
capture fails with ``NotCaptured`` (counted ``not_captured``); one whose capture cannot be read back intact
with ``UnreadableCapture`` (``unreadable_capture``). Neither ever reaches the network: without a session (a
crawl not started by ``archiver reextract``) the handler refuses to load, and Scrapy then has no handler for
http(s) at all.
"""

from __future__ import annotations

import ipaddress
import logging
from typing import Any

from scrapy.core.downloader.handlers.base import BaseDownloadHandler
from scrapy.exceptions import NotConfigured, ResponseDataLossError
from scrapy.http import Headers, Request, Response
from scrapy.responsetypes import responsetypes
from scrapy.utils.asyncio import run_in_thread

from archiver import outcomes
from archiver.captures.paths import CAPTURE_META
from archiver.captures.reader import UnreadableCapture
from archiver.replay.session import NotCaptured, session_for

logger = logging.getLogger(__name__)

REPLAYED = "replayed"  # the flag of a replayed response (in Scrapy's log lines)


class CaptureReplayHandler(BaseDownloadHandler):
    lazy = False

    def __init__(self, crawler: Any) -> None:
        super().__init__(crawler)
        session = session_for(crawler)
        if session is None:
            raise NotConfigured("no captures to replay: CaptureReplayHandler serves crawls of archiver reextract")
        self.session = session
        self.fail_on_dataloss = crawler.settings.getbool("DOWNLOAD_FAIL_ON_DATALOSS", True)

    def _source(self, request: Request) -> str | None:
        name = request.meta.get("source")
        if name in self.session.catalogs:
            return name
        spider = self.crawler.spider
        sources = getattr(spider, "sources", None) or []
        for source in sources:
            if source.on_site(request.url):
                return source.name
        return sources[0].name if sources else None

    async def download_request(self, request: Request) -> Response:
        url = request.url.split("#", 1)[0]
        source = self._source(request)
        stats = self.crawler.stats
        try:
            answer = await run_in_thread(self.session.answer, source, url)
        except NotCaptured:
            outcomes.count(stats, source, "replay", "not_captured")
            raise
        except UnreadableCapture as exc:
            outcomes.count(stats, source, "replay", "unreadable")
            logger.error("%s: the capture of %s cannot be read: %s", source, url, exc)
            raise
        outcomes.count(stats, source, "replay", "answered")
        if answer.revisit:
            outcomes.count(stats, source, "replay", "revisits")
        record = answer.record
        request.meta[CAPTURE_META] = answer.pointer
        headers = Headers()
        for name, value in record.headers:
            headers.appendlist(name, value)
        flags = [REPLAYED]
        if record.truncated == "disconnect":
            if request.meta.get("download_fail_on_dataloss", self.fail_on_dataloss):
                raise ResponseDataLossError(f"the capture of {url} was cut short by the connection "
                                            f"({len(answer.payload)} bytes kept)")
            flags.append("dataloss")
        response_class = responsetypes.from_args(headers=headers, url=url, body=answer.payload)
        return response_class(url=url, status=record.status, headers=headers, body=answer.payload, flags=flags,
                              protocol=record.protocol, ip_address=_ip(record.ip_address))


def _ip(value: str | None) -> Any:
    if not value:
        return None
    try:
        return ipaddress.ip_address(value)
    except ValueError:
        return None
