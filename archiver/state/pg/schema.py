"""The state's tables in PostgreSQL, and their migrations.

The index's tables mirror the SQLite ones (``archiver.state.index``) column for column. Every text column that
is compared or sorted is ``COLLATE "C"``: ISO 8601 times and URLs must compare byte by byte as SQLite compares
them, never by a locale's rules (which skip punctuation), or the upsert's winner would depend on the server's
locale.

``MIGRATIONS`` is applied in order at the first connection of each process (``archiver.state.pg.connection``),
under a transaction-level advisory lock so two workers starting together do not race; ``archiver_schema``
records the version reached. A new migration is appended, never edited.
"""

from __future__ import annotations

SCHEMA_VERSION_TABLE = """
CREATE TABLE IF NOT EXISTS archiver_schema (
    version    INTEGER NOT NULL,
    applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
)
"""

MIGRATIONS: list[str] = [
    # 1: the index, the captures' revisit table, the lock holders, the run reports registry
    """
    CREATE TABLE IF NOT EXISTS articles (
        canonical_url   TEXT COLLATE "C" PRIMARY KEY,
        url             TEXT COLLATE "C" NOT NULL,
        source          TEXT COLLATE "C" NOT NULL,
        content_sha256  TEXT COLLATE "C" NOT NULL,
        revision        INTEGER NOT NULL,
        archive_file    TEXT COLLATE "C" NOT NULL,
        first_seen      TEXT COLLATE "C" NOT NULL,
        last_seen       TEXT COLLATE "C" NOT NULL,
        sitemap_lastmod TEXT COLLATE "C",
        published_at    TEXT COLLATE "C"
    );
    CREATE INDEX IF NOT EXISTS articles_url ON articles (url);
    CREATE INDEX IF NOT EXISTS articles_source ON articles (source);
    CREATE TABLE IF NOT EXISTS parts (
        path        TEXT COLLATE "C" PRIMARY KEY,
        source      TEXT COLLATE "C" NOT NULL,
        sha256      TEXT COLLATE "C",
        records     INTEGER NOT NULL,
        indexed_at  TEXT COLLATE "C" NOT NULL
    );
    CREATE INDEX IF NOT EXISTS parts_source ON parts (source);
    CREATE TABLE IF NOT EXISTS watermarks (
        source         TEXT COLLATE "C" PRIMARY KEY,
        complete_since TEXT COLLATE "C" NOT NULL,
        run_id         TEXT COLLATE "C" NOT NULL
    );
    CREATE TABLE IF NOT EXISTS captures (
        url            TEXT COLLATE "C" NOT NULL,
        payload_digest TEXT COLLATE "C" NOT NULL,
        source         TEXT COLLATE "C" NOT NULL,
        warc           TEXT COLLATE "C" NOT NULL,
        warc_offset    BIGINT NOT NULL,
        warc_length    BIGINT NOT NULL,
        record_id      TEXT COLLATE "C" NOT NULL,
        captured_at    TEXT COLLATE "C" NOT NULL,
        PRIMARY KEY (url, payload_digest)
    );
    CREATE TABLE IF NOT EXISTS source_locks (
        source      TEXT COLLATE "C" PRIMARY KEY,
        lock_key    BIGINT NOT NULL,
        generation  BIGINT NOT NULL,
        pid         INTEGER NOT NULL,
        host        TEXT NOT NULL,
        run_id      TEXT NOT NULL,
        started_at  TEXT NOT NULL,
        backend_pid INTEGER NOT NULL,
        acquired_at TIMESTAMPTZ NOT NULL DEFAULT now()
    );
    CREATE TABLE IF NOT EXISTS runs (
        id          BIGSERIAL PRIMARY KEY,
        run_id      TEXT COLLATE "C" NOT NULL,
        host        TEXT NOT NULL,
        pid         INTEGER NOT NULL,
        started_at  TEXT COLLATE "C",
        finished_at TEXT COLLATE "C",
        exit_code   INTEGER,
        report      JSON NOT NULL,
        recorded_at TIMESTAMPTZ NOT NULL DEFAULT now(),
        UNIQUE (run_id, host, pid)
    );
    CREATE INDEX IF NOT EXISTS runs_started ON runs (started_at);
    """,
]

# The key of the transaction-level advisory lock taken while migrating (an arbitrary constant of ours).
MIGRATION_LOCK_KEY = 0x61726368_69766572 & 0x7FFFFFFFFFFFFFFF
