"""Per-source locks, so two runs of one source never overlap.

A lock is ``fcntl.flock`` on ``<state>/locks/<source>.lock``: the kernel releases it when the holding process
dies, however it dies, so a lock can never outlive its run. The file also records who holds it (pid, host,
start time); finding that record left behind by a dead process is how a killed run is recognised, and the new
run says that it took the lock over.
"""

from __future__ import annotations

import fcntl
import json
import os
import socket
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO


class LockBusy(RuntimeError):
    """Another live process holds the source's lock."""

    def __init__(self, source: str, holder: dict) -> None:
        self.source = source
        self.holder = holder
        super().__init__(
            f"source {source!r} is already being archived by pid {holder.get('pid', '?')} on "
            f"{holder.get('host', '?')} since {holder.get('started_at', '?')}; not starting a second run"
        )


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@dataclass
class SourceLock:
    directory: Path
    source: str
    run_id: str = ""
    _handle: IO[str] | None = None
    took_over: dict | None = None

    @property
    def path(self) -> Path:
        return self.directory / f"{self.source}.lock"

    def acquire(self) -> SourceLock:
        """Take the lock or raise ``LockBusy``. Sets ``took_over`` when a dead run's record was left behind."""
        self.directory.mkdir(parents=True, exist_ok=True)
        handle = self.path.open("a+", encoding="utf-8")
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = _parse(handle.read())
            handle.close()
            raise LockBusy(self.source, holder) from None
        handle.seek(0)
        previous = _parse(handle.read())
        if previous.get("pid") and previous["pid"] != os.getpid():
            self.took_over = previous
        handle.seek(0)
        handle.truncate()
        handle.write(json.dumps({"pid": os.getpid(), "host": socket.gethostname(), "run_id": self.run_id,
                                 "started_at": datetime.now(UTC).isoformat(timespec="seconds")}))
        handle.flush()
        self._handle = handle
        return self

    def release(self) -> None:
        if self._handle is None:
            return
        self._handle.seek(0)
        self._handle.truncate()  # an empty record means "released cleanly"
        self._handle.flush()
        fcntl.flock(self._handle.fileno(), fcntl.LOCK_UN)
        self._handle.close()
        self._handle = None


def _parse(text: str) -> dict:
    try:
        value = json.loads(text) if text.strip() else {}
    except json.JSONDecodeError:
        return {"pid": None, "raw": text[:200]}
    if value.get("pid") and not pid_alive(int(value["pid"])):
        value["alive"] = False
    return value
