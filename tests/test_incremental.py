"""Scheduled runs with ``archiver crawl``: incremental, locked per source, interruptible, reported.

The tests that take ``state_backend`` run on both state backends: a state folder (SQLite, ``flock``) and a
PostgreSQL database (``--state postgresql://...``)."""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import zlib
from pathlib import Path
from typing import Any

import pytest

from archiver.archive.manifest import ManifestEntry, append_manifest, read_manifest
from archiver.archive.salvage import reconcile_source, salvage_source
from archiver.archive.storage import inspect_part, part_records
from archiver.state.backend import open_index
from archiver.state.catchup import LAGGING, catch_up_index

from .backends import StateBackend
from .conftest import REPO, read_archive, start_server, stop_server, wait_for

EXPECTED = json.loads((REPO / "data" / "demo" / "expected.json").read_text("utf-8"))
TOTAL = len(EXPECTED["articles"])


def crawl(tmp: Path, base: str, *extra: str, check: bool = True, wait: bool = True, timeout: float = 240,
          state: str | None = None) -> Any:
    command = [
        sys.executable, "-m", "archiver.cli", "crawl", "la", "--archive", str(tmp / "archive"),
        "--state", state or str(tmp / "state"), "--runs", str(tmp / "runs"), "--base-url", f"la={base}",
        "-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_START_DELAY=0", "-s", "LOG_LEVEL=INFO", *extra,
    ]
    if not wait:  # output to files: an unread pipe would fill up and stall the crawl
        log = (tmp / f"crawl-{time.monotonic_ns()}.log").open("w")
        return subprocess.Popen(command, cwd=REPO, stdout=log, stderr=subprocess.STDOUT, text=True,
                                start_new_session=True)
    proc = subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=timeout)
    if check:
        assert proc.returncode == 0, proc.stderr[-3000:]
    return proc


def last_report(tmp: Path) -> dict[str, Any]:
    reports = sorted((tmp / "runs").glob("*.json"), key=lambda p: p.stat().st_mtime)
    return json.loads(reports[-1].read_text("utf-8"))


def row(report: dict[str, Any]) -> dict[str, Any]:
    (only,) = [r for r in report["sources"] if r["name"] == "la"]
    return only


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """The demo site with its WordPress API closed: these tests are about the sitemaps' lastmods and the index
    (incremental runs over the API are in ``test_period_and_rest``)."""
    copy = tmp_path / "site"
    shutil.copytree(REPO / "data" / "demo" / "la.usembassy.gov", copy)
    shutil.rmtree(copy / "wp-json")
    return copy


def serve(site: Path, *extra: str) -> tuple[subprocess.Popen, str]:
    return start_server(["-m", "archiver.cli", "serve-demo", "--root", str(site), *extra])


