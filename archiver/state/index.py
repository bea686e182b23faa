"""The cross-run index of what the archive holds, in SQLite.

One row per canonical URL: its latest archived body hash and revision, the archive file holding that
revision, when it was first and last archived, the sitemap ``lastmod`` it was fetched under, and its
``published_at`` (for ``archiver stats``). Rows are written only for records of a finalised archive file, in
one transaction per file, so the index never claims a record the archive lacks; a crash before that costs a
re-fetch, never a loss. Lookups are primary-key or indexed (O(log n)), so a run's cost per page does not
grow with the archive.

The index also lists the parts it has indexed (``parts``: path, source, sha256, records), written in the same
transaction as their records. That list is how a run notices, without reading a single record, that the index
lags the archive (deleted, restored from an old copy, or another ``--state`` pointed at the same archive):
every part the manifest lists but the index does not is read and indexed before discovery starts
(``archiver.state.catchup``).

Committing a part is an upsert whose winner does not depend on the order parts are committed in: the record
with the higher revision wins, and between equal revisions the later ``fetched_at``. So indexing parts late or
out of order (catching up, rebuilding) ends in the same rows as indexing them as they were finalised.

This is the embedded backend (one machine, no server). ``archiver.state.pg`` implements the same calls on
PostgreSQL for several machines; ``archiver.state.backend.open_index`` picks one from the index's location, and
the tests run the same guarantees against both.
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from archiver.durable import fsync_path
from archiver.paths import data_dir

SCHEMA = """
CREATE TABLE IF NOT EXISTS articles (
    canonical_url   TEXT PRIMARY KEY,
    url             TEXT NOT NULL,
    source          TEXT NOT NULL,
    content_sha256  TEXT NOT NULL,
    revision        INTEGER NOT NULL,
    archive_file    TEXT NOT NULL,
    first_seen      TEXT NOT NULL,
    last_seen       TEXT NOT NULL,
    sitemap_lastmod TEXT,
    published_at    TEXT
);
CREATE INDEX IF NOT EXISTS articles_url ON articles(url);
CREATE INDEX IF NOT EXISTS articles_source ON articles(source);
CREATE TABLE IF NOT EXISTS parts (
    path        TEXT PRIMARY KEY,
    source      TEXT NOT NULL,
    sha256      TEXT,
    records     INTEGER NOT NULL,
    indexed_at  TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS parts_source ON parts(source);
CREATE TABLE IF NOT EXISTS unrecorded_parts_sources (
    source TEXT PRIMARY KEY
);
CREATE TABLE IF NOT EXISTS watermarks (
    source         TEXT PRIMARY KEY,
    complete_since TEXT NOT NULL,
    run_id         TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS captures (
    url            TEXT NOT NULL,
    payload_digest TEXT NOT NULL,
    source         TEXT NOT NULL,
    warc           TEXT NOT NULL,
    offset         INTEGER NOT NULL,
    length         INTEGER NOT NULL,
    record_id      TEXT NOT NULL,
    captured_at    TEXT NOT NULL,
    PRIMARY KEY (url, payload_digest)
) WITHOUT ROWID;
"""

# The incoming record wins when its (revision, fetched_at) is at least the stored winner's (``last_seen`` is the
# winner's ``fetched_at``), so the outcome is the same in whatever order records are committed.
_WINS = "(excluded.revision, excluded.last_seen) >= (articles.revision, articles.last_seen)"
UPSERT = f"""
INSERT INTO articles (canonical_url, url, source, content_sha256, revision, archive_file,
                      first_seen, last_seen, sitemap_lastmod, published_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT(canonical_url) DO UPDATE SET
  url = CASE WHEN {_WINS} THEN excluded.url ELSE articles.url END,
  source = CASE WHEN {_WINS} THEN excluded.source ELSE articles.source END,
  content_sha256 = CASE WHEN {_WINS} THEN excluded.content_sha256 ELSE articles.content_sha256 END,
  archive_file = CASE WHEN {_WINS} THEN excluded.archive_file ELSE articles.archive_file END,
  revision = MAX(articles.revision, excluded.revision),
  first_seen = MIN(articles.first_seen, excluded.first_seen),
  last_seen = CASE WHEN {_WINS} THEN excluded.last_seen ELSE articles.last_seen END,
  sitemap_lastmod = CASE WHEN {_WINS} THEN COALESCE(excluded.sitemap_lastmod, articles.sitemap_lastmod)
                         ELSE COALESCE(articles.sitemap_lastmod, excluded.sitemap_lastmod) END,
  published_at = CASE WHEN {_WINS} THEN COALESCE(excluded.published_at, articles.published_at)
                      ELSE COALESCE(articles.published_at, excluded.published_at) END
"""


# The last full response record of a payload (``archiver.captures.revisits``); the incoming capture replaces the
# stored one when it is at least as recent.
CAPTURES_UPSERT = """
INSERT INTO captures (url, payload_digest, source, warc, offset, length, record_id, captured_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT(url, payload_digest) DO UPDATE SET
  source = excluded.source, warc = excluded.warc, offset = excluded.offset, length = excluded.length,
  record_id = excluded.record_id, captured_at = excluded.captured_at
WHERE excluded.captured_at >= captures.captured_at
"""
_CHUNK = 400  # SQLite's host-parameter limit is 999 on old builds; two IN lists per query


@dataclass(frozen=True)
class Known:
    content_sha256: str
    revision: int
    sitemap_lastmod: str | None


# A capture as the captures table holds it: (warc, offset, length, record_id, captured_at).
CaptureRow = tuple[str, int, int, str, str]
# What ``remember_captures`` takes: (url, payload_digest, source, warc, offset, length, record_id, captured_at).
CaptureEntry = tuple[str, str, str, str, int, int, str, str]


def merge_lastmods(rows: Iterable[tuple[str, str, str | None]], wanted: set[str],
                   found: dict[str, str | None]) -> None:
    """Fold (url, canonical_url, sitemap_lastmod) rows into ``found``: every wanted key a row matches, with the
    first lastmod that is not None (a key the index holds is present even when its lastmod is None)."""
    for url, canonical, lastmod in rows:
        for key in (url, canonical):
            if key in wanted and found.get(key) is None:
                found[key] = lastmod


def index_path(state_dir: str | Path | None = None) -> Path:
    return Path(state_dir) / "index.sqlite" if state_dir else data_dir() / "state" / "index.sqlite"


class IndexUnreadable(sqlite3.DatabaseError):
    """The index file is not a readable SQLite database (a torn copy, a disk error, another file put in its
    place). A subclass of ``sqlite3.DatabaseError``, so whatever already fails loudly on one still does; the
    message says the way out."""

    def __init__(self, path: Path, error: BaseException | str) -> None:
        self.path = path
        self.problem = str(error)
        super().__init__(f"the index {path} is not a readable SQLite database ({self.problem}); `archiver verify "
                         "--repair` sets it aside and rebuilds it from the archive's parts")


def is_damage(error: sqlite3.Error) -> bool:
    """Whether an SQLite error says the file itself is damaged (not a database, or corrupt), as opposed to busy,
    full or read-only, which setting the file aside would not cure."""
    if isinstance(error, IndexUnreadable):
        return True
    code = getattr(error, "sqlite_errorcode", None)
    return code is not None and code & 0xFF in (sqlite3.SQLITE_NOTADB, sqlite3.SQLITE_CORRUPT)


# How long a connection waits for another writer of the index (SQLite's busy timeout, and the opening's retries).
BUSY_SECONDS = 30


def _is_busy(error: sqlite3.Error) -> bool:
    code = getattr(error, "sqlite_errorcode", None)
    return code is not None and code & 0xFF in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)


def set_aside(path: Path) -> Path:
    """Move a damaged index (and its ``-wal`` and ``-shm`` files) beside itself as ``<name>.unreadable-<UTC
    time>``, never replacing a file and never deleting one; returns the new path of the main file."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    companions = [Path(f"{path}{suffix}") for suffix in ("", "-wal", "-shm")]
    present = [c for c in companions if c.exists()]
    number = 0
    while True:
        target = path.with_name(f"{path.name}.unreadable-{stamp}" + (f".{number}" if number else ""))
        moves = [(c, Path(f"{target}{c.name[len(path.name):]}")) for c in present]
        if not any(new.exists() for _, new in moves):
            break
        number += 1
    for old, new in moves:
        os.link(old, new)  # never replaces a file (a rename would)
        old.unlink()
    fsync_path(path.parent)
    return target


def source_of_part(path: str) -> str | None:
    """The source named by a part's partition folder (``source=<name>/date=.../file``)."""
    head = path.split("/", 1)[0]
    return head[len("source="):] if head.startswith("source=") else None


def _now() -> str:
    from datetime import UTC, datetime

    return datetime.now(UTC).isoformat(timespec="seconds")


class ArchiveIndex:
    """A connection to the index; open one per thread (SQLite connections are not shared across threads)."""

    def __init__(self, path: Path) -> None:
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.location = path
        self.db = sqlite3.connect(path, timeout=BUSY_SECONDS, isolation_level=None)
        deadline = time.monotonic() + BUSY_SECONDS
        while True:
            try:
                self._set_up()
                break
            except sqlite3.Error as exc:
                if _is_busy(exc) and time.monotonic() < deadline:
                    # Several crawls of one process opening a new index at once: switching it to WAL answers
                    # "database is locked" at once, without SQLite's busy wait; the opening is tried again.
                    time.sleep(0.02)
                    continue
                self.db.close()
                if is_damage(exc):
                    raise IndexUnreadable(path, exc) from exc
                raise

    def _set_up(self) -> None:
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=FULL")
        tables = {row[0] for row in self.db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        self.db.executescript(SCHEMA)
        if "articles" in tables and "parts" not in tables:
            # An index written before parts were recorded: its sources' parts are read once, quietly, by the
            # next run of each (``archiver.state.catchup``), instead of being taken for a lagging index.
            self.db.execute("INSERT OR IGNORE INTO unrecorded_parts_sources SELECT DISTINCT source FROM articles")

    def close(self) -> None:
        self.db.close()

    def damage(self) -> str | None:
        """What SQLite's own check of the file's structure (``PRAGMA quick_check``) finds wrong, or None."""
        found = [str(row[0]) for row in self.db.execute("PRAGMA quick_check")]
        return None if found == ["ok"] else "; ".join(found[:3])

    def __enter__(self) -> ArchiveIndex:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def known(self, canonical_url: str) -> Known | None:
        row = self.db.execute(
            "SELECT content_sha256, revision, sitemap_lastmod FROM articles WHERE canonical_url = ?", (canonical_url,)
        ).fetchone()
        return Known(*row) if row else None

    def fetched_as(self, canonical_url: str) -> str | None:
        """The address the archived record of ``canonical_url`` was fetched from, or None if not archived."""
        row = self.db.execute("SELECT url FROM articles WHERE canonical_url = ?", (canonical_url,)).fetchone()
        return row[0] if row else None

    def lastmods(self, urls: Iterable[str]) -> dict[str, str | None]:
        """For each URL (fetched or canonical address, normalised) the index holds, the sitemap lastmod it was
        archived under (None when it had none)."""
        wanted = list(dict.fromkeys(urls))
        found: dict[str, str | None] = {}
        for start in range(0, len(wanted), _CHUNK):
            chunk = wanted[start:start + _CHUNK]
            marks = ",".join("?" * len(chunk))
            rows = self.db.execute(
                f"SELECT url, canonical_url, sitemap_lastmod FROM articles "  # noqa: S608 - placeholders only
                f"WHERE url IN ({marks}) OR canonical_url IN ({marks})", (*chunk, *chunk)
            ).fetchall()
            merge_lastmods(rows, set(chunk), found)
        return found

    def lastmod_for_url(self, url: str) -> str | None:
        """The sitemap lastmod under which ``url`` (fetched address, normalised) was last archived."""
        row = self.db.execute(
            "SELECT sitemap_lastmod FROM articles WHERE url = ? OR canonical_url = ? LIMIT 1", (url, url)
        ).fetchone()
        return row[0] if row else None

    def commit_file(self, archive_file: str, records: Iterable[dict[str, Any]], *, sha256: str | None = None) -> int:
        """Record every record of a finalised archive file, and the file itself, atomically. Returns the number
        of rows written. ``sha256`` is the part's checksum as listed in the manifest, when the caller has it."""
        self.db.execute("BEGIN IMMEDIATE")
        try:
            rows = self._insert(archive_file, records, sha256)
            self.db.execute("COMMIT")
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        return rows

    def _insert(self, archive_file: str, records: Iterable[dict[str, Any]], sha256: str | None) -> int:
        rows = 0
        source = source_of_part(archive_file)
        for record in records:
            seen = record.get("fetched_at") or ""
            self.db.execute(
                UPSERT,
                (record["canonical_url"], record["url"], record["source"], record["content_sha256"],
                 record.get("revision", 1), archive_file, seen, seen, record.get("sitemap_lastmod"),
                 record.get("published_at")),
            )
            rows += 1
            source = source or record["source"]
        self.db.execute(
            """INSERT INTO parts (path, source, sha256, records, indexed_at) VALUES (?, ?, ?, ?, ?)
               ON CONFLICT(path) DO UPDATE SET source = excluded.source, sha256 = excluded.sha256,
                 records = excluded.records, indexed_at = excluded.indexed_at""",
            (archive_file, source or "", sha256, rows, _now()),
        )
        return rows

    def rebuild_source(self, source: str, parts: Iterable[tuple[str, str | None, list[dict[str, Any]]]]) -> int:
        """Replace everything the index holds of ``source`` by the records of ``parts`` ((path, sha256, records),
        in manifest order), in one transaction: the index ends exactly as if those parts alone had been
        finalised. Returns the number of records read. The source's watermark goes too: records the rebuild
        does not bring back must be listed (and fetched) again by the next run, not skipped as unmodified."""
        rows = 0
        self.db.execute("BEGIN IMMEDIATE")
        try:
            self.db.execute("DELETE FROM watermarks WHERE source = ?", (source,))
            self.db.execute("DELETE FROM articles WHERE source = ?", (source,))
            self.db.execute("DELETE FROM parts WHERE source = ?", (source,))
            self.db.execute("DELETE FROM unrecorded_parts_sources WHERE source = ?", (source,))
            for path, sha256, records in parts:
                rows += self._insert(path, records, sha256)
            self.db.execute("COMMIT")
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        return rows

    def indexed_parts(self, source: str) -> dict[str, str | None]:
        """The parts of ``source`` whose records the index holds: path -> sha256 (None when not recorded)."""
        return dict(self.db.execute("SELECT path, sha256 FROM parts WHERE source = ?", (source,)).fetchall())

    def holds_source(self, source: str) -> bool:
        """Whether the index holds any record of ``source``."""
        return self.db.execute("SELECT 1 FROM articles WHERE source = ? LIMIT 1", (source,)).fetchone() is not None

    def parts_unrecorded(self, source: str) -> bool:
        """Whether this index predates the list of parts for ``source`` (so an unlisted part is not a lag)."""
        return self.db.execute("SELECT 1 FROM unrecorded_parts_sources WHERE source = ?", (source,)).fetchone() \
            is not None

    def parts_recorded(self, source: str) -> None:
        self.db.execute("DELETE FROM unrecorded_parts_sources WHERE source = ?", (source,))

    def source_rows(self, source: str) -> list[tuple[str, str, int, str]]:
        """(canonical_url, content_sha256, revision, archive_file) of every record of ``source``."""
        return self.db.execute(
            "SELECT canonical_url, content_sha256, revision, archive_file FROM articles WHERE source = ?", (source,)
        ).fetchall()

    def sources(self) -> list[str]:
        return [row[0] for row in self.db.execute(
            "SELECT source FROM articles UNION SELECT source FROM parts ORDER BY 1")]

    def watermark(self, source: str) -> str | None:
        """When the last run that saw every post of ``source`` started (see ``archiver.state.watermarks``)."""
        row = self.db.execute("SELECT complete_since FROM watermarks WHERE source = ?", (source,)).fetchone()
        return row[0] if row else None

    def set_watermark(self, source: str, started_at: str, run_id: str) -> None:
        self.db.execute(
            "INSERT INTO watermarks (source, complete_since, run_id) VALUES (?, ?, ?) ON CONFLICT(source) DO UPDATE "
            "SET complete_since = MAX(watermarks.complete_since, excluded.complete_since), run_id = excluded.run_id",
            (source, started_at, run_id))

    def forget_watermark(self, source: str) -> None:
        self.db.execute("DELETE FROM watermarks WHERE source = ?", (source,))

    def source_stats(self) -> list[tuple[str, int, str | None, str | None]]:
        """Per source: records indexed, earliest and latest ``published_at`` (by day)."""
        return self.db.execute(
            "SELECT source, COUNT(*), MIN(substr(published_at, 1, 10)), MAX(substr(published_at, 1, 10)) "
            "FROM articles GROUP BY source ORDER BY source"
        ).fetchall()

    def find_capture(self, url: str, payload_digest: str) -> CaptureRow | None:
        """The last full response record holding this payload of ``url`` (``archiver.captures.revisits``)."""
        row = self.db.execute("SELECT warc, offset, length, record_id, captured_at FROM captures "
                              "WHERE url = ? AND payload_digest = ?", (url, payload_digest)).fetchone()
        return tuple(row) if row else None  # type: ignore[return-value]

    def remember_captures(self, rows: list[CaptureEntry]) -> None:
        """Record the full response records of a finalised WARC, in one transaction."""
        self.db.execute("BEGIN IMMEDIATE")
        try:
            self.db.executemany(CAPTURES_UPSERT, rows)
            self.db.execute("COMMIT")
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
