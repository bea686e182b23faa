"""The two state backends as the tests see them, so one test shows one guarantee on both.

A test that takes the ``state_backend`` fixture (``tests/conftest.py``) runs twice: with a state folder
(SQLite index, ``flock`` locks) and with a PostgreSQL database of its own on the session's real server
(``tests/pg.py``). ``state(name)`` is what the test gives ``--state``; ``index(name)`` and ``locks(name)``
what it gives the library; each ``name`` is a separate deployment (another folder, another database).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import psycopg

from archiver.state.backend import index_exists
from archiver.state.location import IndexLocation

from .pg import PostgresServer


class StateBackend:
    def __init__(self, name: str, tmp: Path, server: PostgresServer | None = None) -> None:
        self.name = name
        self.tmp = tmp
        self.server = server
        self._urls: dict[str, str] = {}

    @property
    def shared(self) -> bool:
        return self.server is not None

    def url(self, name: str = "state") -> str:
        assert self.server is not None
        if name not in self._urls:
            self._urls[name] = self.server.new_database()
        return self._urls[name]

    def state(self, name: str = "state") -> str:
        """The ``--state`` argument of deployment ``name``."""
        return self.url(name) if self.shared else str(self.tmp / name)

    def index(self, name: str = "state") -> IndexLocation:
        return self.url(name) if self.shared else self.tmp / name / "index.sqlite"

    def locks(self, name: str = "state") -> IndexLocation:
        return self.url(name) if self.shared else self.tmp / name / "locks"

    def scrapy_settings(self, name: str = "state") -> list[str]:
        """``-s`` arguments of a ``scrapy crawl`` with this deployment's state."""
        if self.shared:
            return ["-s", f"ARCHIVER_STATE_URL={self.url(name)}"]
        return ["-s", f"ARCHIVER_STATE_DIR={self.tmp / name}"]

    def lock_holder(self, source: str, name: str = "state") -> dict[str, Any]:
        """Who the lock of ``source`` says holds it ({} when released cleanly or never taken)."""
        if self.shared:
            with psycopg.connect(self.url(name)) as conn:
                if conn.execute("SELECT to_regclass('source_locks')").fetchone()[0] is None:
                    return {}
                row = conn.execute("SELECT pid, host, run_id FROM source_locks WHERE source = %s",
                                   (source,)).fetchone()
            return dict(zip(("pid", "host", "run_id"), row, strict=True)) if row else {}
        path = self.tmp / name / "locks" / f"{source}.lock"
        text = path.read_text() if path.exists() else ""
        return json.loads(text) if text.strip() else {}

    def delete_index(self, name: str = "state") -> None:
        """Lose the index as an operator would: delete the SQLite file, or wipe the database."""
        if self.shared:
            with psycopg.connect(self.url(name), autocommit=True) as conn:
                conn.execute("DROP SCHEMA public CASCADE")
                conn.execute("CREATE SCHEMA public")
            return
        for path in (self.tmp / name).glob("index.sqlite*"):
            path.unlink()

    def index_written(self, name: str = "state") -> bool:
        """Whether there is an index (for SQLite: whether the file exists at all; for PostgreSQL: whether it
        holds a part or a record)."""
        return index_exists(self.index(name))
