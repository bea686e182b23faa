"""Damaged state is detected and repaired, never trusted: ``archiver verify`` and the index catch-up of runs.

Real crawls of the demo site on 127.0.0.1 build a real archive; the faults are real (a deleted index, another
``--state``, a deleted part, a flipped bit, an edited manifest line), and every claim is checked against what
is on disk and what the next real crawl fetches. The tests that take ``state_backend`` run with the state in a
folder (SQLite) and in PostgreSQL.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import random
import re
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from archiver.archive.manifest import ManifestEntry, append_manifest, read_manifest, read_manifest_lines
from archiver.state.backend import open_index, source_lock
from archiver.state.catchup import MISSING, STALE, UNRECORDED, catch_up_index
from archiver.state.index import ArchiveIndex
from archiver.state.location import is_database_url

from .backends import StateBackend
from .conftest import REPO, read_archive, start_server, stop_server

EXPECTED = json.loads((REPO / "data" / "demo" / "expected.json").read_text("utf-8"))
TOTAL = len(EXPECTED["articles"])
BATCH = 10  # three parts of ten records for the demo site's thirty articles
FAST = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_START_DELAY=0", "-s", f"ARCHIVER_BATCH_ITEMS={BATCH}"]


@pytest.fixture(scope="module")
def demo() -> Any:
    proc, base = start_server(["-m", "archiver.cli", "serve-demo"])
    yield base
    stop_server(proc)


def crawl(tmp: Path, base: str, *extra: str, state: str = "state", code: int = 0) -> dict[str, Any]:
    """One ``archiver crawl la`` to the end (exiting with ``code``); returns its run report with the log under
    ``_log``. ``state``: a folder name under ``tmp``, or a state database's URL."""
    runs = tmp / "runs"
    before = set(runs.glob("*.json")) if runs.exists() else set()
    proc = subprocess.run(
        [sys.executable, "-m", "archiver.cli", "crawl", "la", "--archive", str(tmp / "archive"), "--state",
         _state_argument(tmp, state), "--runs", str(runs), "--base-url", f"la={base}", *FAST, *extra],
        cwd=REPO, capture_output=True, text=True, timeout=240)
    assert proc.returncode == code, proc.stderr[-3000:]
    (report,) = sorted(set(runs.glob("*.json")) - before)
    result = json.loads(report.read_text("utf-8"))
    result["_log"] = proc.stderr
    return result


def _state_argument(tmp: Path, state: str) -> str:
    return state if is_database_url(state) else str(tmp / state)


