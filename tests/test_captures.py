"""Captures: every HTTP exchange of a crawl is kept as WARC records, byte for byte, and every record points at
the response it was made from.

The site (``tests.sites.capture_site``) sends exactly the bytes we choose and logs what it received and sent,
so each capture is compared with the wire: repeated ``Set-Cookie`` headers, a header value that is not UTF-8, a
query string, a gzip-encoded body, a redirect, a 404, a chunked body, a body cut short by the connection and a
gzip body cut inside its stream. The WARCs are read back three independent ways: the real ``warcio check``
command, warcio's reader, and a plain gzip-member reader of our own (``tests/warcs.py``).
"""

from __future__ import annotations

import base64
import gzip
import json
import re
import shutil
import subprocess
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from archiver.archive.manifest import read_manifest
from archiver.settings import ARCHIVER_VERSION, USER_AGENT

from .conftest import REPO, crawl_command, read_archive, run_crawl, start_server, stop_server
from .sites import capture_site
from .warcs import Record, check_warcs, listed_warcs, read_pointer, sha1_digest, warc_records

SOURCE = "noticeboard"
REGISTRY = """\
[[source]]
name = "noticeboard"
kind = "news"
family = "usembassy"
country = "LA"
site_name = "U.S. Embassy in Laos"
base_url = "https://notices.example"
article_pattern = '^/(notices/[a-z-]+/|notice\\?id=\\d+&lang=[a-z]+)$'

[[source.discovery]]
method = "sitemap"
url = "/sitemap.xml"
"""
QUICK_RETRIES = ["-s", "RETRY_TIMES=1", "-s", "ARCHIVER_RETRY_BACKOFF_BASE=0.05"]
HOP_BY_HOP = {b"transfer-encoding", b"connection", b"keep-alive"}


# -- the crawls -----------------------------------------------------------------------------------------------


@dataclass
class Crawls:
    base: str
    root: Path  # captures root shared by both runs
    first: dict[str, Any]
    second: dict[str, Any]
    archive: Path
    archive2: Path
    sent_first: list[dict[str, Any]]
    sent_second: list[dict[str, Any]]


def server_log(base: str) -> list[dict[str, Any]]:
    with urllib.request.urlopen(f"{base}/_log", timeout=10) as answer:
        return [{"target": e["target"], "request": base64.b64decode(e["request"]),
                 "response": base64.b64decode(e["response"])} for e in json.loads(answer.read())]


def crawl(tmp: Path, base: str, archive: Path, runs: Path, *extra: str) -> dict[str, Any]:
    return run_crawl("news", archive, runs, "-a", f"source={SOURCE}", "-a", f"base_url={base}",
                     "-s", f"ARCHIVER_DATA_DIR={tmp / 'data'}", *QUICK_RETRIES, *extra)


@pytest.fixture(scope="module")
def crawls(tmp_path_factory: pytest.TempPathFactory) -> Crawls:
    tmp = tmp_path_factory.mktemp("captures")
    (tmp / "data" / "sources").mkdir(parents=True)
    (tmp / "data" / "sources" / "notices.toml").write_text(REGISTRY, "utf-8")
    root = tmp / "captures"
    server, base = start_server(["-m", "tests.sites.capture_site"])
    try:
        first = crawl(tmp, base, tmp / "archive", tmp / "runs1", "-s", f"ARCHIVER_CAPTURES_DIR={root}")
        sent_first = server_log(base)
        # Another archive from the same state and captures: the index no longer matches the archive and is
        # rebuilt, so every page is archived again, and every payload is one the captures already hold.
        second = crawl(tmp, base, tmp / "archive2", tmp / "runs2", "-s", f"ARCHIVER_CAPTURES_DIR={root}")
        sent_second = server_log(base)[len(sent_first):]
    finally:
        stop_server(server)
    return Crawls(base, root, first, second, tmp / "archive", tmp / "archive2", sent_first, sent_second)


def run_records(crawls: Crawls, report: dict[str, Any]) -> list[Record]:
    """The records of the WARCs one run wrote, in the order they were written."""
    return [r for entry in sorted(report["captures"]["files"], key=lambda e: e["path"])
            for r in warc_records(crawls.root / entry["path"])]


# -- the tests ------------------------------------------------------------------------------------------------


