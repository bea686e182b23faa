"""A crawl killed with SIGKILL in the middle leaves only valid archive files, and a rerun completes the work.

The archive index only learns of records in finalised files, so the rerun skips exactly what the killed run
finalised (and what it salvages from the killed run's leftovers) and archives the rest: every article ends up
archived exactly once, no finalised file is corrupt, and after the rerun none is unlisted. The same with the
state (index, locks) in PostgreSQL: the killed run's session ends with it, and so does its lock.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
from pathlib import Path

from archiver.archive.manifest import read_manifest
from archiver.state.location import StateLocation
from archiver.state.runs import registered_runs

from .backends import StateBackend
from .conftest import (
    REPO,
    crawl_command,
    read_archive,
    read_listed_parts,
    run_crawl,
    start_server,
    stop_server,
    wait_for,
)

EXPECTED = json.loads((REPO / "data" / "demo" / "expected.json").read_text("utf-8"))


def test_sigkill_mid_crawl_then_rerun(tmp_path: Path, state_backend: StateBackend) -> None:
    archive, runs = tmp_path / "archive", tmp_path / "runs"
    state = state_backend.scrapy_settings()
    slow, slow_base = start_server(["-m", "archiver.cli", "serve-demo", "--delay", "0.3"])
    try:
        crawl = subprocess.Popen(
            crawl_command("embassy", archive, runs, "-a", "site=la", "-a", f"base_url={slow_base}",
                          "-s", "ARCHIVER_BATCH_ITEMS=3", state=state),
            cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
        )
        assert wait_for(lambda: len(read_manifest(archive)) >= 2, timeout=120), "no part was finalised"
        os.killpg(crawl.pid, signal.SIGKILL)
        assert crawl.wait(timeout=30) == -signal.SIGKILL
    finally:
        stop_server(slow)

    # Every listed part is valid; a part the kill caught between its link and its manifest line is whole but
    # not listed yet; an unfinished part is a hidden .part file.
    listed, unlisted = read_listed_parts(archive)
    first = [r for records in listed.values() for r in records]
    total = len(EXPECTED["articles"])
    assert 6 <= len(first) < total, "the kill should land mid-crawl"
    temporary = {p.relative_to(archive).as_posix() for p in archive.glob("source=*/date=*/.*.part")}
    assert not list(runs.glob("*.json")), "a killed run writes no report"

    fast, fast_base = start_server(["-m", "archiver.cli", "serve-demo"])  # any port: records keep the site's address
    try:
        report = run_crawl("embassy", archive, runs, "-a", "site=la", "-a", f"base_url={fast_base}", state=state)
    finally:
        stop_server(fast)
    assert report["finish_reason"] == "finished"
    # Each part the kill left unfinished was salvaged (its whole records kept) or removed, each whole part it
    # left unlisted was listed, and the report says so.
    leftovers = report["leftovers"]
    assert {e["part"] for e in leftovers if e["action"] in ("salvaged", "removed")} == temporary
    assert {e["part"] for e in leftovers if e["action"] == "listed"} == unlisted
    assert not list(archive.glob("source=*/date=*/.*.part"))
    recovered = sum(e["records"] for e in leftovers if e["action"] in ("salvaged", "listed"))
    records = read_archive(archive)
    paths = {"/" + r["url"].split("://", 1)[1].split("/", 1)[1] for r in records}
    assert paths == {a["path"] for a in EXPECTED["articles"]}
    assert len(records) == total  # exactly once: the rerun archived only what the killed run had not finalised
    assert report["sources"][0]["unchanged"] == len(first) + recovered
    assert report["sources"][0]["archived"] == total - len(first) - recovered
    if state_backend.shared:  # a `scrapy crawl` records its report in the shared registry too
        (registered,) = registered_runs(StateLocation(tmp_path, state_backend.url()))
        assert registered["run_id"] == report["run_id"] and registered["outcomes"] == report["outcomes"]
