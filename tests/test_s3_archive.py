"""An archive on S3-compatible object storage (``ARCHIVER_ARCHIVE_URL=s3://bucket/prefix``), against a real
S3 server: moto's ``moto_server`` on 127.0.0.1, started and stopped here.

Real crawls of the demo site write parts and captures to the bucket; every claim is checked by reading the
bucket back with boto3 (not with the code under test): each part sits under ``source=/date=``, is described by
its own manifest object whose size, sha256 and record count match the object, and no page is archived twice,
by a second run or by another machine with an index of its own. The fault is real: the connection to the
server is cut in the middle of a run (a proxy between the crawl and moto stops accepting connections), and the
next run publishes what the first left in its spool.
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import json
import os
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest

from .conftest import REPO, start_server, stop_server

EXPECTED = json.loads((REPO / "data" / "demo" / "expected.json").read_text("utf-8"))
TOTAL = len(EXPECTED["articles"])
BATCH = 10  # three parts of ten records for the demo site's thirty articles
FAST = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_START_DELAY=0", "-s", f"ARCHIVER_BATCH_ITEMS={BATCH}"]
KEYS = {"AWS_ACCESS_KEY_ID": "archiver-test", "AWS_SECRET_ACCESS_KEY": "archiver-secret",
        "AWS_REGION_NAME": "us-east-1"}
PART_KEY = re.compile(r"^(?P<prefix>.+)/source=la/date=\d{4}-\d{2}-\d{2}/[^/]+\.jsonl\.gz$")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_until_answering(url: str, proc: subprocess.Popen, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            urllib.request.urlopen(url, timeout=2).read()
            return
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"moto_server did not answer at {url}") from None
            time.sleep(0.05)


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    """A real S3-compatible server on 127.0.0.1 for this module."""
    port = _free_port()
    proc = subprocess.Popen([str(Path(sys.executable).parent / "moto_server"), "-H", "127.0.0.1", "-p", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    endpoint = f"http://127.0.0.1:{port}"
    try:
        _wait_until_answering(f"{endpoint}/moto-api/", proc)
        yield endpoint
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.fixture(scope="module")
def demo() -> Iterator[str]:
    proc, base = start_server(["-m", "archiver.cli", "serve-demo"])
    yield base
    stop_server(proc)


def client(endpoint: str) -> Any:
    return boto3.client("s3", endpoint_url=endpoint, region_name=KEYS["AWS_REGION_NAME"],
                        aws_access_key_id=KEYS["AWS_ACCESS_KEY_ID"],
                        aws_secret_access_key=KEYS["AWS_SECRET_ACCESS_KEY"])


@pytest.fixture
def bucket(s3_endpoint: str, request: pytest.FixtureRequest) -> str:
    name = "archive-" + re.sub(r"[^a-z0-9]+", "-", request.node.name.lower())[:40].strip("-")
    client(s3_endpoint).create_bucket(Bucket=name)
    return name


def aws_settings(endpoint: str) -> list[str]:
    return [arg for name, value in {**KEYS, "AWS_ENDPOINT_URL": endpoint}.items() for arg in ("-s", f"{name}={value}")]


def crawl(tmp: Path, base: str, url: str, endpoint: str, *extra: str, state: str = "state",
          code: int = 0) -> dict[str, Any]:
    """One ``archiver crawl la`` with ``ARCHIVER_ARCHIVE_URL=url``; returns its run report (log under ``_log``)."""
    runs = tmp / "runs"
    before = set(runs.glob("*.json")) if runs.exists() else set()
    proc = subprocess.run(
        [sys.executable, "-m", "archiver.cli", "crawl", "la", "--state", str(tmp / state), "--runs", str(runs),
         "--base-url", f"la={base}", *FAST, *aws_settings(endpoint), *extra],
        cwd=REPO, capture_output=True, text=True, timeout=240, env={**os.environ, "ARCHIVER_ARCHIVE_URL": url})
    assert proc.returncode == code, proc.stderr[-3000:]
    (report,) = sorted(set(runs.glob("*.json")) - before)
    result = json.loads(report.read_text("utf-8"))
    result["_log"] = proc.stderr
    return result


def row(report: dict[str, Any]) -> dict[str, Any]:
    (only,) = [r for r in report["sources"] if r["name"] == "la"]
    return only


def objects(s3: Any, bucket: str, prefix: str) -> dict[str, bytes]:
    found = {}
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        for item in page.get("Contents", []):
            found[item["Key"]] = s3.get_object(Bucket=bucket, Key=item["Key"])["Body"].read()
    return found


def bucket_archive(endpoint: str, bucket: str, prefix: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The bucket's parts, checked object by object against their manifest objects: (manifest entries,
    records). Every part object has exactly one manifest object naming it, and the other way round."""
    s3 = client(endpoint)
    stored = objects(s3, bucket, f"{prefix}/")
    manifests = {key: json.loads(body) for key, body in stored.items()
                 if key.startswith(f"{prefix}/manifest/")}
    for key in manifests:
        # filed by source, so that a run reads only its own source's manifest objects
        assert re.fullmatch(rf"{prefix}/manifest/source={manifests[key]['source']}/[0-9A-Za-z_.\-]+-\d{{4}}\.json",
                            key), key
    parts = {key: body for key, body in stored.items() if key.endswith(".jsonl.gz")}
    for key in parts:
        match = PART_KEY.match(key)
        assert match and match["prefix"] == prefix, key
    entries = sorted(manifests.values(), key=lambda e: e["path"])
    assert sorted(f"{prefix}/{e['path']}" for e in entries) == sorted(parts)
    records = []
    for entry in entries:
        body = parts[f"{prefix}/{entry['path']}"]
        assert len(body) == entry["bytes"] and hashlib.sha256(body).hexdigest() == entry["sha256"]
        lines = gzip.decompress(body).decode("utf-8").splitlines()
        assert len(lines) == entry["records"]
        records += [json.loads(line) for line in lines]
    return entries, records


