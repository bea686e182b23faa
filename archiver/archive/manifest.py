"""``manifest.jsonl``: one line per finalised archive part, appended and fsynced.

The manifest is how a reader (or the next run) knows which files are complete without opening them. A line is
written in a single ``write`` on an ``O_APPEND`` descriptor after the part is in place, so a crash can leave a
finalised part without its line (the next run lists it: ``salvage.reconcile_source``) but never a line for a
missing part.
A torn last line from a crash is skipped by the reader and fenced off by the next writer.

The manifest stays append-only even when a listed part turns out missing or corrupt: ``archiver verify
--repair`` appends a *withdrawal* line (``{"event": "withdrawn", "path": ..., "reason": ..., "moved_to": ...}``)
and ``read_manifest`` returns only the parts still listed (a line is withdrawn by a later withdrawal of its
path; listing the path again after that lists it again).
"""

from __future__ import annotations

import json
import os
import threading
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

MANIFEST_NAME = "manifest.jsonl"
_lock = threading.Lock()


@dataclass(frozen=True)
class ManifestEntry:
    path: str
    records: int
    bytes: int
    sha256: str
    run_id: str
    spider: str
    source: str
    started_at: str
    finished_at: str


WITHDRAWN = "withdrawn"


def append_manifest(root: Path, entry: ManifestEntry) -> None:
    append_manifest_line(root, asdict(entry))


def append_manifest_line(root: Path, payload: dict[str, Any]) -> None:
    """Append one JSON line (a part's entry or a withdrawal), fsynced, fencing off a torn last line."""
    line = json.dumps(payload, ensure_ascii=False, sort_keys=True).encode("utf-8") + b"\n"
    path = root / MANIFEST_NAME
    with _lock:
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            size = os.fstat(fd).st_size
            if size:
                with open(path, "rb") as existing:
                    existing.seek(size - 1)
                    if existing.read(1) != b"\n":
                        line = b"\n" + line  # fence off a torn line left by a crash
            _write_all(fd, line)
            os.fsync(fd)
        finally:
            os.close(fd)


def is_withdrawal(line: dict[str, Any]) -> bool:
    return line.get("event") == WITHDRAWN


def listed_entries(lines: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The entries of ``lines`` not withdrawn by a later withdrawal line of their path, in order."""
    withdrawn_at = {line.get("path"): position for position, line in enumerate(lines) if is_withdrawal(line)}
    return [line for position, line in enumerate(lines)
            if not is_withdrawal(line) and position > withdrawn_at.get(line.get("path"), -1)]


def _write_all(fd: int, data: bytes) -> None:
    """Write every byte or raise: a short write (a disk filling up) must not pass for a listed part. What a
    failure leaves is a torn line, which readers skip and the next writer fences off."""
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        if written == 0:
            raise OSError(f"no progress writing {MANIFEST_NAME}")
        view = view[written:]


def read_manifest(root: Path) -> list[dict[str, Any]]:
    """The entries of every part still listed (a torn line from a crash is skipped; withdrawn parts are not
    returned)."""
    return listed_entries(read_manifest_lines(root))


def read_manifest_lines(root: Path) -> list[dict[str, Any]]:
    """Every complete manifest line, withdrawals included."""
    path = root / MANIFEST_NAME
    if not path.exists():
        return []
    entries = []
    for raw in path.read_bytes().decode("utf-8", "replace").splitlines():  # a flipped byte spoils one line
        if not raw.strip():
            continue
        try:
            line = json.loads(raw)
        except json.JSONDecodeError:
            continue
        if isinstance(line, dict):
            entries.append(line)
    return entries
