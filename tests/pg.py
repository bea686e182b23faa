"""A real PostgreSQL server for the tests: Debian's ``postgresql`` started in a temporary folder.

``initdb`` makes a cluster in a fresh folder and ``pg_ctl`` starts it listening only on a Unix socket in that
folder (no TCP port to race for), with durability off (``fsync``, ``synchronous_commit``: the tests lose
nothing when the server stops cleanly, and a crash test kills the client, never the machine). As root the
binaries run as the ``postgres`` user (``runuser``), which owns the folder. Each test gets its own database, so
tests share one server (started once per session, about a second) and nothing else. ``stop`` removes it all.

Without PostgreSQL installed, ``find_bindir`` returns None: under CI (``CI`` set) the tests that need it fail
with a message saying so (``.ci/run`` installs it); on a user's machine they are skipped with that reason.
"""

from __future__ import annotations

import itertools
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import psycopg

MISSING = ("PostgreSQL is not installed (no initdb/pg_ctl under /usr/lib/postgresql/*/bin or on PATH); "
           "install Debian's postgresql package (`apt-get install -y postgresql`; .ci/run does it)")


def find_bindir() -> Path | None:
    """The newest installed PostgreSQL's binaries folder, or None."""
    found = []
    for initdb in Path("/usr/lib/postgresql").glob("*/bin/initdb"):
        match = re.fullmatch(r"\d+", initdb.parent.parent.name)
        if match and (initdb.parent / "pg_ctl").exists():
            found.append((int(initdb.parent.parent.name), initdb.parent))
    if found:
        return max(found)[1]
    on_path = shutil.which("initdb")
    if on_path and shutil.which("pg_ctl"):
        return Path(on_path).resolve().parent
    return None


class PostgresServer:
    """One throwaway cluster; ``url(name)`` creates (once) and names a database of its own for a test."""

    def __init__(self, bindir: Path) -> None:
        self.bindir = bindir
        self.root = Path(tempfile.mkdtemp(prefix="archiver-pg-"))  # short: a socket path is at most 107 bytes
        self.data = self.root / "data"
        self.log = self.root / "server.log"
        self.port = 5432  # names the socket file only: the server listens on no TCP port
        self._names = itertools.count(1)
        self.as_root = os.geteuid() == 0

    def _command(self, *args: str) -> list[str]:
        return ["runuser", "-u", "postgres", "--", *args] if self.as_root else list(args)

    def _run(self, *args: str) -> None:
        proc = subprocess.run(self._command(*args), capture_output=True, text=True, timeout=120)
        if proc.returncode != 0:
            log = self.log.read_text(errors="replace")[-3000:] if self.log.exists() else ""
            raise RuntimeError(f"{' '.join(args)} failed ({proc.returncode}): {proc.stderr[-2000:]}\n{log}")

    def start(self) -> PostgresServer:
        self.root.chmod(0o755)
        if self.as_root:
            shutil.chown(self.root, "postgres", "postgres")
        self._run(str(self.bindir / "initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust",
                  "--no-sync", "--encoding=UTF8", "--locale=C.UTF-8")
        self._pg_ctl("start")
        return self

    def _pg_ctl(self, action: str, *extra: str) -> None:
        options = (f"-k {self.root} -p {self.port} -c listen_addresses='' -c fsync=off -c synchronous_commit=off "
                   "-c full_page_writes=off -c max_connections=200")
        self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-l", str(self.log), "-w", "-t", "60",
                  "-o", options, action, *extra)

    def restart(self) -> None:
        """Stop the server (every session ends, as in a real restart) and start it again."""
        self._pg_ctl("restart", "-m", "fast")

    def stop_server(self) -> None:
        self._pg_ctl("stop", "-m", "fast")

    def start_server(self) -> None:
        self._pg_ctl("start")

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://postgres@/{database}?host={self.root}&port={self.port}"

    def new_database(self) -> str:
        """A new, empty database; returns its URL."""
        name = f"t{os.getpid()}_{next(self._names)}"
        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}" TEMPLATE template0 STRATEGY FILE_COPY')
        return self.url(name)

    def stop(self) -> None:
        try:
            if (self.data / "postmaster.pid").exists():
                self._pg_ctl("stop", "-m", "immediate")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)
