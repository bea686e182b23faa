"""Index lookups for a running crawl, answered on a thread of their own.

A crawl asks the index about every sitemap entry (has its ``lastmod`` moved?) and every record (new, unchanged
or a revision?). Index calls block (a disk, or a round trip to the state database), and a crawl process may
run several crawls on one reactor (``archiver crawl --parallel``), so a slow disk, a lock held by another run's
commit or a database reconnecting would stall every crawl. Here each lookup runs on one dedicated thread that
owns the index connection (connections are not shared across threads), and the crawl awaits the answer.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from archiver.state.backend import StateIndex, open_index
from archiver.state.index import Known
from archiver.state.location import IndexLocation

T = TypeVar("T")


class IndexReader:
    """Asynchronous, read-mostly view of the archive index for one crawl (either backend)."""

    def __init__(self, location: IndexLocation) -> None:
        self.location = location
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="archiver-index")
        self._index: StateIndex | None = None

    @property
    def path(self) -> IndexLocation:
        """The index's location (the SQLite file, or the database URL)."""
        return self.location

    def _db(self) -> StateIndex:
        if self._index is None:  # opened on the executor's thread, the only one that uses it
            self._index = open_index(self.location)
        return self._index

    async def _call(self, work: Callable[[StateIndex], T]) -> T:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, lambda: work(self._db()))

    async def known(self, canonical_url: str) -> Known | None:
        return await self._call(lambda db: db.known(canonical_url))

    async def fetched_as(self, canonical_url: str) -> str | None:
        """The address the archived record of ``canonical_url`` was fetched from, or None if not archived."""
        return await self._call(lambda db: db.fetched_as(canonical_url))

    async def lastmods(self, urls: Iterable[str]) -> dict[str, str | None]:
        """For each URL (fetched or canonical address, normalised), the sitemap lastmod it was archived under."""
        wanted = list(dict.fromkeys(urls))
        return await self._call(lambda db: db.lastmods(wanted)) if wanted else {}

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
