"""Captures replayed and packaged by the standard tools: ``archiver captures`` lists them and writes a WACZ
that py-wacz's own validator accepts, and a real pywb (``wb-manager``, ``wayback``) on 127.0.0.1 replays a demo
article from the WARCs and from the WACZ, byte for byte what the site sent.

The demo's captures are made once for the module (``archiver demo``); pywb runs in a folder of the test's own,
on a port it binds itself (``-p 0``), found from the process's listening sockets, and is stopped by the test.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import urllib.error
import urllib.request
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from archiver.archive.manifest import read_manifest

from .conftest import REPO, read_archive, wait_for
from .warcs import read_pointer

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


# -- pywb ---------------------------------------------------------------------------------------------------------


def listening_ports(pid: int) -> set[int]:
    """The TCP ports process ``pid`` listens on (from /proc: its sockets, and the kernel's table of them)."""
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[len("socket:["):-1])
    ports = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            if fields[3] == "0A" and fields[9] in inodes:  # 0A: LISTEN
                ports.add(int(fields[1].rsplit(":", 1)[1], 16))
    return ports


def get(url: str) -> tuple[int, dict[str, str], bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as answer:
            return answer.status, dict(answer.headers), answer.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()
    except OSError:
        return 0, {}, b""


def test_pywb_replays_a_demo_article_from_the_warcs_and_from_the_wacz(demo: Demo, tmp_path: Path) -> None:
    la_warcs = [str(demo.captures / e["path"]) for e in read_manifest(demo.captures) if e["source"] == "la"]
    run(str(BIN / "wb-manager"), "init", "demo", cwd=tmp_path)
    run(str(BIN / "wb-manager"), "add", "demo", *la_warcs, cwd=tmp_path)
    run(str(BIN / "wb-manager"), "init", "packaged", cwd=tmp_path)
    run(str(BIN / "wb-manager"), "add", "--unpack-wacz", "packaged", str(demo.wacz), cwd=tmp_path)
    record: dict[str, Any] = next(r for r in read_archive(demo.archive) if r["source"] == "la")
    sent = read_pointer(demo.captures, record["capture"]).payload
    wayback = subprocess.Popen([str(BIN / "wayback"), "-b", "127.0.0.1", "-p", "0"], cwd=tmp_path,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        front: list[int] = []

        def replaying() -> bool:
            # pywb listens twice (its front end and its internal WARC server); the front end replays
            assert wayback.poll() is None, wayback.stderr.read().decode() if wayback.stderr else ""
            for port in listening_ports(wayback.pid):
                if get(f"http://127.0.0.1:{port}/demo/id_/{record['url']}")[0] == 200:
                    front.append(port)
                    return True
            return False

        assert wait_for(replaying, timeout=60, interval=0.2), "wayback never replayed the article"
        base = f"http://127.0.0.1:{front[0]}"
        for collection in ("demo", "packaged"):
            status, headers, body = get(f"{base}/{collection}/id_/{record['url']}")
            assert status == 200 and body == sent, collection  # the bytes the site sent, unchanged
            assert "Memento-Datetime" in headers
            # the page as a reader sees it: its links rewritten to point into the collection
            status, _, page = get(f"{base}/{collection}/mp_/{record['url']}")
            assert status == 200 and record["title"].encode() in page
            assert f"/{collection}/".encode() in page and page != sent
    finally:
        wayback.terminate()
        try:
            wayback.wait(timeout=10)
        except subprocess.TimeoutExpired:
            wayback.kill()
            wayback.wait()
