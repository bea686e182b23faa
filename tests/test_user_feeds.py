"""A Scrapy user's own feeds (``-o``, ``-O``, ``FEEDS``) work as in any Scrapy project, beside the archive.

The archive's feeds have a URI scheme of their own (``archive://``), so a plain file path goes to Scrapy's own
file storage. Run the way a user would: from their own folder (the project found through
``SCRAPY_SETTINGS_MODULE``), with a relative ``-o items.jsonl``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from .conftest import FAST, REPO, read_archive, start_server, stop_server

SITE = json.loads((REPO / "data" / "demo" / "news_expected.json").read_text("utf-8"))["sites"]["kpl.gov.la"]
KPL_PATHS = sorted(a["path"] for a in SITE["articles"] if a.get("source", SITE["source"]) == "kpl")


def path_of(url: str) -> str:
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


@pytest.fixture
def kpl_base() -> Any:
    server, base = start_server(["-m", "archiver.cli", "serve-demo", "--host", "kpl.gov.la"])
    yield base
    stop_server(server)


def scrapy_crawl(folder: Path, base: str, *extra: str) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "scrapy", "crawl", "news", "-a", "source=kpl", "-a", f"base_url={base}",
               "-a", f"archive={folder / 'archive'}", "-s", f"ARCHIVER_STATE_DIR={folder / 'state'}",
               "-s", f"ARCHIVER_RUNS_DIR={folder / 'runs'}", *FAST, *extra]
    return subprocess.run(command, cwd=folder, capture_output=True, text=True, timeout=240,
                          env={**os.environ, "SCRAPY_SETTINGS_MODULE": "archiver.settings"})


def test_dash_o_writes_the_users_file_and_the_archive(tmp_path: Path, kpl_base: str) -> None:
    proc = scrapy_crawl(tmp_path, kpl_base, "-o", "items.jsonl")
    assert proc.returncode == 0, proc.stderr[-3000:]
    exported = [json.loads(line) for line in (tmp_path / "items.jsonl").read_text("utf-8").splitlines()]
    archived = read_archive(tmp_path / "archive")
    assert sorted(path_of(r["url"]) for r in exported) == KPL_PATHS
    assert sorted(exported, key=lambda r: r["url"]) == sorted(archived, key=lambda r: r["url"])
    assert not [p for p in tmp_path.rglob(".*") if p.name.endswith(".part")]  # nothing left hidden
    (report,) = [json.loads(p.read_text("utf-8")) for p in (tmp_path / "runs").glob("*.json")]
    assert report["outcomes"] == {"kpl": "ok"} and report["sources"][0]["archived"] == len(KPL_PATHS)


def test_dash_capital_o_overwrites_and_feeds_setting_adds_a_csv(tmp_path: Path, kpl_base: str) -> None:
    (tmp_path / "items.jsonl").write_text('{"stale": true}\n', "utf-8")
    feeds = json.dumps({"titles.csv": {"format": "csv", "fields": ["url", "title"]}})
    proc = scrapy_crawl(tmp_path, kpl_base, "-O", "items.jsonl", "-s", f"FEEDS={feeds}")
    assert proc.returncode == 0, proc.stderr[-3000:]
    exported = [json.loads(line) for line in (tmp_path / "items.jsonl").read_text("utf-8").splitlines()]
    assert sorted(path_of(r["url"]) for r in exported) == KPL_PATHS  # the stale line is gone
    rows = (tmp_path / "titles.csv").read_text("utf-8").splitlines()
    assert rows[0] == "url,title" and len(rows) == 1 + len(KPL_PATHS)
    assert len(read_archive(tmp_path / "archive")) == len(KPL_PATHS)


def test_a_failing_user_feed_costs_the_archive_nothing(tmp_path: Path, kpl_base: str) -> None:
    (tmp_path / "blocker").write_text("a file where the user's feed wants a folder", "utf-8")
    proc = scrapy_crawl(tmp_path, kpl_base, "-o", "blocker/items.jsonl", "-s", "ARCHIVER_BATCH_ITEMS=2")
    assert proc.returncode == 0, proc.stderr[-3000:]
    archived = read_archive(tmp_path / "archive")
    assert sorted(path_of(r["url"]) for r in archived) == KPL_PATHS  # every part of the archive was written
    assert "Error exporting an item to the feed blocker/items.jsonl" in proc.stderr  # the user's feed failed
    (report,) = [json.loads(p.read_text("utf-8")) for p in (tmp_path / "runs").glob("*.json")]
    assert report["outcomes"] == {"kpl": "ok"} and len(report["files"]) == 3
