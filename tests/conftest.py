"""Shared test helpers: paths, a schema-checking archive reader, and local servers started per test.

Crawls run in subprocesses (Scrapy's reactor runs once per process), against servers on 127.0.0.1 that the
tests start and stop. Nothing here touches the internet.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from archiver.archive.manifest import read_manifest
from archiver.schema import article_validator

from .backends import StateBackend
from .pg import MISSING, PostgresServer, find_bindir

# The tests choose their state themselves (a folder, or a database of the test server): a developer's own
# shared state must never receive a test's records.
os.environ.pop("ARCHIVER_STATE_URL", None)

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
DEMO_EXPECTED = REPO / "data" / "demo" / "expected.json"


def start_server(args: list[str], env: dict[str, str] | None = None) -> tuple[subprocess.Popen, str]:
    """Start a server subprocess that prints its base URL as its first line; return it and the URL."""
    proc = subprocess.Popen(
        [sys.executable, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=REPO,
        env={**os.environ, **(env or {})},
    )
    line = proc.stdout.readline().strip() if proc.stdout else ""
    if not line.startswith("http://127.0.0.1:"):
        proc.kill()
        raise RuntimeError(f"server did not start: {line!r} {proc.stderr.read() if proc.stderr else ''}")
    return proc, line


def stop_server(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()


@pytest.fixture
def demo_server() -> Iterator[str]:
    proc, base = start_server(["-m", "archiver.cli", "serve-demo"])
    yield base
    stop_server(proc)


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PostgresServer]:
    """A real PostgreSQL server for the session (started on first use). Missing PostgreSQL fails the tests
    under CI, which installs it (.ci/run); elsewhere they are skipped with the reason."""
    bindir = find_bindir()
    if bindir is None:
        if os.environ.get("CI"):
            pytest.fail(MISSING)
        pytest.skip(MISSING)
    server = PostgresServer(bindir).start()
    yield server
    server.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def state_backend(request: pytest.FixtureRequest, tmp_path: Path) -> StateBackend:
    """Runs the test once per state backend: a state folder (SQLite, flock), and a PostgreSQL database."""
    if request.param == "postgresql":
        return StateBackend("postgresql", tmp_path, request.getfixturevalue("pg_server"))
    return StateBackend("sqlite", tmp_path)


FAST = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_START_DELAY=0", "-s", "LOG_LEVEL=INFO"]


def crawl_command(spider: str, archive: Path, runs: Path, *args: str, state: list[str] | None = None) -> list[str]:
    """A ``scrapy crawl``; its state is ``<archive>/../state`` unless ``state`` gives other ``-s`` arguments."""
    state = state if state is not None else ["-s", f"ARCHIVER_STATE_DIR={archive.parent / 'state'}"]
    return [
        sys.executable, "-m", "scrapy", "crawl", spider, "-a", f"archive={archive}",
        "-s", f"ARCHIVER_RUNS_DIR={runs}", *state, *FAST, *args,
    ]


def run_crawl(spider: str, archive: Path, runs: Path, *args: str, timeout: float = 240,
              state: list[str] | None = None) -> dict[str, Any]:
    """Run one crawl to the end; return its run report (with the process's log under ``_log``)."""
    before = set(runs.glob("*.json")) if runs.exists() else set()
    proc = subprocess.run(
        crawl_command(spider, archive, runs, *args, state=state), cwd=REPO, capture_output=True, text=True,
        timeout=timeout,
    )
    reports = sorted(set(runs.glob("*.json")) - before) if runs.exists() else []
    assert proc.returncode == 0, proc.stderr[-4000:]
    assert len(reports) == 1, f"expected one run report, got {reports}: {proc.stderr[-3000:]}"
    report = json.loads(reports[0].read_text("utf-8"))
    report["_log"] = proc.stderr
    assert_accounted(report)
    return report


def assert_accounted(report: dict[str, Any]) -> None:
    """Every discovered URL of every source has exactly one counted outcome (``archiver.accounting``)."""
    assert report.get("accounting"), "the run report carries no accounting"
    for source, terms in report["accounting"].items():
        assert terms["balanced"], (source, terms)
        outcomes = terms["archived"] + terms["unchanged"] + terms["not_stored"]
        outcomes += sum(terms["dropped"].values()) + sum(terms["not_fetched"].values())
        assert outcomes == terms["discovered"], (source, terms)


def read_archive(archive: Path) -> list[dict[str, Any]]:
    """Every record of every finalised file, after checking files against the manifest and the schema."""
    manifest = read_manifest(archive)
    files = sorted(archive.glob("source=*/date=*/*.jsonl.gz"))
    assert sorted(archive / e["path"] for e in manifest) == files, "manifest and files on disk differ"
    records: list[dict[str, Any]] = []
    for entry in manifest:
        path = archive / entry["path"]
        raw = path.read_bytes()
        assert len(raw) == entry["bytes"]
        assert hashlib.sha256(raw).hexdigest() == entry["sha256"]
        lines = gzip.decompress(raw).decode("utf-8").splitlines()
        assert len(lines) == entry["records"]
        for line in lines:
            record = json.loads(line)
            # the reference validator, not the crawl's fast compiled check: the tests hold that check too
            assert article_validator().is_valid(record), (path, list(article_validator().iter_errors(record)))
            assert record["source"] == entry["source"]
            assert f"source={record['source']}" in entry["path"]
            records.append(record)
    return records


def summary_rows(output: str) -> dict[str, dict[str, int]]:
    """The summary table a crawl or the demo prints, by source name and column header (numbers only)."""
    lines = output.splitlines()
    header_at = next(i for i, line in enumerate(lines) if line.startswith("source ") and " pages " in line)
    headers = lines[header_at].split("dropped")[0].split()[1:]
    rows: dict[str, dict[str, int]] = {}
    for line in lines[header_at + 1:]:
        cells = line.split()
        if len(cells) < len(headers) + 1 or not all(c.isdigit() for c in cells[1:len(headers) + 1]):
            break
        rows[cells[0]] = {h: int(c) for h, c in zip(headers, cells[1:len(headers) + 1], strict=True)}
    return rows


def read_listed_parts(archive: Path) -> tuple[dict[str, list[dict[str, Any]]], set[str]]:
    """After a run that may have been killed or failed: the records of every listed part, by part (each checked
    against its manifest line and the schema, as ``read_archive`` does), and the finalised parts on disk that
    the manifest does not list yet (a run killed, or failing, between link and manifest line)."""
    parts: dict[str, list[dict[str, Any]]] = {}
    for entry in read_manifest(archive):
        raw = (archive / entry["path"]).read_bytes()
        assert (len(raw), hashlib.sha256(raw).hexdigest()) == (entry["bytes"], entry["sha256"])
        records = [json.loads(line) for line in gzip.decompress(raw).decode("utf-8").splitlines()]
        assert len(records) == entry["records"]
        for record in records:
            assert article_validator().is_valid(record), (entry["path"], list(article_validator().iter_errors(record)))
            assert record["source"] == entry["source"]
        parts[entry["path"]] = records
    on_disk = {p.relative_to(archive).as_posix() for p in archive.glob("source=*/date=*/*.jsonl.gz")}
    assert set(parts) <= on_disk, "the manifest lists a part that is not on disk"
    return parts, on_disk - set(parts)


def wait_for(predicate: Any, timeout: float, interval: float = 0.1) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return False
