"""Retries that back off on the failing site's own downloader slot.

Scrapy's RetryMiddleware re-queues a failed request at once, which against a rate-limiting or struggling server
only adds load. Waiting inside the middleware (an ``await sleep``) is worse: the waiting request keeps its place
among the crawl's ``CONCURRENT_REQUESTS`` while its slot looks idle, so a burst of 429s from one site fills the
crawl and stops every other site with it.

So the wait is put where Scrapy keeps per-site pacing, the site's downloader slot. When a response comes back
with a retryable status (or a retried download fails), the slot's delay becomes the backoff (``base *
2**(attempt-1)``, or the server's ``Retry-After`` when longer, capped by ``ARCHIVER_RETRY_BACKOFF_MAX``),
counted from now and without random jitter, so the slot starts nothing earlier. The retry goes back to the
scheduler at once and waits in the slot's queue like any other request of that site; other sites' slots go on.
The slot's own delay and jitter come back with the first normal answer (a status that is not retried) to a
request sent after the wait began (its download started ``download_latency`` seconds before its headers came).
Until then the wait is re-asserted on every response of that slot, because AutoThrottle lowers a delay on any
200, including one to a request that was already on the wire when the site asked us to wait.

A request waiting in a slot's queue still counts among ``CONCURRENT_REQUESTS``, and Scrapy's
DownloaderAwarePriorityQueue keeps feeding a slot as long as it has no more requests than the others: a waiting
site whose requests reach the scheduler first can fill the crawl's capacity with requests that will wait
(seconds, or a minute). ``BackoffAwarePriorityQueue`` therefore hands a waiting slot nothing while it already
has a request queued; the site's other requests stay in the scheduler, holding nothing, until the slot moves.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from time import monotonic
from typing import TYPE_CHECKING, Any

from scrapy import signals
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.http import Request, Response
from scrapy.pqueues import DownloaderAwarePriorityQueue, DownloaderInterface

if TYPE_CHECKING:
    from scrapy.core.downloader import Slot

logger = logging.getLogger(__name__)

_DELTA_SECONDS = re.compile(r"[0-9]+")  # RFC 9110 delta-seconds: ASCII digits, nothing else
_LONGEST_DELTA = 9  # digits; anything longer is "very long" and capped (and int() refuses over 4,300 digits)


def parse_retry_after(value: bytes | str | None, now: datetime | None = None) -> float | None:
    """Seconds a ``Retry-After`` value asks for, or None when it is neither delta-seconds nor an HTTP-date.

    Only ASCII digits count as delta-seconds (``"²"`` and ``"٣"`` pass ``str.isdigit()``; they are not
    numbers a server can mean). A date in the past asks for no wait (0). Never raises.
    """
    if value is None:
        return None
    text = value.decode("latin-1") if isinstance(value, bytes) else value
    text = text.strip(" \t")
    if not text or not text.isascii():
        return None
    if _DELTA_SECONDS.fullmatch(text):
        return float(int(text)) if len(text) <= _LONGEST_DELTA else float(10**_LONGEST_DELTA)
    try:
        when = parsedate_to_datetime(text)
        if when.tzinfo is None:  # asctime() dates carry no zone; every HTTP-date is GMT
            when = when.replace(tzinfo=UTC)
        return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())
    except (TypeError, ValueError, IndexError, OverflowError):
        return None


def retry_after_seconds(response: Response | None) -> float | None:
    """The wait a response's ``Retry-After`` header asks for (see ``parse_retry_after``)."""
    return None if response is None else parse_retry_after(response.headers.get(b"Retry-After"))


@dataclass
class _Hold:
    """A slot made to wait: what to give back, and since when the wait stands."""

    slot: Slot
    delay: float  # the slot's delay before the wait, restored on release
    jitter: float
    wait: float  # the delay imposed
    since: float  # monotonic time the (latest) wait began


