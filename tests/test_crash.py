"""A crawl killed with SIGKILL in the middle leaves only valid archive files, and a rerun completes the work.

The archive index only learns of records in finalised files, so the rerun skips exactly what the killed run
finalised and archives the rest: every article ends up archived exactly once, and no finalised file is
corrupt or unlisted.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
from pathlib import Path

from archiver.archive.manifest import read_manifest

from .conftest import REPO, crawl_command, read_archive, run_crawl, start_server, stop_server, wait_for

EXPECTED = json.loads((REPO / "data" / "demo" / "expected.json").read_text("utf-8"))


def test_sigkill_mid_crawl_then_rerun(tmp_path: Path) -> None:
    archive, runs = tmp_path / "archive", tmp_path / "runs"
    slow, slow_base = start_server(["-m", "archiver.cli", "serve-demo", "--delay", "0.3"])
    try:
        crawl = subprocess.Popen(
            crawl_command("embassy", archive, runs, "-a", "site=la", "-a", f"base_url={slow_base}",
                          "-s", "ARCHIVER_BATCH_ITEMS=3"),
            cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
        )
        assert wait_for(lambda: len(read_manifest(archive)) >= 2, timeout=120), "no part was finalised"
        os.killpg(crawl.pid, signal.SIGKILL)
        assert crawl.wait(timeout=30) == -signal.SIGKILL
    finally:
        stop_server(slow)

    first = read_archive(archive)  # every finalised file: valid gzip, schema-valid lines, manifest matches
    total = len(EXPECTED["articles"])
    assert 6 <= len(first) < total, "the kill should land mid-crawl"
    leftovers = list(archive.glob("source=*/date=*/.*.part"))
    assert all(not p.name.endswith(".jsonl.gz") for p in leftovers)
    assert not list(runs.glob("*.json")), "a killed run writes no report"

    port = slow_base.rsplit(":", 1)[1]  # same address: canonical URLs (and so the index) must match
    fast, fast_base = start_server(["-m", "archiver.cli", "serve-demo", "--port", port])
    try:
        report = run_crawl("embassy", archive, runs, "-a", "site=la", "-a", f"base_url={fast_base}")
    finally:
        stop_server(fast)
    assert report["finish_reason"] == "finished"
    records = read_archive(archive)
    paths = {"/" + r["url"].split("://", 1)[1].split("/", 1)[1] for r in records}
    assert paths == {a["path"] for a in EXPECTED["articles"]}
    assert len(records) == total  # exactly once: the rerun archived only what the killed run had not finalised
    assert report["sources"][0]["unchanged"] == len(first)
