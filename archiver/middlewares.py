"""Retries that back off.

Scrapy's RetryMiddleware re-queues a failed request at once; against a struggling or rate-limiting server that
only adds load. This subclass keeps Scrapy's retry policy (which codes and exceptions, how many times, the
give-up log) and waits before handing the retry back: ``base * 2**(attempt-1)`` seconds, capped, or the
server's ``Retry-After`` when it sends one.
"""

from __future__ import annotations

import asyncio
from email.utils import parsedate_to_datetime
from typing import Any

from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.http import Request, Response


def retry_after_seconds(response: Response | None) -> float | None:
    """The delay a 429/503 response asks for, in seconds, or None when it asks for none we can read."""
    if response is None:
        return None
    raw = response.headers.get(b"Retry-After")
    if not raw:
        return None
    value = raw.decode("latin-1").strip()
    if value.isdigit():
        return float(value)
    try:
        from datetime import UTC, datetime

        return max(0.0, (parsedate_to_datetime(value) - datetime.now(UTC)).total_seconds())
    except (TypeError, ValueError):
        return None


class BackoffRetryMiddleware(RetryMiddleware):
    """RetryMiddleware with exponential backoff between attempts."""

    def __init__(self, settings: Any):
        super().__init__(settings)
        self.backoff_base = settings.getfloat("ARCHIVER_RETRY_BACKOFF_BASE", 1.0)
        self.backoff_max = settings.getfloat("ARCHIVER_RETRY_BACKOFF_MAX", 60.0)

    def backoff_delay(self, retry: Request, response: Response | None = None) -> float:
        attempt = max(1, int(retry.meta.get("retry_times", 1)))
        delay = self.backoff_base * 2 ** (attempt - 1)
        asked = retry_after_seconds(response)
        if asked is not None:
            delay = max(delay, asked)
        return min(delay, self.backoff_max)

    async def process_response(  # type: ignore[override]
        self, request: Request, response: Response, spider: Any = None
    ) -> Request | Response:
        result = super().process_response(request, response)
        if isinstance(result, Request):
            await asyncio.sleep(self.backoff_delay(result, response))
        return result

    async def process_exception(  # type: ignore[override]
        self, request: Request, exception: Exception, spider: Any = None
    ) -> Request | Response | None:
        result = super().process_exception(request, exception)
        if isinstance(result, Request):
            await asyncio.sleep(self.backoff_delay(result))
        return result


class OffsiteRedirectGuard:
    """Turn a redirect that leaves the crawled sites into a failure the request's errback sees.

    Scrapy drops an off-site redirect target silently when it is scheduled (the offsite check runs on the
    ``request_scheduled`` signal, which calls no errback), so the page would vanish uncounted. This middleware
    sits before RedirectMiddleware in the response chain and fails the request with a clear reason instead.
    """

    REDIRECTS = {301, 302, 303, 307, 308}

    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Any) -> OffsiteRedirectGuard:
        return cls(crawler)

    def process_response(self, request: Request, response: Response, spider: Any = None) -> Response:
        from urllib.parse import urljoin, urlsplit

        from scrapy.exceptions import IgnoreRequest
        from scrapy.utils.url import url_is_from_any_domain

        location = response.headers.get(b"Location")
        if response.status not in self.REDIRECTS or not location or request.meta.get("allow_offsite"):
            return response
        domains = getattr(self.crawler.spider, "allowed_domains", None)
        target = urljoin(request.url, location.decode("latin-1"))
        if domains and not url_is_from_any_domain(target, domains):
            raise IgnoreRequest(f"Filtered offsite redirect to {urlsplit(target).hostname!r}")
        return response
