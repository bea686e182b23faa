"""What one replayed crawl knows: its sources' captures, and what it asked of them.

``archiver reextract`` makes one session per crawl before the crawl starts and registers it for the crawler;
the download handler answers from it, the spider asks it which captured pages discovery did not reach, and the
fetch-time pipeline asks it when a capture was made. Answering runs on a thread (file reads, gzip), so the
shared state is only ever added to.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from weakref import WeakKeyDictionary

from warcio.timeutils import iso_date_to_timestamp

from archiver.captures.cdxj import Capture
from archiver.captures.reader import CapturedRecord, UnreadableCapture, read_capture
from archiver.replay.catalog import AllOriginals, SourceCaptures

HTML_TYPES = ("text/html", "application/xhtml+xml")


def is_html_page(catalog: SourceCaptures, capture: Capture) -> bool:
    """A 2xx capture of an HTML page (a revisit judged by the response it refers to)."""
    if not 200 <= capture.status < 300:
        return False
    mime = capture.mime
    if capture.revisit:
        original = catalog.original_of(capture.url, capture.digest, None)
        mime = original.mime if original is not None else None
    return (mime or "").lower() in HTML_TYPES


class NotCaptured(Exception):
    """A request the captures hold no response for: a replay never goes to the network instead."""


@dataclass(frozen=True)
class Answer:
    """A capture read back for a request: the record (a revisit's with its original's payload) and the
    pointer a record made from it carries."""

    record: CapturedRecord
    payload: bytes
    pointer: dict[str, Any]
    revisit: bool


@dataclass
class ReplaySession:
    root: Path
    catalogs: dict[str, SourceCaptures]
    all_originals: AllOriginals = field(init=False)
    requested: set[str] = field(default_factory=set)  # every URL a request asked for, answered or not
    capture_dates: dict[tuple[str, int], str] = field(default_factory=dict)  # (warc, offset) -> WARC-Date
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self.all_originals = AllOriginals(self.root)

    def capture_for(self, source: str | None, url: str) -> Capture | None:
        """The latest capture of ``url`` in ``source``'s catalog (or any of the session's, for a request that
        names no source of its own)."""
        catalogs = [self.catalogs[source]] if source in self.catalogs else list(self.catalogs.values())
        found = [c for catalog in catalogs if (c := catalog.latest.get(url)) is not None]
        return max(found, key=lambda c: c.order) if found else None

    def answer(self, source: str | None, url: str) -> Answer:
        """Read the latest capture of ``url`` (on a thread). Raises ``NotCaptured`` or ``UnreadableCapture``."""
        with self._lock:
            self.requested.add(url)
        capture = self.capture_for(source, url)
        if capture is None:
            raise NotCaptured(f"no capture of {url}")
        record = read_capture(self.root, capture.warc, capture.offset, capture.length, expect_url=url)
        pointer = capture.pointer()
        payload = record.payload
        if record.rec_type == "revisit":
            original = self._original(source, capture, record)
            found = read_capture(self.root, original.warc, original.offset, original.length)
            if found.rec_type != "response" or found.payload_digest != capture.digest:
                raise UnreadableCapture(f"the revisit of {url} refers to {original.warc} at {original.offset}, "
                                        "which does not hold its payload")
            payload = found.payload
            pointer["refers_to"] = {"warc": original.warc, "offset": original.offset, "length": original.length}
        with self._lock:
            self.capture_dates[(capture.warc, capture.offset)] = record.date
        return Answer(record, payload, pointer, record.rec_type == "revisit")

    def _original(self, source: str | None, capture: Capture, record: CapturedRecord) -> Capture:
        target = record.refers_to_uri or capture.url
        when = iso_date_to_timestamp(record.refers_to_date) if record.refers_to_date else None
        catalogs = [self.catalogs[source]] if source in self.catalogs else list(self.catalogs.values())
        for catalog in catalogs:
            found = catalog.original_of(target, capture.digest, when)
            if found is not None:
                return found
        found = self.all_originals.find(target, capture.digest)
        if found is None:
            raise UnreadableCapture(f"the revisit of {capture.url} ({capture.warc} at {capture.offset}) refers to "
                                    f"a response of {target} with payload {capture.digest} that no listed WARC holds")
        return found

    def captured_pages_not_requested(self, source: str) -> list[Capture]:
        """The source's captured HTML pages (2xx) that no request of this replay asked for, newest first."""
        catalog = self.catalogs.get(source)
        if catalog is None:
            return []
        with self._lock:
            asked = set(self.requested)
        pages = [c for url, c in catalog.latest.items() if url not in asked and is_html_page(catalog, c)]
        return sorted(pages, key=lambda c: c.order, reverse=True)

    def fetched_at(self, pointer: dict[str, Any] | None) -> str | None:
        """When the capture a record's pointer names was made (ISO 8601 to the second, as ``fetched_at``)."""
        if not pointer:
            return None
        with self._lock:
            date = self.capture_dates.get((pointer.get("warc"), pointer.get("offset")))
        if not date:
            return None
        moment = datetime.fromisoformat(date.replace("Z", "+00:00")).astimezone(UTC)
        return moment.isoformat(timespec="seconds")


_SESSIONS: WeakKeyDictionary[Any, ReplaySession] = WeakKeyDictionary()


def register_session(crawler: Any, session: ReplaySession) -> None:
    _SESSIONS[crawler] = session


def session_for(crawler: Any) -> ReplaySession | None:
    return _SESSIONS.get(crawler)
