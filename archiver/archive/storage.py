"""A feed storage that finalises archive parts atomically and records them in the manifest.

Scrapy's own file storage writes straight to the final path, so a crash leaves a half-written file under the
name readers glob for. This storage writes to a hidden temporary file beside the target and, when Scrapy
closes the feed: checks that the gzip stream is complete and counts its records, fsyncs, links it into place
(``os.link`` refuses to replace an existing file, so nothing is ever overwritten), removes the temporary name,
fsyncs the folder, and appends one line to ``manifest.jsonl``. A killed run leaves only ``.*.part`` files,
which no archive glob matches.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import zlib
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from scrapy.extensions.feedexport import BlockingFeedStorage
from w3lib.url import file_uri_to_path

from archiver.archive.manifest import ManifestEntry, append_manifest
from archiver.state.index import ArchiveIndex

TEMP_SUFFIX = ".part"


class ArchiveIntegrityError(RuntimeError):
    """A part failed its own check before being finalised (it stays as a temporary file)."""


def temp_path_for(final: Path) -> Path:
    return final.with_name(f".{final.name}.{os.getpid()}{TEMP_SUFFIX}")


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


INDEX_KEYS = ("canonical_url", "url", "source", "content_sha256", "revision", "fetched_at", "sitemap_lastmod",
              "published_at")


def part_records(path: Path) -> list[dict[str, Any]]:
    """The index-relevant fields of every record of a finalised part (read back from disk, so the index
    describes exactly what was written)."""
    import json

    with gzip.open(path, "rt", encoding="utf-8") as stream:
        return [{k: v for k, v in json.loads(line).items() if k in INDEX_KEYS} for line in stream if line.strip()]


def inspect_part(path: Path) -> tuple[int, int, str]:
    """Records, bytes and sha256 of a gzipped JSONL part; raises if the gzip stream is incomplete or corrupt."""
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as raw:
        for chunk in iter(lambda: raw.read(1 << 20), b""):
            digest.update(chunk)
            size += len(chunk)
    records = 0
    last = b"\n"
    try:
        with gzip.open(path, "rb") as stream:
            for chunk in iter(lambda: stream.read(1 << 20), b""):
                records += chunk.count(b"\n")
                last = chunk[-1:]
    except (OSError, EOFError, zlib.error) as exc:
        raise ArchiveIntegrityError(f"{path}: gzip stream is not complete: {exc}") from exc
    if last != b"\n":
        raise ArchiveIntegrityError(f"{path}: last record is not terminated by a newline")
    return records, size, digest.hexdigest()


class AtomicFileFeedStorage(BlockingFeedStorage):
    """Local-file feed storage with write-to-temp, verify, fsync, no-clobber link, and manifest entry."""

    def __init__(self, uri: str, *, feed_options: dict[str, Any] | None = None) -> None:
        self.path = Path(file_uri_to_path(uri) if uri.startswith("file://") else uri)
        self.options = feed_options or {}
        self.started_at = datetime.now(UTC)

    def open(self, spider: Any) -> IO[bytes]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        if self.path.exists():
            raise FileExistsError(f"{self.path} already exists; archive files are never overwritten")
        self.temp = temp_path_for(self.path)
        self.started_at = datetime.now(UTC)
        return self.temp.open("w+b")

    def _store_in_thread(self, file: IO[bytes]) -> None:
        file.flush()
        os.fsync(file.fileno())
        file.close()
        index = self.options.get("archiver_index")
        finalise_part(
            self.temp,
            self.path,
            root=Path(self.options.get("archiver_root") or self.path.parents[2]),
            run_id=self.options.get("archiver_run_id", ""),
            spider=self.options.get("archiver_spider", ""),
            source=self.options.get("archiver_source", ""),
            started_at=self.started_at,
            index=Path(index) if index else None,
        )


def finalise_part(
    temp: Path,
    final: Path,
    *,
    root: Path,
    run_id: str,
    spider: str,
    source: str,
    started_at: datetime,
    index: Path | None,
) -> ManifestEntry:
    """Check a written part, put it in place without replacing anything, list it, then index its records."""
    records, size, sha256 = inspect_part(temp)
    os.link(temp, final)  # FileExistsError instead of overwriting
    temp.unlink()
    _fsync_dir(final.parent)
    relative = final.relative_to(root).as_posix()
    entry = ManifestEntry(
        path=relative,
        records=records,
        bytes=size,
        sha256=sha256,
        run_id=run_id,
        spider=spider,
        source=source,
        started_at=started_at.isoformat(timespec="seconds"),
        finished_at=datetime.now(UTC).isoformat(timespec="seconds"),
    )
    append_manifest(root, entry)
    if index:  # only now, with the file final and listed, may the index claim its records
        with ArchiveIndex(index) as db:
            db.commit_file(relative, part_records(final), sha256=sha256)
    return entry
