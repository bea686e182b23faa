"""Captures survive what the archive survives: a SIGKILL mid-run, a full disk, a file cut mid-record.

After each, every finalised WARC is valid, no record points at a capture that is not in a finalised WARC or in
the hidden file the next run salvages, and the next run salvages it (complete records kept, the torn tail cut,
offsets unchanged) so that every pointer then leads into a finalised, listed WARC.
"""

from __future__ import annotations

import gzip
import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from archiver.archive.manifest import read_manifest
from archiver.captures.salvage import salvage_captures

from .conftest import (
    FAST,
    REPO,
    crawl_command,
    read_archive,
    run_crawl,
    start_server,
    stop_server,
    wait_for,
)
from .smallfs import run_with_small_filesystems, small_filesystems_available
from .warcs import (
    WARCIO,
    assert_points_at_its_response,
    check_warcs,
    listed_warcs,
    parse_member,
    warc_records,
)

TOTAL = len(json.loads((REPO / "data" / "demo" / "expected.json").read_text("utf-8"))["articles"])


def hidden_warcs(captures: Path) -> list[Path]:
    return sorted(captures.glob("source=*/date=*/.*.warc.gz.*.part"))


def part_records(archive: Path) -> list[dict[str, Any]]:
    """The records of every finalised archive part, listed or not (a kill can fall between link and listing)."""
    return [json.loads(line) for part in sorted(archive.glob("source=*/date=*/*.jsonl.gz"))
            for line in gzip.decompress(part.read_bytes()).decode("utf-8").splitlines()]


