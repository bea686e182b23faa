"""A hostile network layer, crawled end to end: cut compressed bodies, redirect loops and chains, meta refreshes,
same-site and other-port redirects under ``base_url``, unreadable ``Retry-After`` values, and a rate-limiting
site that must slow only itself. Each page ends archived or dropped with its named, counted reason."""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from .conftest import read_archive, run_crawl, start_server, stop_server
from .sites import hostile_net as site


def server_log(base: str) -> list[dict]:
    with urllib.request.urlopen(f"{base}/_log", timeout=10) as answer:
        return json.loads(answer.read())


@pytest.fixture(scope="module")
def hostile_server() -> Iterator[str]:
    proc, base = start_server(["-m", "tests.sites.hostile_net"])
    yield base
    stop_server(proc)


@pytest.fixture(scope="module")
def la_crawl(hostile_server: str, tmp_path_factory: pytest.TempPathFactory) -> tuple[dict, list[dict], list[dict]]:
    tmp = tmp_path_factory.mktemp("hostile")
    report = run_crawl(
        "embassy", tmp / "archive", tmp / "runs", "-a", "site=la", "-a", f"base_url={hostile_server}",
        "-s", "RETRY_TIMES=2", "-s", "ARCHIVER_RETRY_BACKOFF_BASE=0.2",
    )
    log = [entry for entry in server_log(hostile_server) if entry["host"] == hostile_server.removeprefix("http://")]
    return report, read_archive(tmp / "archive"), log


def test_each_page_is_archived_at_its_final_address_or_dropped_with_its_reason(la_crawl: tuple) -> None:
    report, records, _ = la_crawl
    stats = report["stats"]
    assert report["finish_reason"] == "finished"
    paths = sorted(r["url"].split("/", 3)[3] for r in records)
    assert paths == sorted(f"{target}/" for target in site.ARCHIVED_AT.values())
    expected_drops: dict[str, int] = {}
    for reason in site.DROPPED.values():
        expected_drops[reason] = expected_drops.get(reason, 0) + 1
    dropped = {k.rsplit("/", 1)[1]: v for k, v in stats.items() if k.startswith("archiver/source/la/dropped/")}
    assert dropped == expected_drops


def test_a_cut_gzip_article_is_truncated_not_archived(la_crawl: tuple) -> None:
    report, records, log = la_crawl
    assert not any("gzip-cut" in r["url"] for r in records)
    whole = next(r for r in records if r["url"].endswith("/gzip-whole/"))
    assert whole["title"] == site.TOPICS["gzip-whole"]
    assert "provincial office" in whole["body"]  # the last paragraph: the whole page was read
    # the cut page was asked for again (a cut stream may be a passing fault) before it was given up
    assert sum(1 for e in log if e["path"] == "/gzip-cut/") == 3
    assert any("truncated: " in line and "/gzip-cut/" in line for line in report["_log"].splitlines())


def test_cut_sitemaps_fail_as_documents_and_none_of_their_entries_is_fetched(la_crawl: tuple) -> None:
    report, _, log = la_crawl
    stats = report["stats"]
    assert stats["archiver/source/la/discovery/errors/truncated"] == 2
    fetched = {e["path"].strip("/") for e in log}
    assert not fetched & set(site.CUT_SITEMAP_POSTS + site.CUT_FILE_POSTS)


def test_redirects_are_followed_on_site_and_counted_otherwise(la_crawl: tuple) -> None:
    report, records, log = la_crawl
    paths = [e["path"] for e in log]
    # same-site redirects under base_url: relative, absolute, and the registry's own host mapped to this run
    for target in ("new-relative-home", "new-absolute-home", "new-canonical-home", "meta-target"):
        assert paths.count(f"/{target}/") == 1, target
    canonical = next(r for r in records if r["url"].endswith("/new-canonical-home/"))
    assert canonical["canonical_url"] == f"https://{site.CANONICAL_HOST}/new-canonical-home/"
    # a loop is cut when it comes back, before Scrapy's duplicate filter could swallow it silently
    assert paths.count("/loop-a/") == 1 and paths.count("/loop-b/") == 1
    assert paths.count("/meta-self/") == 1
    # the chain is followed as far as REDIRECT_MAX_TIMES (5 by our settings) and no further
    assert [p for p in paths if p.startswith("/chain-")] == [f"/chain-{n}/" for n in range(6)]
    assert "/other-port-landing/" not in paths
    lines = report["_log"].splitlines()
    for slug, reason in site.DROPPED.items():
        assert sum(1 for line in lines if f"{reason}: " in line and f"/{slug}/" in line) == 1, (slug, reason)


