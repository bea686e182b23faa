"""WordPress REST discovery (on, paged, repeating, closed in every way) and ``--since``/``--until`` over each
discovery method: the REST API, sitemaps, the feed and listings. Expectations come from the demo's ground truth
(``data/demo/expected.json``) and the hostile sites' own lists; ``run_crawl`` also holds the accounting identity."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from archiver.discovery.plan import USEMBASSY_LISTINGS

from .conftest import REPO, read_archive, run_crawl, start_server, stop_server
from .sites.hostile_rest import FALLBACK, POSTS, post_path

EXPECTED = json.loads((REPO / "data" / "demo" / "expected.json").read_text("utf-8"))
DEMO = REPO / "data" / "demo" / "la.usembassy.gov"
SINCE, UNTIL = "2022-09-01", "2023-06-30"
IN_PERIOD = {a["path"] for a in EXPECTED["articles"] if SINCE <= a["published_at"][:10] <= UNTIL}
# What the feed and the English listings the embassy plan walks can show at all (the Lao posts are in neither).
LISTED = {p for listing in EXPECTED["listings"] if listing["path"].startswith(USEMBASSY_LISTINGS)
          for p in listing["articles"]}
FEED = set(EXPECTED["feed"]["items"])


def paths(records: list[dict[str, Any]]) -> set[str]:
    return {"/" + r["url"].split("://", 1)[1].split("/", 1)[1] for r in records}


def stats_of(report: dict[str, Any], prefix: str) -> dict[str, int]:
    start = f"archiver/source/la/{prefix}/"
    return {k[len(start):]: v for k, v in report["stats"].items() if k.startswith(start)}


@pytest.fixture(scope="module")
def rest_sites() -> Iterator[dict[str, str]]:
    proc, _ = start_server(["-m", "tests.sites.hostile_rest"])
    assert proc.stdout is not None
    yield json.loads(proc.stdout.readline())
    stop_server(proc)


def demo_copy(tmp_path: Path, *remove: str) -> Path:
    """The la demo site without some of its discovery documents (so a later method is the one that works)."""
    site = tmp_path / "site"
    shutil.copytree(DEMO, site)
    for name in remove:
        target = site / name
        if target.is_dir():
            shutil.rmtree(target)
        else:
            target.unlink()
    return site


def crawl_site(site: Path, tmp_path: Path, *args: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    proc, base = start_server(["-m", "archiver.cli", "serve-demo", "--root", str(site)])
    try:
        report = run_crawl("embassy", tmp_path / "archive", tmp_path / "runs", "-a", "site=la", "-a",
                           f"base_url={base}", *args)
    finally:
        stop_server(proc)
    return report, read_archive(tmp_path / "archive")


# -- the WordPress REST API ------------------------------------------------------------------------------------


def test_rest_discovery_pages_through_the_demo(tmp_path: Path) -> None:
    report, records = crawl_site(DEMO, tmp_path, "-s", "ARCHIVER_WP_REST_PER_PAGE=10")
    assert paths(records) == {a["path"] for a in EXPECTED["articles"]}
    discovery = stats_of(report, "discovery")
    assert discovery["method/wp_rest"] == 1 and discovery["api_pages"] == 4  # 31 posts, 10 a page
    assert "failed/wp_rest" not in discovery and not any(k.startswith("method/yoast") for k in discovery)
    assert report["accounting"]["la"]["dropped"] == {"http_404": len(EXPECTED["missing"])}


def test_rest_paged_past_three_pages(rest_sites: dict[str, str], tmp_path: Path) -> None:
    report = run_crawl("embassy", tmp_path / "a", tmp_path / "r", "-a", "site=la", "-a",
                       f"base_url={rest_sites['paged']}", "-s", "ARCHIVER_WP_REST_PER_PAGE=10")
    assert paths(read_archive(tmp_path / "a")) == {post_path(n) for n in range(1, POSTS + 1)}
    assert stats_of(report, "discovery")["api_pages"] == 4


def test_a_repeated_rest_page_ends_paging(rest_sites: dict[str, str], tmp_path: Path) -> None:
    report = run_crawl("embassy", tmp_path / "a", tmp_path / "r", "-a", "site=la", "-a",
                       f"base_url={rest_sites['repeat']}", "-s", "ARCHIVER_WP_REST_PER_PAGE=10")
    assert paths(read_archive(tmp_path / "a")) == {post_path(n) for n in range(POSTS, POSTS - 10, -1)}
    discovery = stats_of(report, "discovery")
    assert discovery["errors/repeated_page"] == 1 and discovery["api_pages"] == 1


@pytest.mark.parametrize(("case", "error"), [("closed401", "http_401"), ("closed403", "http_403"),
                                             ("noroute", "http_404"), ("html", "not_json"),
                                             ("errorjson", "api_error")])
def test_a_closed_rest_api_falls_back_to_the_sitemaps(rest_sites: dict[str, str], tmp_path: Path, case: str,
                                                      error: str) -> None:
    report = run_crawl("embassy", tmp_path / "a", tmp_path / "r", "-a", "site=la", "-a", f"base_url={rest_sites[case]}")
    assert paths(read_archive(tmp_path / "a")) == {post_path(n) for n in range(1, FALLBACK + 1)}
    discovery = stats_of(report, "discovery")
    assert discovery[f"errors/{error}"] == 1
    assert discovery["failed/wp_rest"] == 1 and discovery["method/yoast_sitemap"] == 1


# -- --since and --until over each discovery method ------------------------------------------------------------


def test_period_over_rest_is_filtered_by_the_server(tmp_path: Path) -> None:
    report, records = crawl_site(DEMO, tmp_path, "-a", f"since={SINCE}", "-a", f"until={UNTIL}")
    assert paths(records) == IN_PERIOD
    # the API was asked for the period only: nothing else was even requested
    assert report["accounting"]["la"]["discovered"] == len(IN_PERIOD)
    assert report["stats"]["archiver/source/la/pages"] == len(IN_PERIOD)


def test_period_over_sitemaps(tmp_path: Path) -> None:
    report, records = crawl_site(demo_copy(tmp_path, "wp-json"), tmp_path, "-a", f"since={SINCE}",
                                 "-a", f"until={UNTIL}")
    assert paths(records) == IN_PERIOD
    terms = report["accounting"]["la"]
    # a lastmod before --since proves the post older; a lastmod after --until proves nothing (an edit may come
    # long after publication), so those posts are fetched and judged by their own date
    assert terms["not_fetched"]["before_since"] >= 1
    assert terms["dropped"]["published_after_until"] >= 1
    assert "after_until" not in terms["not_fetched"]


def test_period_over_the_feed_and_listings(tmp_path: Path) -> None:
    site = demo_copy(tmp_path, "wp-json", "sitemap_index.xml", "post-sitemap.xml", "post-sitemap2.xml")
    report, records = crawl_site(site, tmp_path, "-a", f"since={SINCE}", "-a", f"until={UNTIL}")
    assert paths(records) == IN_PERIOD & (FEED | LISTED)
    terms = report["accounting"]["la"]
    assert terms["not_fetched"]["after_until"] >= 1  # feed and listing dates are publication dates
    discovery = stats_of(report, "discovery")
    assert discovery["method/feed"] == 1 and discovery["method/listing"] == 1


def test_period_over_listings_alone(tmp_path: Path) -> None:
    site = demo_copy(tmp_path, "wp-json", "sitemap_index.xml", "post-sitemap.xml", "post-sitemap2.xml", "feed")
    report, records = crawl_site(site, tmp_path, "-a", f"since={SINCE}", "-a", f"until={UNTIL}")
    assert paths(records) == IN_PERIOD & LISTED
    assert stats_of(report, "discovery")["method/listing"] == 1
    assert report["accounting"]["la"]["not_fetched"]["after_until"] >= 1


def test_a_rest_run_after_a_complete_one_asks_only_for_what_changed(tmp_path: Path) -> None:
    site = demo_copy(tmp_path)
    proc, base = start_server(["-m", "archiver.cli", "serve-demo", "--root", str(site)])
    try:
        def crawl() -> dict[str, Any]:
            return run_crawl("embassy", tmp_path / "archive", tmp_path / "runs", "-a", "site=la", "-a",
                             f"base_url={base}")

        first = crawl()
        assert first["accounting"]["la"]["archived"] == len(EXPECTED["articles"])
        second = crawl()  # the first run saw the site whole (its one 404 is lasting): nothing was modified since
        assert second["accounting"]["la"]["discovered"] == 0
        assert second["stats"].get("archiver/source/la/pages", 0) == 0
        assert second["stats"]["archiver/source/la/discovery/method/wp_rest"] == 1
        # the embassy edits a post now: the API lists it as modified after the last complete run
        api = site / "wp-json" / "wp" / "v2" / "posts.json"
        posts = json.loads(api.read_text("utf-8"))
        edited = next(p for p in posts if p["link"].endswith(EXPECTED["articles"][0]["path"]))
        edited["modified"] = edited["modified_gmt"] = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S")
        api.write_text(json.dumps(posts), "utf-8")
        page = site / EXPECTED["articles"][0]["path"].strip("/") / "index.html"
        page.write_text(page.read_text("utf-8").replace(
            '<div class="entry-content">', '<div class="entry-content">\n<p>Update: the final figures were added.</p>',
            1), "utf-8")
        third = crawl()
    finally:
        stop_server(proc)
    assert third["accounting"]["la"]["discovered"] == 1 and third["accounting"]["la"]["archived"] == 1
    (revised,) = [r for r in read_archive(tmp_path / "archive") if r.get("revision") == 2]
    assert revised["body"].startswith("Update: the final figures were added.")


@pytest.mark.parametrize("case", ["empty", "staging"])
def test_an_api_that_lists_no_post_of_the_site_falls_back_to_the_sitemaps(rest_sites: dict[str, str],
                                                                           tmp_path: Path, case: str) -> None:
    """A JSON list is not proof the API works: `[]` on a full listing, or posts at a staging address, would
    otherwise end discovery with nothing archived."""
    report = run_crawl("embassy", tmp_path / "a", tmp_path / "r", "-a", "site=la", "-a", f"base_url={rest_sites[case]}")
    assert paths(read_archive(tmp_path / "a")) == {post_path(n) for n in range(1, FALLBACK + 1)}
    discovery = stats_of(report, "discovery")
    assert discovery["failed/wp_rest"] == 1 and discovery["method/yoast_sitemap"] == 1
    assert report["outcomes"] == {"la": "ok"}


def test_a_failed_api_page_fails_the_run_and_the_next_run_gets_its_posts(rest_sites: dict[str, str],
                                                                          tmp_path: Path) -> None:
    """Page 2 fails after its retries: its posts are not discovered, so the source fails (never an `ok` run
    that lost posts), and the incremental mark does not move, so the next run lists the whole site again."""
    def crawl() -> dict[str, Any]:
        return run_crawl("embassy", tmp_path / "a", tmp_path / "r", "-a", "site=la", "-a",
                         f"base_url={rest_sites['page2fails']}", "-s", "ARCHIVER_WP_REST_PER_PAGE=10",
                         "-s", "RETRY_TIMES=3", "-s", "ARCHIVER_RETRY_BACKOFF_BASE=0.05")

    first = crawl()
    assert first["outcomes"] == {"la": "failed"}
    assert "discovery document(s) failed" in first["outcome_reasons"]["la"]
    assert stats_of(first, "discovery")["incomplete/wp_rest"] == 1
    assert len(read_archive(tmp_path / "a")) == 10  # page 1; paging stops at the page that failed
    second = crawl()
    assert second["outcomes"] == {"la": "ok"}
    assert paths(read_archive(tmp_path / "a")) == {post_path(n) for n in range(1, POSTS + 1)}
