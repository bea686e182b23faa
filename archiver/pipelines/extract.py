"""Page -> Article: runs the pure extractor and adds what the crawl knows (source, fetch facts, run id).

Pages the extractor classifies as something other than an article (a static page, a listing) are dropped here,
with the reason counted, because only extraction can tell them apart from posts.

Extraction is most of a crawl's CPU and Scrapy runs on one core, so by default it runs in a pool of worker
processes (``ARCHIVER_EXTRACT_PROCESSES``: ``auto`` = one per core; ``0`` = in the crawl process), shared by
every crawl of the process and never outliving it (``archiver.pipelines.workers``).
"""

from __future__ import annotations

import asyncio
import logging
import os
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from archiver import outcomes
from archiver.extract import extract
from archiver.items import SCHEMA_VERSION, Article, Page
from archiver.pipelines.canonical import choose_canonical
from archiver.pipelines.workers import discard_pool, shared_pool
from archiver.settings import ARCHIVER_VERSION

NOT_ARTICLES = {"page", "listing"}
logger = logging.getLogger(__name__)


def extract_processes(value: Any) -> int:
    """Worker processes for ``ARCHIVER_EXTRACT_PROCESSES`` (``auto``: one per core, none on one core)."""
    if value in (None, "", "auto"):
        cores = os.cpu_count() or 1
        return cores if cores > 1 else 0
    return max(0, int(value))


class ExtractPipeline:
    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler
        self.processes = extract_processes(crawler.settings.get("ARCHIVER_EXTRACT_PROCESSES", "auto"))

    @classmethod
    def from_crawler(cls, crawler: Any) -> ExtractPipeline:
        return cls(crawler)

    _warming: asyncio.Future[ProcessPoolExecutor] | None = None

    async def _pool(self) -> ProcessPoolExecutor:
        """The worker pool, started on a thread: starting the forkserver (which imports the extractor) and the
        first workers blocks for a second or two, and on the reactor thread that would stall every crawl."""
        if self._warming is None:
            self._warming = asyncio.ensure_future(asyncio.to_thread(_started_pool, self.processes))
        return await asyncio.shield(self._warming)

    async def _extract(self, item: Page) -> dict[str, Any]:
        arguments = (item["html"], item["url"])
        hints = item.get("hints") or None
        if not self.processes:
            return extract(*arguments, hints=hints)
        loop = asyncio.get_running_loop()
        try:
            return await loop.run_in_executor(await self._pool(), _extract_in_worker, *arguments, hints)
        except BrokenProcessPool:
            # A worker was killed (out of memory, a stray signal): carry on in this process, losing nothing.
            logger.warning("extraction workers died; extracting in the crawl process from now on")
            discard_pool(self.processes)
            self.processes = 0
            self._warming = None
            return extract(*arguments, hints=hints)

    async def process_item(self, item: Any, spider: Any = None) -> Any:
        if not isinstance(item, Page):
            return item
        spider = self.crawler.spider
        source = spider.sources_by_name[item["source"]]
        try:
            fields = await self._extract(item)
        except Exception as exc:  # an extractor bug (or a dead worker) must cost one page, not the crawl
            raise outcomes.drop(self.crawler.stats, item, "extract_error", repr(exc)[:300]) from exc
        page_type = fields.pop("page_type", "unknown")
        # which rule family read the page (a registry entry's, or the one its host or markup shows)
        outcomes.count(self.crawler.stats, source.name, "family", fields.pop("family", None) or "general")
        if page_type in NOT_ARTICLES:
            raise outcomes.drop(self.crawler.stats, item, "not_article", f"page type {page_type}")
        provenance = dict(fields.pop("provenance", {}))
        article = Article(
            schema_version=SCHEMA_VERSION,
            url=item["url"],
            source=source.name,
            source_kind=source.kind,
            fetched_at=item["fetched_at"],
            http_status=item["http_status"],
            run_id=spider.run_id,
            extractor=ARCHIVER_VERSION,
        )
        if source.country:  # an ad-hoc source (``archiver fetch``) has none: absent, never guessed
            article["country"] = source.country
        if item.get("capture"):
            article["capture"] = item["capture"]
        for key, value in fields.items():
            if key in Article.fields and value not in (None, "", [], {}):
                article[key] = value
        lastmod = (item.get("hints") or {}).get("sitemap_lastmod")
        if lastmod:
            article["sitemap_lastmod"] = lastmod
        if "site_name" not in article and source.site_name:
            article["site_name"] = source.site_name
            provenance["site_name"] = "registry"
        if "language" not in article and source.language:
            article["language"] = source.language
            provenance["language"] = "registry"
        declared = article.get("canonical_url")
        article["canonical_url"], how = await choose_canonical(spider, source, item["url"], declared,
                                                               self.crawler.stats)
        if how != "page" or "canonical_url" not in provenance:
            provenance["canonical_url"] = how
        if article.get("images"):  # the site's own images at the site's own address, as the record's URL is
            article["images"] = [{**image, "url": source.canonical_url(image["url"])}
                                 if isinstance(image.get("url"), str) and source.on_site(image["url"]) else image
                                 for image in article["images"]]
        apply_selector_overrides(article, provenance, item["html"], source.extra.get("selectors") or {})
        article["provenance"] = provenance
        return article


def _started_pool(processes: int) -> ProcessPoolExecutor:
    """The shared pool with its workers running (each has answered once)."""
    pool = shared_pool(processes)
    for future in [pool.submit(_ready) for _ in range(processes)]:
        future.result()
    return pool


def _ready() -> bool:
    return True


def _extract_in_worker(html: str, url: str, hints: dict[str, Any] | None) -> dict[str, Any]:
    return extract(html, url, hints=hints)


def apply_selector_overrides(
    article: Article, provenance: dict[str, str], html: str, selectors: dict[str, str]
) -> None:
    """A registry entry's ``[source.selectors]`` (parsel CSS) win over what extraction found, field by field;
    a selector that matches nothing leaves the extracted value alone."""
    if not selectors:
        return
    from parsel import Selector

    page = Selector(text=html)
    for field, css in selectors.items():
        if field not in Article.fields or field in ("body", "provenance"):
            continue
        values = [" ".join(v.split()) for v in page.css(css).getall() if v.strip()]
        if not values:
            continue
        article[field] = values if field in ("authors", "tags") else values[0]
        provenance[field] = "registry:selector"
