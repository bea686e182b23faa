"""The end-of-run summary: per source, pages fetched, records handed to the archive and archived, and pages
dropped by reason.

Built from the crawl stats (``archiver.outcomes`` keys) and the crawl's ``ArchiveLedger`` (the parts this run
finalised or lost, kept in memory as they ended), so it reports what was actually finalised, not what was hoped
for, without re-reading the manifest. The ``RunSummary`` extension logs it when a spider closes; ``archiver
demo`` prints it.
"""

from __future__ import annotations

import json
import logging
import os
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from scrapy import signals

from archiver.accounting import account
from archiver.archive.ledger import ledger_for
from archiver.outcomes import source_key
from archiver.paths import data_dir
from archiver.state.backend import open_index, state_errors
from archiver.state.location import state_location
from archiver.state.runs import record_run
from archiver.state.watermarks import api_failed, saw_everything

logger = logging.getLogger(__name__)


@dataclass
class SourceSummary:
    name: str
    discovered: int = 0
    pages: int = 0
    records: int = 0  # handed to the archive
    archived: int = 0  # in parts finalised, indexed and listed by this run
    not_stored: int = 0  # handed to the archive, not archived
    storage_errors: int = 0  # parts that failed (the report's ``storage_errors`` says where and why)
    files: int = 0
    challenges: int = 0
    unchanged: int = 0
    revisions: int = 0
    http_errors: dict[str, int] = field(default_factory=dict)
    finish_reason: str | None = None
    duration_s: float | None = None
    dropped: dict[str, int] = field(default_factory=dict)
    not_fetched: dict[str, int] = field(default_factory=dict)
    # Discovered URLs with no counted outcome (see ``archiver.accounting``): anything but 0 fails the source.
    unaccounted: int = 0


def summarise(stats: dict[str, Any], sources: list[str]) -> list[SourceSummary]:
    by_source = {name: SourceSummary(name) for name in sources}
    counters = {"pages", "records", "archived", "not_stored", "storage_errors", "files", "challenges", "unchanged",
                "revisions"}
    for key, value in stats.items():
        parts = key.split("/")
        if len(parts) < 4 or parts[:2] != ["archiver", "source"] or parts[2] not in by_source:
            continue
        summary, rest = by_source[parts[2]], parts[3:]
        if len(rest) == 1 and rest[0] in counters:
            setattr(summary, rest[0], value)
        elif rest[0] == "dropped" and len(rest) == 2:
            summary.dropped[rest[1]] = value
            if rest[1].startswith("http_"):
                summary.http_errors[rest[1][5:]] = value
    for summary in by_source.values():
        accounting = account(stats, summary.name)
        summary.discovered = accounting.discovered
        summary.not_fetched = accounting.not_fetched
        summary.unaccounted = accounting.unaccounted
        summary.finish_reason = stats.get("finish_reason")
        summary.duration_s = stats.get("elapsed_time_seconds")
    return list(by_source.values())


