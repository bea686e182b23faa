"""The archive index in PostgreSQL: the calls of ``archiver.state.index.ArchiveIndex``, with its rules.

- ``known`` answers new (None), unchanged (the same body hash) or revision N in one round trip, as SQLite does;
  the index still learns of a record only when the part holding it is finalised (``commit_file``).
- ``commit_file`` is one transaction sent in one round trip: every record's upsert and the part's row are sent
  in psycopg's pipeline mode with a single Sync, and statements between two Syncs, outside an explicit
  transaction block, run as one implicit transaction that PostgreSQL commits at the Sync, or rolls back whole
  when any of them fails. The upsert's winner is SQLite's (the higher revision, then the later ``fetched_at``), so
  parts committed late, twice or out of order by several machines end in the same rows.
- every call is safe to repeat, and is repeated on a new connection when the server went away
  (``archiver.state.pg.connection.Session``).

An index in PostgreSQL was never written by a version without the ``parts`` list, so ``parts_unrecorded`` is
always False here.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

import psycopg

from archiver.state.index import CaptureEntry, CaptureRow, Known, merge_lastmods, source_of_part
from archiver.state.pg.connection import Session

# The incoming record wins when its (revision, fetched_at) is at least the stored winner's: ``archiver.state.
# index.UPSERT``, in PostgreSQL's words (GREATEST/LEAST for SQLite's two-argument MAX/MIN).
_WINS = "(excluded.revision, excluded.last_seen) >= (a.revision, a.last_seen)"
UPSERT = f"""
INSERT INTO articles AS a (canonical_url, url, source, content_sha256, revision, archive_file,
                           first_seen, last_seen, sitemap_lastmod, published_at)
VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)
ON CONFLICT (canonical_url) DO UPDATE SET
  url = CASE WHEN {_WINS} THEN excluded.url ELSE a.url END,
  source = CASE WHEN {_WINS} THEN excluded.source ELSE a.source END,
  content_sha256 = CASE WHEN {_WINS} THEN excluded.content_sha256 ELSE a.content_sha256 END,
  archive_file = CASE WHEN {_WINS} THEN excluded.archive_file ELSE a.archive_file END,
  revision = GREATEST(a.revision, excluded.revision),
  first_seen = LEAST(a.first_seen, excluded.first_seen),
  last_seen = CASE WHEN {_WINS} THEN excluded.last_seen ELSE a.last_seen END,
  sitemap_lastmod = CASE WHEN {_WINS} THEN COALESCE(excluded.sitemap_lastmod, a.sitemap_lastmod)
                         ELSE COALESCE(a.sitemap_lastmod, excluded.sitemap_lastmod) END,
  published_at = CASE WHEN {_WINS} THEN COALESCE(excluded.published_at, a.published_at)
                      ELSE COALESCE(a.published_at, excluded.published_at) END
"""
PART_UPSERT = """
INSERT INTO parts (path, source, sha256, records, indexed_at) VALUES (%s, %s, %s, %s, %s)
ON CONFLICT (path) DO UPDATE SET source = excluded.source, sha256 = excluded.sha256,
  records = excluded.records, indexed_at = excluded.indexed_at
"""
CAPTURES_UPSERT = """
INSERT INTO captures AS c (url, payload_digest, source, warc, warc_offset, warc_length, record_id, captured_at)
VALUES (%s, %s, %s, %s, %s, %s, %s, %s)
ON CONFLICT (url, payload_digest) DO UPDATE SET
  source = excluded.source, warc = excluded.warc, warc_offset = excluded.warc_offset,
  warc_length = excluded.warc_length, record_id = excluded.record_id, captured_at = excluded.captured_at