def test_every_warc_is_valid_listed_and_indexed(crawls: Crawls) -> None:
    warcs = check_warcs(crawls.root, {SOURCE})
    assert len(warcs) == 2  # one per run (far below ARCHIVER_WARC_MAX_BYTES)
    for report in (crawls.first, crawls.second):
        assert report["outcomes"] == {SOURCE: "ok"}
        assert report["captures"]["enabled"] and report["captures"]["root"] == str(crawls.root)
        assert [e["source"] for e in report["captures"]["files"]] == [SOURCE]
        assert not report["storage_errors"]


def test_each_file_opens_with_a_warcinfo_record(crawls: Crawls) -> None:
    for warc in listed_warcs(crawls.root):
        info = warc_records(warc)[0]
        fields = dict(line.split(": ", 1) for line in info.block.decode("utf-8").splitlines() if line)
        assert info.headers["WARC-Filename"] == warc.name
        assert fields["software"].startswith(f"archiver/{ARCHIVER_VERSION} (Scrapy/")
        assert fields["robots"] == "classic"
        assert fields["http-header-user-agent"] == USER_AGENT
        assert fields["operator"] == "https://github.com/archiver/archiver"
        assert fields["format"] == "WARC File Format 1.1"


def unchunk(body: bytes) -> bytes:
    out, rest = b"", body
    while True:
        size_line, rest = rest.split(b"\r\n", 1)
        size = int(size_line, 16)
        if size == 0:
            return out
        out, rest = out + rest[:size], rest[size + 2:]


def test_every_exchange_is_captured_byte_for_byte(crawls: Crawls) -> None:
    """Each response the server sent and each request it received, against its records: the request head
    exactly; the status line with its standard phrase; every header line as sent, in order, except the
    connection's own and Content-Length, which is the stored payload's length; the payload as sent."""
    records = run_records(crawls, crawls.first)
    responses = [r for r in records if r.type == "response"]
    requests = {r.headers["WARC-Concurrent-To"]: r for r in records if r.type == "request"}
    assert len(responses) == len(crawls.sent_first) == len(requests)
    by_url: dict[str, list[Record]] = {}
    for record in responses:
        by_url.setdefault(record.url, []).append(record)
    for sent in crawls.sent_first:
        record = by_url[crawls.base + sent["target"]].pop(0)
        request = requests[record.headers["WARC-Record-ID"]]
        assert request.http_head == sent["request"], sent["target"]
        assert request.headers["WARC-Date"] == record.headers["WARC-Date"]
        assert request.headers["WARC-IP-Address"] == record.headers["WARC-IP-Address"] == "127.0.0.1"
        head, _, body = sent["response"].partition(b"\r\n\r\n")
        status, *lines = head.split(b"\r\n")
        got_status, *got_lines = record.http_lines()
        assert got_status == status, sent["target"]
        names = [line.split(b":", 1)[0].lower() for line in lines]
        if b"transfer-encoding" in names:
            body = unchunk(body)
        kept = [line for line, name in zip(lines, names, strict=True)
                if name not in HOP_BY_HOP and name != b"content-length"]
        assert [line for line in got_lines if not line.lower().startswith(b"content-length:")] == kept
        assert [line for line in got_lines if line.lower().startswith(b"content-length:")] == [
            b"Content-Length: " + str(len(body)).encode()]
        assert record.payload == body, sent["target"]
        assert record.headers["WARC-Payload-Digest"] == sha1_digest(body)
    assert not any(by_url.values())


def response_of(crawls: Crawls, target: str) -> Record:
    return next(r for r in run_records(crawls, crawls.first) if r.type == "response" and r.url == crawls.base + target)