def test_an_unreadable_retry_after_is_ignored_and_the_page_retried(la_crawl: tuple) -> None:
    report, records, log = la_crawl
    assert [e["status"] for e in log if e["path"] == "/busy-once/"] == [429, 200]
    assert [e["status"] for e in log if e["path"] == "/always-busy/"] == [429] * 3  # RETRY_TIMES=2, then http_429
    assert any(r["url"].endswith("/busy-once/") for r in records)
    assert not any(k.startswith("archiver/dropped/error_") for k in report["stats"])


def test_a_rate_limited_site_slows_only_itself(hostile_server: str, tmp_path: Path) -> None:
    """Two sources in one crawl: while /busy/ waits out its Retry-After, /calm/ is crawled to the end.

    /calm/ is reached as ``localhost``, so it has its own downloader slot as any other host would. A low
    CONCURRENT_REQUESTS makes a burst of 429s fill the crawl's capacity at once, which is what a wait held
    inside a middleware used to do to every site of the crawl. AutoThrottle stays on with a low cap, so the
    latency of a busy test machine does not set the pace, and so that every 200 it sees lowers the busy
    site's delay to that cap: the wait must hold all the same."""
    port = hostile_server.rsplit(":", 1)[1]
    data = tmp_path / "data"
    (data / "sources").mkdir(parents=True)
    (data / "sources" / "two.toml").write_text(
        '[defaults]\nkind = "embassy"\nfamily = "usembassy"\n\n'
        f'[[source]]\nname = "busy"\ncountry = "LA"\nbase_url = "http://127.0.0.1:{port}/busy"\n\n'
        f'[[source]]\nname = "calm"\ncountry = "TH"\nbase_url = "http://localhost:{port}/calm"\n', "utf-8")
    report = run_crawl("embassy", tmp_path / "archive", tmp_path / "runs", "-a", "site=busy,calm",
                       "-s", f"ARCHIVER_DATA_DIR={data}", "-s", "CONCURRENT_REQUESTS=4",
                       "-s", "AUTOTHROTTLE_MAX_DELAY=0.5")
    log = server_log(hostile_server)
    busy = [e for e in log if e["path"].startswith("/busy/busy-post-")]
    calm = [e for e in log if e["path"].startswith("/calm/calm-post-")]
    first_429 = min(e["t"] for e in busy if e["status"] == 429)
    first_success = min(e["t"] for e in busy if e["status"] == 200)
    timeline = [(round(e["t"] - first_429, 2), e["path"], e["status"]) for e in sorted(busy + calm, key=lambda e: e["t"])]

    # the busy site's wait is the one it asked for (Retry-After), not the 1 s base backoff
    assert first_success - first_429 >= site.BUSY_RETRY_AFTER - 0.1
    # the calm site was crawled during that wait, and finished before the busy site was asked again
    assert max(e["t"] for e in calm) > first_429
    assert max(e["t"] for e in calm) < first_success, timeline
    assert sorted(e["path"] for e in calm) == sorted(f"/calm/{p}/" for p in site.CALM_POSTS)
    # once the busy site answers normally its slot is fast again: not one Retry-After per remaining page
    assert len(site.BUSY_POSTS) > 3
    assert max(e["t"] for e in busy) - first_success < 2 * site.BUSY_RETRY_AFTER

    records = read_archive(tmp_path / "archive")
    archived = {(r["source"], r["url"].rstrip("/").rsplit("/", 1)[1]) for r in records}
    assert archived == {("busy", p) for p in site.BUSY_POSTS} | {("calm", p) for p in site.CALM_POSTS}
    assert not any(k.startswith("archiver/dropped/") for k in report["stats"])