def source_outcome(stats: dict[str, Any], source: str) -> tuple[str, str]:
    """ok, locked, interrupted or failed, and why when not ok.

    A crawl that finished but discovered nothing by any method (site down, blocked, or its sitemaps, feed and
    listings all broken) has failed: an empty success would hide it. So has one whose discovered URLs do not all
    have a counted outcome (``archiver.accounting``), and one whose archive lost records: a part that could not
    be written, checked, linked, indexed or listed, or records handed to the archive that are in no finalised
    part, whatever else happened to the run."""
    reason = stats.get("finish_reason")
    if reason == "source_locked":
        return "locked", "another run holds the source's lock"
    if stats.get(source_key(source, "lock_lost")):
        return "failed", ("the source's lock in the state database was lost during the run (see the log); the "
                          "crawl was stopped so that no two runs archive the source at once")
    not_stored = stats.get(source_key(source, "not_stored"))
    if stats.get(source_key(source, "storage_errors")) or not_stored:
        if not not_stored and stats.get(source_key(source, "storage_errors")) == stats.get(
                source_key(source, "captures", "storage_errors")):
            return "failed", "a capture file could not be stored: see storage_errors"
        return "failed", f"the archive could not store {not_stored or 'some'} record(s): see storage_errors"
    if reason == "finished":
        if stats.get(source_key(source, "discovery", "nothing_found")):
            return "failed", "no articles discovered by any method: see the discovery counters in the report"
        accounting = account(stats, source)
        if not accounting.balanced:
            return "failed", f"{accounting.unaccounted:+d} discovered URL(s) without a counted outcome"
        if accounting.dropped.get("lost"):
            return "failed", (f"{accounting.dropped['lost']} request(s) dropped by Scrapy without a callback "
                              "(see the log): they were never fetched")
        damaged = stats.get(source_key(source, "index", "damaged_parts"))
        if damaged:
            return "failed", (f"{damaged} listed archive part(s) are missing or damaged: run `archiver verify "
                              "--repair`, then crawl again to fetch their records")
        incomplete = incomplete_discovery(stats, source)
        if incomplete:
            return "failed", (f"{incomplete} discovery document(s) failed (see discovery/errors in the report): "
                              "the posts they list were not discovered")
        failed_pages = sum(n for why, n in accounting.dropped.items() if why not in PERIOD_DROPS)
        if failed_pages >= NOTHING_ARCHIVED_AFTER and not (accounting.archived or accounting.unchanged):
            return "failed", (f"nothing archived: every one of the {failed_pages} page(s) fetched was dropped "
                              "(see the reasons)")
        return "ok", ""
    if reason == "shutdown":
        return "interrupted", "stopped by a signal; what was fetched is archived"
    return "failed", f"the crawl ended with {reason!r}"


# Pages dropped because the run asked for a period they are outside of: the run did what it was asked.
PERIOD_DROPS = frozenset({"published_before_since", "published_after_until"})
# A run that fetched this many pages and archived none (every one a 404, a 500, a bot check...) has met a site
# that is down, blocked or moved, and fails; below it, a few failed pages of an hourly run are no alarm.
NOTHING_ARCHIVED_AFTER = 10


def incomplete_discovery(stats: dict[str, Any], source: str) -> int:
    """Documents that failed in a discovery step that otherwise worked (``discovery/incomplete/<step>``)."""
    prefix = source_key(source, "discovery", "incomplete") + "/"
    return sum(v for k, v in stats.items() if k.startswith(prefix) and isinstance(v, int))


def format_summary(rows: list[SourceSummary], storage_errors: list[dict[str, str]] | None = None) -> str:
    lines = [
        f"{'source':<16} {'found':>6} {'pages':>6} {'archived':>8} {'unchanged':>9} {'revisions':>9} {'files':>6} "
        f"{'bot-checks':>10} {'not-stored':>10}  dropped (reason: count)"
    ]
    columns = ("discovered", "pages", "archived", "unchanged", "revisions", "files", "challenges", "not_stored")
    widths = (6, 6, 8, 9, 9, 6, 10, 10)
    totals: dict[str, int] = defaultdict(int)
    for row in rows:
        dropped = ", ".join(f"{k}: {v}" for k, v in sorted(row.dropped.items())) or "-"
        cells = " ".join(f"{getattr(row, c):>{w}}" for c, w in zip(columns, widths, strict=True))
        lines.append(f"{row.name:<16} {cells}  {dropped}")
        for column in columns:
            totals[column] += getattr(row, column)
    if len(rows) > 1:
        cells = " ".join(f"{totals[c]:>{w}}" for c, w in zip(columns, widths, strict=True))
        lines.append(f"{'total':<16} {cells}")
    for row in rows:
        if row.not_fetched:
            lines.append(f"note: {row.name} discovered {sum(row.not_fetched.values())} URL(s) not fetched: "
                         + ", ".join(f"{k}: {v}" for k, v in sorted(row.not_fetched.items())))
        if row.unaccounted:
            lines.append(f"ERROR: {row.name}: {row.unaccounted:+d} discovered URL(s) without a counted outcome; "
                         "the source fails (see the run report's accounting)")
    blocked = [row for row in rows if row.challenges]
    for row in blocked:
        lines.append(
            f"note: {row.name} answered {row.challenges} request(s) with a bot check; those pages were not archived"
        )
    for row in rows:
        if row.not_stored or row.storage_errors:
            lines.append(f"FAILED: {row.name}: {row.not_stored} of {row.records} record(s) handed to the archive "
                         f"were not stored; {row.storage_errors} part(s) failed")
    shown = (storage_errors or [])[:10]
    for failure in shown:
        what = "capture file " if failure.get("store") == "captures" else ""
        lines.append(f"  {failure['source']}: {what}{failure['part']}: {failure['stage']} failed: {failure['error']}")
    if storage_errors and len(storage_errors) > len(shown):
        lines.append(f"  ... {len(storage_errors) - len(shown)} more in the run report (storage_errors)")
    return "\n".join(lines)