def test_the_hard_cases_are_kept_as_sent(crawls: Crawls) -> None:
    cookies = response_of(crawls, "/notices/cookies/")
    assert [line for line in cookies.http_lines() if line.startswith(b"Set-Cookie:")] == [
        b"Set-Cookie: visitor=a1b2c3; Path=/; HttpOnly", b"Set-Cookie: lang=en; Path=/; Max-Age=3600"]
    assert b"X-Notice-Caption: " + capture_site.NOT_UTF8 in cookies.http_lines()

    query = [r for r in run_records(crawls, crawls.first) if r.type == "request"
             and r.url == crawls.base + "/notice?id=7&lang=en"]
    assert query and query[0].http_lines()[0] == b"GET /notice?id=7&lang=en HTTP/1.1"

    gzipped = response_of(crawls, "/notices/gzipped/")
    assert b"Content-Encoding: gzip" in gzipped.http_lines()
    assert capture_site.NOTICES["gzipped"].encode() in gzip.decompress(gzipped.payload)  # stored still encoded

    moved = response_of(crawls, "/notices/moved/")
    assert moved.http_lines()[0] == b"HTTP/1.1 301 Moved Permanently" and moved.payload == b""
    assert f"Location: {crawls.base}/notices/landing/".encode() in moved.http_lines()
    assert response_of(crawls, "/notices/landing/").http_lines()[0] == b"HTTP/1.1 200 OK"
    assert response_of(crawls, "/notices/removed/").http_lines()[0] == b"HTTP/1.1 404 Not Found"

    chunked = response_of(crawls, "/notices/chunked/")
    assert not [line for line in chunked.http_lines() if line.lower().startswith(b"transfer-encoding")]

    cut = [r for r in run_records(crawls, crawls.first) if r.url == crawls.base + "/notices/cut/"
           and r.type == "response"]
    assert len(cut) == 2  # the attempt and its retry, each an exchange
    for record in cut:
        assert record.headers["WARC-Truncated"] == "disconnect"
    gzip_cut = [r for r in run_records(crawls, crawls.first) if r.url == crawls.base + "/notices/gzip-cut/"
                and r.type == "response"]
    assert len(gzip_cut) == 2 and all(r.headers["WARC-Truncated"] == "unspecified" for r in gzip_cut)
    for whole in ("/notices/plain/", "/notices/chunked/", "/notices/gzipped/", "/robots.txt", "/sitemap.xml"):
        assert "WARC-Truncated" not in response_of(crawls, whole).headers, whole
    dropped = crawls.first["stats"]
    assert dropped[f"archiver/source/{SOURCE}/dropped/truncated"] == 2  # capturing did not save a cut page
    assert dropped[f"archiver/source/{SOURCE}/dropped/http_404"] == 1


def test_records_point_at_their_responses(crawls: Crawls) -> None:
    records = read_archive(crawls.archive)
    assert {r["url"].replace(crawls.base, "") for r in records} == {
        "/notices/plain/", "/notices/cookies/", "/notice?id=7&lang=en", "/notices/gzipped/", "/notices/landing/",
        "/notices/chunked/"}
    for record in records:
        assert record["schema_version"] == 2 and record["extractor"] == ARCHIVER_VERSION
        pointer = record["capture"]
        response = read_pointer(crawls.root, pointer)
        assert response.type == "response" and response.url == record["url"]
        assert response.headers["WARC-Payload-Digest"] == pointer["digest"] == sha1_digest(response.payload)
        body = response.payload
        if b"Content-Encoding: gzip" in response.http_lines():
            body = gzip.decompress(body)
        assert record["title"].encode() in body


def test_a_second_run_writes_revisits_and_its_records_point_through_them(crawls: Crawls) -> None:
    first = {r.url: r for r in run_records(crawls, crawls.first) if r.type == "response" and r.payload
             and "WARC-Truncated" not in r.headers}
    second = run_records(crawls, crawls.second)
    revisits = [r for r in second if r.type == "revisit"]
    # every unchanged, whole, non-empty payload is a revisit; truncated ones and the empty 301 stay full records
    assert {r.url for r in revisits} == set(first)
    assert {r.url for r in second if r.type == "response"} == {
        crawls.base + t for t in ("/notices/moved/", "/notices/cut/", "/notices/gzip-cut/")}
    for revisit in revisits:
        original = first[revisit.url]
        assert revisit.headers["WARC-Profile"] == "http://netpreserve.org/warc/1.1/revisit/identical-payload-digest"
        assert revisit.headers["WARC-Refers-To-Target-URI"] == original.url
        assert revisit.headers["WARC-Refers-To-Date"] == original.headers["WARC-Date"]
        assert revisit.headers["WARC-Refers-To"] == original.headers["WARC-Record-ID"]
        assert revisit.headers["WARC-Payload-Digest"] == original.headers["WARC-Payload-Digest"]
        assert revisit.payload == b""  # the headers of the new response, no second copy of the body
    assert crawls.second["stats"][f"archiver/source/{SOURCE}/captures/revisits"] == len(revisits)

    records = read_archive(crawls.archive2)
    assert len(records) == 6
    for record in records:
        revisit = read_pointer(crawls.root, record["capture"])
        assert revisit.type == "revisit" and revisit.url == record["url"]
        original = read_pointer(crawls.root, record["capture"]["refers_to"])
        assert original.type == "response" and original.headers["WARC-Record-ID"] == revisit.headers["WARC-Refers-To"]
        assert record["capture"]["digest"] == sha1_digest(original.payload) == revisit.headers["WARC-Payload-Digest"]


