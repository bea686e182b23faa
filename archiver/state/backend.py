"""One interface to the shared state, two backends: SQLite and ``flock`` on one machine, PostgreSQL for many.

``StateIndex`` is every call the code makes of the archive index (the crawl's lookups through
``IndexReader``, the storage's commit of a finalised part, the catch-up, salvage, verify and repair, the
watermarks, ``archiver stats``, the captures' revisit table). ``SourceLockLike`` is a per-source lock. The
backend is chosen by the location the caller already holds (``archiver.state.location``): a path is the SQLite
index (``archiver.state.index.ArchiveIndex``) or the ``flock`` folder (``archiver.state.locks.SourceLock``), a
``postgresql://`` URL the database (``archiver.state.pg``). Both keep the same rules: the index only learns of
records in finalised parts, a part's commit is one transaction whose outcome does not depend on the order parts
are committed in, and a lock is released by the system when its holder dies.
"""

from __future__ import annotations

import sqlite3
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Protocol

from archiver.state.index import ArchiveIndex, CaptureEntry, CaptureRow, Known
from archiver.state.location import IndexLocation, is_database_url


class StateIndex(Protocol):
    """What both index backends answer (see ``archiver.state.index.ArchiveIndex`` for each call's rule)."""

    location: IndexLocation

    def close(self) -> None: ...
    def __enter__(self) -> StateIndex: ...
    def __exit__(self, *exc: object) -> None: ...
    # a crawl's lookups
    def known(self, canonical_url: str) -> Known | None: ...
    def fetched_as(self, canonical_url: str) -> str | None: ...
    def lastmods(self, urls: Iterable[str]) -> dict[str, str | None]: ...
    def lastmod_for_url(self, url: str) -> str | None: ...
    # a finalised part, and rebuilding a source from its parts
    def commit_file(self, archive_file: str, records: Iterable[dict[str, Any]], *,
                    sha256: str | None = None) -> int: ...
    def rebuild_source(self, source: str,
                       parts: Iterable[tuple[str, str | None, list[dict[str, Any]]]]) -> int: ...
    # what the index holds of a source
    def indexed_parts(self, source: str) -> dict[str, str | None]: ...
    def holds_source(self, source: str) -> bool: ...
    def parts_unrecorded(self, source: str) -> bool: ...
    def parts_recorded(self, source: str) -> None: ...
    def source_rows(self, source: str) -> list[tuple[str, str, int, str]]: ...
    def sources(self) -> list[str]: ...
    def source_stats(self) -> list[tuple[str, int, str | None, str | None]]: ...
    # until when a source is known complete
    def watermark(self, source: str) -> str | None: ...
    def set_watermark(self, source: str, started_at: str, run_id: str) -> None: ...
    def forget_watermark(self, source: str) -> None: ...
    # the captures' revisit table
    def find_capture(self, url: str, payload_digest: str) -> CaptureRow | None: ...
    def remember_captures(self, rows: list[CaptureEntry]) -> None: ...


class SourceLockLike(Protocol):
    source: str
    took_over: dict | None

    def acquire(self) -> SourceLockLike: ...
    def release(self) -> None: ...


def open_index(location: IndexLocation) -> StateIndex:
    """A connection to the index at ``location``; open one per thread, close it (or use ``with``)."""
    if is_database_url(location):
        from archiver.state.pg.index import PgIndex

        return PgIndex(str(location))
    return ArchiveIndex(Path(location))


def index_exists(location: IndexLocation) -> bool:
    """Whether there is an index there, without creating one: the SQLite file; in a database, an index that
    holds a part or a record (the database itself is shared by the locks and the run reports)."""
    if is_database_url(location):
        from archiver.state.pg.connection import index_present

        return index_present(str(location))
    return Path(location).exists()


def source_lock(locks: IndexLocation, source: str, run_id: str = "", **options: Any) -> SourceLockLike:
    """The lock of ``source``: a ``flock`` file in the folder ``locks``, or a session advisory lock in the
    database ``locks`` names (``options`` go to that backend: ``on_lost``)."""
    if is_database_url(locks):
        from archiver.state.pg.locks import PgSourceLock

        return PgSourceLock(str(locks), source, run_id=run_id, **options)
    from archiver.state.locks import SourceLock

    return SourceLock(Path(locks), source, run_id=run_id)


def state_errors() -> tuple[type[BaseException], ...]:
    """The exceptions a failing state store raises (for code that degrades instead of failing: a revisit hint,
    a watermark). psycopg's are among them once the PostgreSQL backend has been imported."""
    errors: list[type[BaseException]] = [sqlite3.Error, OSError]
    psycopg = sys.modules.get("psycopg")
    if psycopg is not None:
        errors.append(psycopg.Error)
    from archiver.state.pg.errors import StateUnavailable

    errors.append(StateUnavailable)
    return tuple(errors)
