"""Captures replayed and packaged: ``archiver captures`` lists them and writes a WACZ that py-wacz's own
validator accepts, and a demo article replays by offset, from its WARC and from inside the WACZ through the
WACZ's own index, byte for byte what the demo server sent.

The replay is warcio's, not pywb's: pywb (2.10) requires brotlipy, which installs a ``brotli`` package over
Google's ``brotli`` module, and in one environment with archiver Scrapy's and our brotli decoding then fail
(``tests/test_middlewares.py`` catches it). The README runs pywb in a virtualenv of its own.

The demo's captures are made once for the module (``archiver demo``).
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from warcio.archiveiterator import ArchiveIterator

from archiver.archive.manifest import read_manifest

from .conftest import REPO, read_archive
from .warcs import read_pointer

DEMO_SITES = REPO / "data" / "demo"

BIN = Path(sys.executable).parent


def run(*args: str, cwd: Path = REPO, expect: int | None = 0) -> subprocess.CompletedProcess:
    proc = subprocess.run(list(args), cwd=cwd, capture_output=True, text=True, timeout=240,
                          env={k: v for k, v in os.environ.items() if k != "ARCHIVER_DATA_DIR"})
    if expect is not None:
        assert proc.returncode == expect, (args, proc.stdout[-2000:], proc.stderr[-3000:])
    return proc


def archiver(*args: str, expect: int | None = 0) -> subprocess.CompletedProcess:
    return run(sys.executable, "-m", "archiver.cli", *args, expect=expect)


@dataclass
class Demo:
    archive: Path
    captures: Path
    wacz: Path
    wacz_output: str


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Demo:
    tmp = tmp_path_factory.mktemp("replay")
    archiver("demo", "--archive", str(tmp / "demo"))
    wacz = tmp / "demo.wacz"
    made = archiver("captures", "--captures", str(tmp / "demo-captures"), "--wacz", str(wacz))
    return Demo(tmp / "demo", tmp / "demo-captures", wacz, made.stdout)


def test_captures_lists_the_manifest(demo: Demo) -> None:
    listed = read_manifest(demo.captures)
    as_json = [json.loads(line) for line in archiver("captures", "--captures", str(demo.captures), "--json")
               .stdout.splitlines()]
    assert sorted(as_json, key=lambda e: e["path"]) == sorted(listed, key=lambda e: e["path"])
    table = archiver("captures", "--captures", str(demo.captures)).stdout
    for entry in listed:
        assert entry["path"] in table and entry["run_id"] in table
        assert f"{entry['source']}: 1 file(s), {entry['records']} WARC records, {entry['bytes']} bytes" in table
    only_la = archiver("captures", "la", "--captures", str(demo.captures), "--json").stdout.splitlines()
    assert [json.loads(line)["source"] for line in only_la] == ["la"]
    assert "nosuchsource" in archiver("captures", "nosuchsource", "--captures", str(demo.captures), expect=2).stderr


def test_the_wacz_holds_every_capture_and_passes_py_wacz_validation(demo: Demo) -> None:
    check = run(str(BIN / "wacz"), "validate", "-f", str(demo.wacz))
    assert "Validation succeeded" in check.stdout, check.stdout
    listed = read_manifest(demo.captures)
    with zipfile.ZipFile(demo.wacz) as wacz:
        names = set(wacz.namelist())
        for entry in listed:  # each WARC, byte for byte, under a name that says its source
            inside = f"archive/{entry['source']}-{Path(entry['path']).name}"
            assert hashlib.sha256(wacz.read(inside)).hexdigest() == entry["sha256"]
        assert {n for n in names if n.startswith("archive/")} == {
            f"archive/{e['source']}-{Path(e['path']).name}" for e in listed}
        package = json.loads(wacz.read("datapackage.json"))
        pages = [json.loads(line) for line in wacz.read("pages/pages.jsonl").decode("utf-8").splitlines()]
    assert package["wacz_version"] == "1.1.1" and package["title"].startswith("archiver captures: ")
    assert pages[0]["format"] == "json-pages-1.0"
    records = read_archive(demo.archive)
    expected = {}
    for record in records:  # one page per archived article, at the time of the capture it was made from
        date = read_pointer(demo.captures, record["capture"]).headers["WARC-Date"]
        expected[record["url"]] = {"url": record["url"], "title": record["title"], "ts": date[:19] + "Z"}
    assert sorted(pages[1:], key=lambda p: p["url"]) == sorted(expected.values(), key=lambda p: p["url"])
    assert f"{len(listed)} WARC file(s), {len(records)} page(s)" in demo.wacz_output


def test_a_wacz_is_never_overwritten(demo: Demo) -> None:
    before = demo.wacz.read_bytes()
    said = archiver("captures", "--captures", str(demo.captures), "--wacz", str(demo.wacz), expect=2)
    assert "never overwritten" in said.stderr and demo.wacz.read_bytes() == before
    one = demo.wacz.with_name("la.wacz")
    archiver("captures", "la", "--captures", str(demo.captures), "--wacz", str(one))
    with zipfile.ZipFile(one) as wacz:
        assert [n for n in wacz.namelist() if n.startswith("archive/")] == [
            f"archive/la-{Path(e['path']).name}" for e in read_manifest(demo.captures) if e["source"] == "la"]
    assert not list(demo.wacz.parent.glob(".*.part"))


# -- replay by offset --------------------------------------------------------------------------------------------


def served(record: dict[str, Any]) -> bytes:
    """What the demo server sent for a record's page: its file, the site's own address rewritten to the one it
    was served at (as ``archiver.demo.server`` does)."""
    parts = urlsplit(record["url"])
    page = DEMO_SITES / "la.usembassy.gov" / parts.path.strip("/") / "index.html"
    body = page.read_bytes()
    for origin in (b"https://la.usembassy.gov", b"http://la.usembassy.gov"):
        body = body.replace(origin, f"{parts.scheme}://{parts.netloc}".encode())
    return body


def replay(stream: Any, offset: int) -> Any:
    """The response record at ``offset`` of a WARC stream, read by warcio alone (seek, then one record)."""
    stream.seek(offset)
    record = next(iter(ArchiveIterator(stream)))
    assert record.rec_type == "response"
    return record


def test_a_demo_article_replays_by_offset_from_the_warc_and_from_the_wacz(demo: Demo) -> None:
    """pywb and replayweb.page do this: find the capture in an index, seek to it, serve its record. Here warcio
    does it, from the record's pointer in the WARC, and from the WACZ's own CDX index inside the zip."""
    record = next(r for r in read_archive(demo.archive) if r["source"] == "la" and "refers_to" not in r["capture"])
    expected = served(record)
    with (demo.captures / record["capture"]["warc"]).open("rb") as warc:
        response = replay(warc, record["capture"]["offset"])
        assert response.http_headers.get_statuscode() == "200"
        assert response.rec_headers.get_header("WARC-Target-URI") == record["url"]
        assert response.content_stream().read() == expected
    with zipfile.ZipFile(demo.wacz) as wacz:
        index = gzip.decompress(wacz.read("indexes/index.cdx.gz")).decode("utf-8").splitlines()
        lines = [json.loads(line.split(" ", 2)[2]) for line in index]
        found = [x for x in lines if x["url"] == record["url"] and x.get("status") == "200"]
        assert len(found) == 1
        with wacz.open(f"archive/{found[0]['filename']}") as member:
            inside = io.BytesIO(member.read())
        response = replay(inside, int(found[0]["offset"]))
        assert response.content_stream().read() == expected
        assert found[0]["filename"] == f"la-{Path(record['capture']['warc']).name}"