def test_a_crawl_writes_parts_captures_and_manifest_objects_and_archives_nothing_twice(
        tmp_path: Path, demo: str, s3_endpoint: str, bucket: str) -> None:
    url = f"s3://{bucket}/archive/v1"
    first = crawl(tmp_path, demo, url, s3_endpoint)
    assert first["outcomes"] == {"la": "ok"}, first["_log"][-2000:]
    assert row(first)["archived"] == TOTAL and len(first["files"]) == 3
    entries, records = bucket_archive(s3_endpoint, bucket, "archive/v1")
    assert len(entries) == 3 and len(records) == TOTAL
    assert {r["url"] for r in records} == {demo + a["path"] for a in EXPECTED["articles"]}
    assert {e["run_id"] for e in entries} == {first["run_id"]}
    spool = list((tmp_path / "state").glob("s3-spool/**/*.gz"))
    assert spool == [], "published parts and captures leave the spool"

    # the captures went too: each WARC and its CDXJ, and a manifest object per WARC matching its bytes
    s3 = client(s3_endpoint)
    captures = objects(s3, bucket, "archive/v1/captures/")
    warcs = {k: v for k, v in captures.items() if k.endswith(".warc.gz")}
    listed = [json.loads(v) for k, v in captures.items() if k.startswith("archive/v1/captures/manifest/")]
    assert warcs and sorted(f"archive/v1/captures/{e['path']}" for e in listed) == sorted(warcs)
    for entry in listed:
        body = warcs[f"archive/v1/captures/{entry['path']}"]
        assert hashlib.sha256(body).hexdigest() == entry["sha256"] and len(body) == entry["bytes"]
        assert f"archive/v1/captures/{entry['cdxj']}" in captures
        assert re.fullmatch(r"source=la/date=\d{4}-\d{2}-\d{2}/[^/]+\.warc\.gz", entry["path"])
    captured = {line.split(" ", 2)[2] for k, v in captures.items() if k.endswith(".cdxj")
                for line in v.decode("utf-8").splitlines()}
    assert all(json.loads(c)["filename"].startswith("source=la/") for c in captured)
    assert all(r.get("capture") for r in records)
    assert {r["capture"]["warc"] for r in records} <= {e["path"] for e in listed}
    for record in records[:3]:  # a record's pointer reads its response out of the WARC object in the bucket
        pointer = record["capture"]
        member = s3.get_object(Bucket=bucket, Key=f"archive/v1/captures/{pointer['warc']}",
                               Range=f"bytes={pointer['offset']}-{pointer['offset'] + pointer['length'] - 1}")
        head = gzip.decompress(member["Body"].read()).split(b"\r\n\r\n", 1)[0].decode("utf-8")
        assert f"WARC-Target-URI: {record['url']}" in head

    # a second run of the same machine, and a first run of another with an index of its own (it reads the
    # bucket's manifest objects into its index before discovery, then finds every page unchanged): neither
    # archives a page again
    second = crawl(tmp_path, demo, url, s3_endpoint)
    assert row(second)["archived"] == 0 and second["files"] == []  # (its REST listing starts at the watermark)
    other = crawl(tmp_path, demo, url, s3_endpoint, state="other-machine")
    assert row(other)["archived"] == 0 and row(other)["unchanged"] == TOTAL and other["files"] == []
    assert "indexed them" in other["_log"] or "rebuilt it from them" in other["_log"]
    assert bucket_archive(s3_endpoint, bucket, "archive/v1") == (entries, records)

    # archiver manifest lists the union of the manifest objects
    manifest = subprocess.run(
        [sys.executable, "-m", "archiver.cli", "manifest", "--archive", url, "--json", *aws_settings(s3_endpoint)],
        cwd=REPO, capture_output=True, text=True, timeout=60)
    assert manifest.returncode == 0, manifest.stderr
    assert sorted((json.loads(line) for line in manifest.stdout.splitlines()), key=lambda e: e["path"]) == entries
    assert manifest.stderr.strip() == f"3 parts, {TOTAL} records in {url}"
    table = subprocess.run(
        [sys.executable, "-m", "archiver.cli", "manifest", "--captures", *aws_settings(s3_endpoint)],
        cwd=REPO, capture_output=True, text=True, timeout=60, env={**os.environ, "ARCHIVER_ARCHIVE_URL": url})
    assert table.returncode == 0, table.stderr
    warcs_now = [k.removeprefix("archive/v1/captures/") for k in objects(s3, bucket, "archive/v1/captures/source=")
                 if k.endswith(".warc.gz")]
    assert len(warcs_now) > len(listed)  # the later runs captured what they fetched too
    assert sorted(line.split()[-1] for line in table.stdout.splitlines()[1:]) == sorted(warcs_now)


