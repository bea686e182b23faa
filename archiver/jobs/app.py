"""The Procrastinate app of the job engine, on the shared state's database.

One task, ``crawl_source``, on the queue ``crawl``. Every job of a source carries the source's name as its job
lock (Procrastinate starts no job while another job with the same lock is running) and as its queueing lock (a
source is queued at most once: enqueueing it again, or a schedule's tick while it waits, adds nothing). The
queue's tables (``procrastinate_*``) are created by the first process that needs them, under a transaction-level
advisory lock, so workers and ``enqueue`` may start together.
"""

from __future__ import annotations

from dataclasses import dataclass

import psycopg
from procrastinate import App, PsycopgConnector, RetryStrategy

from archiver.jobs.tasks import CrawlInterrupted, SourceBusy, crawl_source

TASK_NAME = "crawl_source"
QUEUE = "crawl"
# The key of the advisory lock taken while creating the queue's tables (an arbitrary constant of ours, not
# the state schema's: archiver.state.pg.schema.MIGRATION_LOCK_KEY).
SCHEMA_LOCK_KEY = 0x6A6F6273_71756575 & 0x7FFFFFFFFFFFFFFF


@dataclass(frozen=True)
class RetryPolicy:
    """How a job whose source was busy (another run held it) or whose crawl was interrupted is retried."""

    wait_seconds: int = 60
    max_attempts: int = 10


def ensure_queue_schema(url: str, app: App) -> bool:
    """Create the queue's tables unless they exist (True when created). One transaction: the check and the
    creation happen under the lock, and a failure leaves nothing half-made."""
    with psycopg.connect(url, autocommit=True) as conn, conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (SCHEMA_LOCK_KEY,))
        if conn.execute("SELECT to_regclass('procrastinate_jobs')").fetchone()[0] is not None:
            return False
        conn.execute(app.schema_manager.get_schema())
        return True


def build_app(url: str, retry: RetryPolicy | None = None, schedules: dict[str, str] | None = None, *,
              pool_timeout: float = 30.0) -> App:
    """The app on the database ``url``, its crawl task registered, with one periodic entry per scheduled source
    (``schedules``: source name -> cron expression). ``pool_timeout``: how long a query waits for a connection
    (while the server is away, every query waits this long before failing)."""
    retry = retry or RetryPolicy()
    app = App(connector=PsycopgConnector(conninfo=url, timeout=pool_timeout))
    task = app.task(name=TASK_NAME, queue=QUEUE, pass_context=True,
                    retry=RetryStrategy(max_attempts=retry.max_attempts, wait=retry.wait_seconds,
                                        retry_exceptions={SourceBusy, CrawlInterrupted}))(crawl_source)
    for source, cron in (schedules or {}).items():
        app.periodic(cron=cron, periodic_id=source, lock=source, queueing_lock=source,
                     task_kwargs={"source": source})(task)
    return app


def crawl_task(app: App):  # noqa: ANN201 (Procrastinate's Task is generic over the wrapped function)
    """The registered crawl task of ``app``."""
    return app.tasks[TASK_NAME]
