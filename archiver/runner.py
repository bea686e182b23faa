"""``archiver crawl``: many sources in one process, for cron, systemd timers and one-off archive runs.

Each source is its own Scrapy crawl (its own lock, counters and failure), run by one ``AsyncCrawlerProcess`` at
most ``--parallel`` at a time; they share one run id, so one run writes one report. SIGINT/SIGTERM stop every
crawl gracefully: in-flight records are finalised and indexed, and the next run carries on from the index.

Exit codes: 0 every source finished; 1 some source failed (including any record it could not store: see the
report's ``storage_errors``); 2 usage error; 3 some source was already being archived by another run (skipped);
4 interrupted (what was fetched is archived; rerun to finish).
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from scrapy.settings import Settings

from archiver.sources import Source
from archiver.state.location import state_location
from archiver.state.runs import record_run
from archiver.summary import SourceSummary, crawl_report, format_summary, runs_dir, write_report
from archiver.summary import source_outcome as summary_outcome

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_LOCKED, EXIT_INTERRUPTED = 0, 1, 2, 3, 4
# What every crawl's report holds (``summary.crawl_report``); anything else is a spider's own addition.
CRAWL_REPORT_KEYS = frozenset({"run_id", "spider", "archive_dir", "started_at", "finished_at", "finish_reason",
                               "outcomes", "outcome_reasons", "rows", "files", "storage_errors", "leftovers",
                               "accounting", "stats"})


# Scrapy imports every extension its settings name, a disabled one too (it loads each to normalise the keys).
# The two that would open a console or a control port, which an archiver run never does
# (``TELNETCONSOLE_ENABLED`` and ``REMOTE_CONTROL_ENABLED`` are off), are left out of its base list, so their
# modules (aiohttp, Twisted's conch) are never loaded: a tenth of a second of every crawl's start.
NEVER_LOADED_EXTENSIONS = ("scrapy.extensions.telnet.TelnetConsole", "scrapy.extensions.remote_control.RemoteControl")


def project_settings(overrides: dict[str, Any] | None = None) -> Settings:
    settings = Settings()
    settings.setmodule("archiver.settings", priority="project")
    settings.set("EXTENSIONS_BASE", {name: order for name, order in settings.getdict("EXTENSIONS_BASE").items()
                                     if name not in NEVER_LOADED_EXTENSIONS}, priority="project")
    for name, value in (overrides or {}).items():
        settings.set(name, value, priority="cmdline")
    settings.set("ARCHIVER_WRITE_REPORT", False, priority="cmdline")  # this command writes one report per run
    return settings


class Progress:
    """A live progress line on a terminal; a summary line in the log every minute otherwise."""

    def __init__(self, crawlers: list[Any], total: int, stream: Any = sys.stderr) -> None:
        self.crawlers = crawlers
        self.total = total
        self.stream = stream
        self.started = time.monotonic()
        self.tty = hasattr(stream, "isatty") and stream.isatty()

    def _started_stats(self) -> list[Any]:
        """The stats of the crawlers that have started: with ``--parallel`` lower than the number of
        sources, the others wait their turn, and Scrapy refuses to hand out a stats collector before
        a crawl starts."""
        started = []
        for crawler in self.crawlers:
            try:
                started.append(crawler.stats)
            except RuntimeError:
                continue
        return started

    def line(self) -> str:
        stats = self._started_stats()
        done = sum(1 for s in stats if s.get_value("finish_reason"))
        pages = sum(s.get_value("response_received_count", 0) for s in stats)
        records = sum(s.get_value("archiver/records", 0) for s in stats)
        elapsed = max(time.monotonic() - self.started, 1e-6)
        return (f"sources {done}/{self.total}  pages {pages}  articles {records}  "
                f"{pages / elapsed:.1f} pages/s  {elapsed:.0f}s")

    def tick(self) -> None:
        if self.tty:
            self.stream.write("\r" + self.line().ljust(78))
            self.stream.flush()
        else:
            import logging

            logging.getLogger("archiver.progress").info(self.line())

    def finish(self) -> None:
        if self.tty:
            self.stream.write("\r" + self.line().ljust(78) + "\n")
            self.stream.flush()


def start_with_progress(process: Any, progress: Progress) -> None:
    """Run the reactor of ``process`` until its crawls end, ticking ``progress`` (every second on a terminal,
    every minute in a log) and printing its last line."""
    from twisted.internet import task

    ticker = task.LoopingCall(progress.tick)
    ticker.start(1.0 if progress.tty else 60.0, now=False)
    process.start()
    if ticker.running:
        ticker.stop()
    progress.finish()


def run_crawl(
    sources: list[Source],
    *,
    since: str | None = None,
    until: str | None = None,
    limit: int | None = None,
    archive: Path | None = None,
    parallel: int = 4,
    settings_overrides: dict[str, Any] | None = None,
    base_urls: dict[str, str] | None = None,
) -> int:
    from scrapy.crawler import AsyncCrawlerProcess

    from archiver.pipelines.extract import start_workers_early
    from archiver.spiders.base import new_run_id
    from archiver.spiders.embassy import EmbassySpider
    from archiver.spiders.news import NewsSpider

    settings = project_settings(settings_overrides)
    start_workers_early(settings)  # the forkserver starts while Scrapy sets up
    process = AsyncCrawlerProcess(settings)
    started = datetime.now(UTC)
    run_id = new_run_id(started)
    queue: list[tuple[Any, dict[str, Any]]] = []
    crawlers: list[Any] = []
    for source in sources:
        spider = EmbassySpider if source.kind == "embassy" else NewsSpider
        crawler = process.create_crawler(spider)
        arguments: dict[str, Any] = {spider.source_argument: source.name, "run_id": run_id}
        if since:
            arguments["since"] = since
        if until:
            arguments["until"] = until
        if limit:
            arguments["limit"] = limit
        if archive:
            arguments["archive"] = str(archive)
        if base_urls and source.name in base_urls:
            arguments["base_url"] = base_urls[source.name]
            arguments["mirrors"] = "localhost" if source.mirrors else ""
        queue.append((crawler, arguments))
        crawlers.append(crawler)

    def start_next(_: Any = None) -> None:
        if queue:
            crawler, arguments = queue.pop(0)
            process.crawl(crawler, **arguments).add_done_callback(start_next)

    for _ in range(min(max(1, parallel), len(queue))):
        start_next()
    start_with_progress(process, Progress(crawlers, len(sources)))
    return finish_run(run_id, started, crawlers, sources, settings)


def source_outcome(crawler: Any, source: str) -> tuple[str, str]:
    """ok, locked, interrupted or failed, and why when not ok (``summary.source_outcome``)."""
    return summary_outcome(crawler.stats.get_stats(), source)


def finish_run(run_id: str, started: datetime, crawlers: list[Any], sources: list[Source], settings: Settings) -> int:
    """The run report and exit code of crawls of one source each (``archiver crawl``)."""
    return finish_crawls(run_id, started, [(c, [s.name]) for c, s in zip(crawlers, sources, strict=True)], settings)


def finish_crawls(run_id: str, started: datetime, crawls_run: list[tuple[Any, list[str]]], settings: Settings,
                  notes: Callable[[dict[str, Any]], list[str]] | None = None,
                  report_extra: dict[str, Any] | None = None) -> int:
    """Print the summary, write the run report and return the exit code of crawls sharing one run id.

    Each crawl comes with the names of the sources it was meant to archive (used when it did not start); a
    crawl may hold several sources (``archiver fetch``). What a spider adds to its report (``report_extra``)
    is carried into the run report, and so is ``report_extra`` (a command's own: ``archiver reextract``'s
    comparison); ``notes`` turns the report into lines printed after the summary."""
    rows: list[SourceSummary] = []
    outcomes: dict[str, str] = {}
    reasons: dict[str, str] = {}
    files: list[dict[str, Any]] = []
    storage_errors: list[dict[str, str]] = []
    leftovers: list[dict[str, Any]] = []
    captures: dict[str, Any] = {}
    accounting: dict[str, Any] = {}
    extra: dict[str, Any] = {}
    crawls = []
    for crawler, planned in crawls_run:
        if getattr(crawler, "spider", None) is None or not crawler.spider.sources:
            for name in planned:
                outcomes[name] = "failed"
                reasons[name] = "the crawl did not start (see the log)"
                rows.append(SourceSummary(name, finish_reason="not started"))
            continue
        report = crawl_report(crawler)
        rows += report["rows"]
        files += report["files"]
        storage_errors += report["storage_errors"]
        leftovers += report["leftovers"]
        for key, value in report["captures"].items():
            if isinstance(value, list):
                captures.setdefault(key, []).extend(value)
            else:
                captures.setdefault(key, value)
        accounting.update(report["accounting"])
        names = [source.name for source in crawler.spider.sources]
        for name in names:
            outcomes[name], reasons[name] = source_outcome(crawler, name)
        extra.update({key: value for key, value in report.items() if key not in CRAWL_REPORT_KEYS})
        crawls.append({"source": ", ".join(names), "finish_reason": report["finish_reason"], "stats": report["stats"]})
    values = set(outcomes.values())
    code = (EXIT_FAILED if "failed" in values else EXIT_INTERRUPTED if "interrupted" in values
            else EXIT_LOCKED if "locked" in values else EXIT_OK)
    finished = datetime.now(UTC)
    report = {
        "run_id": run_id,
        "started_at": started.isoformat(timespec="seconds"),
        "finished_at": finished.isoformat(timespec="seconds"),
        "duration_s": round((finished - started).total_seconds(), 3),
        "exit_code": code,
        "outcomes": outcomes,
        "outcome_reasons": {name: why for name, why in reasons.items() if why},
        "sources": [asdict(row) for row in rows],
        "files": files,
        "storage_errors": storage_errors,
        "leftovers": leftovers,
        "captures": captures,
        "accounting": accounting,
        "crawls": crawls,
        **extra,
        **(report_extra or {}),
    }
    path = runs_dir(settings) / f"{run_id}.json"
    print(format_summary(rows, storage_errors))
    for line in notes(report) if notes else ():
        print(line)
    for name, outcome in sorted(outcomes.items()):
        if outcome != "ok":
            print(f"{name}: {outcome} ({reasons[name]})", file=sys.stderr)
    try:
        write_report(path, report)
    except OSError as exc:  # a run whose report is lost has failed, whatever it archived
        print(f"run {run_id}: the run report could not be written to {path}: {exc}", file=sys.stderr)
        code = EXIT_FAILED
    else:
        print(f"run {run_id}: exit {code}; report {path}")
    state = state_location(settings)
    try:
        record_run(state, report)
    except Exception as exc:  # the shared registry lacks the run: the other machines cannot see it
        print(f"run {run_id}: the run report could not be recorded in the state database {state.describe()}: "
              f"{exc}", file=sys.stderr)
        code = EXIT_FAILED
    return code
