"""Connections to the state database: the schema made ready once per process, and a connection that is opened
again when the server goes away (a restart, a failover, a dropped network link).

Every call of the index is one transaction that is safe to repeat: reads, upserts whose result is the same
however often they run, deletes. So ``Session.run`` may simply run a call again on a new connection when the
old one broke, even when the break came while committing (the commit either happened, and the repeat changes
nothing, or it did not, and the repeat does it). Only the connection breaking is retried: an error the server
answered with (a constraint, a bad value) is raised at once. When the server stays away longer than
``reconnect_seconds()`` (``ARCHIVER_STATE_RECONNECT_SECONDS``, default 60), ``StateUnavailable`` is raised: the
caller fails loudly (a part that cannot be indexed fails its source; the next run indexes it), never silently.
Once a call has given up, the process's next calls to that server fail after one try, for as long again, rather
than each waiting the whole time (a crawl would otherwise wait that long for every page in flight).
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
import time
from collections.abc import Callable
from typing import TypeVar

import psycopg

from archiver.state.location import shown_url
from archiver.state.pg.errors import StateUnavailable
from archiver.state.pg.schema import MIGRATION_LOCK_KEY, MIGRATIONS, SCHEMA_VERSION_TABLE

logger = logging.getLogger(__name__)

T = TypeVar("T")
DEFAULT_RECONNECT_SECONDS = 60.0
_ready: set[str] = set()
_ready_lock = threading.Lock()
# When a call of this process last gave up on a server (by URL): later calls fail after one try instead of each
# waiting again, until a connection succeeds.
_given_up: dict[str, float] = {}
# Failures that waiting cannot cure: wrong password or role, no such database, no permission.
_PERMANENT_SQLSTATE_CLASSES = ("28", "3D", "42")


def reconnect_seconds() -> float:
    """How long a call keeps trying to reach the server again before it gives up."""
    try:
        return max(0.0, float(os.environ.get("ARCHIVER_STATE_RECONNECT_SECONDS", DEFAULT_RECONNECT_SECONDS)))
    except ValueError:
        return DEFAULT_RECONNECT_SECONDS


def connect(url: str, *, schema: bool = True) -> psycopg.Connection:
    """A new autocommit connection (TCP keepalives on, so a dead peer is noticed), the schema made ready first
    if this process has not done so for ``url`` yet."""
    conn = psycopg.connect(url, autocommit=True, connect_timeout=10, application_name="archiver",
                           keepalives=1, keepalives_idle=30, keepalives_interval=10, keepalives_count=3)
    if schema and url not in _ready:
        try:
            ensure_schema(conn)
        except BaseException:
            conn.close()
            raise
        with _ready_lock:
            _ready.add(url)
    return conn


def ensure_schema(conn: psycopg.Connection) -> int:
    """Create or migrate the state's tables (idempotent; concurrent callers wait for each other). Returns the
    schema version."""
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (MIGRATION_LOCK_KEY,))
        conn.execute(SCHEMA_VERSION_TABLE)
        row = conn.execute("SELECT COALESCE(MAX(version), 0) FROM archiver_schema").fetchone()
        version = int(row[0]) if row else 0
        for number, migration in enumerate(MIGRATIONS[version:], start=version + 1):
            conn.execute(migration)
            conn.execute("INSERT INTO archiver_schema (version) VALUES (%s)", (number,))
            version = number
    return version


def index_present(url: str) -> bool:
    """Whether the database holds an index: its tables, with a part or a record in them (tables a lock or a
    run report created are not an index), without creating anything."""
    with connect(url, schema=False) as conn:
        row = conn.execute("SELECT to_regclass('articles') IS NOT NULL AND to_regclass('parts') IS NOT NULL"
                           ).fetchone()
        if not (row and row[0]):
            return False
        row = conn.execute("SELECT EXISTS (SELECT 1 FROM articles) OR EXISTS (SELECT 1 FROM parts)").fetchone()
    return bool(row and row[0])


def connection_lost(conn: psycopg.Connection | None) -> bool:
    """Whether an OperationalError came from the connection itself (closed, broken) rather than a statement."""
    return conn is None or conn.closed or conn.broken


def permanent(exc: psycopg.OperationalError) -> bool:
    """A failure to connect that no wait will cure (authentication, a missing database, permissions)."""
    state = getattr(exc, "sqlstate", None) or ""
    if state[:2] in _PERMANENT_SQLSTATE_CLASSES:
        return True
    text = str(exc)
    return "password authentication failed" in text or ("database" in text and "does not exist" in text) or \
        ("role" in text and "does not exist" in text)


class Session:
    """One connection, opened on first use and opened again when the server went away (see the module)."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.conn: psycopg.Connection | None = None
        self.reconnects = 0

    def run(self, work: Callable[[psycopg.Connection], T]) -> T:
        deadline: float | None = None
        delay = 0.1
        while True:
            conn = self.conn
            try:
                if conn is None or conn.closed:
                    conn = self.conn = connect(self.url)
                    if deadline is not None or _given_up.pop(self.url, None) is not None:
                        self.reconnects += 1
                        logger.warning("state database %s reached again", shown_url(self.url))
                return work(conn)
            except psycopg.OperationalError as exc:
                if self.conn is not None and not connection_lost(self.conn):
                    raise  # the server answered: not a connection problem
                if self.conn is None and permanent(exc):
                    raise StateUnavailable(f"cannot connect to the state database {shown_url(self.url)}: "
                                           f"{exc}") from exc
                self.drop()
                now = time.monotonic()
                if deadline is None:
                    recently = _given_up.get(self.url)
                    if recently is not None and now - recently < reconnect_seconds():
                        raise StateUnavailable(f"the state database {shown_url(self.url)} is still unreachable "
                                               f"({exc})") from exc
                    deadline = now + reconnect_seconds()
                    logger.warning("state database %s: connection lost or refused (%s); trying again for up to "
                                   "%.0f s", shown_url(self.url), str(exc).strip().splitlines()[0] if str(exc)
                                   else type(exc).__name__, deadline - now)
                if now >= deadline:
                    _given_up[self.url] = now
                    raise StateUnavailable(f"the state database {shown_url(self.url)} could not be reached for "
                                           f"{reconnect_seconds():.0f} s: {exc}") from exc
                time.sleep(min(delay, max(0.0, deadline - now)))
                delay = min(delay * 2, 2.0)

    def drop(self) -> None:
        if self.conn is not None:
            with contextlib.suppress(Exception):  # a broken connection may fail to close; it is gone anyway
                self.conn.close()
            self.conn = None

    def close(self) -> None:
        self.drop()
