"""Discovery documents that go wrong cost only themselves: every case of ``tests/sites/hostile_discovery.py`` is
crawled end to end, each post the case lists is archived once, and every other URL is counted with a reason.
``run_crawl`` (conftest) also holds each run's accounting identity."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from .conftest import FAST, REPO, read_archive, run_crawl, start_server, stop_server
from .sites.hostile_discovery import BIG, LONG_SEGMENT, POSTS, TITLES

DEMO = REPO / "data" / "demo" / "la.usembassy.gov"


@pytest.fixture(scope="module")
def hostile() -> Iterator[dict[str, str]]:
    proc, _ = start_server(["-m", "tests.sites.hostile_discovery"])
    assert proc.stdout is not None
    yield json.loads(proc.stdout.readline())
    stop_server(proc)


def crawl(sites: dict[str, str], case: str, tmp: Path) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    report = run_crawl("embassy", tmp / "archive", tmp / "runs", "-a", "site=la", "-a", f"base_url={sites[case]}",
                       "-s", "ARCHIVER_STALL_SECONDS=2")
    return report, read_archive(tmp / "archive")


def source_stats(report: dict[str, Any], prefix: str) -> dict[str, int]:
    start = f"archiver/source/la/{prefix}/"
    return {k[len(start):]: v for k, v in report["stats"].items() if k.startswith(start)}


@pytest.mark.parametrize("case", sorted(set(POSTS) - {"canonical"}))
def test_each_case_archives_its_posts_once(hostile: dict[str, str], case: str, tmp_path: Path) -> None:
    report, records = crawl(hostile, case, tmp_path)
    assert sorted(r["title"] for r in records) == sorted(TITLES[slug] for slug in POSTS[case])
    assert report["finish_reason"] == "finished"
    assert report["accounting"]["la"]["archived"] == len(records)
    errors = source_stats(report, "discovery/errors")
    assert errors.pop("http_404") >= 1  # these sites have no WordPress API: discovery falls back to the sitemaps
    if case == "dupchild":
        assert report["stats"]["archiver/source/la/discovery/repeated_documents"] == 1
    elif case == "cycle":
        assert report["stats"]["archiver/source/la/discovery/repeated_documents"] == 2
    elif case == "offsite":
        assert errors == {"offsite_document": 2}
    elif case == "longchild":
        assert errors == {"url_too_long": 1}
    elif case == "badloc":
        assert errors == {"bad_url": 2}
    elif case == "oddlocs":  # the javascript: one is a bad URL; the ?p= ones (both read whole) answer 404 here
        assert report["accounting"]["la"]["not_fetched"] == {"bad_url": 1}
        assert report["accounting"]["la"]["dropped"] == {"http_404": 2}
        assert f"{hostile[case]}/?p=7&lang=lo" in report["_log"] and f"{hostile[case]}/?p=8&lang=lo" in report["_log"]
        assert errors == {}
    elif case in ("rss1", "atom03"):  # no API, no sitemaps: the feed (then the listings, which 404 here)
        assert report["stats"]["archiver/source/la/discovery/method/feed"] == 1
        assert errors == {}
    assert all(r["url"].startswith(hostile[case] + "/") for r in records)


def test_bad_article_urls_are_counted_not_fetched(hostile: dict[str, str], tmp_path: Path) -> None:
    report, records = crawl(hostile, "articles", tmp_path)
    assert len(records) == 4
    assert len({r["canonical_url"] for r in records}) == 4
    terms = report["accounting"]["la"]
    # the home page, the 2,500-character URL, a 400-character Lao URL (10,800 once percent-encoded, as Scrapy
    # measures it), a post on another port and one on another host
    assert terms["not_fetched"] == {"not_article_url": 1, "url_too_long": 2, "offsite": 2}
    # a post that redirects to a post already listed: fetched at its target, and dropped as the same page
    assert terms["dropped"] == {"duplicate_url": 1}
    assert terms["discovered"] == 10
    assert report["stats"]["archiver/source/la/discovery/repeated"] == 1  # listed in both sitemaps
    assert not any(LONG_SEGMENT in r["url"] for r in records)


def test_declared_canonicals_cannot_claim_another_identity(hostile: dict[str, str], tmp_path: Path) -> None:
    report, records = crawl(hostile, "canonical", tmp_path)
    assert len(records) == 8
    for record in records:
        path = record["url"][len(hostile["canonical"]):]
        assert record["canonical_url"] == f"https://la.usembassy.gov{path}"
        assert record["revision"] == 1
    (river,) = [r for r in records if "/river-talks-open/" in r["url"]]
    assert river["title"] == TITLES["river-talks-open"]
    # a canonical naming another page of the site (a listed article, one not listed yet, or the home page) or
    # another mission's host: a page never takes another's identity, even one this run has not discovered yet
    assert source_stats(report, "canonical_refused") == {"other_page": 3, "offsite": 1}


def test_a_source_that_yields_nothing_fails(hostile: dict[str, str], tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "archiver.cli", "crawl", "la", "--base-url", f"la={hostile['empty']}",
         "--archive", str(tmp_path / "archive"), "--state", str(tmp_path / "state"), "--runs", str(tmp_path / "runs"),
         *[a for pair in zip(FAST[::2], FAST[1::2], strict=True) for a in ("--set", pair[1])]],
        cwd=REPO, capture_output=True, text=True, timeout=120,
    )
    assert proc.returncode == 1, proc.stderr[-2000:]
    (report_file,) = (tmp_path / "runs").glob("*.json")
    report = json.loads(report_file.read_text("utf-8"))
    assert report["outcomes"] == {"la": "failed"}
    assert "la: failed (no articles discovered by any method" in proc.stderr
    for step in ("yoast_sitemap", "wp_sitemap", "feed", "listing"):
        assert report["crawls"][0]["stats"][f"archiver/source/la/discovery/failed/{step}"] == 1


def test_a_big_sitemap_is_fed_to_the_scheduler_a_little_at_a_time(hostile: dict[str, str], tmp_path: Path) -> None:
    report, records = crawl(hostile, "big", tmp_path)
    assert records == []
    assert report["accounting"]["la"]["dropped"] == {"http_404": BIG}
    # every page the sitemap lists is gone: a run that archived nothing of what it found is no success
    assert report["outcomes"] == {"la": "failed"}
    assert report["outcome_reasons"]["la"].startswith("nothing archived")
    # Every request once held by the scheduler would be BIG; discovery keeps it near its high-water mark.
    assert report["stats"]["archiver/scheduler/peak_pending"] <= 64 + 4
    assert report["stats"]["scheduler/enqueued"] >= BIG


@pytest.mark.parametrize(("fault", "counted"), [("lost", "lost"), ("raise", "unreadable")])
def test_a_document_dropped_without_callback_or_unreadable_costs_only_itself(
        tmp_path: Path, fault: str, counted: str) -> None:
    from archiver.settings import SPIDER_MODULES

    site = tmp_path / "site"
    shutil.copytree(DEMO, site)
    shutil.rmtree(site / "wp-json")  # discovery reads the sitemaps, where the fault is
    proc, demo_server = start_server(["-m", "archiver.cli", "serve-demo", "--root", str(site)])
    try:
        report = run_crawl("embassy-faulty", tmp_path / "archive", tmp_path / "runs", "-a", "site=la",
                           "-a", f"base_url={demo_server}", "-a", f"fault={fault}", "-s", "ARCHIVER_STALL_SECONDS=1",
                           "-s", "SPIDER_MODULES=" + ",".join([*SPIDER_MODULES, "tests.sites.faulty_spider"]))
    finally:
        stop_server(proc)
    records = read_archive(tmp_path / "archive")
    listed = re.findall(r"<loc>https://la.usembassy.gov(/[^<]*)</loc>", (DEMO / "post-sitemap.xml").read_text("utf-8"))
    missing = set(json.loads((REPO / "data" / "demo" / "expected.json").read_text("utf-8"))["missing"])
    # the posts of the other child sitemap are archived; those of the faulty one are lost with it
    assert sorted(r["url"][len(demo_server):] for r in records) == sorted(set(listed) - missing)
    assert report["stats"]["archiver/source/la/discovery/errors/" + counted] == 1
    assert report["stats"]["archiver/source/la/discovery/method/yoast_sitemap"] == 1
    assert report["accounting"]["la"]["discovered"] == len(set(listed))
