"""Index lookups for a running crawl, answered on a thread of their own.

A crawl asks the index about every sitemap entry (has its ``lastmod`` moved?) and every record (new, unchanged
or a revision?). SQLite calls block, and a crawl process may run several crawls on one reactor (``archiver
crawl --parallel``), so a slow disk or a lock held by another run's commit would stall every crawl. Here each
lookup runs on one dedicated thread that owns the SQLite connection (connections are not shared across
threads), and the crawl awaits the answer.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TypeVar

from archiver.state.index import ArchiveIndex, Known

T = TypeVar("T")
_CHUNK = 400  # SQLite's host-parameter limit is 999 on old builds; two IN lists per query


class IndexReader:
    """Asynchronous, read-mostly view of the archive index for one crawl."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="archiver-index")
        self._index: ArchiveIndex | None = None

    def _db(self) -> ArchiveIndex:
        if self._index is None:  # opened on the executor's thread, the only one that uses it
            self._index = ArchiveIndex(self.path)
        return self._index

    async def _call(self, work: Callable[[ArchiveIndex], T]) -> T:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, lambda: work(self._db()))

    async def known(self, canonical_url: str) -> Known | None:
        return await self._call(lambda db: db.known(canonical_url))

    async def fetched_as(self, canonical_url: str) -> str | None:
        """The address the archived record of ``canonical_url`` was fetched from, or None if not archived."""

        def work(db: ArchiveIndex) -> str | None:
            row = db.db.execute("SELECT url FROM articles WHERE canonical_url = ?", (canonical_url,)).fetchone()
            return row[0] if row else None

        return await self._call(work)

    async def lastmods(self, urls: Iterable[str]) -> dict[str, str | None]:
        """For each URL (fetched or canonical address, normalised), the sitemap lastmod it was archived under."""
        wanted = list(dict.fromkeys(urls))

        def work(db: ArchiveIndex) -> dict[str, str | None]:
            found: dict[str, str | None] = {}
            for start in range(0, len(wanted), _CHUNK):
                chunk = wanted[start:start + _CHUNK]
                marks = ",".join("?" * len(chunk))
                rows = db.db.execute(
                    f"SELECT url, canonical_url, sitemap_lastmod FROM articles "  # noqa: S608 - placeholders only
                    f"WHERE url IN ({marks}) OR canonical_url IN ({marks})", (*chunk, *chunk)
                ).fetchall()
                for url, canonical, lastmod in rows:
                    for key in (url, canonical):
                        if key in chunk and found.get(key) is None:
                            found[key] = lastmod
            return found

        return await self._call(work) if wanted else {}

    async def watermark(self, source: str) -> str | None:
        return await self._call(lambda db: db.watermark(source))

    def close(self) -> None:
        """Close the connection on its own thread and stop the thread."""

        def work() -> None:
            if self._index is not None:
                self._index.close()
                self._index = None

        self._executor.submit(work).result()
        self._executor.shutdown(wait=True)
