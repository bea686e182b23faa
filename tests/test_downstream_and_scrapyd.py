"""The archive as users consume it: deployed to a real Scrapyd and scheduled through its HTTP API, and read
back with DuckDB (Hive partitions) and pandas, with the counts and titles of the demo sites' ground truth."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import urllib.parse
import urllib.request
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from .conftest import REPO, read_archive, start_server, stop_server, wait_for

EXPECTED = json.loads((REPO / "data" / "demo" / "expected.json").read_text("utf-8"))
NEWS = json.loads((REPO / "data" / "demo" / "news_expected.json").read_text("utf-8"))
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def http_json(url: str, data: dict[str, Any] | list[tuple[str, str]] | None = None) -> dict[str, Any]:
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    with urllib.request.urlopen(url, data=body, timeout=30) as response:
        return json.loads(response.read())


def start_scrapyd(home: Path, port: int) -> subprocess.Popen | None:
    """Scrapyd on ``port``, once it answers; None if it exited instead (another process took the port)."""
    (home / "scrapyd.conf").write_text(
        f"[scrapyd]\nbind_address = 127.0.0.1\nhttp_port = {port}\neggs_dir = {home / 'eggs'}\n"
        f"logs_dir = {home / 'logs'}\nitems_dir =\ndbs_dir = {home / 'dbs'}\nmax_proc = 2\npoll_interval = 0.5\n"
    )
    proc = subprocess.Popen([str(BIN / "scrapyd")], cwd=home, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def up() -> bool:
        try:
            return http_json(f"http://127.0.0.1:{port}/daemonstatus.json")["status"] == "ok"
        except OSError:
            return False

    assert wait_for(lambda: proc.poll() is not None or up(), timeout=30), "scrapyd did not start"
    return proc if proc.poll() is None else None  # still running: it bound the port, so it is ours that answers


@pytest.fixture
def scrapyd(tmp_path: Path) -> Any:
    """A Scrapyd on a free port. Scrapyd cannot bind port 0 and say which it got, so a port is picked and, if
    another process takes it before Scrapyd binds it, picked again."""
    home = tmp_path / "scrapyd"
    home.mkdir()
    for _ in range(5):
        port = free_port()
        proc = start_scrapyd(home, port)
        if proc is not None:
            break
    else:
        pytest.fail("scrapyd could not bind a free port in 5 tries")
    try:
        yield f"http://127.0.0.1:{port}/", home
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def test_deploy_to_scrapyd_and_schedule_the_demo_crawl(scrapyd: tuple[str, Path], tmp_path: Path) -> None:
    url, home = scrapyd
    # scrapyd-deploy reads targets from scrapy.cfg files, including the user's ~/.scrapy.cfg: point one at ours.
    (home / ".scrapy.cfg").write_text(f"[deploy:scrapydtest]\nurl = {url}\nproject = archiver\n")
    deploy = subprocess.run([str(BIN / "scrapyd-deploy"), "scrapydtest"], cwd=REPO, capture_output=True, text=True,
                            env={**os.environ, "HOME": str(home)}, timeout=180)
    assert deploy.returncode == 0, deploy.stderr[-3000:]
    assert sorted(http_json(url + "listspiders.json?project=archiver")["spiders"]) == ["embassy", "news", "urls"]
    server, base = start_server(["-m", "archiver.cli", "serve-demo"])
    try:
        job = http_json(url + "schedule.json", [
            ("project", "archiver"), ("spider", "embassy"), ("site", "la"), ("base_url", base),
            ("archive", str(tmp_path / "archive")),
            ("setting", f"ARCHIVER_DATA_DIR={REPO / 'data'}"), ("setting", f"ARCHIVER_STATE_DIR={tmp_path / 'state'}"),
            ("setting", f"ARCHIVER_RUNS_DIR={tmp_path / 'runs'}"), ("setting", "DOWNLOAD_DELAY=0"),
        ])
        assert job["status"] == "ok", job

        def finished() -> bool:
            jobs = http_json(url + "listjobs.json?project=archiver")
            return any(j["id"] == job["jobid"] for j in jobs["finished"])

        assert wait_for(finished, timeout=240, interval=0.5)
    finally:
        stop_server(server)
    records = read_archive(tmp_path / "archive")
    assert sorted(r["title"] for r in records) == sorted(a["title"] for a in EXPECTED["articles"])
    (report,) = [json.loads(p.read_text()) for p in (tmp_path / "runs").glob("*.json")]
    assert report["finish_reason"] == "finished"


@pytest.fixture(scope="module")
def demo_archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    archive = tmp_path_factory.mktemp("downstream") / "archive"
    proc = subprocess.run([sys.executable, "-m", "archiver.cli", "demo", "--archive", str(archive)], cwd=REPO,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return archive


def expected_counts() -> dict[str, int]:
    """Articles per source of every demo site, from the sites' ground truth (not from what the crawl wrote)."""
    counts: Counter[str] = Counter({"la": len(EXPECTED["articles"])})
    for site in NEWS["sites"].values():
        for article in site["articles"]:
            counts[article.get("source", site["source"])] += 1
    return dict(counts)


def expected_lao() -> int:
    return sum(1 for a in EXPECTED["articles"] if a["language"] == "lo") + sum(
        1 for site in NEWS["sites"].values() for a in site["articles"] if a["language"] == "lo")


def test_duckdb_reads_the_whole_archive_with_hive_partitions(demo_archive: Path) -> None:
    import duckdb  # part of the test extra

    glob = str(demo_archive / "source=*" / "date=*" / "*.jsonl.gz")
    rows = duckdb.sql(
        f"SELECT source, count(*), count(DISTINCT id), min(date) FROM read_json('{glob}', hive_partitioning=true, "
        "union_by_name=true, format='newline_delimited') GROUP BY source ORDER BY source"
    ).fetchall()
    assert {source: n for source, n, _, _ in rows} == expected_counts()
    assert all(n == distinct for _, n, distinct, _ in rows)
    lao = duckdb.sql(f"SELECT count(*) FROM read_json('{glob}', hive_partitioning=true, union_by_name=true) "
                     "WHERE language = 'lo'").fetchall()[0][0]
    assert lao == expected_lao()


def test_pandas_reads_a_partition(demo_archive: Path) -> None:
    import pandas  # part of the test extra

    frames = [pandas.read_json(p, lines=True, compression="gzip")
              for p in sorted(demo_archive.glob("source=la/date=*/*.jsonl.gz"))]
    frame = pandas.concat(frames)
    assert len(frame) == len(EXPECTED["articles"])
    assert sorted(frame["title"]) == sorted(a["title"] for a in EXPECTED["articles"])
    assert (frame["source"] == "la").all()
