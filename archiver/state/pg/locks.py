"""Per-source locks shared by every machine: PostgreSQL session advisory locks.

A run takes ``pg_try_advisory_lock(key)`` (the key derived from the source's name) on a connection of its own,
held for the whole run. The server releases a session lock when the session ends, however the holder ended
(exit, SIGKILL, a machine that lost power, once TCP keepalives notice), so, like ``flock``, a lock never
outlives its holder. Who holds it (pid, host, run id, start) is in ``source_locks``, written by the holder
once it has the lock, so a refused run can say who holds the source, and a run finding the row of a holder
that is gone says that it took over.

The lock's connection can break while its holder runs: a server restart ends every session and so releases
every lock. The holder checks its connection every ``ARCHIVER_STATE_LOCK_CHECK_SECONDS`` (default 5) and, when
it broke, connects again and takes the lock back, but only when nobody took it in between (the row is still
its own: every taker writes its own row with a new ``generation``). Otherwise, or when the server stays away
longer than ``ARCHIVER_STATE_RECONNECT_SECONDS``, the lock is lost: ``on_lost`` is called, and the guard fails
the source loudly (``lock_lost``) and stops its crawl.

So that another run cannot take a source in the seconds after a restart while its holder is reconnecting, a
row whose lock was taken before the server's last start is honoured for a grace period after that start (the
reconnect time plus one check): the newcomer is refused as by a live holder, unless that holder was a process
of the newcomer's own machine that is dead. A holder elsewhere that died while the server was down thus blocks
its sources for that grace period only.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import socket
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import psycopg

from archiver.state.locks import LockBusy, pid_alive
from archiver.state.pg.connection import connect, reconnect_seconds

logger = logging.getLogger(__name__)

DEFAULT_CHECK_SECONDS = 5.0
_HOLDER_COLUMNS = "pid, host, run_id, started_at, generation, backend_pid, acquired_at"


def lock_key(source: str) -> int:
    """The advisory lock key of a source: 64 bits of a hash of its name (a collision would only make two
    sources wait for each other, never let one be crawled twice)."""
    digest = hashlib.sha256(f"archiver source lock\0{source}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


def check_seconds() -> float:
    try:
        return max(0.2, float(os.environ.get("ARCHIVER_STATE_LOCK_CHECK_SECONDS", DEFAULT_CHECK_SECONDS)))
    except ValueError:
        return DEFAULT_CHECK_SECONDS


def _holder(row: tuple[Any, ...] | None) -> dict[str, Any]:
    if row is None:
        return {}
    pid, host, run_id, started_at, generation, backend_pid, acquired_at = row
    return {"pid": pid, "host": host, "run_id": run_id, "started_at": started_at, "generation": generation,
            "backend_pid": backend_pid, "acquired_at": acquired_at.isoformat(timespec="seconds")}


class PgSourceLock:
    """The lock of one source in the database ``url`` (the same use as ``archiver.state.locks.SourceLock``)."""

    def __init__(self, url: str, source: str, run_id: str = "",
                 on_lost: Callable[[str, str], None] | None = None,
                 on_retaken: Callable[[str], None] | None = None) -> None:
        self.url = url
        self.source = source
        self.run_id = run_id
        self.on_lost = on_lost
        self.on_retaken = on_retaken
        self.key = lock_key(source)
        self.took_over: dict | None = None
        self.generation = 0
        self.lost: str | None = None
        self.retaken = 0
        self._conn: psycopg.Connection | None = None
        self._mutex = threading.Lock()
        self._stop = threading.Event()
        self._watcher: threading.Thread | None = None

    # -- taking and releasing -------------------------------------------------------------------------------

    def acquire(self) -> PgSourceLock:
        """Take the lock or raise ``LockBusy``; sets ``took_over`` when a gone holder's row was left behind."""
        conn = connect(self.url)
        try:
            got = conn.execute("SELECT pg_try_advisory_lock(%s)", (self.key,)).fetchone()[0]
            if not got:
                raise LockBusy(self.source, self._live_holder(conn))
            previous = conn.execute(f"SELECT {_HOLDER_COLUMNS} FROM source_locks WHERE source = %s",
                                    (self.source,)).fetchone()
            if previous is not None:
                waiting = self._restart_grace(conn, previous)
                if waiting:
                    conn.execute("SELECT pg_advisory_unlock(%s)", (self.key,))
                    raise LockBusy(self.source, {**_holder(previous), "note": waiting})
                self.took_over = _holder(previous)
            self.generation = int(previous[4]) + 1 if previous is not None else 1
            conn.execute(
                "INSERT INTO source_locks (source, lock_key, generation, pid, host, run_id, started_at, backend_pid, "
                "acquired_at) VALUES (%s, %s, %s, %s, %s, %s, %s, pg_backend_pid(), now()) ON CONFLICT (source) DO "
                "UPDATE SET lock_key = excluded.lock_key, generation = excluded.generation, pid = excluded.pid, "
                "host = excluded.host, run_id = excluded.run_id, started_at = excluded.started_at, "
                "backend_pid = excluded.backend_pid, acquired_at = excluded.acquired_at",
                (self.source, self.key, self.generation, os.getpid(), socket.gethostname(), self.run_id,
                 datetime.now(UTC).isoformat(timespec="seconds")))
        except BaseException:
            conn.close()  # ends the session: an advisory lock taken above goes with it
            raise
        self._conn = conn
        self._watcher = threading.Thread(target=self._watch, name=f"archiver-lock-{self.source}", daemon=True)
        self._watcher.start()
        return self

    def release(self) -> None:
        """Delete the holder's row (only if it is still ours) and end the session, which releases the lock."""
        self._stop.set()
        if self._watcher is not None and self._watcher is not threading.current_thread():
            self._watcher.join(timeout=reconnect_seconds() + 10)
        self._watcher = None
        with self._mutex:
            conn, self._conn = self._conn, None
            if conn is None:
                return
            try:
                if self.lost is None:
                    conn.execute("DELETE FROM source_locks WHERE source = %s AND generation = %s",
                                 (self.source, self.generation))
                    conn.execute("SELECT pg_advisory_unlock(%s)", (self.key,))
            except psycopg.Error as exc:  # the session's end releases the lock; the row says "gone" to the next
                logger.warning("%s: could not remove the lock's holder row cleanly (%s); the next run takes the "
                               "lock over", self.source, exc)
            finally:
                conn.close()

    # -- who holds it ----------------------------------------------------------------------------------------

    def _live_holder(self, conn: psycopg.Connection) -> dict[str, Any]:
        """The row of the session that holds the lock now (it writes its row just after taking the lock, so a
        refused run may look a moment before it appears)."""
        high, low = (self.key >> 32) & 0xFFFFFFFF, self.key & 0xFFFFFFFF
        deadline = time.monotonic() + 2.0
        while True:
            row = conn.execute(
                f"SELECT {_HOLDER_COLUMNS}, backend_pid IN (SELECT pid FROM pg_locks WHERE locktype = 'advisory' "
                "AND granted AND classid = %s AND objid = %s AND objsubid = 1) FROM source_locks WHERE source = %s",
                (high, low, self.source)).fetchone()
            if (row is not None and row[-1]) or time.monotonic() >= deadline:
                return _holder(row[:-1]) if row is not None else {}
            time.sleep(0.05)

    def _restart_grace(self, conn: psycopg.Connection, previous: tuple[Any, ...]) -> str | None:
        """Why a gone holder's row must still be honoured: it held the lock before the server's last start,
        and may be reconnecting to take it back."""
        pid, host, acquired = previous[0], previous[1], previous[6]
        if host == socket.gethostname() and not pid_alive(pid):
            return None  # a holder of this machine that is dead will take nothing back
        row = conn.execute("SELECT pg_postmaster_start_time(), now()").fetchone()
        started, now = row[0], row[1]
        grace = reconnect_seconds() + check_seconds() + 5
        if acquired < started and (now - started).total_seconds() < grace:
            return (f"it held the lock when the state server restarted at {started.isoformat(timespec='seconds')} "
                    f"and may be taking it back; try again after {grace:.0f} s from then")
        return None

    # -- keeping it ------------------------------------------------------------------------------------------

    def _watch(self) -> None:
        interval = check_seconds()
        while not self._stop.wait(interval):
            if self.check() is not None:
                return

    def check(self) -> str | None:
        """Make sure the lock is still held (the watcher thread does this every few seconds): when its
        connection broke, take it back. Returns None while it is held, else why it was lost (``on_lost`` is
        called once)."""
        if self.lost is not None:
            return self.lost
        with self._mutex:
            if self._conn is None:
                return None  # released
            try:
                self._conn.execute("SELECT 1")
                return None
            except psycopg.Error as exc:
                logger.warning("%s: the lock's connection to the state database broke (%s); taking the lock "
                               "back", self.source, str(exc).strip().splitlines()[0] if str(exc) else exc)
                with contextlib.suppress(Exception):  # already broken
                    self._conn.close()
                self._conn = None
            reason = self._take_back()
            if self._stop.is_set():
                return None  # released meanwhile: nothing to keep
            if reason is None:
                self.retaken += 1
            else:
                self.lost = reason
        if reason is None:
            logger.warning("%s: lock taken back after the state database came back", self.source)
            if self.on_retaken:
                self.on_retaken(self.source)
            return None
        logger.error("%s: lock lost: %s", self.source, reason)
        if self.on_lost:
            self.on_lost(self.source, reason)
        return reason

    def _take_back(self) -> str | None:
        """Reconnect and take the lock again if nobody took it meanwhile; None on success, else why not."""
        deadline = time.monotonic() + reconnect_seconds()
        delay = 0.1
        while not self._stop.is_set():
            try:
                conn = connect(self.url)
            except psycopg.Error as exc:
                if time.monotonic() >= deadline:
                    return f"the state database could not be reached for {reconnect_seconds():.0f} s ({exc})"
                time.sleep(min(delay, max(0.0, deadline - time.monotonic())))
                delay = min(delay * 2, 2.0)
                continue
            try:
                got = conn.execute("SELECT pg_try_advisory_lock(%s)", (self.key,)).fetchone()[0]
                row = conn.execute("SELECT generation, pid, host, run_id FROM source_locks WHERE source = %s",
                                   (self.source,)).fetchone()
                ours = row is not None and (int(row[0]), row[1], row[2], row[3]) == (
                    self.generation, os.getpid(), socket.gethostname(), self.run_id)
                if got and ours:
                    conn.execute("UPDATE source_locks SET backend_pid = pg_backend_pid(), acquired_at = now() "
                                 "WHERE source = %s AND generation = %s", (self.source, self.generation))
                    self._conn = conn
                    return None
                conn.close()
                if not got:
                    return "another run holds the source's lock now"
                return "another run took the source's lock while the connection was broken"
            except psycopg.Error as exc:
                conn.close()
                if time.monotonic() >= deadline:
                    return f"the lock could not be taken back ({exc})"
        return "stopped"