def test_a_file_is_finalised_every_few_exchanges_and_each_is_indexed_as_cdxj_indexer_would(tmp_path: Path) -> None:
    """What keeps a huge source's memory bounded: a file is finalised once it holds ARCHIVER_WARC_MAX_EXCHANGES
    exchanges (its index entries are held until then), and the run goes on in the next file. Every file is
    whole, listed and indexed exactly as cdxj-indexer indexes it, and every record points into its file."""
    (tmp_path / "data" / "sources").mkdir(parents=True)
    (tmp_path / "data" / "sources" / "notices.toml").write_text(REGISTRY, "utf-8")
    root = tmp_path / "captures"
    server, base = start_server(["-m", "tests.sites.capture_site"])
    try:
        report = crawl(tmp_path, base, tmp_path / "archive", tmp_path / "runs", "-s", f"ARCHIVER_CAPTURES_DIR={root}",
                       "-s", "ARCHIVER_WARC_MAX_EXCHANGES=3")
        sent = server_log(base)
    finally:
        stop_server(server)
    assert report["outcomes"] == {SOURCE: "ok"}
    warcs = check_warcs(root, {SOURCE})
    exchanges = [len([r for r in warc_records(w) if r.type in ("response", "revisit")]) for w in warcs]
    assert sum(exchanges) == len(sent) == report["stats"][f"archiver/source/{SOURCE}/captures/exchanges"]
    assert len(sent) > 9  # so that several files were filled
    assert exchanges[:-1] == [3] * (len(warcs) - 1) and 1 <= exchanges[-1] <= 3, exchanges
    assert [w.name[-13:] for w in warcs] == [f"-{n:04d}.warc.gz" for n in range(1, len(warcs) + 1)]
    assert sorted(root / e["path"] for e in report["captures"]["files"]) == warcs
    records = read_archive(tmp_path / "archive")
    assert len(records) == 6
    assert len({r["capture"]["warc"] for r in records}) > 1
    for record in records:
        response = read_pointer(root, record["capture"])
        assert response.type == "response" and response.url == record["url"]
        assert response.headers["WARC-Payload-Digest"] == record["capture"]["digest"] == sha1_digest(response.payload)


def test_no_captures_when_capturing_is_off(tmp_path: Path) -> None:
    (tmp_path / "data" / "sources").mkdir(parents=True)
    (tmp_path / "data" / "sources" / "notices.toml").write_text(REGISTRY, "utf-8")
    server, base = start_server(["-m", "tests.sites.capture_site"])
    try:
        report = crawl(tmp_path, base, tmp_path / "archive", tmp_path / "runs", "-s", "ARCHIVER_CAPTURE=False")
    finally:
        stop_server(server)
    assert report["captures"]["enabled"] is False and report["captures"]["files"] == []
    assert not Path(report["captures"]["root"]).exists()
    assert not [k for k in report["stats"] if "/captures/" in k]
    records = read_archive(tmp_path / "archive")
    assert len(records) == 6
    assert all("capture" not in r and r["extractor"] == ARCHIVER_VERSION for r in records)


# -- the order of durability, seen in the system calls ---------------------------------------------------------

_CALL = re.compile(r"^(?P<tid>\d+)\s+(?P<name>\w+)\((?P<args>.*?)(?:\)\s+=\s+(?P<ret>-?\d+).*| <unfinished \.\.\.>)$")
_RESUMED = re.compile(r"^(?P<tid>\d+)\s+<\.\.\. (?P<name>\w+) resumed>(?P<args>.*?)\)\s+=\s+(?P<ret>-?\d+).*$")
_FD_PATH = re.compile(r"^\d+<(?P<path>[^>]+)>")
_LINK = re.compile(r'^"(?P<old>[^"]+)", "(?P<new>[^"]+)"')


