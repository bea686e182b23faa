"""Job engine bench: how source runs per minute grow with the number of ``archiver worker`` processes.

Why: the engine's unit is one source run in a child process, so its throughput on many small sources is bound by
each run's fixed cost (a Python process, Scrapy's start, the state's locks and lookups) and by how many run at
once. What it does, for each worker count of ``--workers`` (default ``1,2,4``):

1. a fresh database on a throwaway PostgreSQL server (``tests/pg.py``: Debian's ``postgresql`` in a temporary
   folder) and a fresh archive;
2. a registry of ``--sources`` generated sources (default 8), each the demo embassy site under a host of its own,
   all served by one ``archiver serve-demo`` on 127.0.0.1;
3. ``archiver enqueue --all``, then that many ``archiver worker --until-empty`` (concurrency 1 each), timed
   from their start to the last one's exit;
4. the database's committed transactions during the run (``pg_stat_database.xact_commit``, which counts every
   statement sent outside a transaction as one): every client's round trips that wrote or read, the queue's
   polling included, divided by the pages archived.

With ``--s3``, the archive is an ``s3://`` bucket on a ``moto_server`` the bench starts on 127.0.0.1, captures
on: the bench then also reports the bytes and objects written to the bucket per archived page (parts, WARCs
with their CDXJ, and every manifest object), which is what object storage sees of the engine.

It prints one line per worker count and writes them as JSON (``--out``, default ``bench/results/workers.json``).
A measurement, not a test; on a shared machine the numbers move with the load (``load`` column: the 1-minute
load average at the end of each run).

Usage: ``python bench/workers.py [--sources N] [--workers 1,2,4] [--s3] [--out FILE]``.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psycopg

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from archiver.archive.manifest import read_manifest  # noqa: E402
from tests.pg import PostgresServer, find_bindir  # noqa: E402
from tests.sites.registry_entries import EMBASSY_ENTRY  # noqa: E402

QUICK = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_START_DELAY=0", "-s", "ARCHIVER_EXTRACT_PROCESSES=0"]
NO_CAPTURES = ["-s", "ARCHIVER_CAPTURE=False"]


def commits(url: str) -> int:
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("SELECT pg_stat_clear_snapshot()")
        return conn.execute("SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()"
                            ).fetchone()[0]


class MotoServer:
    """A ``moto_server`` (S3-compatible) on a free port of 127.0.0.1, with one bucket per run."""

    def __init__(self) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        self.endpoint = f"http://127.0.0.1:{port}"
        self.proc = subprocess.Popen([str(Path(sys.executable).parent / "moto_server"), "-H", "127.0.0.1", "-p",
                                      str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        import boto3

        self.client = boto3.client("s3", endpoint_url=self.endpoint, region_name="us-east-1",
                                   aws_access_key_id="bench", aws_secret_access_key="bench")
        deadline = time.monotonic() + 30
        while True:
            try:
                self.client.list_buckets()
                break
            except Exception:
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    raise
                time.sleep(0.1)

    def settings(self) -> list[str]:
        pairs = {"AWS_ENDPOINT_URL": self.endpoint, "AWS_REGION_NAME": "us-east-1", "AWS_ACCESS_KEY_ID": "bench",
                 "AWS_SECRET_ACCESS_KEY": "bench"}
        return [arg for name, value in pairs.items() for arg in ("-s", f"{name}={value}")]

    def usage(self, bucket: str) -> dict[str, int]:
        """Objects and bytes in ``bucket``, by kind, and the records its part manifest objects list."""
        found = {"objects": 0, "bytes": 0, "archive_bytes": 0, "captures_bytes": 0, "manifest_objects": 0,
                 "records": 0}
        for page in self.client.get_paginator("list_objects_v2").paginate(Bucket=bucket):
            for item in page.get("Contents", []):
                key, size = item["Key"], item["Size"]
                found["objects"] += 1
                found["bytes"] += size
                if "/manifest/" in f"/{key}":
                    found["manifest_objects"] += 1
                    if not key.startswith("captures/"):
                        body = self.client.get_object(Bucket=bucket, Key=key)["Body"].read()
                        found["records"] += int(json.loads(body).get("records") or 0)
                elif key.startswith("captures/"):
                    found["captures_bytes"] += size
                else:
                    found["archive_bytes"] += size
        return found

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait()


def run(server: PostgresServer, base: str, sources: int, workers: int,
        moto: MotoServer | None = None) -> dict[str, float]:
    with tempfile.TemporaryDirectory(prefix="bench-workers-") as tmp_name:
        tmp = Path(tmp_name)
        names = [f"g{i:03}" for i in range(1, sources + 1)]
        (tmp / "data" / "sources").mkdir(parents=True)
        (tmp / "data" / "sources" / "generated.toml").write_text(
            '[defaults]\nkind = "embassy"\nfamily = "usembassy"\nlanguage = "en"\n'
            + "".join(EMBASSY_ENTRY.format(name=name) for name in names), "utf-8")
        env = {**os.environ, "ARCHIVER_DATA_DIR": str(tmp / "data")}
        url = server.new_database()
        cli = [sys.executable, "-m", "archiver.cli"]
        subprocess.run([*cli, "enqueue", "--all", "--state", url], cwd=REPO, env=env, check=True,
                       capture_output=True)
        time.sleep(1)  # let the statistics of the enqueue settle before the first reading
        before = commits(url)
        bucket = f"bench-{workers}-{os.getpid()}"
        if moto is not None:  # captures on: what a real deployment sends to the bucket
            moto.client.create_bucket(Bucket=bucket)
            crawl = ["--archive", f"s3://{bucket}", "--runs", str(tmp / "runs"), *QUICK, *moto.settings()]
        else:
            crawl = ["--archive", str(tmp / "archive"), "--runs", str(tmp / "runs"), *QUICK, *NO_CAPTURES]
        for name in names:
            crawl += ["--base-url", f"{name}={base}"]
        started = time.monotonic()
        procs = [subprocess.Popen([*cli, "worker", "--state", url, "--until-empty", "--poll", "0.5", *crawl],
                                  cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                 for _ in range(workers)]
        codes = [proc.wait() for proc in procs]
        elapsed = time.monotonic() - started
        time.sleep(1)  # PostgreSQL publishes a backend's counters at most every second
        after = commits(url)
        with psycopg.connect(url) as conn:
            done = conn.execute("SELECT count(*) FROM procrastinate_jobs WHERE status = 'succeeded'").fetchone()[0]
        usage = moto.usage(bucket) if moto is not None else None
        pages = usage["records"] if usage else sum(entry["records"] for entry in read_manifest(tmp / "archive"))
        s3 = {} if usage is None else {
            "s3_objects": usage["objects"], "s3_bytes_per_page": round(usage["bytes"] / max(pages, 1)),
            "s3_archive_bytes_per_page": round(usage["archive_bytes"] / max(pages, 1)),
            "s3_captures_bytes_per_page": round(usage["captures_bytes"] / max(pages, 1)),
            "s3_objects_per_source_run": round(usage["objects"] / max(sources, 1), 1)}
        return {**s3, "workers": workers, "sources": sources, "succeeded": done, "exit_codes": codes,
                "seconds": round(elapsed, 1), "sources_per_min": round(done / elapsed * 60, 1),
                "pages": pages, "pages_per_s": round(pages / elapsed, 1),
                "commits_per_page": round((after - before) / max(pages, 1), 2),
                "load": round(os.getloadavg()[0], 2)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sources", type=int, default=8)
    parser.add_argument("--workers", default="1,2,4")
    parser.add_argument("--s3", action="store_true", help="archive to an s3:// bucket on a local moto_server, "
                                                          "captures on, and report what the bucket receives")
    parser.add_argument("--out", default=None, help="JSON results (default bench/results/workers[-s3].json)")
    args = parser.parse_args()
    bindir = find_bindir()
    if bindir is None:
        print("PostgreSQL is not installed (initdb, pg_ctl)", file=sys.stderr)
        return 2
    server = PostgresServer(bindir).start()
    moto = MotoServer() if args.s3 else None
    demo = subprocess.Popen([sys.executable, "-m", "archiver.cli", "serve-demo"], cwd=REPO, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True)
    try:
        base = demo.stdout.readline().strip() if demo.stdout else ""
        results = []
        print(f"{'workers':>7} {'sources':>7} {'ok':>3} {'seconds':>8} {'src/min':>8} {'pages/s':>8} "
              f"{'commits/page':>12} {'load':>5}")
        for count in (int(n) for n in args.workers.split(",")):
            row = run(server, base, args.sources, count, moto)
            results.append(row)
            print(f"{row['workers']:>7} {row['sources']:>7} {row['succeeded']:>3} {row['seconds']:>8} "
                  f"{row['sources_per_min']:>8} {row['pages_per_s']:>8} {row['commits_per_page']:>12} "
                  f"{row['load']:>5}", flush=True)
            if moto is not None:
                print(f"{'':>7} S3: {row['s3_objects']} objects ({row['s3_objects_per_source_run']} per source run), "
                      f"{row['s3_bytes_per_page']} bytes per page (archive {row['s3_archive_bytes_per_page']}, "
                      f"captures {row['s3_captures_bytes_per_page']}, the rest manifest objects)", flush=True)
        out = args.out or str(REPO / "bench" / "results" / ("workers-s3.json" if args.s3 else "workers.json"))
        Path(out).write_text(json.dumps({"cores": os.cpu_count(), "runs": results}, indent=2) + "\n", "utf-8")
    finally:
        demo.terminate()
        demo.wait()
        server.stop()
        if moto is not None:
            moto.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
