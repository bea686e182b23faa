"""The atomic feed storage: temporary names, verification, no overwriting, manifest lines, and a failure at every
stage that is kept, described and never half-finalised. Faults are real (a file-size limit, a folder where a file
should be), not patched calls."""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
import resource
import signal
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from scrapy.statscollectors import MemoryStatsCollector
from scrapy.utils.test import get_crawler

from archiver.archive.ledger import ArchiveLedger, StorageFailure
from archiver.archive.manifest import ManifestEntry, read_manifest
from archiver.archive.storage import (
    ArchiveIntegrityError,
    AtomicFileFeedStorage,
    PartFailed,
    archive_uri,
    inspect_part,
)

PART = "source=la/date=2024-06-18/r1-0001.jsonl.gz"


def make_storage(root: Path, name: str = "r1-0001.jsonl.gz", index: Path | None = None) -> AtomicFileFeedStorage:
    path = root / "source=la" / "date=2024-06-18" / name
    return AtomicFileFeedStorage(
        archive_uri(path),
        feed_options={"archiver_root": str(root), "archiver_run_id": "r1", "archiver_spider": "embassy",
                      "archiver_source": "la", "archiver_index": str(index) if index else None},
    )


def record(n: int) -> dict:
    url = f"https://la.usembassy.gov/{n}/"
    return {"url": url, "canonical_url": url, "source": "la", "content_sha256": f"{n:064d}", "title": "ສະບາຍດີ"}


def write_part(storage: AtomicFileFeedStorage, lines: list[dict]) -> ManifestEntry:
    handle = storage.open(None)
    payload = "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines).encode()
    with gzip.GzipFile(fileobj=handle, mode="wb", mtime=0) as stream:
        stream.write(payload)
    return storage._store_in_thread(handle)


def failure_of(storage: AtomicFileFeedStorage, handle: object) -> StorageFailure:
    with pytest.raises(PartFailed) as failed:
        storage._store_in_thread(handle)
    return failed.value.failure


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
    again = make_storage(tmp_path)
    handle = again.open(None)  # refused, but quietly: the exporter must not see an exception
    handle.write(b"ignored")
    failure = failure_of(again, handle)
    assert (failure.stage, failure.part, failure.source) == ("open", PART, "la")
    assert "FileExistsError" in failure.error
    # A file that appears while a part is being written is not replaced either; the part stays for salvage.
    other = make_storage(tmp_path, "r1-0003.jsonl.gz")
    handle = other.open(None)
    other.path.write_bytes(b"someone else's file")
    with gzip.GzipFile(fileobj=handle, mode="wb") as stream:
        stream.write(b'{"n": 2}\n')
    failure = failure_of(other, handle)
    assert failure.stage == "link" and "File exists" in failure.error
    assert other.path.read_bytes() == b"someone else's file"
    assert other.temp.exists()
    assert first.path.read_bytes() == before
    assert len(read_manifest(tmp_path)) == 1


@contextmanager
def file_size_limit(limit: int) -> Iterator[None]:
    """A real RLIMIT_FSIZE for this process (Python ignores SIGXFSZ, so writes past it fail with EFBIG)."""
    assert signal.getsignal(signal.SIGXFSZ) == signal.SIG_IGN
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))


def test_a_write_error_is_kept_not_raised_and_the_part_is_not_finalised(tmp_path: Path) -> None:
    storage = make_storage(tmp_path)
    handle = storage.open(None)
    noise = os.urandom(256 * 1024)  # does not compress: the gzip stream outgrows the limit at once
    with file_size_limit(64 * 1024):
        with gzip.GzipFile(fileobj=handle, mode="wb", mtime=0) as stream:
            stream.write(noise)  # would raise EFBIG; the part file keeps the error instead
            stream.write(noise)
        handle.close()
    failure = failure_of(storage, handle)
    assert failure.stage == "write" and "File too large" in failure.error
    assert not storage.path.exists() and read_manifest(tmp_path) == []
    # What reached the disk is a clean prefix of the stream (nothing after the error), kept for salvage.
    whole = io.BytesIO()
    with gzip.GzipFile(fileobj=whole, mode="wb", mtime=0) as stream:
        stream.write(noise)
        stream.write(noise)
    kept = storage.temp.read_bytes()
    assert 0 < len(kept) <= 64 * 1024 and kept == whole.getvalue()[: len(kept)]


def test_a_part_that_is_not_a_complete_gzip_stream_is_not_finalised(tmp_path: Path) -> None:
    storage = make_storage(tmp_path)
    handle = storage.open(None)
    handle.write(gzip.compress(b'{"n": 1}\n{"n": 2}\n')[:-8])  # the trailer never written
    failure = failure_of(storage, handle)
    assert failure.stage == "check" and "not complete" in failure.error
    assert storage.temp.exists() and not storage.path.exists()


