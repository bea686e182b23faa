"""Page -> Article: runs the pure extractor and adds what the crawl knows (source, fetch facts, run id).

Pages the extractor classifies as something other than an article (a static page, a listing) are dropped here,
with the reason counted, because only extraction can tell them apart from posts.

Extraction is most of a crawl's CPU and Scrapy runs on one core, so by default it runs in a pool of worker
processes (``ARCHIVER_EXTRACT_PROCESSES``: ``auto`` = one per core; ``0`` = in the crawl process), shared by
every crawl of the process and never outliving it (``archiver.pipelines.workers``). The crawl process sends a
worker the response's bytes as they came and gets back only what it needs (``pagework.extract_page``): the record's
fields, how the bytes were decoded (counted here) and the values of the source's registry selectors. Decoding,
parsing and every read of the page happen in the worker, never on the reactor thread.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from archiver import outcomes
from archiver.items import SCHEMA_VERSION, Article, Page
from archiver.normalise import BodyFacts, remember_body_facts
from archiver.pipelines.canonical import choose_canonical
from archiver.pipelines.pagework import extract_page
from archiver.pipelines.workers import WorkerPool, discard_pool, extract_processes, shared_pool
from archiver.settings import ARCHIVER_VERSION

NOT_ARTICLES = {"page", "listing"}
logger = logging.getLogger(__name__)


def start_workers_early(settings: Any) -> None:
    """Start the extraction workers now, on a thread, in a process about to crawl.

    The forkserver's start (importing the extractor, loading the language model) takes about a second. Started
    by the first page, it kept every crawl's first pages waiting that long (a crawl of the crawl bench's site:
    first page fetched 1.2 s after start, first record 2.2 s). Started before Scrapy's own setup (half a second
    of imports and middleware), it runs on another core alongside it. A crawl that then finds nothing has
    spent that second of CPU on a core it did not use; a failure here is only logged, as the first page
    starts the pool again (or falls back to extracting in the crawl process).
    """
    processes = extract_processes(settings.get("ARCHIVER_EXTRACT_PROCESSES", "auto"))
    if not processes:
        return

    def start() -> None:
        try:
            shared_pool(processes, extract_page)
        except Exception as exc:  # the first page tries again, and says so if it fails too
            logger.debug("extraction workers did not start early: %r", exc)

    threading.Thread(target=start, name="extraction-workers-start", daemon=True).start()


class ExtractPipeline:
    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler
        self.processes = extract_processes(crawler.settings.get("ARCHIVER_EXTRACT_PROCESSES", "auto"))

    @classmethod
    def from_crawler(cls, crawler: Any) -> ExtractPipeline:
        return cls(crawler)

    _warming: asyncio.Future[WorkerPool] | None = None

    async def _pool(self) -> WorkerPool:
        """The worker pool, started on a thread: starting the forkserver (which imports the extractor) and the
        first workers blocks for a second or two, and on the reactor thread that would stall every crawl. Its
        results are read on this event loop."""
        if self._warming is None:
            self._warming = asyncio.ensure_future(asyncio.to_thread(shared_pool, self.processes, extract_page))
        pool = await asyncio.shield(self._warming)
        pool.attach(asyncio.get_running_loop())
        return pool

    async def _extract(self, item: Page, selectors: dict[str, str]) -> dict[str, Any]:
        if item.get("body") is not None:  # the response's bytes, decoded in the worker
            arguments = (item["body"], item["url"], item.get("content_type"), item.get("hints") or None, selectors)
        else:  # a page given as text (re-extraction, tests)
            arguments = (item["html"], item["url"], None, item.get("hints") or None, selectors)
        if not self.processes:
            return extract_page(*arguments)
        try:
            return await (await self._pool()).submit(*arguments)
        except BrokenProcessPool:
            # A worker was killed (out of memory, a stray signal): carry on in this process, losing nothing.
            logger.warning("extraction workers died; extracting in the crawl process from now on")
            discard_pool(self.processes)
            self.processes = 0
            self._warming = None
            return extract_page(*arguments)

    async def process_item(self, item: Any, spider: Any = None) -> Any:
        if not isinstance(item, Page):
            return item
        spider = self.crawler.spider
        source = spider.sources_by_name[item["source"]]
        try:
            extracted = await self._extract(item, source.extra.get("selectors") or {})
        except Exception as exc:  # an extractor bug (or a dead worker) must cost one page, not the crawl
            raise outcomes.drop(self.crawler.stats, item, "extract_error", repr(exc)[:300]) from exc
        if extracted["decoding"] is not None:
            count_decoding(self.crawler.stats, item["source"], item["url"], *extracted["decoding"])
        fields = extracted["fields"]
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
        apply_selector_overrides(article, provenance, extracted["overrides"])
        article["provenance"] = provenance
        if extracted["body_facts"] and isinstance(article.get("body"), str):
            clean, controls, words, digest = extracted["body_facts"]
            remember_body_facts(article["body"], BodyFacts(clean or article["body"], controls, words, digest))
        return article


def count_decoding(stats: Any, source: str, url: str, encoding: str, mismatch: str | None,
                   undecodable: int) -> None:
    """Count a page whose charset was not the declared one, or whose bytes were partly undecodable."""
    if mismatch:
        outcomes.count(stats, source, "charset_mismatch")
        outcomes.note_once(stats, "charset mismatch", url, mismatch)
    if undecodable:
        outcomes.count(stats, source, "decode_errors")
        outcomes.count(stats, source, "replacement_chars", value=undecodable)
        outcomes.note_once(stats, "undecodable bytes", url,
                           f"{undecodable} invalid {encoding} sequence(s) kept as U+FFFD")


def apply_selector_overrides(article: Article, provenance: dict[str, str], overrides: dict[str, list[str]]) -> None:
    """A registry entry's ``[source.selectors]`` win over what extraction found, field by field (their values
    from ``pagework.selector_values``); a selector that matched nothing leaves the extracted value alone."""
    for field, values in overrides.items():
        if field not in Article.fields:
            continue
        article[field] = values if field in ("authors", "tags") else values[0]
        provenance[field] = "registry:selector"
