"""Opening a new SQLite index from several threads at once, as the crawls of one process (the demo, ``archiver
crawl --parallel``) do on a fresh state folder: SQLite answers the switch to WAL with "database is locked" at
once, without its busy wait, and that used to fail one source's preparation (``prepare_failed``) at random."""

from __future__ import annotations

import threading
from pathlib import Path

from archiver.state.index import ArchiveIndex


def test_many_threads_open_a_new_index_at_once(tmp_path: Path) -> None:
    errors: list[BaseException] = []
    for trial in range(60):
        path = tmp_path / f"state-{trial}" / "index.sqlite"
        barrier = threading.Barrier(6)

        def open_it(path: Path = path, barrier: threading.Barrier = barrier) -> None:
            barrier.wait()
            try:
                with ArchiveIndex(path) as db:
                    db.indexed_parts("la")
            except BaseException as exc:  # noqa: BLE001 - collected and asserted below
                errors.append(exc)

        threads = [threading.Thread(target=open_it) for _ in range(6)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert errors == []