def write_report(path: Path, report: dict[str, Any]) -> None:
    """Write the run report whole or not at all (temporary file, then rename)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(f".{path.name}.part")
    data = json.dumps(report, ensure_ascii=False, indent=2, sort_keys=True, default=str).encode("utf-8")
    try:
        with temp.open("wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temp, path)
    except BaseException:
        temp.unlink(missing_ok=True)  # a full disk leaves no half report behind
        raise


class RunSummary:
    """Logs the summary table when the engine stops (after the archive feeds are finalised) and writes the
    run report ``<runs dir>/<run id>.json``: per-source summary, archiver and Scrapy counters, files written."""

    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler
        self.rows: list[SourceSummary] = []

    @classmethod
    def from_crawler(cls, crawler: Any) -> RunSummary:
        ext = cls(crawler)
        crawler.signals.connect(ext.engine_stopped, signal=signals.engine_stopped)
        crawler.signals.connect(ext.item_scraped, signal=signals.item_scraped)
        crawler.signals.connect(ext.feed_exporter_closed, signal=signals.feed_exporter_closed)
        return ext

    def feed_exporter_closed(self) -> None:
        """Every part has been stored or has failed: count what was not stored, in time for Scrapy's stats dump."""
        spider = self.crawler.spider
        if spider is not None and hasattr(spider, "sources"):
            ledger_for(self.crawler).settle([s.name for s in spider.sources])

    def item_scraped(self, item: Any, spider: Any = None) -> None:
        """Every item that left the pipelines goes to the archive: count it as a record of its source."""
        source = item.get("source") if hasattr(item, "get") else None
        if source:
            self.crawler.stats.inc_value(f"archiver/source/{source}/records")
            self.crawler.stats.inc_value("archiver/records")

    def engine_stopped(self) -> None:
        spider = self.crawler.spider
        if spider is None or not hasattr(spider, "sources"):
            return
        report = crawl_report(self.crawler)
        self.rows = report["rows"]
        log = logger.error if report["storage_errors"] else logger.info
        log("run %s summary (archive: %s)\n%s", spider.run_id, spider.archive_dir,
            format_summary(self.rows, report["storage_errors"]))
        settings = self.crawler.settings
        if settings.getbool("ARCHIVER_WRITE_REPORT", True):
            document = report_json(report)
            write_report(runs_dir(settings) / f"{spider.run_id}.json", document)
            try:
                record_run(state_location(settings), document)
            except Exception as exc:  # the report file is written; the shared registry lacks this run
                logger.error("run %s: the run report could not be recorded in the state database: %s",
                             spider.run_id, exc)
        self._move_watermarks(spider)

    def _move_watermarks(self, spider: Any) -> None:
        """Record, per source this run saw whole, that the archive is complete up to the run's start (one small
        write per source, once, as the crawl ends)."""
        settings = self.crawler.settings
        if not settings.getbool("ARCHIVER_INCREMENTAL", True):
            return
        stats = self.crawler.stats.get_stats()
        complete = [s.name for s in spider.sources if saw_everything(stats, s.name, spider)]
        forget = [s.name for s in spider.sources if api_failed(stats, s.name)]
        if not (complete or forget):
            return
        started = spider.started_at.isoformat(timespec="seconds")
        try:
            with open_index(state_location(settings).index) as index:
                for name in complete:
                    index.set_watermark(name, started, spider.run_id)
                for name in forget:
                    index.forget_watermark(name)
        except state_errors() as exc:  # only costs the next run an incremental shortcut
            logger.warning("could not record the sources' completeness in the index: %s", exc)