def durable_when_linked(trace: str) -> dict[str, dict[str, int]]:
    """From an ``strace -f -y`` log of writes, fsyncs and links: for each archive part linked into place, how
    many bytes of each hidden WARC had been fsynced (an fsync that returned) by then."""
    written: dict[str, int] = {}
    durable: dict[str, int] = {}
    started: dict[str, tuple[str, str]] = {}  # tid -> (call, args) of a call not finished yet
    syncing: dict[str, tuple[str, int]] = {}  # tid -> (WARC, bytes written when its fsync began)
    linked: dict[str, dict[str, int]] = {}
    for line in trace.splitlines():
        if (resumed := _RESUMED.match(line)) is not None:
            name, tid, ret = resumed["name"], resumed["tid"], int(resumed["ret"])
            args = started.pop(tid, (name, ""))[1] + resumed["args"]
        elif (call := _CALL.match(line)) is not None:
            name, tid, args = call["name"], call["tid"], call["args"]
            if call["ret"] is None:
                started[tid] = (name, args)
                if name == "fsync" and (fd := _FD_PATH.match(args)) and ".warc.gz." in fd["path"]:
                    syncing[tid] = (fd["path"], written.get(fd["path"], 0))
                continue
            ret = int(call["ret"])
            if name == "fsync" and (fd := _FD_PATH.match(args)) and ".warc.gz." in fd["path"]:
                syncing[tid] = (fd["path"], written.get(fd["path"], 0))
        else:
            continue
        fd = _FD_PATH.match(args)
        if name == "write" and fd and fd["path"].endswith(".part") and ".warc.gz." in fd["path"] and ret > 0:
            written[fd["path"]] = written.get(fd["path"], 0) + ret
        elif name == "fsync" and tid in syncing:
            path, size = syncing.pop(tid)
            if ret == 0:
                durable[path] = max(durable.get(path, 0), size)
        elif name in ("link", "linkat") and ret == 0 and (pair := _LINK.search(args)) and pair["new"].endswith(
                ".jsonl.gz"):
            linked[pair["new"]] = dict(durable)
    return linked


@pytest.mark.skipif(shutil.which("strace") is None, reason="strace is not installed")
def test_a_part_is_linked_only_after_the_captures_its_records_point_at_are_fsynced(tmp_path: Path) -> None:
    """The order that makes pointers safe against a power cut, watched in the system calls: every archive part
    is linked into place after an fsync of the WARC that covered the bytes each of its records points at."""
    (tmp_path / "data" / "sources").mkdir(parents=True)
    (tmp_path / "data" / "sources" / "notices.toml").write_text(REGISTRY, "utf-8")
    archive, root, trace = tmp_path / "archive", tmp_path / "captures", tmp_path / "trace.txt"
    server, base = start_server(["-m", "tests.sites.capture_site"])
    try:
        command = crawl_command("news", archive, tmp_path / "runs", "-a", f"source={SOURCE}", "-a",
                                f"base_url={base}", "-s", f"ARCHIVER_DATA_DIR={tmp_path / 'data'}", *QUICK_RETRIES,
                                "-s", f"ARCHIVER_CAPTURES_DIR={root}", "-s", "ARCHIVER_BATCH_ITEMS=2",
                                "-s", "ARCHIVER_EXTRACT_PROCESSES=0")
        traced = subprocess.run(["strace", "-f", "-qq", "-y", "-e", "trace=write,fsync,link,linkat", "-o",
                                 str(trace), *command], cwd=REPO, capture_output=True, text=True, timeout=300)
    finally:
        stop_server(server)
    if traced.returncode != 0 and "ptrace" in traced.stderr:
        pytest.skip(f"strace cannot trace here: {traced.stderr.strip()[:200]}")
    assert traced.returncode == 0, traced.stderr[-3000:]
    check_warcs(root, {SOURCE})
    linked = durable_when_linked(trace.read_text("utf-8", "replace"))
    parts = read_manifest(archive)
    assert len(parts) == 3  # six records, two per part
    for entry in parts:
        durable = linked[str(archive / entry["path"])]
        for line in gzip.decompress((archive / entry["path"]).read_bytes()).decode("utf-8").splitlines():
            pointer = json.loads(line)["capture"]
            hidden = [path for path in durable if Path(path).name.startswith(f".{Path(pointer['warc']).name}.")]
            assert hidden, f"{entry['path']} was linked before any fsync of {pointer['warc']}"
            assert durable[hidden[0]] >= pointer["offset"] + pointer["length"], (entry["path"], pointer)