def published_and_known(s3: Any, bucket: str, state: Path) -> bool:
    """Whether a part has a manifest object in the bucket and no spooled copy left (``publish_part`` removes it
    only once the manifest object's write was answered)."""
    listed = [json.loads(v) for v in objects(s3, bucket, "shared/manifest/").values()]
    spool = next(state.glob("s3-spool/*/*/archive"), None)
    return bool(listed) and spool is not None and all(not (spool / e["path"]).exists() for e in listed)


class CuttableProxy:
    """A TCP proxy to the S3 server that can be cut (a server gone away, as the crawl sees it: its open
    connections reset, new ones refused) and opened again on the same port."""

    def __init__(self, target_port: int) -> None:
        self.target_port = target_port
        self.port = _free_port()
        self.listener: socket.socket | None = None
        self.connections: list[socket.socket] = []
        self.open()

    def open(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        self.listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def cut(self) -> None:
        assert self.listener is not None
        self.listener.close()
        self.listener = None
        for conn in self.connections:  # the client's kept-alive connections go too
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
        self.connections = []

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            if self.listener is not listener:  # accepted as the cut happened: refuse it
                conn.close()
                return
            upstream = socket.create_connection(("127.0.0.1", self.target_port))
            self.connections += [conn, upstream]
            for a, b in ((conn, upstream), (upstream, conn)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    def _pipe(self, a: socket.socket, b: socket.socket) -> None:
        try:
            while data := a.recv(65536):
                b.sendall(data)
        except OSError:
            pass
        finally:
            for end in (a, b):
                with contextlib.suppress(OSError):
                    end.shutdown(socket.SHUT_RDWR)


def test_an_upload_refused_mid_run_fails_the_source_and_the_next_run_publishes_the_spool(
        tmp_path: Path, s3_endpoint: str, bucket: str) -> None:
    slow, base = start_server(["-m", "archiver.cli", "serve-demo", "--delay", "0.25"])
    proxy = CuttableProxy(int(s3_endpoint.rsplit(":", 1)[1]))
    via_proxy = f"http://127.0.0.1:{proxy.port}"
    url = f"s3://{bucket}/shared"
    s3 = client(s3_endpoint)
    try:
        runs = tmp_path / "runs"
        proc = subprocess.Popen(
            [sys.executable, "-m", "archiver.cli", "crawl", "la", "--state", str(tmp_path / "state"), "--runs",
             str(runs), "--base-url", f"la={base}", *FAST, "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=2",
             "-s", "ARCHIVER_S3_ATTEMPTS=2", *aws_settings(via_proxy)],
            cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
            env={**os.environ, "ARCHIVER_ARCHIVE_URL": url})
        # wait for the first part to be published and the crawl to know it (its spooled copy removed: cut while
        # the manifest object's answer is still on its way, the crawl rightly counts the part as failed), then
        # take the server away from the crawl
        deadline = time.monotonic() + 60
        while not published_and_known(s3, bucket, tmp_path / "state"):
            assert proc.poll() is None and time.monotonic() < deadline, "no part was published"
            time.sleep(0.02)
        proxy.cut()
        _, log = proc.communicate(timeout=120)
        assert proc.returncode == 1, log[-3000:]
        (report_file,) = runs.glob("*.json")
        first = json.loads(report_file.read_text("utf-8"))
        assert first["outcomes"] == {"la": "failed"}
        # each part after the cut failed at its upload (or, cut between the two, at its manifest object)
        failures = [f for f in first["storage_errors"] if f.get("store") != "captures"]
        assert "upload" in {f["stage"] for f in failures} and {f["stage"] for f in failures} <= {"upload", "manifest"}
        assert all(re.search(r"connect", f["error"], re.IGNORECASE) for f in failures), failures
        warc_failures = [f for f in first["storage_errors"] if f.get("store") == "captures"]
        assert warc_failures and {f["stage"] for f in warc_failures} <= {"upload"}
        listed = [json.loads(v) for v in objects(s3, bucket, "shared/manifest/").values()]
        assert row(first)["archived"] == sum(e["records"] for e in listed) < TOTAL
        spooled = sorted(p.relative_to(next((tmp_path / "state").glob("s3-spool/*/*/archive"))).as_posix()
                         for p in (tmp_path / "state").glob("s3-spool/*/*/archive/source=la/date=*/*.jsonl.gz"))
        assert sorted(f["part"] for f in failures) == spooled, "each failed part waits in the spool"

        proxy.open()
        second = crawl(tmp_path, base, url, via_proxy)
        assert second["outcomes"] == {"la": "ok"}, second["_log"][-2000:]
        uploaded = [e for e in second["leftovers"] if e["action"] == "uploaded"]
        assert sorted(e["part"] for e in uploaded) == spooled
        entries, records = bucket_archive(s3_endpoint, bucket, "shared")
        # nothing lost, nothing archived twice: every article once, with the spooled parts published as written
        assert sorted(r["url"] for r in records) == sorted(demo_urls(base))
        assert row(second)["archived"] + sum(e["records"] for e in uploaded) + row(first)["archived"] == TOTAL
        assert not list((tmp_path / "state").glob("s3-spool/*/*/archive/source=la/date=*/*.jsonl.gz"))
        # the WARCs the cut kept from the bucket went up too: every record's capture is there, listed
        assert not list((tmp_path / "state").glob("s3-spool/*/*/archive-captures/source=la/date=*/*.warc.gz"))
        captures = objects(s3, bucket, "shared/captures/")
        listed = {json.loads(v)["path"] for k, v in captures.items() if k.startswith("shared/captures/manifest/")}
        assert {r["capture"]["warc"] for r in records} <= listed
        assert {f"shared/captures/{path}" for path in listed} == {k for k in captures if k.endswith(".warc.gz")}
    finally:
        proxy.cut() if proxy.listener is not None else None
        stop_server(slow)


def demo_urls(base: str) -> list[str]:
    return [base + a["path"] for a in EXPECTED["articles"]]


def store(endpoint: str, bucket: str, prefix: str) -> Any:
    from archiver.archive.objectstore import ArchiveURL, ObjectStore

    return ObjectStore(ArchiveURL(bucket, prefix), endpoint_url=endpoint, region=KEYS["AWS_REGION_NAME"],
                       access_key=KEYS["AWS_ACCESS_KEY_ID"], secret_key=KEYS["AWS_SECRET_ACCESS_KEY"], attempts=1)


def test_an_object_is_never_overwritten_and_a_damaged_one_is_caught(tmp_path: Path, s3_endpoint: str,
                                                                     bucket: str) -> None:
    from archiver.archive.objectstore import UploadFailed

    s3 = client(s3_endpoint)
    objects_store = store(s3_endpoint, bucket, "p")
    part = tmp_path / "part.jsonl.gz"
    part.write_bytes(gzip.compress(b'{"a": 1}\n'))
    digest = hashlib.sha256(part.read_bytes()).hexdigest()
    size = part.stat().st_size
    # another object already holds the name: the upload is refused, and the object keeps its bytes
    s3.put_object(Bucket=bucket, Key="p/source=la/date=2026-01-01/x.jsonl.gz", Body=b"someone else's bytes")
    with pytest.raises(UploadFailed, match="already exists with other content"):
        objects_store.put_file(part, "source=la/date=2026-01-01/x.jsonl.gz", digest, size)
    held = s3.get_object(Bucket=bucket, Key="p/source=la/date=2026-01-01/x.jsonl.gz")["Body"].read()
    assert held == b"someone else's bytes"
    # the same part uploaded again (a run that ended before listing it) is taken as the upload
    key = objects_store.put_file(part, "source=la/date=2026-01-01/y.jsonl.gz", digest, size)
    assert objects_store.put_file(part, "source=la/date=2026-01-01/y.jsonl.gz", digest, size) == key
    assert s3.get_object(Bucket=bucket, Key=key)["Body"].read() == part.read_bytes()
    # bytes that differ from the part's are caught by the verification (read back: moto keeps no checksum)
    damaged = bytearray(part.read_bytes())
    damaged[12] ^= 0xFF
    s3.put_object(Bucket=bucket, Key=key, Body=bytes(damaged))
    with pytest.raises(UploadFailed, match="SHA-256 differs"):
        objects_store.verify(key, digest, size)
    # manifest objects never take each other's names, and their union lists a part once
    entry = {"path": "source=la/date=2026-01-01/y.jsonl.gz", "records": 1, "bytes": size, "sha256": digest,
             "source": "la", "run_id": "r1"}
    first = objects_store.put_manifest(entry, "r1")
    second = objects_store.put_manifest(entry, "r1")
    assert first != second and re.fullmatch(r"p/manifest/source=la/r1-[0-9A-Za-z_.]+-\d{4}\.json", first)
    assert objects_store.manifest() == [entry] == objects_store.manifest(source="la")
    assert objects_store.manifest(source="kh") == []  # another source's folder is not read
    # a manifest object that is not a manifest line is named, never silently left out of the union
    s3.put_object(Bucket=bucket, Key="p/manifest/source=la/torn-0001.json", Body=b'{"path": "source=la/da')
    unreadable: list[str] = []
    assert objects_store.manifest(source="la", unreadable=unreadable) == [entry]
    assert unreadable == ["p/manifest/source=la/torn-0001.json"]
    from archiver.archive.spool import catch_up_remote

    caught = catch_up_remote(objects_store, "la", tmp_path / "index.sqlite")
    assert "p/manifest/source=la/torn-0001.json" in [d["part"] for d in caught.damaged]  # the source fails
    listing = subprocess.run([sys.executable, "-m", "archiver.cli", "manifest", "--archive", f"s3://{bucket}/p",
                              *aws_settings(s3_endpoint)], cwd=REPO, capture_output=True, text=True, timeout=60)
    assert listing.returncode == 1 and "torn-0001.json is not a manifest line" in listing.stderr


def test_a_killed_run_leaves_its_spool_to_the_next_run_and_nothing_is_lost_or_doubled(
        tmp_path: Path, s3_endpoint: str, bucket: str) -> None:
    slow, base = start_server(["-m", "archiver.cli", "serve-demo", "--delay", "0.25"])
    url = f"s3://{bucket}/killed"
    s3 = client(s3_endpoint)
    try:
        proc = subprocess.Popen(
            [sys.executable, "-m", "archiver.cli", "crawl", "la", "--state", str(tmp_path / "state"), "--runs",
             str(tmp_path / "runs"), "--base-url", f"la={base}", *FAST, "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=2",
             *aws_settings(s3_endpoint)],
            cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env={**os.environ, "ARCHIVER_ARCHIVE_URL": url})
        deadline = time.monotonic() + 60
        while not s3.list_objects_v2(Bucket=bucket, Prefix="killed/manifest/").get("KeyCount"):
            assert proc.poll() is None and time.monotonic() < deadline, "no part was published"
            time.sleep(0.02)
        proc.kill()
        proc.wait(timeout=30)
        # (a kill between a part's upload and its manifest object leaves an object no manifest lists yet)
        listed_before = [json.loads(v) for k, v in objects(s3, bucket, "killed/manifest/").items()]
        assert 0 < sum(e["records"] for e in listed_before) < TOTAL
        spool = tmp_path / "state" / "s3-spool"
        left = [p for p in spool.rglob("*") if p.is_file() and ".part" in p.name]
        assert left, "the killed run left files being written in its spool"

        second = crawl(tmp_path, base, url, s3_endpoint)
        assert second["outcomes"] == {"la": "ok"}, second["_log"][-2000:]
        entries, records = bucket_archive(s3_endpoint, bucket, "killed")
        assert sorted(r["url"] for r in records) == sorted(demo_urls(base)), "every article once"
        assert not [p for p in spool.rglob("*") if p.is_file() and p.name.endswith((".gz", ".part"))]
        captures = objects(s3, bucket, "killed/captures/")
        listed = {json.loads(v)["path"] for k, v in captures.items() if k.startswith("killed/captures/manifest/")}
        assert {r["capture"]["warc"] for r in records} <= listed
        assert {f"killed/captures/{path}" for path in listed} == {k for k in captures if k.endswith(".warc.gz")}
    finally:
        stop_server(slow)


def test_archiver_manifest_lists_a_local_archive_without_its_withdrawn_parts(tmp_path: Path) -> None:
    from archiver.archive.manifest import ManifestEntry, append_manifest, append_manifest_line

    archive = tmp_path / "archive"
    archive.mkdir()
    kept, gone = (ManifestEntry(path=f"source=la/date=2026-01-0{n}/r-0001.jsonl.gz", records=n, bytes=100 * n,
                                sha256=str(n) * 64, run_id="r", spider="embassy", source="la",
                                started_at="2026-01-01T00:00:00+00:00", finished_at="2026-01-01T00:00:01+00:00")
                  for n in (1, 2))
    append_manifest(archive, kept)
    append_manifest(archive, gone)
    append_manifest_line(archive, {"event": "withdrawn", "path": gone.path, "reason": "missing"})
    shown = subprocess.run([sys.executable, "-m", "archiver.cli", "manifest", "--archive", str(archive), "--json"],
                           cwd=REPO, capture_output=True, text=True, timeout=60, env={**os.environ,
                                                                                   "ARCHIVER_ARCHIVE_URL": ""})
    assert shown.returncode == 0, shown.stderr
    assert [json.loads(line)["path"] for line in shown.stdout.splitlines()] == [kept.path]
    assert shown.stderr.strip() == f"1 part, 1 records in {archive}"


def test_workers_of_the_job_engine_archive_to_the_bucket(tmp_path: Path, pg_server: Any, s3_endpoint: str,
                                                         bucket: str, demo: str) -> None:
    """The two parts of issue 12 together: an ``archiver worker`` given ``--archive s3://...`` passes the URL on to
    its crawls (not taken for a folder), and the job's records land in the bucket, each once."""
    state = pg_server.new_database()
    url = f"s3://{bucket}/jobs"
    queued = subprocess.run([sys.executable, "-m", "archiver.cli", "enqueue", "la", "--state", state], cwd=REPO,
                            capture_output=True, text=True, timeout=120)
    assert queued.returncode == 0, queued.stderr[-2000:]
    worker = subprocess.run(
        [sys.executable, "-m", "archiver.cli", "worker", "--state", state, "--until-empty", "--poll", "0.5",
         "--archive", url, "--runs", str(tmp_path / "runs"), "--base-url", f"la={demo}", *FAST,
         *aws_settings(s3_endpoint)],
        cwd=REPO, capture_output=True, text=True, timeout=240)
    assert worker.returncode == 0, (worker.stdout + worker.stderr)[-3000:]
    assert "la: ok" in worker.stdout, worker.stdout[-2000:]
    _, records = bucket_archive(s3_endpoint, bucket, "jobs")
    assert len(records) == TOTAL == len({r["canonical_url"] for r in records})
    assert not (REPO / "s3:").exists()  # the URL taken for a folder was made into one under the working folder
