"""Making what was written survive a crash: ``fsync`` of a file or of a folder (so a link or rename in it is kept).

Every archive part, WARC, WACZ and set-aside index is written under a temporary name, synced, linked into place
and its folder synced; this is the one place that does the syncing.
"""

from __future__ import annotations

import os
from pathlib import Path


def fsync_path(path: Path) -> None:
    """``fsync`` the file or folder at ``path`` (opened read-only, which both allow on Linux)."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
