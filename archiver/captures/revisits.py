"""Which payloads were captured before, so a page fetched again unchanged is a ``revisit``, not a second copy.

For each URL and payload digest, the last full response record holding that payload: its WARC (relative to the
captures root), offset, length, record id and WARC-Date. The table lives in the state index (table ``captures``
of ``index.sqlite`` or of the state database: ``archiver.state.backend``), so the next run of a source finds it;
rows are written only for WARCs that are finalised (or salvaged), never for a file still being written, so a
revisit never points at bytes a crash could take.
Within a run, the captures of the files still open are remembered in memory.

The table is a hint: a row whose WARC is not under this run's captures root (a root moved or emptied) is
ignored, and losing the table only costs full copies. So failing to write it is logged, never a storage fault.
Lookups and writes happen on the capture threads, never on the reactor. Without the index
(``ARCHIVER_INCREMENTAL=False``) revisits are found within a run only.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from pathlib import Path

from archiver.captures.records import Original
from archiver.state.backend import StateIndex, open_index, state_errors
from archiver.state.location import IndexLocation

logger = logging.getLogger(__name__)

IN_RUN_LIMIT = 50_000  # captures of this run remembered in memory (a miss costs only a full copy)


def remember(index: IndexLocation, source: str, originals: list[Original]) -> bool:
    """Record the full response records of a finalised WARC; False (and a warning) when the index refused
    them."""
    rows = [(o.url, o.digest, source, o.warc, o.offset, o.length, o.record_id, o.date) for o in originals]
    if not rows:
        return True
    try:
        with open_index(index) as db:
            db.remember_captures(rows)
    except state_errors() as exc:
        logger.warning("%s: could not remember %d capture(s) for later revisits (%s); the next run stores "
                       "those pages in full again", source, len(rows), exc)
        return False
    return True


class RevisitFinder:
    """Answers "was this payload of this URL captured before, and where?" for one crawl, on one thread."""

    def __init__(self, index: IndexLocation | None, root: Path) -> None:
        self.index = index
        self.root = root
        self._db: StateIndex | None = None
        self._db_failed = False
        self._in_run: OrderedDict[tuple[str, str], Original] = OrderedDict()
        self._present: dict[str, bool] = {}

    def add(self, original: Original) -> None:
        key = (original.url, original.digest)
        self._in_run[key] = original
        self._in_run.move_to_end(key)
        if len(self._in_run) > IN_RUN_LIMIT:
            self._in_run.popitem(last=False)

    def find(self, url: str, digest: str) -> Original | None:
        found = self._in_run.get((url, digest))
        if found is not None:
            return found
        db = self._connection()
        if db is None:
            return None
        try:
            row = db.find_capture(url, digest)
        except state_errors() as exc:
            self._give_up(exc)
            return None
        if row is None or not self._exists(row[0]):
            return None
        return Original(url, digest, row[0], row[1], row[2], row[3], row[4])

    def _exists(self, warc: str) -> bool:
        known = self._present.get(warc)
        if known is None:
            known = self._present[warc] = (self.root / warc).is_file()
        return known

    def _connection(self) -> StateIndex | None:
        if self.index is None or self._db_failed:
            return None
        if self._db is None:
            try:
                self._db = open_index(self.index)
            except state_errors() as exc:
                self._give_up(exc)
                return None
        return self._db

    def _give_up(self, exc: Exception) -> None:
        logger.warning("captures: the index cannot answer revisit lookups (%s); pages are stored in full", exc)
        self._db_failed = True

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None
