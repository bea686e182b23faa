"""Archive exactly the URLs given: ``scrapy crawl urls -a urls=FILE`` (or ``-a url=URL``), ``archiver fetch``.

There is no discovery: the input is the list of article URLs. Each URL goes to its registry source by host, or
to an ad-hoc source named after its registered domain (``archiver.fetch_plan``), and is then treated exactly as
a discovered URL of a crawl: counted ``discovered`` for its source, fetched through the same politeness,
robots.txt, middlewares, pipelines, archive feeds and index, and ending archived, unchanged, dropped or not
fetched with a reason, so each source's accounting identity holds. On top of that, the input has an identity of
its own in the run report (``input``): every line read is ignored (blank, ``#`` comment), a URL handed to a
source, or a bad line counted by reason.

A URL the archive already holds is not fetched again (``unchanged``, ``discovery/skipped_archived``) unless
``refetch`` is set; then it is fetched, and archived as a new revision only if its body changed. A URL given
twice (after removing tracking parameters and mapping mirrors) is fetched once; the repeat counts ``not
fetched: duplicate``.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import AsyncIterator
from typing import Any

from scrapy.http import Request

from archiver import outcomes
from archiver.adhoc import AdhocSource
from archiver.discovery import Entry
from archiver.fetch_plan import FetchPlan, parse_base_urls, plan_fetch
from archiver.normalise import clean_url
from archiver.paths import sources_dir
from archiver.sources import Source, SourceError, load_registry
from archiver.spiders.base import ArchiveSpider, Candidate
from archiver.spiders.embassy import NOT_POSTS
from archiver.spiders.registry import path_and_query
from archiver.url_input import InputLine, read_input

logger = logging.getLogger(__name__)

VIA = "input"
BAD_LINES_REPORTED = 100  # the report lists the first bad lines by place; the counts cover all of them


def _flag(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "yes", "on")
    return bool(value)


class UrlsSpider(ArchiveSpider):
    name = "urls"
    source_kind = "given"
    source_argument = "source"
    source_required = False
    covers_sources_whole = False  # a few pages of a source say nothing of the rest of it

    def __init__(self, *args: Any, urls: str | None = None, url: str | list[str] | None = None,
                 refetch: Any = False, base_url: Any = None, **kwargs: Any) -> None:
        if kwargs.get("limit") not in (None, ""):
            raise SourceError("urls: limit does not apply; give only the URLs to fetch")
        super().__init__(*args, **kwargs)
        self.urls_file = urls
        self.url_arguments = url
        self.refetch = _flag(refetch)
        self.base_urls = parse_base_urls(base_url)
        self.plan = FetchPlan()

    def resolve_sources(self, data_dir_setting: str | None = None) -> None:
        """Read the input and give each URL its source (registry, ``source``, or ad-hoc)."""
        lines = read_input(self.url_arguments, self.urls_file)
        registry = load_registry(sources_dir(data_dir_setting))
        self.plan = plan_fetch(lines, registry, source=self._source_spec, base_urls=self.base_urls)
        if not self.plan.sources:
            raise SourceError(f"no URL to fetch: {len(lines)} line(s) given, none of them an http(s) URL")
        self.sources = list(self.plan.sources)
        self.sources_by_name = {s.name: s for s in self.sources}
        hosts = {host for s in self.sources for host in s.hosts}
        self.allowed_domains = sorted(hosts)
        self._queues = {s.name: deque() for s in self.sources}

    # -- the input instead of discovery -------------------------------------------------------------------

    def begin_discovery(self, source: Source) -> None:
        """Nothing to discover: ``start`` offers the input before the base's loop asks."""

    def discovery_finished(self) -> bool:
        return True

    async def start(self) -> AsyncIterator[Any]:  # type: ignore[override]
        await self._offer_input()
        async for request in super().start():
            yield request

    def is_article_url(self, source: Source, url: str) -> bool:
        """What the source calls an article URL (used to judge a page's declared canonical URL)."""
        path = path_and_query(url)
        if source.article_pattern is not None:
            return source.article_pattern.search(path) is not None
        if source.kind == "embassy":
            return path != "/" and not NOT_POSTS.match(path)
        return path != "/"

    @staticmethod
    def _address(source: Source, url: str) -> tuple[str | None, str | None]:
        """Where to fetch ``url`` for ``source`` and its identity in the index (None, None: off-site)."""
        try:
            address = source.fetch_address(url)
            return (address, clean_url(source.canonical_url(address))) if address else (None, None)
        except ValueError:  # no parser can use it: counted off-site, like any URL that is not the source's
            return None, None

    async def _offer_input(self) -> None:
        stats = self.crawler.stats
        placed = [(line, self.sources_by_name[name] if name else None) for line, name in self.plan.lines]
        addresses = {id(line): self._address(source, line.url) for line, source in placed if source and line.url}
        archived: set[str] = set()
        if self.index is not None and not self.refetch:
            keys = [key for _, key in addresses.values() if key]
            archived = set(await self.index.lastmods(keys)) if keys else set()  # keys the index holds
        seen: set[str] = set()
        for number, (line, source) in enumerate(placed, 1):
            self._lines_done = number
            stats.inc_value("archiver/input/lines")
            if source is None:
                self._bad_line(line)
                continue
            stats.inc_value("archiver/input/urls")
            address, key = addresses[id(line)]
            repeat_key = key or f"off-site {line.url}"
            if repeat_key in seen:
                outcomes.count(stats, source.name, "discovered")
                self.not_fetched(source.name, "duplicate", line.url or line.text)
                continue
            seen.add(repeat_key)
            if key is not None and key in archived:
                outcomes.count(stats, source.name, "discovered")
                outcomes.count(stats, source.name, "unchanged")
                outcomes.count(stats, source.name, "discovery", "skipped_archived")
                continue
            self.offer(source, Entry(url=line.url or line.text), address, via=VIA, article=True)

    _lines_done = 0

    def closed(self, reason: str) -> None:
        """URLs of the input never offered (the run stopped first) are counted: not fetched (``interrupted``)
        when the run was stopped, and left without an outcome when it claims to have finished, so the source
        fails its accounting instead of passing with URLs missing."""
        for line, name in self.plan.lines[self._lines_done:]:
            if name is None:
                continue
            outcomes.count(self.crawler.stats, name, "discovered")
            if reason != "finished":
                self.not_fetched(name, "interrupted", line.url or line.text)
        super().closed(reason)

    def _bad_line(self, line: InputLine) -> None:
        stats = self.crawler.stats
        if line.ignored:
            stats.inc_value("archiver/input/ignored")
            return
        stats.inc_value(f"archiver/input/bad/{line.reason}")
        outcomes.note_once(stats, f"input {line.where} holds no usable URL ({line.reason})", repr(line.text[:200]))

    def _article_request(self, candidate: Candidate) -> Request:
        """The base's request; an ad-hoc source has no registry language, so no language hint is sent."""
        request = super()._article_request(candidate)
        hints = request.meta["hints"]
        languages = [code for code in hints.get("languages", ()) if code]
        if languages:
            hints["languages"] = languages
        else:
            hints.pop("languages", None)
        return request

    # -- the report ---------------------------------------------------------------------------------------

    def report_extra(self) -> dict[str, Any]:
        """The input's own identity and the ad-hoc sources, for the run report."""
        stats = self.crawler.stats.get_stats()
        bad = {key.rsplit("/", 1)[1]: value for key, value in stats.items()
               if key.startswith("archiver/input/bad/")}
        by_source: dict[str, int] = {}
        for _, name in self.plan.lines:
            if name:
                by_source[name] = by_source.get(name, 0) + 1
        lines = stats.get("archiver/input/lines", 0)
        ignored, urls = stats.get("archiver/input/ignored", 0), stats.get("archiver/input/urls", 0)
        bad_lines = [{"where": line.where, "text": line.text[:300], "reason": line.reason}
                     for line, name in self.plan.lines if name is None and not line.ignored]
        adhoc = {}
        for source in self.sources:
            if isinstance(source, AdhocSource):
                prefix = f"archiver/source/{source.name}/family/"
                adhoc[source.name] = {**source.describe(), "families": {
                    key[len(prefix):]: value for key, value in stats.items() if key.startswith(prefix)}}
        return {
            "input": {
                "given": len(self.plan.lines), "lines": lines, "ignored": ignored, "urls": urls, "bad": bad,
                "by_source": by_source, "bad_lines": bad_lines[:BAD_LINES_REPORTED],
                "balanced": lines == ignored + urls + sum(bad.values()),
            },
            "adhoc_sources": adhoc,
            "refetch": self.refetch,
        }

