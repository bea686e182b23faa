"""The atomic feed storage: temporary names, verification, no overwriting, manifest lines."""

from __future__ import annotations

import gzip
import hashlib
import json
from pathlib import Path

import pytest

from archiver.archive.manifest import read_manifest
from archiver.archive.storage import ArchiveIntegrityError, AtomicFileFeedStorage, inspect_part


def make_storage(root: Path, name: str = "r1-0001.jsonl.gz") -> AtomicFileFeedStorage:
    path = root / "source=la" / "date=2024-06-18" / name
    return AtomicFileFeedStorage(
        str(path),
        feed_options={"archiver_root": str(root), "archiver_run_id": "r1", "archiver_spider": "embassy",
                      "archiver_source": "la"},
    )


def write_part(storage: AtomicFileFeedStorage, lines: list[dict]) -> None:
    handle = storage.open(None)
    payload = "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines).encode()
    with gzip.GzipFile(fileobj=handle, mode="wb", mtime=0) as stream:
        stream.write(payload)
    storage._store_in_thread(handle)


def test_part_is_invisible_until_finalised_then_listed(tmp_path: Path) -> None:
    storage = make_storage(tmp_path)
    handle = storage.open(None)
    assert not storage.path.exists()
    assert storage.temp.name.startswith(".") and storage.temp.name.endswith(".part")
    assert list(tmp_path.glob("source=*/date=*/*.jsonl.gz")) == []
    handle.close()
    storage2 = make_storage(tmp_path, "r1-0002.jsonl.gz")
    write_part(storage2, [{"title": "ສະບາຍດີ"}, {"title": "two"}])
    (entry,) = read_manifest(tmp_path)
    raw = storage2.path.read_bytes()
    assert entry["path"] == "source=la/date=2024-06-18/r1-0002.jsonl.gz"
    assert (entry["records"], entry["bytes"], entry["sha256"]) == (2, len(raw), hashlib.sha256(raw).hexdigest())
    assert (entry["run_id"], entry["spider"], entry["source"]) == ("r1", "embassy", "la")
    assert "ສະບາຍດີ" in gzip.decompress(raw).decode()
    assert not storage2.temp.exists()


def test_existing_files_are_never_overwritten(tmp_path: Path) -> None:
    first = make_storage(tmp_path)
    write_part(first, [{"n": 1}])
    before = first.path.read_bytes()
    with pytest.raises(FileExistsError):
        make_storage(tmp_path).open(None)
    # A file that appears while a part is being written is not replaced either.
    other = make_storage(tmp_path, "r1-0003.jsonl.gz")
    handle = other.open(None)
    other.path.write_bytes(b"someone else's file")
    with gzip.GzipFile(fileobj=handle, mode="wb") as stream:
        stream.write(b'{"n": 2}\n')
    with pytest.raises(FileExistsError):
        other._store_in_thread(handle)
    assert other.path.read_bytes() == b"someone else's file"
    assert first.path.read_bytes() == before
    assert len(read_manifest(tmp_path)) == 1


def test_incomplete_gzip_is_refused(tmp_path: Path) -> None:
    part = tmp_path / "x.jsonl.gz"
    part.write_bytes(gzip.compress(b'{"a": 1}\n{"b": 2}\n')[:-6])
    with pytest.raises(ArchiveIntegrityError):
        inspect_part(part)
    part.write_bytes(gzip.compress(b'{"a": 1}\n{"b"'))
    with pytest.raises(ArchiveIntegrityError):
        inspect_part(part)


def test_torn_manifest_line_is_skipped_and_fenced(tmp_path: Path) -> None:
    (tmp_path / "manifest.jsonl").write_text('{"path": "a", "records": 1}\n{"path": "b", "rec')
    assert [e["path"] for e in read_manifest(tmp_path)] == ["a"]
    storage = make_storage(tmp_path)
    write_part(storage, [{"n": 1}])
    assert [e["path"] for e in read_manifest(tmp_path)] == ["a", "source=la/date=2024-06-18/r1-0001.jsonl.gz"]