def test_an_index_that_cannot_be_written_leaves_the_part_whole_but_unlisted(tmp_path: Path) -> None:
    index = tmp_path / "index.sqlite"
    index.mkdir()  # SQLite cannot open a folder
    storage = make_storage(tmp_path / "archive", index=index)
    handle = storage.open(None)
    with gzip.GzipFile(fileobj=handle, mode="wb", mtime=0) as stream:
        stream.write("".join(json.dumps(record(n)) + "\n" for n in range(3)).encode())
    failure = failure_of(storage, handle)
    assert failure.stage == "index" and "OperationalError" in failure.error
    # Complete and in place (the next run lists and indexes it), but not listed, so not counted as archived.
    assert inspect_part(storage.path)[0] == 3
    assert read_manifest(tmp_path / "archive") == []


def test_a_manifest_that_cannot_be_appended_to_leaves_an_indexed_unlisted_part(tmp_path: Path) -> None:
    archive, index = tmp_path / "archive", tmp_path / "index.sqlite"
    (archive / "manifest.jsonl").mkdir(parents=True)  # appending to it fails
    storage = make_storage(archive, index=index)
    handle = storage.open(None)
    with gzip.GzipFile(fileobj=handle, mode="wb", mtime=0) as stream:
        stream.write("".join(json.dumps(record(n)) + "\n" for n in range(2)).encode())
    failure = failure_of(storage, handle)
    assert failure.stage == "manifest" and "IsADirectoryError" in failure.error
    assert storage.path.exists()
    with sqlite3.connect(index) as db:
        assert db.execute("SELECT count(*) FROM articles WHERE archive_file = ?", (PART,)).fetchone() == (2,)


def test_a_manifest_line_cut_short_by_a_full_disk_fails_the_part_and_is_fenced_off(tmp_path: Path) -> None:
    earlier = json.dumps({"path": "source=la/date=2024-06-17/r0-0001.jsonl.gz", "note": "x" * 2000}) + "\n"
    (tmp_path / "manifest.jsonl").write_text(earlier, "utf-8")
    storage = make_storage(tmp_path)
    handle = storage.open(None)
    with gzip.GzipFile(fileobj=handle, mode="wb", mtime=0) as stream:
        stream.write(b'{"n": 1}\n')
    with file_size_limit(len(earlier) + 40):  # room for the part, and for 40 bytes of its manifest line
        failure = failure_of(storage, handle)
    assert failure.stage == "manifest" and "File too large" in failure.error
    assert (tmp_path / "manifest.jsonl").stat().st_size == len(earlier) + 40  # a torn line...
    assert [e["path"] for e in read_manifest(tmp_path)] == [json.loads(earlier)["path"]]  # ...that readers skip
    assert storage.path.exists()  # whole, unlisted: the next run lists it
    write_part(make_storage(tmp_path, "r1-0002.jsonl.gz"), [{"n": 2}])  # the next line starts on a line of its own
    assert [e["path"].rsplit("/", 1)[1] for e in read_manifest(tmp_path)] == ["r0-0001.jsonl.gz", "r1-0002.jsonl.gz"]


def test_the_ledger_counts_what_was_stored_and_what_was_not() -> None:
    stats = MemoryStatsCollector(get_crawler())
    stats.set_value("archiver/source/la/records", 7)
    stats.set_value("archiver/source/vn/records", 2)
    ledger = ArchiveLedger(stats)
    ledger.stored(ManifestEntry(path=PART, records=3, bytes=10, sha256="0", run_id="r1", spider="embassy",
                                source="la", started_at="", finished_at=""))
    ledger.stored(ManifestEntry(path="source=vn/x.jsonl.gz", records=2, bytes=10, sha256="0", run_id="r1",
                                spider="embassy", source="vn", started_at="", finished_at=""))
    ledger.failed(StorageFailure(source="la", part="source=la/y.jsonl.gz", stage="write", error="OSError: full"))
    ledger.settle(["la", "vn"])
    ledger.settle(["la", "vn"])  # idempotent
    values = stats.get_stats()
    assert values["archiver/source/la/archived"] == 3 and values["archiver/source/la/files"] == 1
    assert values["archiver/source/la/storage_errors"] == 1 and values["archiver/storage_errors"] == 1
    assert values["archiver/source/la/not_stored"] == 4
    assert "archiver/source/vn/not_stored" not in values and values["archiver/archived"] == 5
    assert ledger.failure_report({"la"}) == [{"source": "la", "part": "source=la/y.jsonl.gz", "stage": "write",
                                              "error": "OSError: full"}]
    assert [f["path"] for f in ledger.files({"vn"})] == ["source=vn/x.jsonl.gz"]


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
