"""The cross-run index of what the archive holds, in SQLite.

One row per canonical URL: its latest archived body hash and revision, the archive file holding that
revision, when it was first and last archived, the sitemap ``lastmod`` it was fetched under, and its
``published_at`` (for ``archiver stats``). Rows are written only for records of a finalised archive file, in
one transaction per file, so the index never claims a record the archive lacks; a crash before that costs a
re-fetch, never a loss. Lookups are primary-key or indexed (O(log n)), so a run's cost per page does not
grow with the archive.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

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
"""


@dataclass(frozen=True)
class Known:
    content_sha256: str
    revision: int
    sitemap_lastmod: str | None


def index_path(state_dir: str | Path | None = None) -> Path:
    return Path(state_dir) / "index.sqlite" if state_dir else data_dir() / "state" / "index.sqlite"


class ArchiveIndex:
    """A connection to the index; open one per thread (SQLite connections are not shared across threads)."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.db = sqlite3.connect(path, timeout=30, isolation_level=None)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=FULL")
        self.db.executescript(SCHEMA)

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> ArchiveIndex:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def known(self, canonical_url: str) -> Known | None:
        row = self.db.execute(
            "SELECT content_sha256, revision, sitemap_lastmod FROM articles WHERE canonical_url = ?", (canonical_url,)
        ).fetchone()
        return Known(*row) if row else None

    def lastmod_for_url(self, url: str) -> str | None:
        """The sitemap lastmod under which ``url`` (fetched address, normalised) was last archived."""
        row = self.db.execute(
            "SELECT sitemap_lastmod FROM articles WHERE url = ? OR canonical_url = ? LIMIT 1", (url, url)
        ).fetchone()
        return row[0] if row else None

    def commit_file(self, archive_file: str, records: Iterable[dict[str, Any]]) -> int:
        """Record every record of a finalised archive file, atomically. Returns the number of rows written."""
        rows = 0
        self.db.execute("BEGIN IMMEDIATE")
        try:
            for record in records:
                seen = record.get("fetched_at", "")
                self.db.execute(
                    """INSERT INTO articles (canonical_url, url, source, content_sha256, revision, archive_file,
                                             first_seen, last_seen, sitemap_lastmod, published_at)
                       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                       ON CONFLICT(canonical_url) DO UPDATE SET
                         url = excluded.url, content_sha256 = excluded.content_sha256,
                         revision = MAX(articles.revision, excluded.revision), archive_file = excluded.archive_file,
                         last_seen = excluded.last_seen,
                         sitemap_lastmod = COALESCE(excluded.sitemap_lastmod, articles.sitemap_lastmod),
                         published_at = COALESCE(excluded.published_at, articles.published_at)""",
                    (record["canonical_url"], record["url"], record["source"], record["content_sha256"],
                     record.get("revision", 1), archive_file, seen, seen, record.get("sitemap_lastmod"),
                     record.get("published_at")),
                )
                rows += 1
            self.db.execute("COMMIT")
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        return rows

    def source_stats(self) -> list[tuple[str, int, str | None, str | None]]:
        """Per source: records indexed, earliest and latest ``published_at`` (by day)."""
        return self.db.execute(
            "SELECT source, COUNT(*), MIN(substr(published_at, 1, 10)), MAX(substr(published_at, 1, 10)) "
            "FROM articles GROUP BY source ORDER BY source"
        ).fetchall()
