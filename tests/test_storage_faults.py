"""Storage faults fail loudly: a run that cannot store everything it fetched says so, per source and per part,
exits 1, counts as archived only what is in a finalised, indexed and listed part, and leaves an archive the next
run completes without a duplicate.

The faults are real: the archive's (or the index's) folder is a tmpfs of a few kilobytes, so writes fail with
ENOSPC as on a full disk (``smallfs``). The demo site has 30 articles; parts hold 3 records each.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from archiver.archive.storage import inspect_part

from .conftest import FAST, REPO, crawl_command, read_archive, read_listed_parts, start_server, stop_server
from .smallfs import run_with_small_filesystems, small_filesystems_available

EXPECTED = json.loads((REPO / "data" / "demo" / "expected.json").read_text("utf-8"))
TOTAL = len(EXPECTED["articles"])

pytestmark = pytest.mark.skipif(not small_filesystems_available(),
                                reason="this kernel does not let an unprivileged user mount a tmpfs in a namespace")


@pytest.fixture
def demo_base() -> Any:
    server, base = start_server(["-m", "archiver.cli", "serve-demo"])
    yield base
    stop_server(server)


def archiver_crawl(tmp: Path, base: str, *extra: str) -> list[str]:
    return [sys.executable, "-m", "archiver.cli", "crawl", "la", "--archive", str(tmp / "archive"),
            "--state", str(tmp / "state"), "--runs", str(tmp / "runs"), "--base-url", f"la={base}", *FAST, *extra]


def only_report(runs: Path) -> dict[str, Any]:
    (path,) = runs.glob("*.json")
    return json.loads(path.read_text("utf-8"))


def indexed(state: Path) -> dict[str, str]:
    """canonical URL -> archive file, as the index has it."""
    with sqlite3.connect(state / "index.sqlite") as db:
        return dict(db.execute("SELECT canonical_url, archive_file FROM articles"))


def test_a_full_archive_disk_fails_the_source_and_the_next_run_archives_the_rest(tmp_path: Path,
                                                                                  demo_base: str) -> None:
    archive, state, runs = tmp_path / "archive", tmp_path / "state", tmp_path / "runs"
    first = run_with_small_filesystems(archiver_crawl(tmp_path, demo_base, "-s", "ARCHIVER_BATCH_ITEMS=3"),
                                       {archive: 32 * 1024}, cwd=REPO, capture_output=True, text=True, timeout=240)
    assert first.returncode == 1, first.stderr[-3000:]
    report = only_report(runs)
    assert report["exit_code"] == 1 and report["outcomes"] == {"la": "failed"}
    (row,) = report["sources"]
    failures = report["storage_errors"]
    assert failures, "the disk filled up: some part must have failed"
    assert {f["source"] for f in failures} == {"la"}
    assert any(f["stage"] == "write" for f in failures)
    assert all("No space left on device" in f["error"] for f in failures), failures
    assert "FAILED: la" in first.stdout and "No space left on device" in first.stdout

    # What the report says was stored is exactly what is on disk, listed and indexed.
    parts, unlisted = read_listed_parts(archive)
    assert unlisted == {f["part"] for f in failures if f["stage"] in ("index", "manifest")}
    assert {f["part"] for f in failures}.isdisjoint(parts)
    stored = [r for records in parts.values() for r in records]
    assert {e["path"] for e in report["files"]} == set(parts)
    assert row["archived"] == len(stored) == sum(e["records"] for e in report["files"])
    assert row["records"] == TOTAL  # every article was fetched and handed to the archive
    assert 0 < row["archived"] < TOTAL
    assert row["not_stored"] == TOTAL - row["archived"]
    assert row["storage_errors"] == len(failures)
    in_index = indexed(state)
    assert {r["canonical_url"]: path for path, records in parts.items() for r in records}.items() <= in_index.items()
    assert len(in_index) == len(stored) + sum(inspect_part(archive / f["part"])[0]
                                              for f in failures if f["stage"] == "manifest")

    # The disk has room again: the next run completes the archive, each article exactly once.
    second = subprocess.run(archiver_crawl(tmp_path, demo_base), cwd=REPO, capture_output=True, text=True,
                            timeout=240)
    assert second.returncode == 0, second.stderr[-3000:]
    records = read_archive(archive)  # every part listed, valid, and nothing unlisted left over
    urls = [r["url"] for r in records]
    assert len(urls) == len(set(urls)) == TOTAL
    assert not list(archive.glob("source=*/date=*/.*.part"))


def test_a_full_index_disk_fails_the_source_and_the_next_run_lists_what_was_written(tmp_path: Path,
                                                                                     demo_base: str) -> None:
    archive, state, runs = tmp_path / "archive", tmp_path / "state", tmp_path / "runs"
    first = run_with_small_filesystems(archiver_crawl(tmp_path, demo_base, "-s", "ARCHIVER_BATCH_ITEMS=3"),
                                       {state: 128 * 1024}, cwd=REPO, capture_output=True, text=True, timeout=240)
    assert first.returncode == 1, first.stderr[-3000:]
    report = only_report(runs)
    assert report["outcomes"] == {"la": "failed"}
    (row,) = report["sources"]
    failures = report["storage_errors"]
    assert failures and {f["stage"] for f in failures} == {"index"}
    assert all("database or disk is full" in f["error"] for f in failures), failures
    # A part whose records the index could not take is whole on disk but not listed, and not counted.
    parts, unlisted = read_listed_parts(archive)
    assert unlisted == {f["part"] for f in failures}
    assert row["archived"] == sum(len(records) for records in parts.values())
    assert row["records"] == TOTAL and row["not_stored"] == TOTAL - row["archived"] > 0
    assert set(indexed(state)) == {r["canonical_url"] for records in parts.values() for r in records}

    second = subprocess.run(archiver_crawl(tmp_path, demo_base), cwd=REPO, capture_output=True, text=True,
                            timeout=240)
    assert second.returncode == 0, second.stderr[-3000:]
    later = json.loads(max(runs.glob("*.json"), key=lambda p: p.stat().st_mtime).read_text("utf-8"))
    assert sorted(e["part"] for e in later["leftovers"] if e["action"] == "listed") == sorted(
        f["part"] for f in failures)
    (again,) = later["sources"]
    assert again["archived"] == 0 and again["unchanged"] == TOTAL  # nothing fetched twice, nothing archived twice
    urls = [r["url"] for r in read_archive(archive)]
    assert len(urls) == len(set(urls)) == TOTAL


def test_scrapy_crawl_reports_the_failure_too(tmp_path: Path, demo_base: str) -> None:
    archive, runs = tmp_path / "archive", tmp_path / "runs"
    command = crawl_command("embassy", archive, runs, "-a", "site=la", "-a", f"base_url={demo_base}",
                            "-s", "ARCHIVER_BATCH_ITEMS=3")
    proc = run_with_small_filesystems(command, {archive: 16 * 1024}, cwd=REPO, capture_output=True, text=True,
                                      timeout=240)
    report = only_report(runs)
    assert report["outcomes"] == {"la": "failed"}, proc.stderr[-3000:]
    (row,) = report["sources"]
    assert row["not_stored"] == row["records"] - row["archived"] > 0
    assert report["storage_errors"] and report["stats"]["archiver/source/la/storage_errors"] == len(
        report["storage_errors"])
    assert "FAILED: la" in proc.stderr


def test_a_run_whose_report_cannot_be_written_fails(tmp_path: Path, demo_base: str) -> None:
    runs = tmp_path / "runs"
    # Ten parts make a report of some 6 kB, for a folder of 4 kB.
    proc = run_with_small_filesystems(archiver_crawl(tmp_path, demo_base, "-s", "ARCHIVER_BATCH_ITEMS=3"),
                                      {runs: 4096}, cwd=REPO, capture_output=True, text=True, timeout=240)
    assert proc.returncode == 1, proc.stderr[-3000:]
    assert "the run report could not be written" in proc.stderr and "No space left on device" in proc.stderr
    assert list(runs.iterdir()) == []  # no half-written report
    assert len(read_archive(tmp_path / "archive")) == TOTAL  # the archive itself is complete
