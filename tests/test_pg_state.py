"""What only the PostgreSQL state backend has to prove: several processes (as on several machines) sharing one
database, a lock whose holder dies or whose connection breaks, and a server that restarts or goes away while a
run is working. Everything runs against a real server (``tests/pg.py``) and real crawls of the demo site.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import psycopg
import pytest

from archiver.archive.manifest import read_manifest
from archiver.state.backend import open_index, source_lock
from archiver.state.locks import LockBusy
from archiver.state.pg.errors import StateUnavailable
from archiver.state.pg.locks import PgSourceLock

from .backends import StateBackend
from .conftest import REPO, read_archive, start_server, stop_server, wait_for
from .pg import PostgresServer

EXPECTED = json.loads((REPO / "data" / "demo" / "expected.json").read_text("utf-8"))
TOTAL = len(EXPECTED["articles"])
FAST = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_START_DELAY=0", "-s", "LOG_LEVEL=INFO"]


def crawl_command(tmp: Path, url: str, base: str, *extra: str) -> list[str]:
    return [sys.executable, "-m", "archiver.cli", "crawl", "la", "--archive", str(tmp / "archive"), "--state", url,
            "--runs", str(tmp / "runs"), "--base-url", f"la={base}", *FAST, *extra]


def crawl_again(tmp_path: Path, url: str) -> subprocess.CompletedProcess[str]:
    """The next run of the same crawl, against a demo server without delays; it must succeed."""
    fast, base = start_server(["-m", "archiver.cli", "serve-demo"])
    try:
        again = subprocess.run(crawl_command(tmp_path, url, base), cwd=REPO, capture_output=True, text=True,
                               timeout=240)
    finally:
        stop_server(fast)
    assert again.returncode == 0, again.stderr[-3000:]
    return again


def start_crawl(tmp: Path, url: str, base: str, *extra: str, env: dict[str, str] | None = None
                ) -> subprocess.Popen:
    log = (tmp / f"crawl-{time.monotonic_ns()}.log").open("w")  # a file: an unread pipe would stall the crawl
    return subprocess.Popen(crawl_command(tmp, url, base, *extra), cwd=REPO, stdout=log, stderr=subprocess.STDOUT,
                            text=True, start_new_session=True, env={**os.environ, **(env or {})})


def reports(tmp: Path) -> list[dict[str, Any]]:
    return [json.loads(p.read_text("utf-8")) for p in sorted((tmp / "runs").glob("*.json"),
                                                             key=lambda p: p.stat().st_mtime)]


def la_row(report: dict[str, Any]) -> dict[str, Any]:
    (only,) = [r for r in report["sources"] if r["name"] == "la"]
    return only


def la_stats(report: dict[str, Any]) -> dict[str, Any]:
    (only,) = [c for c in report["crawls"] if c["source"] == "la"]
    return only["stats"]


@pytest.fixture
def url(pg_server: PostgresServer) -> str:
    return pg_server.new_database()


def test_two_processes_racing_for_one_source_one_runs_the_other_exits_3(tmp_path: Path, url: str) -> None:
    server, base = start_server(["-m", "archiver.cli", "serve-demo", "--delay", "0.1"])
    try:
        racers = [subprocess.Popen(crawl_command(tmp_path, url, base), cwd=REPO, stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, text=True) for _ in range(2)]
        outputs = [proc.communicate(timeout=240) for proc in racers]
    finally:
        stop_server(server)
    codes = sorted(proc.returncode for proc in racers)
    assert codes == [0, 3], [err[-2000:] for _, err in outputs]
    (winner,) = [proc for proc in racers if proc.returncode == 0]
    (refused,) = [err for proc, (_, err) in zip(racers, outputs, strict=True) if proc.returncode == 3]
    assert f"source 'la' is already being archived by pid {winner.pid} on {socket.gethostname()}" in refused
    records = read_archive(tmp_path / "archive")
    assert len(records) == len({r["canonical_url"] for r in records}) == TOTAL
    with open_index(url) as db:
        assert db.source_stats()[0][:2] == ("la", TOTAL)
        assert db.db.execute("SELECT count(*) FROM source_locks").fetchone()[0] == 0  # released cleanly


HOLDER = """
import sys, time
from archiver.state.backend import source_lock
lock = source_lock(sys.argv[1], "la", run_id="r-child").acquire()
print("held", flush=True)
time.sleep(600)
"""


def test_a_lock_is_released_when_its_holder_is_killed(url: str) -> None:
    child = subprocess.Popen([sys.executable, "-c", HOLDER, url], cwd=REPO, stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout is not None and child.stdout.readline().strip() == "held"
        with pytest.raises(LockBusy) as busy:
            source_lock(url, "la", run_id="r-parent").acquire()
        assert busy.value.holder["pid"] == child.pid and busy.value.holder["run_id"] == "r-child"
        assert f"already being archived by pid {child.pid} on {socket.gethostname()}" in str(busy.value)
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
    taken: list[PgSourceLock] = []

    def take() -> bool:
        try:
            taken.append(PgSourceLock(url, "la", run_id="r-parent").acquire())
        except LockBusy:
            return False
        return True

    # The server ends the dead process's session as soon as its socket closes, and the lock goes with it.
    assert wait_for(take, timeout=10)
    lock = taken[0]
    try:
        assert lock.took_over is not None and lock.took_over["pid"] == child.pid
        assert lock.took_over["run_id"] == "r-child"
    finally:
        lock.release()


def test_a_lock_whose_connection_broke_is_taken_back_or_lost_never_shared(
        url: str, pg_server: PostgresServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ARCHIVER_STATE_LOCK_CHECK_SECONDS", "3600")  # this test calls check() itself
    lost: list[tuple[str, str]] = []
    holder = PgSourceLock(url, "la", run_id="A", on_lost=lambda source, why: lost.append((source, why))).acquire()
    try:
        # The server restarts: every session ends, every advisory lock with it. Until the holder has had
        # time to take its lock back, a newcomer is refused as by a live holder.
        pg_server.restart()
        with pytest.raises(LockBusy) as busy:
            PgSourceLock(url, "la", run_id="B").acquire()
        assert busy.value.holder["run_id"] == "A"
        assert "held the lock when the state server restarted" in busy.value.holder["note"]
        assert holder.check() is None and holder.retaken == 1  # taken back: nobody took it meanwhile
        with pytest.raises(LockBusy) as busy:
            PgSourceLock(url, "la", run_id="B").acquire()
        assert busy.value.holder["run_id"] == "A" and "note" not in busy.value.holder

        # The holder's session alone ends (the server stays up): the lock is free at once, and another run
        # takes it. The holder must then give up the source, not take the lock back.
        with psycopg.connect(url, autocommit=True) as admin:
            admin.execute("SELECT pg_terminate_backend(backend_pid) FROM source_locks WHERE source = 'la'")
        newcomer = PgSourceLock(url, "la", run_id="B").acquire()
        try:
            assert newcomer.took_over is not None and newcomer.took_over["run_id"] == "A"
            reason = holder.check()
            assert reason == "another run holds the source's lock now"
            assert lost == [("la", reason)]
        finally:
            newcomer.release()
    finally:
        holder.release()


def test_the_server_restarting_mid_run_costs_nothing(tmp_path: Path, url: str, pg_server: PostgresServer) -> None:
    slow, base = start_server(["-m", "archiver.cli", "serve-demo", "--delay", "0.2"])
    try:
        crawl = start_crawl(tmp_path, url, base, "-s", "ARCHIVER_BATCH_ITEMS=3",
                            env={"ARCHIVER_STATE_LOCK_CHECK_SECONDS": "0.5"})
        assert wait_for(lambda: len(read_manifest(tmp_path / "archive")) >= 2, timeout=120), "no part finalised"
        pg_server.restart()
        assert crawl.wait(timeout=240) == 0
    finally:
        stop_server(slow)
    (report,) = reports(tmp_path)
    assert report["outcomes"] == {"la": "ok"}
    assert la_row(report)["archived"] == TOTAL
    assert la_stats(report)["archiver/source/la/lock_retaken"] == 1  # the lock was taken back, not lost
    crawl_again(tmp_path, url)
    second = reports(tmp_path)[-1]
    assert la_row(second)["archived"] == 0 and second["files"] == []  # nothing was missing
    records = read_archive(tmp_path / "archive")
    assert len(records) == len({r["canonical_url"] for r in records}) == TOTAL
    check = subprocess.run([sys.executable, "-m", "archiver.cli", "verify", "--archive", str(tmp_path / "archive"),
                            "--state", url], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert check.returncode == 0, check.stdout + check.stderr


def test_the_server_gone_mid_run_fails_the_source_loudly_and_the_next_run_completes(
        tmp_path: Path, url: str, pg_server: PostgresServer) -> None:
    slow, base = start_server(["-m", "archiver.cli", "serve-demo", "--delay", "0.2"])
    try:
        crawl = start_crawl(tmp_path, url, base, "-s", "ARCHIVER_BATCH_ITEMS=3",
                            env={"ARCHIVER_STATE_LOCK_CHECK_SECONDS": "0.5", "ARCHIVER_STATE_RECONNECT_SECONDS": "1"})
        assert wait_for(lambda: len(read_manifest(tmp_path / "archive")) >= 2, timeout=120), "no part finalised"
        pg_server.stop_server()
        try:
            assert crawl.wait(timeout=240) == 1
        finally:
            pg_server.start_server()
    finally:
        stop_server(slow)
    (report,) = reports(tmp_path)  # the runs folder still has the report; the registry could not
    assert report["outcomes"] == {"la": "failed"}
    assert "lock in the state database was lost" in report["outcome_reasons"]["la"]
    first_parts = len(read_manifest(tmp_path / "archive"))
    again = crawl_again(tmp_path, url)
    assert "took over the lock left by a run that is no longer running" in again.stderr
    assert len(read_manifest(tmp_path / "archive")) >= first_parts
    records = read_archive(tmp_path / "archive")
    assert len(records) == len({r["canonical_url"] for r in records}) == TOTAL  # none lost, none twice


def test_an_unreachable_server_is_a_loud_failure(tmp_path: Path, url: str, pg_server: PostgresServer,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ARCHIVER_STATE_RECONNECT_SECONDS", "1")
    with open_index(url) as db:
        pg_server.stop_server()
        try:
            started = time.monotonic()
            with pytest.raises(StateUnavailable, match="could not be reached for 1 s"):
                db.commit_file("source=la/date=2026-11-28/r1-0001.jsonl.gz", [])
            assert time.monotonic() - started < 10
            proc = subprocess.run(crawl_command(tmp_path, url, "http://127.0.0.1:9"), cwd=REPO,
                                  capture_output=True, text=True, timeout=120,
                                  env={**os.environ, "ARCHIVER_STATE_RECONNECT_SECONDS": "1"})
        finally:
            pg_server.start_server()
        assert proc.returncode == 1, proc.stderr[-2000:]
        assert "la: could not take the source's lock in postgresql://" in proc.stderr
        # The server is back: the same index object carries on, on a new connection.
        assert db.commit_file("source=la/date=2026-11-28/r1-0001.jsonl.gz", []) == 0
        assert db.indexed_parts("la") == {"source=la/date=2026-11-28/r1-0001.jsonl.gz": None}


def test_both_backends_hold_the_same_rows_after_the_same_commits(tmp_path: Path, url: str) -> None:
    def record(i: int, revision: int, fetched: str, **extra: Any) -> dict[str, Any]:
        return {"canonical_url": f"https://la.usembassy.gov/post-{i}/", "url": f"https://la.usembassy.gov/p?{i}",
                "source": "la", "content_sha256": f"{i}-{revision}-{fetched}", "revision": revision,
                "fetched_at": fetched, **extra}

    # Revisions out of order, a tie on revision broken by fetched_at, 'Z' against '+00:00', lastmods and
    # publication dates coming and going, and one URL twice in one part.
    commits = [
        ("source=la/date=2026-11-02/r2-0001.jsonl.gz", [record(1, 2, "2026-11-02T00:00:00+00:00"),
                                                        record(2, 1, "2026-11-02T00:00:00Z", sitemap_lastmod="b")]),
        ("source=la/date=2026-11-01/r1-0001.jsonl.gz", [record(1, 1, "2026-11-01T00:00:00+00:00",
                                                               sitemap_lastmod="a", published_at="2026-10-01"),
                                                        record(2, 1, "2026-11-02T00:00:00+00:00")]),
        ("source=la/date=2026-11-03/r3-0001.jsonl.gz", [record(3, 1, "2026-11-03T00:00:00+00:00"),
                                                        record(3, 2, "2026-11-03T01:00:00+00:00",
                                                               published_at="2026-11-03")]),
    ]
    locations = [tmp_path / "index.sqlite", url]
    for location in locations:
        with open_index(location) as db:
            for path, rows in commits:
                assert db.commit_file(path, rows, sha256=path[-20:]) == len(rows)
            db.set_watermark("la", "2026-11-03T00:00:00+00:00", "r3")
            db.set_watermark("la", "2026-11-01T00:00:00+00:00", "r1")  # never moves back
            db.remember_captures([("u", "d", "la", "a.warc.gz", 10, 20, "<urn:1>", "2026-11-02T00:00:00Z"),
                                  ("u", "d", "la", "b.warc.gz", 30, 40, "<urn:2>", "2026-11-01T00:00:00Z")])

    def contents(location: Any) -> dict[str, Any]:
        with open_index(location) as db:
            table = db.db.execute("SELECT canonical_url, url, source, content_sha256, revision, archive_file, "
                                  "first_seen, last_seen, sitemap_lastmod, published_at FROM articles "
                                  "ORDER BY canonical_url").fetchall()
            return {"articles": [tuple(r) for r in table], "parts": db.indexed_parts("la"),
                    "stats": [tuple(r) for r in db.source_stats()], "sources": db.sources(),
                    "watermark": db.watermark("la"), "capture": db.find_capture("u", "d"),
                    "known": db.known("https://la.usembassy.gov/post-3/"),
                    "lastmods": db.lastmods(["https://la.usembassy.gov/p?2", "https://la.usembassy.gov/post-1/",
                                             "https://la.usembassy.gov/none/"]),
                    "fetched_as": db.fetched_as("https://la.usembassy.gov/post-1/")}

    sqlite, postgresql = contents(locations[0]), contents(url)
    assert sqlite == postgresql
    # and what both hold is what the rule says, not merely the same
    assert sqlite["known"].revision == 2 and sqlite["watermark"] == "2026-11-03T00:00:00+00:00"
    assert sqlite["capture"] == ("a.warc.gz", 10, 20, "<urn:1>", "2026-11-02T00:00:00Z")
    assert sqlite["articles"][0][3:10] == ("1-2-2026-11-02T00:00:00+00:00", 2, commits[0][0],
                                           "2026-11-01T00:00:00+00:00", "2026-11-02T00:00:00+00:00", "a", "2026-10-01")
    assert sqlite["lastmods"] == {"https://la.usembassy.gov/p?2": "b", "https://la.usembassy.gov/post-1/": "a"}


def test_a_part_is_indexed_whole_or_not_at_all(state_backend: StateBackend) -> None:
    """On both backends: a part one of whose records the index refuses leaves no trace of the part (not its
    other records, not a revision it would have moved, not its row in ``parts``), and the connection goes on."""

    def record(i: int, revision: int = 1, sha: str | None = "a") -> dict[str, Any]:
        return {"canonical_url": f"https://la.usembassy.gov/{i}/", "url": f"https://la.usembassy.gov/{i}/",
                "source": "la", "content_sha256": sha, "revision": revision, "fetched_at": "2026-11-01T00:00:00Z"}

    first, second = "source=la/date=2026-11-01/r1-0001.jsonl.gz", "source=la/date=2026-11-02/r2-0001.jsonl.gz"
    with open_index(state_backend.index()) as db:
        assert db.commit_file(first, [record(0), record(1)], sha256="1") == 2
        with pytest.raises(Exception, match="(?i)not.null"):
            db.commit_file(second, [record(0, revision=2, sha="b"), record(2), record(3, sha=None), record(4)],
                           sha256="2")
        assert db.indexed_parts("la") == {first: "1"}
        assert db.known("https://la.usembassy.gov/0/").revision == 1
        assert [db.known(f"https://la.usembassy.gov/{i}/") for i in (2, 3, 4)] == [None, None, None]
        assert db.commit_file(second, [record(0, revision=2, sha="b")], sha256="2") == 1  # usable afterwards
        assert db.known("https://la.usembassy.gov/0/").revision == 2