def runs_dir(settings: Any) -> Path:
    return Path(settings.get("ARCHIVER_RUNS_DIR") or data_dir(settings.get("ARCHIVER_DATA_DIR")) / "runs")


def crawl_report(crawler: Any) -> dict[str, Any]:
    """What one crawl did: per-source rows and outcomes, the files it finalised and the parts it lost (from its
    ledger, not the manifest), leftovers it salvaged, its counters."""
    spider = crawler.spider
    names = [s.name for s in spider.sources]
    ledger = ledger_for(crawler)
    ledger.settle(names)
    stats = crawler.stats.get_stats()
    rows = summarise(stats, names)
    return {
        "run_id": spider.run_id,
        "spider": spider.name,
        "archive_dir": str(spider.archive_dir),
        "started_at": iso_seconds(stats.get("start_time")),
        "finished_at": iso_seconds(stats.get("finish_time")),
        "finish_reason": stats.get("finish_reason"),
        "outcomes": {name: source_outcome(stats, name)[0] for name in names},
        "outcome_reasons": {name: why for name in names if (why := source_outcome(stats, name)[1])},
        "rows": rows,
        "files": ledger.files(set(names)),
        "storage_errors": ledger.failure_report(set(names)),
        "leftovers": getattr(spider, "salvage_report", []),
        "captures": captures_report(crawler, set(names)),
        "accounting": {s.name: account(stats, s.name).as_dict() for s in spider.sources},
        "stats": {k: v for k, v in stats.items() if not isinstance(v, dict)},
        # what a spider adds of its own (``urls``: the input's identity and the ad-hoc sources)
        **(spider.report_extra() if callable(getattr(spider, "report_extra", None)) else {}),
    }


def iso_seconds(moment: Any) -> Any:
    """A crawl's start or finish time as ISO 8601 to the second (as ``archiver crawl`` writes its own), so
    every report's times sort and print alike."""
    return moment.isoformat(timespec="seconds") if isinstance(moment, datetime) else moment


def captures_report(crawler: Any, sources: set[str]) -> dict[str, Any]:
    """The captures part of a crawl's report: where they are, the WARCs finalised (their manifest lines), the
    capture files of killed runs finished before the crawl, and whether capturing was on. A WARC that failed is
    among the report's ``storage_errors`` (``"store": "captures"``)."""
    from archiver.captures.paths import captures_root

    ledger = ledger_for(crawler)
    return {
        "enabled": crawler.settings.getbool("ARCHIVER_CAPTURE", True),
        "root": str(captures_root(crawler.settings, getattr(crawler.spider, "archive_dir", None))),
        "files": ledger.warc_files(sources),
        "leftovers": [e for e in ledger.warc_leftovers if e.get("source") in sources],
    }


def report_json(report: dict[str, Any]) -> dict[str, Any]:
    out = {k: v for k, v in report.items() if k != "rows"}
    out["sources"] = [asdict(row) for row in report["rows"]]
    return out
