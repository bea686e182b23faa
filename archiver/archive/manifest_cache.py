"""The manifest as one process reads it across many crawls: parsed once, then only what was appended.

``archiver crawl --all`` opens one crawl per source in one process, and each has to know its source's listed
parts before it starts (to bring the index up to date). Reading the whole manifest for each of them would
read it hundreds of times per run. The manifest is append-only, so this reader keeps, per manifest file, the
byte offset it has parsed up to and the lines so far, grouped by source; a later call parses only the bytes
appended since (by this process's crawls or anyone else's). A manifest that shrank or was replaced (another
inode) is read again from the start.

Only complete lines are consumed: a line still being written, or torn by a crash, is left for the next call;
once the next writer has fenced it off with a newline it fails to parse and is skipped, as ``read_manifest``
skips it. Thread-safe: crawls prepare their sources in worker threads.
"""

from __future__ import annotations

import json
import os
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from archiver.archive.manifest import MANIFEST_NAME, listed_entries


@dataclass
class _State:
    inode: int = -1
    offset: int = 0
    by_source: dict[str, list[dict[str, Any]]] = field(default_factory=dict)


_states: dict[Path, _State] = {}
_lock = threading.Lock()


def listed_for_source(archive_root: Path, source: str) -> list[dict[str, Any]]:
    """The entries of ``source``'s parts still listed in ``<archive_root>/manifest.jsonl``, in manifest order."""
    path = (archive_root / MANIFEST_NAME).resolve()
    with _lock:
        state = _states.setdefault(path, _State())
        _read_new_lines(path, state)
        return listed_entries(list(state.by_source.get(source, [])))


def _read_new_lines(path: Path, state: _State) -> None:
    try:
        handle = path.open("rb")
    except FileNotFoundError:
        state.inode, state.offset, state.by_source = -1, 0, {}
        return
    with handle:
        info = os.fstat(handle.fileno())
        if info.st_ino != state.inode or info.st_size < state.offset:
            state.inode, state.offset, state.by_source = info.st_ino, 0, {}
        handle.seek(state.offset)
        data = handle.read(info.st_size - state.offset)
    end = data.rfind(b"\n")
    if end < 0:
        return
    state.offset += end + 1
    for raw in data[:end].split(b"\n"):
        if not raw.strip():
            continue
        try:
            line = json.loads(raw.decode("utf-8", "replace"))
        except json.JSONDecodeError:
            continue
        if isinstance(line, dict) and isinstance(line.get("path"), str):
            state.by_source.setdefault(str(line.get("source", "")), []).append(line)
