"""End to end: the real embassy spider and settings crawl the bundled demo site through a local HTTP server, and
the archive holds every demo article, right field by field, and nothing else."""

from __future__ import annotations

import gzip
import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from archiver.discovery.sitemaps import parse_sitemap
from archiver.spiders.embassy import DEFAULT_LISTINGS

from .conftest import DEMO_EXPECTED, REPO, read_archive, run_crawl, start_server, stop_server, summary_rows
from .warcs import assert_points_at_its_response, check_warcs

EXPECTED = json.loads(DEMO_EXPECTED.read_text("utf-8"))
ARTICLES = {a["path"]: a for a in EXPECTED["articles"]}
DEMO_SITE = REPO / "data" / "demo" / "la.usembassy.gov"


def sitemap_lastmods() -> dict[str, str]:
    """Path -> lastmod day of every post the demo's post sitemaps list (including the one that 404s)."""
    days = {}
    for name in ("post-sitemap.xml", "post-sitemap2.xml"):
        for entry in parse_sitemap((DEMO_SITE / name).read_bytes()).entries:
            days["/" + entry.url.split("://", 1)[1].split("/", 1)[1]] = entry.day.isoformat()
    return days


def by_path(records: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    out = {}
    for record in records:
        path = "/" + record["url"].split("://", 1)[1].split("/", 1)[1]
        assert path not in out, f"{path} archived twice"
        out[path] = record
    return out


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[subprocess.CompletedProcess, Path]:
    archive = tmp_path_factory.mktemp("demo") / "archive"
    proc = subprocess.run(
        [sys.executable, "-m", "archiver.cli", "demo", "--archive", str(archive)],
        cwd=REPO, capture_output=True, text=True, timeout=300,
    )
    return proc, archive


def test_demo_command_succeeds_and_prints_a_summary(demo_run: tuple) -> None:
    proc, archive = demo_run
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert f"archive written under {archive}" in proc.stdout
    row = summary_rows(proc.stdout)["la"]
    pages, records = row["pages"], row["archived"]
    assert records == len(ARTICLES)
    assert pages == len(ARTICLES)  # the 404 is no page: it is counted under dropped
    assert "http_404: 1" in proc.stdout


def test_demo_writes_captures_and_says_where(demo_run: tuple) -> None:
    """Every exchange of the demo is kept beside its archive, every record points at the response it was made
    from, and the page the embassy took down (the 404) is kept too."""
    proc, archive = demo_run
    captures = archive.parent / f"{archive.name}-captures"
    assert f"captures written under {captures}" in proc.stdout
    sources = {"la", "kpl", "kpl-lo", "laotiantimes", "mekongobserver", "vientianetimes"}
    warcs = check_warcs(captures, sources)
    assert {w.relative_to(captures).parts[0] for w in warcs} == {f"source={s}" for s in sources}
    for record in read_archive(archive):
        assert_points_at_its_response(captures, record)
    index = "".join(p.read_text("utf-8") for p in captures.glob("source=la/date=*/*.cdxj"))
    removed = [json.loads(line.split(" ", 2)[2]) for line in index.splitlines() if "/removed-announcement/" in line]
    assert [entry["status"] for entry in removed] == ["404"]
    robots = [line for line in index.splitlines() if line.split(" ", 1)[0].endswith(")/robots.txt")]
    assert len(robots) == 1


def embassy_records(archive: Path) -> list[dict[str, Any]]:
    return [r for r in read_archive(archive) if r["source"] == "la"]


def test_demo_archive_has_every_article_and_nothing_else(demo_run: tuple) -> None:
    _, archive = demo_run
    records = by_path(embassy_records(archive))
    assert set(records) == set(ARTICLES)
    for path in [*EXPECTED["non_articles"], *EXPECTED["missing"]]:
        assert path not in records


FIELDS = ("title", "published_at", "modified_at", "section", "language", "description")


@pytest.mark.parametrize("path", sorted(ARTICLES))
def test_demo_record_fields(demo_run: tuple, path: str) -> None:
    _, archive = demo_run
    record = by_path(embassy_records(archive))[path]
    expected = ARTICLES[path]
    for field in FIELDS:
        assert record.get(field) == expected.get(field), field
    assert record.get("tags", []) == expected.get("tags", [])
    assert record["body"].split("\n\n") == expected["paragraphs"]
    for furniture in ("Share:", "Read More", "Related Articles", "Recent Posts", "official website of the U.S."):
        assert furniture not in record["body"]
    assert record["source"] == "la" and record["country"] == "LA" and record["source_kind"] == "embassy"
    assert record["site_name"] == "U.S. Embassy in Laos"
    assert record["provenance"]["published_at"] in ("meta:article:published_time", "json-ld")


def test_archive_is_utf8_characters_not_escapes(demo_run: tuple) -> None:
    _, archive = demo_run
    raw = b"".join(gzip.decompress(p.read_bytes()) for p in archive.glob("source=*/date=*/*.jsonl.gz"))
    text = raw.decode("utf-8")
    assert "ສະຫະລັດ" in text
    assert "\\u0eaa" not in text.lower()


@pytest.fixture
def demo_server_base(tmp_path: Path) -> Any:
    """The demo site with its WordPress API closed (no ``wp-json``), so discovery reads its sitemaps."""
    site = tmp_path / "site"
    shutil.copytree(DEMO_SITE, site)
    shutil.rmtree(site / "wp-json")
    proc, base = start_server(["-m", "archiver.cli", "serve-demo", "--root", str(site)])
    yield base
    stop_server(proc)


def test_scrapy_crawl_since_skips_older_posts_before_fetching(demo_server_base: str, tmp_path: Path) -> None:
    since = "2023-06-01"
    report = run_crawl("embassy", tmp_path / "a", tmp_path / "r", "-a", "site=la", "-a", f"base_url={demo_server_base}",
                       "-a", f"since={since}")
    records = by_path(read_archive(tmp_path / "a"))
    new = {p for p, day in sitemap_lastmods().items() if day >= since}
    assert set(records) == new - set(EXPECTED["missing"])
    assert report["stats"].get("archiver/dropped/http_404", 0) == len(new & set(EXPECTED["missing"]))
    # Old posts were never requested: only the new ones were scheduled, and an old post sitemap was not even read.
    assert report["stats"]["archiver/discovery/articles/yoast_sitemap"] == len(new)
    assert report["stats"]["archiver/discovery/skipped_since"] >= 1
    assert report["sources"][0]["pages"] == len(records)


def test_scrapy_crawl_limit_takes_the_newest(demo_server_base: str, tmp_path: Path) -> None:
    run_crawl("embassy", tmp_path / "a", tmp_path / "r", "-a", "site=la", "-a", f"base_url={demo_server_base}",
              "-a", "limit=5")
    records = by_path(read_archive(tmp_path / "a"))
    lastmods = sitemap_lastmods()
    newest = set(sorted(lastmods, key=lambda p: lastmods[p], reverse=True)[:5])
    assert set(records) == newest - set(EXPECTED["missing"])


def test_listing_fallback_when_there_are_no_sitemaps_or_feed(tmp_path: Path) -> None:
    site = tmp_path / "site"
    shutil.copytree(REPO / "data" / "demo" / "la.usembassy.gov", site)
    for name in ("sitemap_index.xml", "post-sitemap.xml", "post-sitemap2.xml", "page-sitemap.xml"):
        (site / name).unlink(missing_ok=True)
    shutil.rmtree(site / "feed")
    shutil.rmtree(site / "wp-json")
    proc, base = start_server(["-m", "archiver.cli", "serve-demo", "--root", str(site)])
    try:
        report = run_crawl("embassy", tmp_path / "a", tmp_path / "r", "-a", "site=la", "-a", f"base_url={base}")
    finally:
        stop_server(proc)
    records = by_path(read_archive(tmp_path / "a"))
    listed = {p for listing in EXPECTED["listings"] if listing["path"].startswith(DEFAULT_LISTINGS)
              for p in listing["articles"]}
    assert listed and set(records) == listed & set(ARTICLES)
    stats = report["stats"]
    assert stats["archiver/discovery/failed/wp_rest"] == 1
    assert stats["archiver/discovery/failed/yoast_sitemap"] == 1
    assert stats["archiver/discovery/failed/wp_sitemap"] == 1
    assert stats["archiver/discovery/failed/feed"] == 1
    assert stats["archiver/discovery/articles/listing"] == len(records)


def test_a_second_demo_run_archives_nothing_new(demo_run: tuple) -> None:
    """The servers get new ports, but records are keyed on the sites' real addresses, so the index knows
    every article: a site the first run saw whole is only asked what changed since (the REST API's
    ``modified_after``: nothing), API- and sitemap-driven sites' unmodified posts are not fetched again, and
    listing-driven ones are fetched and found unchanged."""
    _, archive = demo_run
    before = read_archive(archive)
    again = subprocess.run([sys.executable, "-m", "archiver.cli", "demo", "--archive", str(archive)],
                           cwd=REPO, capture_output=True, text=True, timeout=300)
    assert again.returncode == 0, again.stderr[-3000:]
    rows = summary_rows(again.stdout)
    assert rows["total"]["archived"] == 0
    assert read_archive(archive) == before
    assert rows["la"]["pages"] == 0 and rows["la"]["found"] == 0  # the API listed no post modified since
    for name, row in rows.items():  # every post the other sites listed again is known, unchanged
        if name not in ("la", "total"):
            assert row["unchanged"] == sum(r["source"] == name for r in before), name