WHERE excluded.captured_at >= c.captured_at
"""
_LOOKUP_CHUNK = 5000  # URLs per lastmods query (one round trip each)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _article_rows(archive_file: str, records: Iterable[dict[str, Any]]) -> tuple[list[tuple[Any, ...]], str]:
    rows = []
    source = source_of_part(archive_file)
    for record in records:
        seen = record.get("fetched_at") or ""
        rows.append((record["canonical_url"], record["url"], record["source"], record["content_sha256"],
                     record.get("revision", 1), archive_file, seen, seen, record.get("sitemap_lastmod"),
                     record.get("published_at")))
        source = source or record["source"]
    return rows, source or ""


class PgIndex:
    """A connection to the index in the database ``url``; like ``ArchiveIndex``, one per thread."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.location = url
        self.session = Session(url)
        self.session.run(lambda conn: None)  # connect now (and make the schema ready), as SQLite opens its file

    @property
    def db(self) -> psycopg.Connection:
        """The current connection (for tests and tools that read the tables directly)."""
        return self.session.run(lambda conn: conn)

    def close(self) -> None:
        self.session.close()

    def __enter__(self) -> PgIndex:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _one(self, sql: str, params: tuple[Any, ...]) -> tuple[Any, ...] | None:
        return self.session.run(lambda conn: conn.execute(sql, params).fetchone())

    def _all(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        return self.session.run(lambda conn: conn.execute(sql, params).fetchall())

    def _write(self, sql: str, params: tuple[Any, ...]) -> None:
        self.session.run(lambda conn: conn.execute(sql, params))

    # -- a crawl's lookups ------------------------------------------------------------------------------------

    def known(self, canonical_url: str) -> Known | None:
        row = self._one("SELECT content_sha256, revision, sitemap_lastmod FROM articles WHERE canonical_url = %s",
                        (canonical_url,))
        return Known(*row) if row else None

    def fetched_as(self, canonical_url: str) -> str | None:
        row = self._one("SELECT url FROM articles WHERE canonical_url = %s", (canonical_url,))
        return row[0] if row else None

    def lastmods(self, urls: Iterable[str]) -> dict[str, str | None]:
        wanted = list(dict.fromkeys(urls))
        found: dict[str, str | None] = {}
        for start in range(0, len(wanted), _LOOKUP_CHUNK):
            chunk = wanted[start:start + _LOOKUP_CHUNK]
            rows = self._all("SELECT url, canonical_url, sitemap_lastmod FROM articles "
                             "WHERE url = ANY(%s) OR canonical_url = ANY(%s)", (chunk, chunk))
            merge_lastmods(rows, set(chunk), found)
        return found

    def lastmod_for_url(self, url: str) -> str | None:
        row = self._one("SELECT sitemap_lastmod FROM articles WHERE url = %s OR canonical_url = %s LIMIT 1",
                        (url, url))
        return row[0] if row else None

    # -- finalised parts -------------------------------------------------------------------------------------

    @staticmethod
    def _insert(conn: psycopg.Connection, archive_file: str, rows: list[tuple[Any, ...]], source: str,
                sha256: str | None) -> None:
        with conn.cursor() as cursor:
            if rows:
                cursor.executemany(UPSERT, rows)
            cursor.execute(PART_UPSERT, (archive_file, source, sha256, len(rows), _now()))

    def commit_file(self, archive_file: str, records: Iterable[dict[str, Any]], *, sha256: str | None = None) -> int:
        rows, source = _article_rows(archive_file, records)

        def work(conn: psycopg.Connection) -> None:
            with conn.pipeline():  # one Sync: one round trip, one (implicit) transaction
                self._insert(conn, archive_file, rows, source, sha256)

        self.session.run(work)
        return len(rows)

    def rebuild_source(self, source: str, parts: Iterable[tuple[str, str | None, list[dict[str, Any]]]]) -> int:
        prepared = [(path, sha256, *_article_rows(path, records)) for path, sha256, records in parts]

        def work(conn: psycopg.Connection) -> None:
            with conn.pipeline():  # one Sync: one transaction (see ``commit_file``)
                for table in ("watermarks", "articles", "parts"):
                    conn.execute(f"DELETE FROM {table} WHERE source = %s", (source,))  # noqa: S608 - fixed names
                for path, sha256, rows, part_source in prepared:
                    self._insert(conn, path, rows, part_source, sha256)

        self.session.run(work)
        return sum(len(rows) for _, _, rows, _ in prepared)

    # -- what the index holds of a source ---------------------------------------------------------------------

    def indexed_parts(self, source: str) -> dict[str, str | None]:
        return dict(self._all("SELECT path, sha256 FROM parts WHERE source = %s", (source,)))  # type: ignore[arg-type]

    def holds_source(self, source: str) -> bool:
        return self._one("SELECT 1 FROM articles WHERE source = %s LIMIT 1", (source,)) is not None

    def parts_unrecorded(self, source: str) -> bool:
        return False

    def parts_recorded(self, source: str) -> None:
        return None

    def source_rows(self, source: str) -> list[tuple[str, str, int, str]]:
        return self._all("SELECT canonical_url, content_sha256, revision, archive_file FROM articles "  # type: ignore[return-value]
                         "WHERE source = %s", (source,))

    def sources(self) -> list[str]:
        return [row[0] for row in self._all("SELECT source FROM articles UNION SELECT source FROM parts ORDER BY 1")]

    def source_stats(self) -> list[tuple[str, int, str | None, str | None]]:
        return self._all(  # type: ignore[return-value]
            "SELECT source, COUNT(*), MIN(substr(published_at, 1, 10)), MAX(substr(published_at, 1, 10)) "
            "FROM articles GROUP BY source ORDER BY source")

    # -- watermarks -------------------------------------------------------------------------------------------

    def watermark(self, source: str) -> str | None:
        row = self._one("SELECT complete_since FROM watermarks WHERE source = %s", (source,))
        return row[0] if row else None

    def set_watermark(self, source: str, started_at: str, run_id: str) -> None:
        self._write(
            "INSERT INTO watermarks AS w (source, complete_since, run_id) VALUES (%s, %s, %s) ON CONFLICT (source) "
            "DO UPDATE SET complete_since = GREATEST(w.complete_since, excluded.complete_since), "
            "run_id = excluded.run_id", (source, started_at, run_id))

    def forget_watermark(self, source: str) -> None:
        self._write("DELETE FROM watermarks WHERE source = %s", (source,))

    # -- captures ---------------------------------------------------------------------------------------------

    def find_capture(self, url: str, payload_digest: str) -> CaptureRow | None:
        row = self._one("SELECT warc, warc_offset, warc_length, record_id, captured_at FROM captures "
                        "WHERE url = %s AND payload_digest = %s", (url, payload_digest))
        return tuple(row) if row else None  # type: ignore[return-value]

    def remember_captures(self, rows: list[CaptureEntry]) -> None:
        def work(conn: psycopg.Connection) -> None:
            with conn.pipeline(), conn.cursor() as cursor:  # one Sync: one transaction (see ``commit_file``)
                cursor.executemany(CAPTURES_UPSERT, rows)

        if rows:
            self.session.run(work)
