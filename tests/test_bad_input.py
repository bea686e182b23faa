"""Bad input gets a clear outcome: each broken response is logged once with its URL, counted, and the crawl
goes on to archive everything that is fine."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from .conftest import read_archive, run_crawl, start_server, stop_server
from .sites.badsite import AROUND_LAUGHS, BROKEN, GOOD


@pytest.fixture(scope="module")
def bad_server() -> Iterator[str]:
    proc, base = start_server(["-m", "tests.sites.badsite"])
    yield base
    stop_server(proc)


@pytest.fixture(scope="module")
def bad_crawl(bad_server: str, tmp_path_factory: pytest.TempPathFactory) -> tuple[dict, list[dict], str]:
    tmp = tmp_path_factory.mktemp("bad")
    report = run_crawl(
        "embassy", tmp / "archive", tmp / "runs", "-a", "site=la", "-a", f"base_url={bad_server}",
        "-s", "DOWNLOAD_TIMEOUT=2", "-s", "RETRY_TIMES=1", "-s", "ARCHIVER_RETRY_BACKOFF_BASE=0.1",
        "-s", "DOWNLOAD_MAXSIZE=300000", "-s", "DOWNLOAD_WARNSIZE=0",
    )
    return report, read_archive(tmp / "archive"), bad_server


def test_good_pages_are_archived_despite_their_neighbours(bad_crawl: tuple) -> None:
    report, records, base = bad_crawl
    assert report["finish_reason"] == "finished"
    archived = sorted(r["url"] for r in records)
    assert archived == sorted(f"{base}/{s}/" for s in [*GOOD, "good-three", *AROUND_LAUGHS])


@pytest.mark.parametrize(("slug", "reason"), sorted(BROKEN.items()))
def test_each_bad_response_is_counted_and_logged_once(bad_crawl: tuple, slug: str, reason: str) -> None:
    report, records, base = bad_crawl
    url = f"{base}/{slug}/"
    assert url not in {r["url"] for r in records}
    assert report["stats"].get(f"archiver/dropped/{reason}", 0) >= 1, sorted(
        k for k in report["stats"] if k.startswith("archiver/dropped"))
    assert report["stats"].get(f"archiver/source/la/dropped/{reason}", 0) >= 1
    lines = [line for line in report["_log"].splitlines() if re.search(rf"\b{reason}: {re.escape(url)}", line)]
    assert len(lines) == 1, lines


def test_wrong_charsets_are_decoded_by_the_bytes(bad_crawl: tuple) -> None:
    report, records, base = bad_crawl
    by_url = {r["url"]: r for r in records}
    cafe = by_url[f"{base}/cp1252/"]
    assert cafe["title"] == "Café Talk Series Returns"
    assert "The Embassy’s “Café Talk” series – our informal" in cafe["body"]
    assert "\ufffd" not in cafe["body"]
    lao = by_url[f"{base}/meta-conflict/"]
    assert "ສະຖານທູດສະຫະລັດອາເມລິກາ" in lao["body"] and lao["language"] == "lo"
    assert report["stats"]["archiver/charset_mismatch"] == 2


def test_malformed_html_still_gives_a_clean_record(bad_crawl: tuple) -> None:
    _, records, base = bad_crawl
    record = next(r for r in records if r["url"] == f"{base}/malformed-html/")
    assert record["title"] == "Grant Winners Announced"
    assert record["published_at"] == "2024-04-03T03:04:05+00:00"
    assert "Share:" not in record["body"] and "Read More" not in record["body"]


def test_broken_sitemaps_are_counted_and_hostile_xml_is_not_expanded(bad_crawl: tuple) -> None:
    report, records, base = bad_crawl
    stats = report["stats"]
    assert stats.get("archiver/discovery/invalid_sitemap", 0) >= 1
    assert stats["archiver/discovery/articles/yoast_sitemap"] >= len(GOOD) + 1  # the gzipped sitemap was read
    assert "lollollol" not in report["_log"]
    # the entries on either side of the entity bomb were read, fetched and archived
    titles = {r["url"]: r["title"] for r in records}
    assert titles[f"{base}/good-before-laughs/"] == "English Teachers Complete Summer Course"
    assert titles[f"{base}/good-after-laughs/"] == "Embassy Supports Mekong River Study"


def test_feed_fallback_with_an_unparsable_date(bad_server: str, tmp_path: Path) -> None:
    report = run_crawl(
        "embassy", tmp_path / "archive", tmp_path / "runs", "-a", "site=la", "-a", f"base_url={bad_server}/feedsite",
    )
    records = read_archive(tmp_path / "archive")
    assert sorted(r["title"] for r in records) == ["Feed Post A Reaches the Archive", "Feed Post B Reaches the Archive"]
    stats = report["stats"]
    assert stats["archiver/discovery/method/feed"] == 1
    assert stats["archiver/discovery/unparsable_date"] == 1
    assert stats["archiver/discovery/failed/yoast_sitemap"] == 1
    assert stats["archiver/discovery/failed/wp_sitemap"] == 1
    assert sum(1 for line in report["_log"].splitlines() if "unparsable date" in line and "feed-post-b" in line) == 1
