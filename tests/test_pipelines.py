"""Pipelines one by one: extraction to Article, normalisation, validation drops, in-run dedupe."""

from __future__ import annotations

import asyncio
import inspect

import pytest
from scrapy.exceptions import DropItem
from scrapy.utils.test import get_crawler

from archiver.items import Article, Page
from archiver.pipelines.dedupe import DedupePipeline
from archiver.pipelines.extract import ExtractPipeline
from archiver.pipelines.normalise import NormalisePipeline
from archiver.pipelines.validate import ValidatePipeline
from archiver.schema import schema_errors
from archiver.sources import resolve
from archiver.spiders.embassy import EmbassySpider

from .sites.markup import embassy_post

BASE = "https://la.usembassy.gov"
PARAS = [
    "The United States and the Lao PDR opened a new water treatment plant in Vientiane Province today, "
    "bringing clean water to eleven villages.",
    "The plant was built with support from the U.S. government and will be run by a village water committee "
    "trained in maintenance and water testing.",
]


@pytest.fixture
def crawler():
    crawler = get_crawler(EmbassySpider, {"ARCHIVER_MIN_WORDS": 20, "ARCHIVER_EXTRACT_PROCESSES": 0})
    spider = EmbassySpider(site="la")
    spider.resolve_sources()
    spider.crawler = crawler
    crawler.spider = spider
    crawler.stats.open_spider()
    return crawler


def page(slug: str = "water-plant", html: str | None = None) -> Page:
    return Page(
        url=f"{BASE}/{slug}/?utm_source=newsletter", html=html or embassy_post(BASE, slug, "Water Plant Opens",
                                                                                 PARAS, "2024-05-02T03:04:05+00:00"),
        http_status=200, fetched_at="2024-06-18T01:02:03+00:00", source="la", encoding="utf-8",
        discovered_via="yoast_sitemap", hints={},
    )


def run_all(crawler, item):
    stages = [ExtractPipeline(crawler), NormalisePipeline(), ValidatePipeline(crawler)]
    for stage in stages:
        item = stage.process_item(item)
        if inspect.iscoroutine(item):
            item = asyncio.run(item)
    return item


def test_page_becomes_a_schema_valid_article(crawler) -> None:
    article = run_all(crawler, page())
    assert isinstance(article, Article)
    record = dict(article)
    assert schema_errors(record) == []
    assert record["url"] == f"{BASE}/water-plant/"
    assert record["title"] == "Water Plant Opens"
    assert record["published_at"] == "2024-05-02T03:04:05+00:00"
    assert record["body"] == "\n\n".join(PARAS)
    assert (record["source"], record["country"], record["source_kind"]) == ("la", "LA", "embassy")
    assert record["run_id"] == crawler.spider.run_id
    assert NormalisePipeline().process_item(Article(record)) == Article(record)  # idempotent


def test_non_articles_and_thin_pages_are_dropped_with_counted_reasons(crawler) -> None:
    listing = """<html><body class="archive category"><main id="main">
    <article class="post"><h2 class="entry-title"><a href="/a/">A</a></h2></article>
    <article class="post"><h2 class="entry-title"><a href="/b/">B</a></h2></article>
    <nav class="navigation pagination"><a class="next page-numbers" href="/page/2/">Next</a></nav></main></body></html>"""
    with pytest.raises(DropItem):
        run_all(crawler, page("category/news", listing))
    thin = embassy_post(BASE, "thin", "Thin", ["Too short to be an article."], "2024-05-02T03:04:05+00:00")
    with pytest.raises(DropItem):
        run_all(crawler, page("thin", thin))
    untitled = "<html><body><p>" + " ".join(["word"] * 80) + "</p></body></html>"
    with pytest.raises(DropItem):
        run_all(crawler, page("untitled", untitled))
    stats = crawler.stats.get_stats()
    assert stats["archiver/dropped/not_article"] == 1
    assert stats["archiver/dropped/too_short"] == 1
    assert stats["archiver/source/la/dropped/too_short"] == 1
    assert stats["archiver/dropped/no_title"] == 1


def test_dedupe_by_canonical_url_and_by_body(crawler) -> None:
    dedupe = DedupePipeline(crawler)
    first = run_all(crawler, page())
    assert dedupe.process_item(first) is first
    again = run_all(crawler, page())
    with pytest.raises(DropItem):
        dedupe.process_item(again)
    mirror = run_all(crawler, page("water-plant-copy"))
    mirror["canonical_url"] = f"{BASE}/water-plant-copy/"
    with pytest.raises(DropItem):
        dedupe.process_item(mirror)
    stats = crawler.stats.get_stats()
    assert stats["archiver/dropped/duplicate_url"] == 1
    assert stats["archiver/dropped/duplicate_content"] == 1


def test_registry_values_fill_what_the_page_lacks(crawler) -> None:
    bare = "<html><head><title>Plain Post</title></head><body><article><h1>Plain Post</h1>" + "".join(
        f"<p>{p}</p>" for p in PARAS) + "</article></body></html>"
    article = run_all(crawler, page("plain", bare))
    assert article["site_name"] == resolve("la", kind="embassy")[0].site_name
    assert article["provenance"]["site_name"] == "registry"
    assert "published_at" not in article  # never the fetch time


def test_fast_schema_check_agrees_with_the_reference_validator(crawler) -> None:
    """The crawl checks records with a compiled validator; jsonschema is the reference. Each way a record can
    break the schema must be caught by both, and a valid record passed by both."""
    from archiver.schema import article_validator, is_valid_record

    good = dict(run_all(crawler, page()))
    assert is_valid_record(good) and article_validator().is_valid(good)
    broken = {
        "missing title": {k: v for k, v in good.items() if k != "title"},
        "unknown field": good | {"rating": 5},
        "word count as text": good | {"word_count": "300"},
        "date not ISO": good | {"published_at": "2 May 2024"},
        "null author": good | {"authors": [None]},
        "empty title": good | {"title": ""},
        "bad language": good | {"language": "english"},
        "negative count": good | {"word_count": -1},
    }
    for label, record in broken.items():
        reference = article_validator().is_valid(record)
        assert is_valid_record(record) == reference, label
        assert schema_errors(record) != [] or reference, label
    assert sum(not article_validator().is_valid(r) for r in broken.values()) >= 6
