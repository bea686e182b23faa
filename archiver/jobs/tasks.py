"""The one task of the engine: crawl one source, as ``archiver crawl SOURCE`` in a child process.

A child process, not a call: Scrapy's Twisted reactor runs once per process, and a crawl that crashes or leaks
takes only its own process down. The child is today's per-source run, unchanged: it takes the source's
advisory lock, archives, indexes, writes and records its run report. Its exit code becomes the job's outcome:

- 0: the job succeeded;
- 3 (the source is locked by a run elsewhere, e.g. an ``archiver crawl`` from cron) and 4 (the crawl was
  interrupted): the job is retried later (``SourceBusy``, ``CrawlInterrupted``; the wait is the app's retry
  policy);
- anything else: the job failed (``CrawlFailed``), its message naming the run report and the crawl's log.

The crawl runs on a leash (``archiver.jobs.leash``): a worker killed outright does not leave an orphan crawl
holding the source; the crawl is told once to stop, stops as on Ctrl-C, keeping what it archived, and releases
its lock. The job itself is retried by another worker once the dead one's heartbeat is stale.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import signal
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from procrastinate import JobContext

EXIT_OK, EXIT_LOCKED, EXIT_INTERRUPTED = 0, 3, 4
RUN_LINE = re.compile(r"^run (?P<run_id>\S+): exit (?P<code>\d+); report (?P<report>.+)$")


class SourceBusy(Exception):
    """Another run holds the source (the crawl exited 3): retried later."""


class CrawlInterrupted(Exception):
    """The crawl was stopped before it finished (exit 4): retried later; what it archived stays."""


class CrawlFailed(Exception):
    """The crawl failed (its run report says why): the job fails, and the next enqueue or tick retries."""


@dataclass
class CrawlSetup:
    """What every crawl of one worker is given: the state URL, the crawl options the worker was started with
    (``--archive``, ``--runs``, ``--base-url``, ``-s`` ...), where each crawl's log goes, and how the worker
    reports a job's start and end (one line each)."""

    state_url: str
    crawl_args: list[str] = field(default_factory=list)
    log_dir: Path = Path(".")
    say: Callable[[str], None] = print


def crawl_argv(setup: CrawlSetup, source: str) -> list[str]:
    """``archiver crawl SOURCE`` on its leash (stopped once if this worker dies)."""
    return [sys.executable, "-m", "archiver.jobs.leash", str(os.getpid()), "--",
            sys.executable, "-m", "archiver.cli", "crawl", source, "--parallel", "1", "--state", setup.state_url,
            *setup.crawl_args]


def run_line(log: Path) -> dict[str, str]:
    """The crawl's closing ``run <id>: exit <code>; report <path>`` line, read from its log ({} if none)."""
    found: dict[str, str] = {}
    with contextlib.suppress(OSError), log.open(encoding="utf-8", errors="replace") as lines:
        for line in lines:
            match = RUN_LINE.match(line.strip())
            if match:
                found = match.groupdict()
    return found


async def crawl_source(context: JobContext, source: str, timestamp: int | None = None) -> dict[str, Any]:
    """Crawl ``source`` once (``timestamp``: the schedule tick that deferred the job, when one did)."""
    setup: CrawlSetup = context.additional_context["crawl"]
    job = context.job
    attempt = job.attempts + 1
    setup.log_dir.mkdir(parents=True, exist_ok=True)
    log = setup.log_dir / f"{source}-job{job.id}-attempt{attempt}.log"
    setup.say(f"job {job.id} {source}: started (attempt {attempt}{', scheduled' if timestamp else ''})")
    started = time.monotonic()
    with log.open("w", encoding="utf-8") as out:
        child = await asyncio.create_subprocess_exec(*crawl_argv(setup, source), stdin=asyncio.subprocess.DEVNULL,
                                                     stdout=out, stderr=asyncio.subprocess.STDOUT)
        try:
            code = await child.wait()
        except asyncio.CancelledError:  # the worker gave up waiting at shutdown: stop the crawl as Ctrl-C does
            with contextlib.suppress(ProcessLookupError):
                child.send_signal(signal.SIGTERM)
            await asyncio.shield(child.wait())
            raise
    ran = run_line(log)
    run_id = ran.get("run_id", "-")
    took = f"{time.monotonic() - started:.1f} s"
    if code == EXIT_OK:
        setup.say(f"job {job.id} {source}: ok, run {run_id}, {took}")
        return {"source": source, "run_id": run_id, "report": ran.get("report")}
    if code == EXIT_LOCKED:
        setup.say(f"job {job.id} {source}: busy (another run holds it), retried later, run {run_id}, {took}")
        raise SourceBusy(f"{source}: locked by another run (run {run_id}; log {log})")
    if code == EXIT_INTERRUPTED:
        setup.say(f"job {job.id} {source}: interrupted, retried later, run {run_id}, {took}")
        raise CrawlInterrupted(f"{source}: crawl interrupted (run {run_id}, report {ran.get('report')}; log {log})")
    setup.say(f"job {job.id} {source}: failed (exit {code}), run {run_id}, report {ran.get('report', '-')}, "
              f"log {log}, {took}")
    raise CrawlFailed(f"{source}: crawl exited {code} (run {run_id}, report {ran.get('report', 'none')}; "
                      f"log {log})")