class BackoffRetryMiddleware(RetryMiddleware):
    """RetryMiddleware whose backoff holds the site's downloader slot instead of the request."""

    def __init__(self, settings: Any):
        super().__init__(settings)
        self.backoff_base = settings.getfloat("ARCHIVER_RETRY_BACKOFF_BASE", 1.0)
        self.backoff_max = settings.getfloat("ARCHIVER_RETRY_BACKOFF_MAX", 60.0)
        self._holds: dict[str, _Hold] = {}

    @classmethod
    def from_crawler(cls, crawler: Any) -> BackoffRetryMiddleware:
        middleware = super().from_crawler(crawler)
        # Connected after AutoThrottle (an extension, built before the downloader), so on each response the
        # hold is decided after AutoThrottle's adjustment and before the slot starts its next download.
        crawler.signals.connect(middleware._response_downloaded, signal=signals.response_downloaded)
        return middleware

    # -- how long ------------------------------------------------------------------------------------------

    def backoff_for(self, attempt: int, response: Response | None = None) -> float:
        """The wait before attempt ``attempt + 1``: exponential, or the server's Retry-After if longer; capped."""
        delay = self.backoff_base * 2 ** (max(1, attempt) - 1)
        asked = retry_after_seconds(response)
        if asked is not None:
            delay = max(delay, asked)
        return min(delay, self.backoff_max)

    def backoff_delay(self, retry: Request, response: Response | None = None) -> float:
        """The wait before ``retry`` (a request as returned by the retry policy, ``retry_times`` set)."""
        return self.backoff_for(int(retry.meta.get("retry_times", 1)), response)

    # -- when ----------------------------------------------------------------------------------------------

    def _response_downloaded(self, response: Response, request: Request) -> None:
        key = request.meta.get("download_slot")
        if key is None:
            return
        if response.status in self.retry_http_codes:
            attempt = int(request.meta.get("retry_times", 0)) + 1
            self._hold(key, self.backoff_for(attempt, response), f"HTTP {response.status}")
            return
        hold = self._holds.get(key)
        if hold is None:
            return
        latency = request.meta.get("download_latency")
        if latency is None or monotonic() - float(latency) > hold.since:
            self._release(key, hold)
        else:
            hold.slot.delay = max(hold.slot.delay, hold.wait)
            hold.slot.jitter = 0.0

    def process_exception(  # type: ignore[override]
        self, request: Request, exception: Exception
    ) -> Request | Response | None:
        result = super().process_exception(request, exception)
        key = request.meta.get("download_slot")
        if isinstance(result, Request) and key is not None:
            self._hold(key, self.backoff_delay(result), type(exception).__name__)
        return result

    def is_waiting(self, key: str) -> bool:
        """True while ``key``'s slot waits out a backoff with a request already queued for when it ends."""
        hold = self._holds.get(key)
        return hold is not None and bool(hold.slot.queue)

    def _hold(self, key: str, wait: float, why: str) -> None:
        slot = self.crawler.engine.downloader.slots.get(key) if self.crawler.engine else None
        if slot is None:
            return
        now = monotonic()
        hold = self._holds.get(key)
        if hold is None or hold.slot is not slot:
            hold = self._holds[key] = _Hold(slot, slot.delay, slot.jitter, wait, now)
            logger.info("%s: backing off %.1f s (%s); other sites go on", key, wait, why)
        hold.since = now
        slot.jitter = 0.0
        if slot.lastseen + slot.delay < now + wait:  # never shortens a longer wait already standing
            hold.wait = wait
            slot.delay = wait
            slot.lastseen = now

    def _release(self, key: str, hold: _Hold) -> None:
        del self._holds[key]
        slot = hold.slot
        slot.delay, slot.jitter = hold.delay, hold.jitter
        if slot.latercall:  # a wake-up planned for the end of the wait: the slot may go on now
            slot.latercall.cancel()
            slot.latercall = None
        logger.info("%s: answering normally again; back to its usual pace", key)


class _BackoffAwareInterface(DownloaderInterface):
    """The downloader as the priority queue sees it, minus the slots that are waiting with a request queued."""

    def __init__(self, crawler: Any) -> None:
        super().__init__(crawler)
        self._backoff = next((mw for mw in self.downloader.middleware.middlewares
                              if isinstance(mw, BackoffRetryMiddleware)), None)

    def stats(self, possible_slots: Any) -> list[tuple[int, str]]:
        pairs = super().stats(possible_slots)
        if self._backoff is None:
            return pairs
        return [(active, slot) for active, slot in pairs if not self._backoff.is_waiting(slot)]


class BackoffAwarePriorityQueue(DownloaderAwarePriorityQueue):
    """Scrapy's DownloaderAwarePriorityQueue, except that a site waiting out a backoff gets nothing more while
    it has a request queued. When only such sites have requests left, ``pop`` returns None (the scheduler's
    contract allows it: the engine asks again when a download ends and on its heartbeat, and the crawl stays
    open because those requests are still pending)."""

    def __init__(self, crawler: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(crawler, *args, **kwargs)
        self._downloader_interface = _BackoffAwareInterface(crawler)