def verify(tmp: Path, *extra: str, state: str = "state") -> tuple[int, dict[str, Any], str]:
    """``archiver verify --json``: exit code, the findings of source ``la``, and stderr."""
    proc = subprocess.run(
        [sys.executable, "-m", "archiver.cli", "verify", "--archive", str(tmp / "archive"), "--state",
         _state_argument(tmp, state), "--json", *extra], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert proc.returncode in (0, 1), proc.stderr[-3000:]
    document = json.loads(proc.stdout)
    assert document["exit_code"] == proc.returncode
    (found,) = [s for s in document["sources"] if s["source"] == "la"]
    return proc.returncode, found, proc.stderr


def row(report: dict[str, Any]) -> dict[str, Any]:
    (only,) = [r for r in report["sources"] if r["name"] == "la"]
    return only


def stats(report: dict[str, Any]) -> dict[str, Any]:
    (only,) = [c for c in report["crawls"] if c["source"] == "la"]
    return only["stats"]


def parts(tmp: Path) -> list[Path]:
    return [tmp / "archive" / e["path"] for e in read_manifest(tmp / "archive")]


def urls_in(part: Path) -> set[str]:
    with gzip.open(part, "rt", encoding="utf-8") as stream:
        return {json.loads(line)["url"] for line in stream}


def urls_archived(report: dict[str, Any], archive: Path) -> set[str]:
    """URLs of the records a run finalised (its manifest entries, read back from disk)."""
    return {url for entry in report["files"] for url in urls_in(archive / entry["path"])}


def remove_index(state: Path) -> None:
    """Delete a SQLite index and its companions (the tests of an unreadable index file are SQLite's own)."""
    for path in state.glob("index.sqlite*"):
        path.unlink()

def test_a_deleted_index_is_rebuilt_before_discovery_and_nothing_is_archived_twice(
        tmp_path: Path, demo: str, state_backend: StateBackend) -> None:
    state = state_backend.state()
    first = crawl(tmp_path, demo, state=state)
    assert row(first)["archived"] == TOTAL and len(first["files"]) == 3
    code, found, progress = verify(tmp_path, "--progress-every", "1", state=state)
    assert code == 0 and not found["damaged"] and found["parts"] == 3 and found["records"] == TOTAL
    shown = [re.sub(r"\d+s$", "Ns", line) for line in progress.splitlines() if line.startswith("verify: ")]
    assert shown == [f"verify: {n}/3 parts checked (la), Ns" for n in (1, 2, 3)]

    state_backend.delete_index()
    code, found, _ = verify(tmp_path, state=state)
    assert code == 1 and found["index_missing"] and found["records_index_lacks"] == TOTAL

    second = crawl(tmp_path, demo, state=state)
    assert row(second)["archived"] == 0 and row(second)["unchanged"] == TOTAL and second["files"] == []
    assert "the index held nothing of this source while the manifest lists 3 part(s)" in second["_log"]
    assert stats(second)["archiver/source/la/index/rebuilt"] == 1
    assert stats(second)["archiver/source/la/index/records_indexed"] == TOTAL
    rebuilt = [e for e in second["leftovers"] if e["action"] == "indexed"]
    assert sorted(e["part"] for e in rebuilt) == sorted(e["path"] for e in first["files"])
    assert {e["reason"] for e in rebuilt} == {MISSING}
    # The sitemap lastmods came back with the rows: the unchanged pages were not even fetched.
    assert stats(second)["archiver/source/la/discovery/skipped_unchanged"] == TOTAL
    records = read_archive(tmp_path / "archive")
    assert len(records) == len({r["url"] for r in records}) == TOTAL
    assert verify(tmp_path, state=state)[0] == 0


def test_another_state_on_the_same_archive_archives_no_duplicate(tmp_path: Path, demo: str,
                                                                 state_backend: StateBackend) -> None:
    a, b = state_backend.state("state-a"), state_backend.state("state-b")
    first = crawl(tmp_path, demo, "--limit", "15", state=a)
    done = row(first)["archived"]
    assert 10 < done < TOTAL
    # A second deployment (its own --state) on the same archive: its empty index is rebuilt first.
    second = crawl(tmp_path, demo, state=b)
    assert row(second)["archived"] == TOTAL - done and row(second)["unchanged"] == done
    assert stats(second)["archiver/source/la/index/rebuilt"] == 1
    # The first state's index now lags the archive by the second run's parts: it catches up first.
    third = crawl(tmp_path, demo, state=a)
    assert row(third)["archived"] == 0 and row(third)["unchanged"] == TOTAL
    lagging = len(second["files"])
    assert f"the index lacked {lagging} of the {lagging + len(first['files'])} listed part(s)" in third["_log"]
    assert stats(third)["archiver/source/la/index/parts_indexed"] == lagging
    records = read_archive(tmp_path / "archive")
    assert len(records) == len({r["url"] for r in records}) == TOTAL
    assert verify(tmp_path, state=a)[0] == verify(tmp_path, state=b)[0] == 0


def test_a_deleted_part_is_reported_forgotten_on_repair_and_fetched_again(tmp_path: Path, demo: str) -> None:
    crawl(tmp_path, demo)
    gone = parts(tmp_path)[1]
    lost = urls_in(gone)
    assert len(lost) == BATCH
    gone.unlink()
    code, found, _ = verify(tmp_path)
    assert code == 1 and found["damaged"]
    assert found["missing"] == [{"part": gone.relative_to(tmp_path / "archive").as_posix(), "records": BATCH}]
    assert found["index_rows_without_part"] == BATCH and found["corrupt"] == []

    # A run on its own does not pretend: it says the part is gone, that its records stay known until a repair,
    # and fails (exit 1) so that cron or systemd sees it.
    unrepaired = crawl(tmp_path, demo, code=1)
    assert unrepaired["outcomes"] == {"la": "failed"}
    assert "archiver verify --repair" in unrepaired["outcome_reasons"]["la"]
    assert row(unrepaired)["archived"] == 0
    assert f"listed part {gone.relative_to(tmp_path / 'archive').as_posix()} is damaged (missing)" in \
        unrepaired["_log"]
    assert stats(unrepaired)["archiver/source/la/index/damaged_parts"] == 1

    code, found, _ = verify(tmp_path, "--repair")
    assert code == 1
    assert {"part": gone.relative_to(tmp_path / "archive").as_posix(), "action": "withdrawn",
            "reason": "missing"} in found["repairs"]
    assert found["records_forgotten"] == BATCH
    assert verify(tmp_path)[0] == 0
    withdrawals = [line for line in read_manifest_lines(tmp_path / "archive") if line.get("event")]
    assert [w["path"] for w in withdrawals] == [gone.relative_to(tmp_path / "archive").as_posix()]

    again = crawl(tmp_path, demo)
    assert row(again)["archived"] == BATCH and row(again)["unchanged"] == TOTAL - BATCH
    assert urls_archived(again, tmp_path / "archive") == lost
    records = read_archive(tmp_path / "archive")  # the manifest (withdrawal folded in) matches the files
    assert len(records) == len({r["url"] for r in records}) == TOTAL
    assert verify(tmp_path)[0] == 0


def test_a_flipped_bit_is_detected_the_part_set_aside_and_its_records_fetched_again(tmp_path: Path,
                                                                                    demo: str) -> None:
    crawl(tmp_path, demo)
    archive = tmp_path / "archive"
    damaged = parts(tmp_path)[2]
    lost = urls_in(damaged)
    relative = damaged.relative_to(archive).as_posix()
    raw = bytearray(damaged.read_bytes())
    raw[len(raw) // 2] ^= 0x04
    damaged.write_bytes(bytes(raw))
    code, found, _ = verify(tmp_path)
    assert code == 1 and found["missing"] == []
    (corrupt,) = found["corrupt"]
    assert corrupt["part"] == relative
    assert corrupt["problem"].startswith("sha256 differs from the manifest; ")
    assert found["index_rows_without_part"] == BATCH

    code, found, _ = verify(tmp_path, "--repair")
    assert code == 1
    (moved,) = [r for r in found["repairs"] if r["action"] == "set_aside"]
    aside = archive / moved["moved_to"]
    assert moved["moved_to"] == f".quarantine/{relative}"
    assert aside.read_bytes() == bytes(raw)  # kept as it was, never deleted
    assert not damaged.exists() and not list(archive.glob("source=*/date=*/.quarantine*"))
    assert verify(tmp_path)[0] == 0

    again = crawl(tmp_path, demo)
    assert row(again)["archived"] == len(lost) and urls_archived(again, archive) == lost
    records = read_archive(archive)
    assert len(records) == len({r["url"] for r in records}) == TOTAL


def test_an_index_that_is_not_a_database_is_reported_set_aside_and_rebuilt_and_runs_work_again(
        tmp_path: Path, demo: str) -> None:
    first = crawl(tmp_path, demo)
    assert row(first)["archived"] == TOTAL
    state = tmp_path / "state"
    remove_index(state)
    garbage = b"torn copy of index.sqlite \x00\xff " * 400  # anything but an SQLite header
    (state / "index.sqlite").write_bytes(garbage)
    command = [sys.executable, "-m", "archiver.cli", "crawl", "la", "--archive", str(tmp_path / "archive"),
               "--state", str(state), "--runs", str(tmp_path / "runs"), "--base-url", f"la={demo}", *FAST]
    failed = subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=240)
    assert failed.returncode == 1  # a run never crawls against an index it cannot read
    assert "is not a readable SQLite database (file is not a database); `archiver verify --repair`" in failed.stderr

    # verify says so, in one line, without a traceback; each source is damaged, nothing compared with the index
    plain = subprocess.run([sys.executable, "-m", "archiver.cli", "verify", "--archive", str(tmp_path / "archive"),
                            "--state", str(state)], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert plain.returncode == 1 and "Traceback" not in plain.stderr + plain.stdout
    assert f"verify: the index {state / 'index.sqlite'} is damaged (file is not a database)" in plain.stdout
    code, found, _ = verify(tmp_path)
    assert code == 1 and found["damaged"] and found["index_unreadable"] == "file is not a database"
    assert found["records_index_lacks"] == 0 and found["records"] == TOTAL and found["repairs"] == []
    assert (state / "index.sqlite").read_bytes() == garbage  # verify alone changes nothing

    repair = subprocess.run([sys.executable, "-m", "archiver.cli", "verify", "--archive", str(tmp_path / "archive"),
                             "--state", str(state), "--repair", "--json"], cwd=REPO, capture_output=True, text=True,
                            timeout=120)
    assert repair.returncode == 1 and "Traceback" not in repair.stderr
    document = json.loads(repair.stdout)
    assert document["index_problem"] == "file is not a database"
    (aside,) = state.glob("index.sqlite.unreadable-*")
    assert document["index_moved_to"] == str(aside)
    assert re.fullmatch(r"index\.sqlite\.unreadable-\d{8}T\d{6}Z", aside.name)
    assert aside.read_bytes() == garbage  # kept beside itself as it was, never deleted
    (la,) = document["sources"]
    assert {"action": "index_rebuilt", "parts": 3, "records": TOTAL, "records_forgotten": 0} in la["repairs"]
    code, found, _ = verify(tmp_path)
    assert code == 0 and not found["damaged"] and found["records"] == TOTAL

    again = crawl(tmp_path, demo)
    assert row(again)["archived"] == 0 and row(again)["unchanged"] == TOTAL and again["files"] == []
    records = read_archive(tmp_path / "archive")
    assert len(records) == len({r["url"] for r in records}) == TOTAL


def test_an_index_whose_pages_are_corrupt_is_found_by_sqlites_own_check(tmp_path: Path) -> None:
    archive, state = tmp_path / "archive", tmp_path / "state"
    records = [_record(i, 1, "2026-11-01T00:00:00+00:00", summary="A summary of the post. " * 20)
               for i in range(300)]
    _listed_part(archive, "r1-0001.jsonl.gz", records)
    index = state / "index.sqlite"
    assert catch_up_index(archive, "la", index).records == 300
    assert not Path(f"{index}-wal").exists() or Path(f"{index}-wal").stat().st_size == 0  # all in the main file
    raw = bytearray(index.read_bytes())
    assert len(raw) > 10 * 4096
    raw[3 * 4096: 3 * 4096 + 2000] = b"\x5a" * 2000  # a b-tree page overwritten, the header intact
    index.write_bytes(bytes(raw))
    command = [sys.executable, "-m", "archiver.cli", "verify", "--archive", str(archive), "--state", str(state),
               "--json"]
    proc = subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1, proc.stderr
    document = json.loads(proc.stdout)
    assert "Page 4" in document["index_problem"] and document["sources"][0]["damaged"]
    repaired = subprocess.run([*command, "--repair"], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert repaired.returncode == 1 and json.loads(repaired.stdout)["index_moved_to"]
    assert subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=120).returncode == 0
    with ArchiveIndex(index) as db:
        assert len(db.source_rows("la")) == 300 and db.damage() is None


def test_a_manifest_line_whose_sha256_no_longer_matches_is_reported(tmp_path: Path, demo: str) -> None:
    crawl(tmp_path, demo)
    manifest = tmp_path / "archive" / "manifest.jsonl"
    lines = manifest.read_text("utf-8").splitlines()
    entry = json.loads(lines[0])
    entry["sha256"] = hashlib.sha256(b"another file").hexdigest()
    manifest.write_text("\n".join([json.dumps(entry), *lines[1:]]) + "\n", "utf-8")
    code, found, _ = verify(tmp_path)
    assert code == 1
    (corrupt,) = found["corrupt"]
    assert corrupt["part"] == entry["path"]
    assert corrupt["problem"] == ("sha256 differs from the manifest (the gzip stream and its lines are whole: "
                                  "the manifest line may be what changed)")
    assert found["missing"] == [] and found["unlisted"] == []


def test_verify_refuses_an_unknown_source_and_skips_a_source_being_crawled(tmp_path: Path,
                                                                            state_backend: StateBackend) -> None:
    archive = tmp_path / "archive"
    archive.mkdir()
    command = [sys.executable, "-m", "archiver.cli", "verify", "--archive", str(archive), "--state",
               state_backend.state()]
    proc = subprocess.run([*command, "--source", "lao"], cwd=REPO, capture_output=True, text=True)
    assert proc.returncode == 2 and "unknown source(s): lao" in proc.stderr
    _listed_part(archive, "r1-0001.jsonl.gz", [_record(1, 1, "2026-11-01T00:00:00+00:00")])
    crawling = source_lock(state_backend.locks(), "la", run_id="r2").acquire()  # a live run holds it
    try:
        busy = subprocess.run([*command, "--repair"], cwd=REPO, capture_output=True, text=True)
    finally:
        crawling.release()
    assert busy.returncode == 3
    assert f"la: not checked: source 'la' is already being archived by pid {os.getpid()}" in busy.stdout
    assert not state_backend.index_written()  # nothing repaired behind a live run's back
    assert subprocess.run(command, cwd=REPO, capture_output=True, text=True).returncode == 1  # (no index yet)


def test_a_manifest_line_pointing_outside_the_archive_is_withdrawn_and_nothing_is_moved(tmp_path: Path) -> None:
    archive = tmp_path / "archive"
    _listed_part(archive, "r1-0001.jsonl.gz", [_record(1, 1, "2026-11-01T00:00:00+00:00")])
    outside = tmp_path / "precious.txt"
    outside.write_text("not an archive part")
    with (archive / "manifest.jsonl").open("a") as manifest:
        manifest.write(json.dumps({"path": "source=la/date=2026-11-28/../../../precious.txt", "source": "la",
                                   "records": 1, "bytes": 1, "sha256": "0" * 64}) + "\n")
    copy = tmp_path / "copy"
    shutil.copytree(archive, copy)
    proc = subprocess.run([sys.executable, "-m", "archiver.cli", "verify", "--archive", str(archive), "--state",
                           str(tmp_path / "state"), "--repair", "--json"], cwd=REPO, capture_output=True, text=True)
    assert proc.returncode == 1, proc.stderr
    (found,) = json.loads(proc.stdout)["sources"]
    (corrupt,) = found["corrupt"]
    assert corrupt["problem"] == "not the path of a part of source 'la' in this archive"
    assert {"part": corrupt["part"], "action": "withdrawn", "reason": corrupt["problem"]} in found["repairs"]
    said = subprocess.run([sys.executable, "-m", "archiver.cli", "verify", "--archive", str(copy), "--state",
                           str(tmp_path / "state-copy"), "--repair"], cwd=REPO, capture_output=True, text=True)
    assert said.returncode == 1, said.stderr
    assert (f"la: repaired: withdrew the manifest line of {corrupt['part']} (not the path of a part of source "
            "'la' in this archive); nothing was moved") in said.stdout.splitlines()
    assert " aside " not in said.stdout
    assert outside.read_text() == "not an archive part" and not (archive / ".quarantine").exists()
    assert [e["path"] for e in read_manifest(archive)] == ["source=la/date=2026-11-28/r1-0001.jsonl.gz"]


# -- the index on its own: catch-up causes, and an order-independent rebuild ---------------------------------


def _record(i: int, revision: int, fetched: str, **extra: Any) -> dict[str, Any]:
    url = f"https://la.usembassy.gov/post-{i}/"
    body = f"Body of post {i}, revision {revision}."
    return {"schema_version": 1, "id": hashlib.sha256(url.encode()).hexdigest()[:32], "url": url,
            "canonical_url": url, "source": "la", "source_kind": "embassy", "country": "LA", "title": f"Post {i}",
            "body": body, "word_count": 6, "content_sha256": hashlib.sha256(body.encode()).hexdigest(),
            "fetched_at": fetched, "http_status": 200, "run_id": "r1", "provenance": {}, "revision": revision,
            **extra}


def _listed_part(archive: Path, name: str, records: list[dict[str, Any]]) -> str:
    folder = archive / "source=la" / "date=2026-11-28"
    folder.mkdir(parents=True, exist_ok=True)
    raw = gzip.compress("".join(json.dumps(r) + "\n" for r in records).encode())
    (folder / name).write_bytes(raw)
    relative = f"source=la/date=2026-11-28/{name}"
    append_manifest(archive, ManifestEntry(path=relative, records=len(records), bytes=len(raw),
                                           sha256=hashlib.sha256(raw).hexdigest(), run_id="r1", spider="embassy",
                                           source="la", started_at="2026-11-28T00:00:00+00:00",
                                           finished_at="2026-11-28T00:00:01+00:00"))
    return relative


def _rows(index: Any) -> list[tuple[Any, ...]]:
    with open_index(index) as db:
        return db.db.execute("SELECT canonical_url, content_sha256, revision, archive_file, first_seen, last_seen, "
                             "sitemap_lastmod, published_at FROM articles ORDER BY canonical_url").fetchall()


def test_the_index_ends_the_same_whatever_order_parts_are_indexed_in(tmp_path: Path,
                                                                      state_backend: StateBackend) -> None:
    archive = tmp_path / "archive"
    one = [_record(1, 1, "2026-11-01T00:00:00+00:00", sitemap_lastmod="2026-10-31", published_at="2026-10-30"),
           _record(2, 1, "2026-11-01T00:00:00+00:00")]
    two = [_record(1, 2, "2026-11-05T00:00:00+00:00", sitemap_lastmod="2026-11-04")]
    first, second = _listed_part(archive, "r1-0001.jsonl.gz", one), _listed_part(archive, "r2-0001.jsonl.gz", two)
    with open_index(state_backend.index("in-order")) as db:
        db.commit_file(first, one)
        db.commit_file(second, two)
    with open_index(state_backend.index("reversed")) as db:
        db.commit_file(second, two)
        db.commit_file(first, one)
    in_order = _rows(state_backend.index("in-order"))
    assert in_order == _rows(state_backend.index("reversed"))
    post_1 = in_order[0]
    assert post_1[1:4] == (two[0]["content_sha256"], 2, second)  # the latest revision wins
    assert post_1[4:8] == ("2026-11-01T00:00:00+00:00", "2026-11-05T00:00:00+00:00", "2026-11-04", "2026-10-30")
    # A rebuilt index (catch-up into an empty one) holds exactly the same rows.
    result = catch_up_index(archive, "la", state_backend.index("rebuilt"))
    assert result.cause == MISSING and [p["part"] for p in result.indexed] == [first, second]
    assert _rows(state_backend.index("rebuilt")) == in_order


def test_an_index_holding_withdrawn_parts_is_rebuilt(tmp_path: Path, state_backend: StateBackend) -> None:
    archive = tmp_path / "archive"
    one = [_record(1, 1, "2026-11-01T00:00:00+00:00")]
    two = [_record(1, 2, "2026-11-05T00:00:00+00:00"), _record(3, 1, "2026-11-05T00:00:00+00:00")]
    first, second = _listed_part(archive, "r1-0001.jsonl.gz", one), _listed_part(archive, "r2-0001.jsonl.gz", two)
    index = state_backend.index("other-state")
    assert catch_up_index(archive, "la", index).cause == MISSING
    # The second part is lost, and ``archiver verify --repair`` under another --state withdraws it.
    (archive / second).unlink()
    code = subprocess.run([sys.executable, "-m", "archiver.cli", "verify", "--archive", str(archive), "--state",
                           state_backend.state(), "--repair"], cwd=REPO, capture_output=True, text=True)
    assert code.returncode == 1 and "withdrew missing part" in code.stdout
    result = catch_up_index(archive, "la", index)
    assert result.cause == STALE and result.stale == [second] and [p["part"] for p in result.indexed] == [first]
    with open_index(index) as db:
        assert db.known(one[0]["canonical_url"]).revision == 1  # back to the revision the archive still holds
        assert db.known(two[1]["canonical_url"]) is None  # forgotten: the next run fetches it again


def test_an_old_sqlite_index_is_read_once_quietly(tmp_path: Path) -> None:
    """An index written before the index listed its parts: read once, said quietly, not called a rebuild (only
    SQLite indexes are that old)."""
    archive = tmp_path / "archive"
    one = [_record(1, 1, "2026-11-01T00:00:00+00:00")]
    first = _listed_part(archive, "r1-0001.jsonl.gz", one)
    old = tmp_path / "old.sqlite"
    with sqlite3.connect(old) as db:
        db.execute("CREATE TABLE articles (canonical_url TEXT PRIMARY KEY, url TEXT NOT NULL, source TEXT NOT NULL, "
                   "content_sha256 TEXT NOT NULL, revision INTEGER NOT NULL, archive_file TEXT NOT NULL, first_seen "
                   "TEXT NOT NULL, last_seen TEXT NOT NULL, sitemap_lastmod TEXT, published_at TEXT)")
        db.execute("INSERT INTO articles VALUES (?, ?, 'la', ?, 1, ?, ?, ?, NULL, NULL)",
                   (one[0]["canonical_url"], one[0]["url"], one[0]["content_sha256"], first, one[0]["fetched_at"],
                    one[0]["fetched_at"]))
    db.close()
    result = catch_up_index(archive, "la", old)
    assert result.cause == UNRECORDED and [p["part"] for p in result.indexed] == [first]
    assert catch_up_index(archive, "la", old).indexed == []


# -- off the reactor thread ---------------------------------------------------------------------------------


def _big_leftover(archive: Path, source: str, records: int) -> Path:
    """A killed run's unfinished part of ``records`` schema-valid records, as a real kill leaves it."""
    words = " ".join(a["title"] for a in EXPECTED["articles"]).split()
    rng = random.Random(10)
    folder = archive / f"source={source}" / "date=2026-11-01"
    folder.mkdir(parents=True)
    part = folder / ".r0-0001.jsonl.gz.4000000.part"
    with gzip.open(part, "wt", encoding="utf-8", compresslevel=1) as stream:
        for i in range(records):
            url = f"https://laotiantimes.com/2020/01/01/archived-{i}/"
            body = " ".join(rng.choice(words) for _ in range(300))
            stream.write(json.dumps({
                "schema_version": 1, "id": hashlib.sha256(url.encode()).hexdigest()[:32], "url": url,
                "canonical_url": url, "source": source, "source_kind": "news", "country": "LA",
                "title": f"Archived {i}", "body": body, "word_count": 300,
                "content_sha256": hashlib.sha256(body.encode()).hexdigest(), "fetched_at": "2026-11-01T00:00:00Z",
                "http_status": 200, "run_id": "r0", "provenance": {}}) + "\n")
    return part


_LINE = re.compile(r"^(\d+\.\d+) \[([^\]]+)\] (\w+): (.*)$")


def test_a_slow_salvage_of_one_source_does_not_stop_another_from_fetching(tmp_path: Path) -> None:
    archive = tmp_path / "archive"
    leftover = _big_leftover(archive, "laotiantimes", 12000)
    embassy, la_base = start_server(["-m", "archiver.cli", "serve-demo"])
    news, news_base = start_server(["-m", "archiver.cli", "serve-demo", "--host", "laotiantimes.com"])
    try:
        started = time.monotonic()
        proc = subprocess.run(
            [sys.executable, "-m", "archiver.cli", "crawl", "laotiantimes", "la", "--parallel", "2", "--archive",
             str(archive), "--state", str(tmp_path / "state"), "--runs", str(tmp_path / "runs"),
             "--base-url", f"la={la_base}", "--base-url", f"laotiantimes={news_base}",
             "-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_START_DELAY=0", "-s", "LOG_LEVEL=DEBUG",
             "-s", "LOG_FORMAT=%(created).3f [%(name)s] %(levelname)s: %(message)s"],
            cwd=REPO, capture_output=True, text=True, timeout=300)
        assert time.monotonic() - started < 300
    finally:
        stop_server(embassy)
        stop_server(news)
    assert proc.returncode == 0, proc.stderr[-3000:]
    lines = [m.groups() for m in map(_LINE.match, proc.stderr.splitlines()) if m]
    (begin,) = [float(t) for t, _, _, text in lines if text.startswith("laotiantimes: preparing in a worker thread")]
    (end,) = [float(t) for t, _, _, text in lines if text.startswith("laotiantimes: ready after")]
    assert not leftover.exists()
    fetched = [(float(t), text) for t, name, _, text in lines if name == "scrapy.core.engine"
               and text.startswith("Crawled (200)")]
    la_during = [t for t, text in fetched if la_base in text and begin < t < end]
    news_before_ready = [t for t, text in fetched if news_base in text and t < end]
    # While one source salvaged its 12,000-record leftover part, the other kept fetching ...
    assert len(la_during) >= 5, f"{len(la_during)} pages fetched in the {end - begin:.1f} s of salvage"
    # ... and the salvaging source itself asked for nothing before its index was up to date.
    assert news_before_ready == []
    report = json.loads(next((tmp_path / "runs").glob("*.json")).read_text("utf-8"))
    assert report["outcomes"] == {"la": "ok", "laotiantimes": "ok"}
    salvaged = [e for e in report["leftovers"] if e["action"] == "salvaged"]
    assert [(e["source"], e["records"]) for e in salvaged] == [("laotiantimes", 12000)]
    by_source = {r["name"]: r for r in report["sources"]}
    assert by_source["la"]["archived"] == TOTAL
    records = read_archive(archive)
    assert sum(r["source"] == "laotiantimes" for r in records) == 12000 + by_source["laotiantimes"]["archived"]
    shutil.rmtree(archive)  # 12,000 records: do not keep them in the test's temporary folder


def test_a_source_whose_leftovers_cannot_be_finished_is_not_crawled(tmp_path: Path, demo: str) -> None:
    archive = tmp_path / "archive"
    folder = archive / "source=la" / "date=2026-11-01"
    folder.mkdir(parents=True)
    leftover = folder / ".r0-0001.jsonl.gz.4000000.part"
    leftover.write_bytes(gzip.compress((json.dumps(_record(1, 1, "2026-11-01T00:00:00+00:00")) + "\n").encode()))
    (folder / f"{leftover.name}.salvage").mkdir()  # salvage's own temporary file cannot be written
    proc = subprocess.run(
        [sys.executable, "-m", "archiver.cli", "crawl", "la", "--archive", str(archive), "--state",
         str(tmp_path / "state"), "--runs", str(tmp_path / "runs"), "--base-url", f"la={demo}", *FAST],
        cwd=REPO, capture_output=True, text=True, timeout=240)
    assert proc.returncode == 1, proc.stderr[-3000:]
    assert "la: could not finish killed runs' leftovers or bring the index up to date; not crawling" in proc.stderr
    assert "IsADirectoryError" in proc.stderr
    report = json.loads(next((tmp_path / "runs").glob("*.json")).read_text("utf-8"))
    assert report["outcomes"] == {"la": "failed"}
    assert stats(report)["finish_reason"] == "prepare_failed"
    assert stats(report)["archiver/source/la/prepare_failed"] == 1
    assert "response_received_count" not in stats(report)  # not one request: nothing crawled against the index
    assert leftover.exists() and read_manifest(archive) == []  # the leftover is still there for the next run
    assert (tmp_path / "state" / "locks" / "la.lock").read_text() == ""  # released cleanly
