"""What one crawl's archive storage did, kept in memory: the parts it finalised and the parts that failed.

The storage tells the ledger as each part ends, on the reactor thread, so the run summary and report come from
here instead of re-reading a manifest that may list 100,000 parts. Counters, per source and in total (the
``archiver/...`` twins):

- ``archiver/source/<s>/records``: records handed to the archive (counted by ``summary.RunSummary``);
- ``archiver/source/<s>/archived`` and ``.../files``: records and parts of this run that were finalised, indexed
  (when the index is on) and listed in the manifest; nothing else is counted as archived;
- ``archiver/source/<s>/storage_errors``: parts that failed, each described in ``failures``;
- ``archiver/source/<s>/not_stored``: records handed to the archive and not in such a part, set by ``settle``
  when the feeds are closed (only when there are any).

Captures (``archiver.captures``) report here too: each WARC finalised (``stored_warc``, counted as
``archiver/source/<s>/captures/files``), each that failed, as a ``StorageFailure`` whose ``store`` is
``captures`` (its ``part`` relative to the captures root), which fails the source like a lost archive part, and
the capture files of killed runs that were finished before the crawl (``warc_leftovers``).
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass
from typing import Any
from weakref import WeakKeyDictionary

from archiver import outcomes
from archiver.archive.manifest import ManifestEntry

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class StorageFailure:
    """One part that did not make it: which source, which part (path under the archive root), at which stage
    (``open``, ``write``, ``fsync``, ``check``, ``link``, ``upload`` for an ``s3://`` archive, ``index``,
    ``manifest``) and the error."""

    source: str
    part: str
    stage: str
    error: str
    store: str = "archive"  # or "captures": a WARC, its part path relative to the captures root


class ArchiveLedger:
    def __init__(self, stats: Any = None) -> None:
        self.stats = stats
        self.entries: list[ManifestEntry] = []
        self.failures: list[StorageFailure] = []
        self.warcs: list[dict[str, Any]] = []  # manifest lines of the WARCs finalised
        self.warc_leftovers: list[dict[str, Any]] = []  # capture files of killed runs finished before the crawl

    def stored(self, entry: ManifestEntry) -> None:
        self.entries.append(entry)
        if self.stats is not None:
            outcomes.count(self.stats, entry.source, "archived", value=entry.records)
            outcomes.count(self.stats, entry.source, "files")

    def stored_warc(self, entry: dict[str, Any]) -> None:
        self.warcs.append(entry)
        if self.stats is not None:
            outcomes.count(self.stats, entry.get("source"), "captures", "files")

    def failed(self, failure: StorageFailure) -> None:
        self.failures.append(failure)
        if failure.store == "captures":
            logger.error("%s: capture file %s failed at %s: %s", failure.source, failure.part, failure.stage,
                         failure.error)
        else:
            logger.error("%s: archive part %s failed at %s: %s; its records are not archived",
                         failure.source, failure.part, failure.stage, failure.error)
        if self.stats is not None:
            outcomes.count(self.stats, failure.source, "storage_errors")
            if failure.store == "captures":
                outcomes.count(self.stats, failure.source, "captures", "storage_errors")

    def settle(self, sources: list[str]) -> None:
        """Set ``not_stored`` for each source whose handed records are not all archived (idempotent)."""
        if self.stats is None:
            return
        for source in sources:
            handed = self.stats.get_value(outcomes.source_key(source, "records"), 0)
            archived = self.stats.get_value(outcomes.source_key(source, "archived"), 0)
            if handed > archived:
                self.stats.set_value(outcomes.source_key(source, "not_stored"), handed - archived)

    def files(self, sources: set[str] | None = None) -> list[dict[str, Any]]:
        return [asdict(e) for e in self.entries if sources is None or e.source in sources]

    def warc_files(self, sources: set[str] | None = None) -> list[dict[str, Any]]:
        return [dict(e) for e in self.warcs if sources is None or e.get("source") in sources]

    def failure_report(self, sources: set[str] | None = None) -> list[dict[str, str]]:
        """The failures as report entries; a capture file's carries ``"store": "captures"``."""
        return [_failure_entry(f) for f in self.failures if sources is None or f.source in sources]


def _failure_entry(failure: StorageFailure) -> dict[str, str]:
    entry = asdict(failure)
    if entry["store"] == "archive":  # an archive part's entry keeps the shape it always had
        del entry["store"]
    return entry


_LEDGERS: WeakKeyDictionary[Any, ArchiveLedger] = WeakKeyDictionary()


def ledger_for(crawler: Any) -> ArchiveLedger:
    """The ledger of one crawl (created on first use: by the first storage, or by the summary)."""
    ledger = _LEDGERS.get(crawler)
    if ledger is None:
        ledger = _LEDGERS[crawler] = ArchiveLedger(crawler.stats)
    return ledger