def test_unchanged_then_one_revision(tmp_path: Path, site: Path, state_backend: StateBackend) -> None:
    state = state_backend.state()
    server, base = serve(site)
    try:
        crawl(tmp_path, base, state=state)
        first = last_report(tmp_path)
        assert row(first)["archived"] == TOTAL and first["exit_code"] == 0
        crawl(tmp_path, base, state=state)
        second = last_report(tmp_path)
        assert row(second)["archived"] == 0 and row(second)["unchanged"] == TOTAL
        assert second["files"] == []
        # The Embassy edits one post; WordPress moves its sitemap lastmod.
        slug = EXPECTED["articles"][3]["path"]
        page = site / slug.strip("/") / "index.html"
        html = page.read_text("utf-8")
        assert html.count('<div class="entry-content">') == 1
        html = html.replace('<div class="entry-content">',
                            '<div class="entry-content">\n<p>Update: the Embassy has added the final figures.</p>')
        page.write_text(html, "utf-8")
        for name in ("post-sitemap.xml", "post-sitemap2.xml"):
            sitemap = site / name
            text = sitemap.read_text("utf-8")
            text = re.sub(rf"(<loc>https://la.usembassy.gov{re.escape(slug)}</loc>\s*<lastmod>)[^<]+",
                          r"\g<1>2026-11-01T00:00:00+00:00", text)
            sitemap.write_text(text, "utf-8")
        crawl(tmp_path, base, state=state)
        third = last_report(tmp_path)
    finally:
        stop_server(server)
    assert row(third)["archived"] == 1 and row(third)["revisions"] == 1 and row(third)["unchanged"] == TOTAL - 1
    records = read_archive(tmp_path / "archive")
    assert len(records) == TOTAL + 1
    revised = [r for r in records if r["url"].endswith(slug)]
    assert [r["revision"] for r in revised] == [1, 2]
    assert revised[1]["previous_sha256"] == revised[0]["content_sha256"]
    assert revised[1]["body"].startswith("Update: the Embassy has added the final figures.")
    with open_index(state_backend.index()) as index:
        assert index.known(revised[1]["canonical_url"]).revision == 2
    days = sorted(a["published_at"][:10] for a in EXPECTED["articles"])
    # The runs folder; and with a state database, its registry too, which every machine sharing it sees.
    listings = [["--runs", str(tmp_path / "runs")]] + ([["--state", state]] if state_backend.shared else [])
    for where in listings:
        runs = subprocess.run([sys.executable, "-m", "archiver.cli", "runs", *where], cwd=REPO, capture_output=True,
                              text=True, check=True).stdout.splitlines()
        assert [line.split()[0] for line in runs[1:]] == [first["run_id"], second["run_id"], third["run_id"]]
        assert [int(line.split()[-2]) for line in runs[1:]] == [TOTAL, 0, 1]  # archived per run
        runs_folder = [] if where[0] == "--state" else where
        stats = subprocess.run([sys.executable, "-m", "archiver.cli", "stats", "--state", state, *runs_folder],
                               cwd=REPO, capture_output=True, text=True, check=True).stdout.splitlines()
        assert stats[1].split() == ["la", str(TOTAL), days[0], days[-1], third["run_id"]]


def test_second_run_of_a_source_is_refused_and_a_stale_lock_taken_over(tmp_path: Path, site: Path,
                                                                        state_backend: StateBackend) -> None:
    state = state_backend.state()
    slow, base = serve(site, "--delay", "0.3")
    try:
        first = crawl(tmp_path, base, wait=False, state=state)
        assert wait_for(lambda: bool(state_backend.lock_holder("la")), timeout=60)
        started = time.monotonic()
        second = crawl(tmp_path, base, check=False, state=state)
        assert second.returncode == 3, second.stderr[-2000:]
        assert time.monotonic() - started < 60
        assert f"already being archived by pid {first.pid} on {socket.gethostname()}" in second.stderr
        os.killpg(first.pid, signal.SIGKILL)
        first.wait(timeout=30)
        assert state_backend.lock_holder("la")["pid"] == first.pid  # the dead run's record is still there
    finally:
        stop_server(slow)
    fast, base = serve(site)  # any port: records are keyed on the registry's address, not the server's
    try:
        third = crawl(tmp_path, base, state=state)
    finally:
        stop_server(fast)
    assert f"took over the lock left by a run that is no longer running (pid {first.pid}," in third.stderr
    assert last_report(tmp_path)["exit_code"] == 0
    assert state_backend.lock_holder("la") == {}  # released cleanly
    urls = [r["canonical_url"] for r in read_archive(tmp_path / "archive")]
    assert len(urls) == len(set(urls)) == TOTAL  # exactly once across the killed run and its successor


def test_sigterm_finalises_in_flight_records_and_the_next_run_completes(tmp_path: Path, site: Path) -> None:
    slow, base = serve(site, "--delay", "0.3")
    try:
        running = crawl(tmp_path, base, wait=False)
        # Some records handed to the archive, none finalised yet (parts hold up to 500 records).
        assert wait_for(lambda: bool(list((tmp_path / "archive").glob("source=la/date=*/.*.part"))), 60)
        os.killpg(running.pid, signal.SIGTERM)
        assert running.wait(timeout=120) == 4
    finally:
        stop_server(slow)
    report = last_report(tmp_path)
    assert report["outcomes"] == {"la": "interrupted"}
    first = read_archive(tmp_path / "archive")
    assert 0 < len(first) < TOTAL
    assert row(report)["archived"] == row(report)["records"] == len(first)  # everything in flight was finalised
    fast, base = serve(site)
    try:
        crawl(tmp_path, base)
    finally:
        stop_server(fast)
    second = last_report(tmp_path)
    assert (row(second)["unchanged"], row(second)["archived"]) == (len(first), TOTAL - len(first))
    urls = [r["canonical_url"] for r in read_archive(tmp_path / "archive")]
    assert len(urls) == len(set(urls)) == TOTAL


