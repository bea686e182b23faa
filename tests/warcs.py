"""Reading WARCs without the code under test: a plain gzip-member reader, a pointer reader, and the checks
every WARC a test writes must pass (the real ``warcio check`` command, warcio's reader, the manifest, the CDXJ
beside each file, which must be what the real ``cdxj-indexer`` command makes of the WARC)."""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
import subprocess
import sys
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from warcio.archiveiterator import ArchiveIterator

from archiver.archive.manifest import read_manifest

WARCIO = str(Path(sys.executable).parent / "warcio")
CDXJ_INDEXER = str(Path(sys.executable).parent / "cdxj-indexer")


@dataclass
class Record:
    warc: Path
    offset: int
    length: int
    headers: dict[str, str]  # WARC header fields (one value each)
    block: bytes

    @property
    def type(self) -> str:
        return self.headers["WARC-Type"]

    @property
    def url(self) -> str:
        return self.headers.get("WARC-Target-URI", "")

    @property
    def http_head(self) -> bytes:
        return self.block[: self.block.index(b"\r\n\r\n") + 4]

    @property
    def payload(self) -> bytes:
        return self.block[len(self.http_head):]

    def http_lines(self) -> list[bytes]:
        return self.http_head[:-4].split(b"\r\n")


def parse_member(warc: Path, offset: int, member: bytes) -> Record:
    data = gzip.decompress(member)
    end = data.index(b"\r\n\r\n")
    lines = data[:end].decode("utf-8").split("\r\n")
    assert lines[0] == "WARC/1.1"
    headers = dict(line.split(": ", 1) for line in lines[1:])
    length = int(headers["Content-Length"])
    block = data[end + 4: end + 4 + length]
    assert len(block) == length and data[end + 4 + length:] == b"\r\n\r\n", "a record is its block and two CRLFs"
    return Record(warc, offset, len(member), headers, block)


def warc_records(warc: Path) -> list[Record]:
    """Every record of a WARC, one gzip member each, in file order."""
    data = warc.read_bytes()
    records, position = [], 0
    while position < len(data):
        inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
        inflater.decompress(data[position:])
        assert inflater.eof, f"{warc}: a gzip member is cut at {position}"
        end = len(data) - len(inflater.unused_data)
        records.append(parse_member(warc, position, data[position:end]))
        position = end
    return records


def read_pointer(root: Path, pointer: dict[str, Any]) -> Record:
    """Seek to a pointer's offset, read its length, and parse that one record."""
    warc = root / pointer["warc"]
    with warc.open("rb") as stream:
        stream.seek(pointer["offset"])
        member = stream.read(pointer["length"])
    return parse_member(warc, pointer["offset"], member)


def sha1_digest(payload: bytes) -> str:
    return "sha1:" + base64.b32encode(hashlib.sha1(payload).digest()).decode()


def listed_warcs(root: Path) -> list[Path]:
    return sorted(root / e["path"] for e in read_manifest(root))


def check_warcs(root: Path, sources: set[str]) -> list[Path]:
    """Every finalised WARC: listed in the manifest exactly as it is on disk, passing ``warcio check``, readable
    by warcio's reader, with a CDXJ beside it that finds each response and revisit at its offset."""
    on_disk = sorted(root.glob("source=*/date=*/*.warc.gz"))
    assert listed_warcs(root) == on_disk, "manifest and WARCs on disk differ"
    assert on_disk, "no WARC was written"
    check = subprocess.run([WARCIO, "check", "-v", *map(str, on_disk)], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    assert "digest pass" in check.stdout and "failed" not in check.stdout
    for entry in read_manifest(root):
        warc = root / entry["path"]
        raw = warc.read_bytes()
        assert (entry["bytes"], entry["sha256"]) == (len(raw), hashlib.sha256(raw).hexdigest())
        records = warc_records(warc)
        assert entry["records"] == len(records)
        assert entry["source"] in sources and entry["path"].startswith(f"source={entry['source']}/")
        assert records[0].type == "warcinfo"
        with warc.open("rb") as stream:
            read = [(r.rec_type, r.rec_headers.get_header("WARC-Record-ID")) for r in ArchiveIterator(stream)]
        assert read == [(r.type, r.headers["WARC-Record-ID"]) for r in records]
        ours = (root / entry["cdxj"]).read_text("utf-8")
        theirs = subprocess.run([CDXJ_INDEXER, "--sort", "--dir-root", str(root), str(warc)], capture_output=True,
                                text=True, check=True).stdout
        assert ours == theirs, f"{entry['cdxj']} differs from what cdxj-indexer makes of {entry['path']}"
        lines = ours.splitlines()
        indexed = [r for r in records if r.type in ("response", "revisit")]
        assert len(lines) == len(indexed)
        by_offset = {r.offset: r for r in records}
        for line in lines:
            fields = json.loads(line.split(" ", 2)[2])
            record = by_offset[int(fields["offset"])]
            assert fields["filename"] == entry["path"] and int(fields["length"]) == record.length
            assert fields["url"] == record.url and fields["digest"] == record.headers["WARC-Payload-Digest"]
    return on_disk


def hidden_warc(final: Path) -> Path | None:
    """The hidden file a WARC is written under until it is finalised (``.<name>.<pid>.part``), if there is one."""
    found = sorted(final.parent.glob(f".{final.name}.*.part"))
    assert len(found) <= 1, found
    return found[0] if found else None


def resolve_pointer(root: Path, pointer: dict[str, Any], *, allow_hidden: bool) -> Record:
    """The record a pointer leads to, in its finalised WARC or (``allow_hidden``: right after a kill or a
    storage fault) in the hidden file it is still written under."""
    final = root / pointer["warc"]
    path = final
    if not final.exists():
        hidden = hidden_warc(final) if allow_hidden else None
        assert hidden is not None, f"{pointer['warc']} is neither finalised nor left for salvage"
        path = hidden
    with path.open("rb") as stream:
        stream.seek(pointer["offset"])
        member = stream.read(pointer["length"])
    return parse_member(path, pointer["offset"], member)


def assert_points_at_its_response(root: Path, record: dict[str, Any], *, allow_hidden: bool = False) -> None:
    """A record's capture pointer leads to the response (or revisit) of its URL, whose payload digest is the
    pointer's and, for a response, the SHA-1 of the payload the record holds."""
    pointer = record["capture"]
    found = resolve_pointer(root, pointer, allow_hidden=allow_hidden)
    assert found.url == record["url"], (found.url, record["url"])
    assert found.headers["WARC-Payload-Digest"] == pointer["digest"]
    if found.type == "response":
        assert sha1_digest(found.payload) == pointer["digest"]
    else:
        assert found.type == "revisit"
        original = resolve_pointer(root, pointer["refers_to"], allow_hidden=allow_hidden)
        assert sha1_digest(original.payload) == pointer["digest"]
