"""The registry spiders, replayed: the same discovery, plus the captured pages discovery did not reach.

A replayed discovery asks for what a fresh crawl of the source would ask for. Where the captures were made by
such a crawl, that finds every page they hold. Where they were made by an incremental run (the WordPress API
asked only for posts modified since the last run, sitemap entries skipped as unchanged) or by ``archiver
fetch``, the documents that listed some captured pages were never fetched whole, so discovery cannot reach
them. Once discovery is done and every page it found has its outcome, the captured HTML pages (2xx) of the
source that no request asked for, and that are its article URLs, are offered too, newest first, discovered
``via`` ``captures`` (counted ``archiver/source/<name>/discovery/articles/captures`` and as a discovery
method, ``discovery/method/captures``). They carry no discovery hints (a sitemap's ``lastmod``, a listing's
date), which is what a comparison with the original archive then shows.
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import parse_qsl, urlencode

from archiver import outcomes
from archiver.discovery import Entry
from archiver.replay.session import session_for
from archiver.sources import Source
from archiver.spiders.embassy import EmbassySpider
from archiver.spiders.news import NewsSpider
from archiver.spiders.registry import RegistrySpider, StepRun

logger = logging.getLogger(__name__)

CAPTURES_METHOD = "captures"
PERIOD_FILTERS = frozenset({"after", "before"})  # the WordPress API's own period filters (``--since``, ``--until``)


class ReplayedDiscovery(RegistrySpider):
    """A registry spider whose discovery ends with the captured pages it did not reach (see the module)."""

    # A replay says what the captures held, not what the site holds now: the re-extracted archive is complete only
    # up to its captures, so it never records that a source was seen whole (its index's watermark), and a live
    # crawl continuing that archive lists the whole site again instead of only what changed since the replay.
    covers_sources_whole = False

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._plan_done: set[str] = set()
        self._captures_offered = False

    def _finish_source(self, source: Source) -> None:
        """The plan's steps are done; the source is finished once its captured pages have been offered."""
        self._plan_done.add(source.name)
        self.poke()

    def discovery_finished(self) -> bool:
        if self._captures_offered:
            return super().discovery_finished()
        if len(self._plan_done) < len(self.sources):
            return False
        waiting = bool(self._in_flight) or any(self._queues.values()) or bool(self._documents)
        if waiting and self._quiet_for() < self.stall_seconds:
            return False  # pages discovery found are still on their way: what they ask for is not known yet
        self._captures_offered = True
        for source in self.sources:
            offered = self.offer_captured_pages(source)
            if offered:
                # the captures were a discovery method of this replay: a source they found pages for has
                # discovered something, whatever its documents gave
                self._steps[(source.name, len(source.plan))] = StepRun(found=offered)
                outcomes.count(self.crawler.stats, source.name, "discovery", "method", CAPTURES_METHOD)
                logger.info("%s: %d captured page(s) discovery did not reach are re-extracted too", source.name,
                            offered)
            super()._finish_source(source)
        return super().discovery_finished()

    def _rest_page_url(self, source: Source, endpoint: str, page: int) -> str:
        """The API page a crawl would ask for; with ``--since``/``--until``, the same page without the period's
        filters when only that one was captured (a crawl of the whole site), so the period's posts are still
        discovered with the API's dates and filtered here by their dates, as a crawl filters entries."""
        url = super()._rest_page_url(source, endpoint, page)
        session = session_for(self.crawler)
        if session is None or not (self.since or self.until) or session.capture_for(source.name, url) is not None:
            return url
        base, _, query = url.partition("?")
        kept = [(k, v) for k, v in parse_qsl(query, keep_blank_values=True) if k not in PERIOD_FILTERS]
        whole = f"{base}?{urlencode(kept)}"
        if session.capture_for(source.name, whole) is None:
            return url
        outcomes.count(self.crawler.stats, source.name, "replay", "whole_api_pages")
        return whole

    def offer_captured_pages(self, source: Source) -> int:
        session = session_for(self.crawler)
        if session is None:
            return 0
        offered = 0
        for capture in session.captured_pages_not_requested(source.name):
            try:
                address = source.fetch_address(capture.url)
            except ValueError:
                continue
            if address != capture.url or not self.is_article_url(source, address) or address in self._seen_urls:
                continue  # off this run's site, rewritten elsewhere, not an article URL, or discovered already
            if self.offer(source, Entry(url=capture.url), address, via=CAPTURES_METHOD, article=True):
                offered += 1
        return offered


class ReplayEmbassySpider(ReplayedDiscovery, EmbassySpider):
    pass


class ReplayNewsSpider(ReplayedDiscovery, NewsSpider):
    pass


def replay_spider(source: Source) -> type[ReplayedDiscovery]:
    return ReplayEmbassySpider if source.kind == "embassy" else ReplayNewsSpider