def test_leftover_parts_are_salvaged_or_removed(tmp_path: Path, state_backend: StateBackend) -> None:
    archive = tmp_path / "archive"
    folder = archive / "source=la" / "date=2026-11-28"
    folder.mkdir(parents=True)
    record = {
        "schema_version": 1, "id": "0" * 32, "url": "https://la.usembassy.gov/a/", "canonical_url":
        "https://la.usembassy.gov/a/", "source": "la", "source_kind": "embassy", "country": "LA", "title": "A",
        "body": "Body text.", "word_count": 2, "content_sha256": "1" * 64, "fetched_at": "2026-11-28T00:00:00+00:00",
        "http_status": 200, "run_id": "r1", "provenance": {},
    }
    lines = [json.dumps({**record, "url": f"https://la.usembassy.gov/{i}/",
                         "canonical_url": f"https://la.usembassy.gov/{i}/"}) + "\n" for i in range(40)]
    # A gzip stream flushed after every line, as far as a killed writer got: 25 whole lines and half the 26th.
    stream, ends = zlib.compressobj(wbits=31), []
    whole = b""
    for line in lines:
        whole += stream.compress(line.encode()) + stream.flush(zlib.Z_FULL_FLUSH)
        ends.append(len(whole))
    cut = whole[: ends[24] + (ends[25] - ends[24]) // 2]
    (folder / ".r1-0001.jsonl.gz.99999999.part").write_bytes(cut)
    (folder / ".r1-0002.jsonl.gz.99999999.part").write_bytes(whole[:10])  # the gzip header: nothing recoverable
    report = salvage_source(archive, "la", index=state_backend.index(), spider="embassy")
    actions = {entry["part"].rsplit("/", 1)[1]: entry for entry in report}
    salvaged = actions[".r1-0001.jsonl.gz.99999999.part"]
    assert salvaged["action"] == "salvaged" and salvaged["records"] == 25
    assert actions[".r1-0002.jsonl.gz.99999999.part"]["action"] == "removed"
    assert not list(folder.glob(".*.part"))
    (entry,) = read_manifest(archive)
    assert entry["path"] == "source=la/date=2026-11-28/r1-0001.jsonl.gz" and entry["records"] == 25
    assert gzip.decompress((archive / entry["path"]).read_bytes()).decode() == "".join(lines[:25])
    with open_index(state_backend.index()) as index:
        assert all(index.known(f"https://la.usembassy.gov/{i}/") for i in range(25))
        assert index.known("https://la.usembassy.gov/25/") is None


def _part_of(folder: Path, name: str, first: int, count: int) -> Path:
    """A finalised-looking part of ``count`` records (URLs ``/first/`` onwards) written straight to disk."""
    record = {
        "schema_version": 1, "id": "0" * 32, "source": "la", "source_kind": "embassy", "country": "LA",
        "title": "A", "body": "Body text.", "word_count": 2, "fetched_at": "2026-11-28T00:00:00+00:00",
        "http_status": 200, "run_id": "r1", "provenance": {},
    }
    lines = "".join(json.dumps({**record, "url": f"https://la.usembassy.gov/{i}/", "content_sha256": f"{i:064d}",
                                "canonical_url": f"https://la.usembassy.gov/{i}/"}) + "\n"
                    for i in range(first, first + count))
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(gzip.compress(lines.encode()))
    return path


def _list(archive: Path, part: Path) -> None:
    records, size, sha256 = inspect_part(part)
    append_manifest(archive, ManifestEntry(path=part.relative_to(archive).as_posix(), records=records, bytes=size,
                                           sha256=sha256, run_id="r1", spider="embassy", source="la",
                                           started_at="2026-11-28T00:00:00+00:00",
                                           finished_at="2026-11-28T00:00:01+00:00"))


def _finalised_archive(tmp_path: Path, backend: StateBackend) -> tuple[Path, Any, Path]:
    """An archive with one part fully finalised (listed and indexed): archive, index and the day's folder."""
    archive, index = tmp_path / "archive", backend.index()
    folder = archive / "source=la" / "date=2026-11-28"
    done = _part_of(folder, "r1-0001.jsonl.gz", 0, 3)
    _list(archive, done)
    with open_index(index) as db:
        db.commit_file(done.relative_to(archive).as_posix(), part_records(done))
    return archive, index, folder


def test_a_part_killed_between_link_and_manifest_is_listed_and_indexed(tmp_path: Path,
                                                                       state_backend: StateBackend) -> None:
    archive, index, folder = _finalised_archive(tmp_path, state_backend)
    assert reconcile_source(archive, "la", index=index, spider="embassy") == []  # a consistent archive
    orphan = _part_of(folder, "r1-0002.jsonl.gz", 3, 4)  # linked into place, then the kill
    report = reconcile_source(archive, "la", index=index, spider="embassy")
    assert report == [{"part": "source=la/date=2026-11-28/r1-0002.jsonl.gz", "action": "listed", "records": 4}]
    entries = read_manifest(archive)
    assert [e["path"].rsplit("/", 1)[1] for e in entries] == ["r1-0001.jsonl.gz", "r1-0002.jsonl.gz"]
    assert entries[1]["records"] == 4 and entries[1]["run_id"] == "r1"
    assert entries[1]["sha256"] == hashlib.sha256(orphan.read_bytes()).hexdigest()
    with open_index(index) as db:
        assert all(db.known(f"https://la.usembassy.gov/{i}/") for i in range(7))
    assert reconcile_source(archive, "la", index=index, spider="embassy") == []  # once only


def test_a_part_killed_between_manifest_and_index_is_indexed(tmp_path: Path, state_backend: StateBackend) -> None:
    archive, index, folder = _finalised_archive(tmp_path, state_backend)
    listed = _part_of(folder, "r1-0002.jsonl.gz", 3, 4)
    _list(archive, listed)  # listed, then the kill: the index never heard of it
    with open_index(index) as db:
        assert db.known("https://la.usembassy.gov/5/") is None
    assert reconcile_source(archive, "la", index=index, spider="embassy") == []  # listed already: nothing to list
    result = catch_up_index(archive, "la", index)
    assert result.indexed == [{"part": "source=la/date=2026-11-28/r1-0002.jsonl.gz", "records": 4}]
    assert result.cause == LAGGING and result.listed == 2 and result.damaged == []
    assert len(read_manifest(archive)) == 2
    with open_index(index) as db:
        assert all(db.known(f"https://la.usembassy.gov/{i}/") for i in range(7))
    assert catch_up_index(archive, "la", index).indexed == []  # once only


def test_an_unreachable_source_fails_the_run(tmp_path: Path) -> None:
    with socket.socket() as probe:  # bound, never listening, held for the whole run: connections are refused
        probe.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{probe.getsockname()[1]}"
        proc = crawl(tmp_path, dead, "-s", "RETRY_TIMES=0", check=False)
    assert proc.returncode == 1, proc.stderr[-2000:]
    assert last_report(tmp_path)["outcomes"] == {"la": "failed"}
    assert "no articles discovered by any method" in proc.stderr


def test_usage_errors_exit_with_code_2(tmp_path: Path) -> None:
    bad = subprocess.run([sys.executable, "-m", "archiver.cli", "crawl", "lao"], cwd=REPO, capture_output=True,
                         text=True)
    assert bad.returncode == 2 and "unknown source 'lao'" in bad.stderr
    nothing = subprocess.run([sys.executable, "-m", "archiver.cli", "crawl"], cwd=REPO, capture_output=True,
                             text=True)
    assert nothing.returncode == 2
    bad_limit = subprocess.run([sys.executable, "-m", "archiver.cli", "crawl", "la", "--limit", "0"], cwd=REPO,
                               capture_output=True, text=True)
    assert bad_limit.returncode == 2 and "limit" in bad_limit.stderr
