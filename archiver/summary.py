"""The end-of-run summary: per source, pages fetched, records archived, and pages dropped by reason.

Built from the crawl stats (``archiver.outcomes`` keys) and the manifest lines of this run, so it reports what
was actually finalised, not what was hoped for. The ``RunSummary`` extension logs it when a spider closes;
``archiver demo`` prints it.
"""

from __future__ import annotations

import json
import logging
import os
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from scrapy import signals

from archiver.accounting import account
from archiver.archive.manifest import read_manifest
from archiver.paths import data_dir

logger = logging.getLogger(__name__)


@dataclass
class SourceSummary:
    name: str
    discovered: int = 0
    pages: int = 0
    records: int = 0
    archived: int = 0
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


def summarise(stats: dict[str, Any], sources: list[str], archive_dir: Path, run_id: str) -> list[SourceSummary]:
    by_source = {name: SourceSummary(name) for name in sources}
    for key, value in stats.items():
        parts = key.split("/")
        if len(parts) < 4 or parts[:2] != ["archiver", "source"] or parts[2] not in by_source:
            continue
        summary, rest = by_source[parts[2]], parts[3:]
        if rest == ["pages"]:
            summary.pages = value
        elif rest == ["records"]:
            summary.records = value
        elif rest == ["challenges"]:
            summary.challenges = value
        elif rest == ["unchanged"]:
            summary.unchanged = value
        elif rest == ["revisions"]:
            summary.revisions = value
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
    for entry in read_manifest(archive_dir):
        if entry.get("run_id") == run_id and entry.get("source") in by_source:
            by_source[entry["source"]].archived += entry["records"]
            by_source[entry["source"]].files += 1
    return list(by_source.values())


def format_summary(rows: list[SourceSummary]) -> str:
    lines = [
        f"{'source':<16} {'found':>6} {'pages':>6} {'records':>8} {'unchanged':>9} {'revisions':>9} {'files':>6} "
        f"{'bot-checks':>10}  dropped (reason: count)"
    ]
    columns = ("discovered", "pages", "archived", "unchanged", "revisions", "files", "challenges")
    widths = (6, 6, 8, 9, 9, 6, 10)
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
    return "\n".join(lines)


def write_report(path: Path, report: dict[str, Any]) -> None:
    """Write the run report whole or not at all (temporary file, then rename)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(f".{path.name}.part")
    temp.write_text(json.dumps(report, ensure_ascii=False, indent=2, sort_keys=True, default=str), "utf-8")
    os.replace(temp, path)


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
        return ext

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
        logger.info("run %s summary (archive: %s)\n%s", spider.run_id, spider.archive_dir, format_summary(self.rows))
        settings = self.crawler.settings
        if settings.getbool("ARCHIVER_WRITE_REPORT", True):
            write_report(runs_dir(settings) / f"{spider.run_id}.json", report_json(report))


def runs_dir(settings: Any) -> Path:
    return Path(settings.get("ARCHIVER_RUNS_DIR") or data_dir(settings.get("ARCHIVER_DATA_DIR")) / "runs")


def crawl_report(crawler: Any) -> dict[str, Any]:
    """What one crawl did: per-source rows, the files it finalised, leftovers it salvaged, its counters."""
    spider = crawler.spider
    stats = crawler.stats.get_stats()
    rows = summarise(stats, [s.name for s in spider.sources], spider.archive_dir, spider.run_id)
    return {
        "run_id": spider.run_id,
        "spider": spider.name,
        "archive_dir": str(spider.archive_dir),
        "started_at": stats.get("start_time"),
        "finished_at": stats.get("finish_time"),
        "finish_reason": stats.get("finish_reason"),
        "rows": rows,
        "files": [e for e in read_manifest(spider.archive_dir)
                  if e.get("run_id") == spider.run_id and e.get("source") in spider.sources_by_name],
        "leftovers": getattr(spider, "salvage_report", []),
        "accounting": {s.name: account(stats, s.name).as_dict() for s in spider.sources},
        "stats": {k: v for k, v in stats.items() if not isinstance(v, dict)},
    }


def report_json(report: dict[str, Any]) -> dict[str, Any]:
    out = {k: v for k, v in report.items() if k != "rows"}
    out["sources"] = [asdict(row) for row in report["rows"]]
    return out