def test_sigkill_mid_run_then_the_next_run_salvages_the_open_warc(tmp_path: Path) -> None:
    archive, runs, captures = tmp_path / "archive", tmp_path / "runs", tmp_path / "captures"
    settings = ["-s", "ARCHIVER_BATCH_ITEMS=3", "-s", f"ARCHIVER_CAPTURES_DIR={captures}",
                "-s", "ARCHIVER_WARC_MAX_BYTES=45000"]
    slow, slow_base = start_server(["-m", "archiver.cli", "serve-demo", "--delay", "0.3"])
    try:
        crawl = subprocess.Popen(
            crawl_command("embassy", archive, runs, "-a", "site=la", "-a", f"base_url={slow_base}", *settings),
            cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
        )
        midway = wait_for(lambda: len(read_manifest(archive)) >= 2 and len(read_manifest(captures)) >= 1
                          and bool(hidden_warcs(captures)), timeout=120)
        os.killpg(crawl.pid, signal.SIGKILL)
        assert crawl.wait(timeout=30) == -signal.SIGKILL
        assert midway, "no archive part and WARC were finalised while another WARC was open"
    finally:
        stop_server(slow)

    # Every finalised WARC is whole and valid; the one being written is still hidden.
    finalised = sorted(captures.glob("source=*/date=*/*.warc.gz"))
    assert set(listed_warcs(captures)) <= set(finalised) and finalised
    check = subprocess.run([WARCIO, "check", *map(str, finalised)], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    open_warcs = hidden_warcs(captures)
    assert open_warcs, "the kill should catch a WARC being written"
    # No record of a finalised part points at a capture that is not in a finalised WARC or the hidden one.
    first = part_records(archive)
    assert 6 <= len(first) < TOTAL
    for record in first:
        assert_points_at_its_response(captures, record, allow_hidden=True)

    fast, fast_base = start_server(["-m", "archiver.cli", "serve-demo"])
    try:
        report = run_crawl("embassy", archive, runs, "-a", "site=la", "-a", f"base_url={fast_base}", *settings)
    finally:
        stop_server(fast)
    assert report["outcomes"] == {"la": "ok"}
    leftovers = report["captures"]["leftovers"]
    assert {e["part"] for e in leftovers if e["action"] == "salvaged"} == {
        p.relative_to(captures).as_posix() for p in open_warcs}
    assert not hidden_warcs(captures) and not list(captures.glob("source=*/date=*/.*.part"))
    check_warcs(captures, {"la"})  # every WARC, the salvaged one included, listed, valid and indexed
    records = read_archive(archive)
    assert len(records) == TOTAL
    for record in records:
        assert_points_at_its_response(captures, record)


def test_a_warc_cut_mid_record_keeps_its_whole_records_at_their_offsets(tmp_path: Path) -> None:
    """A killed writer's file ends anywhere, even inside a gzip member: the salvage keeps every record before
    the cut byte for byte (so offsets held by records stay right), drops the rest, and finalises the file."""
    demo, base = start_server(["-m", "archiver.cli", "serve-demo"])
    try:
        run_crawl("embassy", tmp_path / "archive", tmp_path / "runs", "-a", "site=la", "-a", f"base_url={base}",
                  "-s", f"ARCHIVER_CAPTURES_DIR={tmp_path / 'first'}")
    finally:
        stop_server(demo)
    (original,) = listed_warcs(tmp_path / "first")
    records = warc_records(original)
    assert len(records) > 20
    keep = records[len(records) // 2]  # cut inside this record
    cut_at = keep.offset + keep.length // 2
    root = tmp_path / "captures"
    folder = root / original.relative_to(tmp_path / "first").parent
    folder.mkdir(parents=True)
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    leftover = folder / f".{original.name}.{gone.stdout.strip()}.part"
    leftover.write_bytes(original.read_bytes()[:cut_at])

    (entry,) = salvage_captures(root, "la", index=None)
    assert entry["action"] == "salvaged" and entry["records"] == len(records) // 2
    assert "cut" in entry
    final = folder / original.name
    assert final.read_bytes() == original.read_bytes()[: keep.offset]
    assert not leftover.exists()
    check_warcs(root, {"la"})
    for record in warc_records(final):
        again = parse_member(final, record.offset, final.read_bytes()[record.offset: record.offset + record.length])
        assert again.headers["WARC-Record-ID"] == record.headers["WARC-Record-ID"]


@pytest.mark.skipif(not small_filesystems_available(),
                    reason="this kernel does not let an unprivileged user mount a tmpfs in a namespace")
def test_a_full_captures_disk_fails_the_source_and_the_next_run_salvages(tmp_path: Path) -> None:
    archive, state, runs, captures = tmp_path / "archive", tmp_path / "state", tmp_path / "runs", tmp_path / "cap"
    demo, base = start_server(["-m", "archiver.cli", "serve-demo"])
    try:
        command = [sys.executable, "-m", "archiver.cli", "crawl", "la", "--archive", str(archive), "--state",
                   str(state), "--runs", str(runs), "--captures", str(captures), "--base-url", f"la={base}", *FAST,
                   "-s", "ARCHIVER_BATCH_ITEMS=3"]
        first = run_with_small_filesystems(command, {captures: 48 * 1024}, cwd=REPO, capture_output=True,
                                           text=True, timeout=240)
        assert first.returncode == 1, first.stderr[-3000:]
        (path,) = runs.glob("*.json")
        report = json.loads(path.read_text("utf-8"))
        assert report["outcomes"] == {"la": "failed"}
        assert report["outcome_reasons"] == {"la": "a capture file could not be stored: see storage_errors"}
        failures = [f for f in report["storage_errors"] if f.get("store") == "captures"]
        assert failures and all("No space left on device" in f["error"] for f in failures), failures
        assert report["captures"]["files"] == []  # nothing could be finalised on the full disk
        assert "FAILED: la" in first.stdout and "capture file" in first.stdout
        # The archive itself had room: every page is archived; those captured before the disk filled point at
        # whole records in the hidden WARC, the others point nowhere.
        (row,) = report["sources"]
        assert row["archived"] == TOTAL and row["not_stored"] == 0
        records = read_archive(archive)
        pointed = [r for r in records if "capture" in r]
        assert 0 < len(pointed) < TOTAL
        for record in pointed:
            assert_points_at_its_response(captures, record, allow_hidden=True)
        assert report["crawls"][0]["stats"]["archiver/source/la/captures/lost"] > 0

        shutil.rmtree(runs)
        second = subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=240)
    finally:
        stop_server(demo)
    assert second.returncode == 0, second.stderr[-3000:]
    (path,) = runs.glob("*.json")
    report = json.loads(path.read_text("utf-8"))
    assert [e["action"] for e in report["captures"]["leftovers"]] == ["salvaged"]
    check_warcs(captures, {"la"})
    for record in pointed:
        assert_points_at_its_response(captures, record)  # now in finalised, listed WARCs
