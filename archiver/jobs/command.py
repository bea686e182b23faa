"""``archiver enqueue`` and ``archiver worker``: the job engine's two commands.

``enqueue`` defers one ``crawl_source`` job per named source (``--all``, ``--kind``); a source already queued
is said so and not queued twice. ``worker`` runs jobs until stopped (SIGINT/SIGTERM: it takes no new job and
waits for its crawls), ``--concurrency`` at a time, each in a child ``archiver crawl``, and defers the jobs of
the schedules (``schedules.toml``). It also retries the jobs of workers that stopped answering: a worker whose
heartbeat is older than ``--stalled-after`` seconds is gone (killed, its machine lost), and its running jobs go
back on the queue, which also frees their job locks. Both need a ``postgresql://`` state (``--state`` or
``ARCHIVER_STATE_URL``): the queue lives in the shared state's database.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import signal
import socket
import sys
from pathlib import Path
from typing import Any

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def _env_number(name: str, default: float) -> float:
    value = os.environ.get(name)
    try:
        return float(value) if value else default
    except ValueError:
        raise SystemExit(f"archiver: {name}={value!r}: give a number of seconds") from None


def add_enqueue_arguments(p: argparse.ArgumentParser, kinds: tuple[str, ...]) -> None:
    p.add_argument("sources", nargs="*", help="source names (see `archiver sources`)")
    p.add_argument("--all", action="store_true", help="every registered source")
    p.add_argument("--kind", choices=kinds, help="every source of this kind")
    p.add_argument("--state", help="the postgresql:// state URL holding the queue (default: $ARCHIVER_STATE_URL)")
    p.add_argument("-s", "--set", action="append", metavar="NAME=VALUE",
                   help="a setting (ARCHIVER_DATA_DIR: the registry to read)")


def add_worker_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--concurrency", type=int, default=1, help="jobs (source crawls) run at the same time (default 1)")
    p.add_argument("--state", help="the postgresql:// state URL holding the queue (default: $ARCHIVER_STATE_URL)")
    p.add_argument("--schedules", help="the schedules file (default: <data dir>/schedules.toml, if it exists)")
    p.add_argument("--archive", help="archive of the crawls: a folder, or an s3:// URL (default: data/archive, or "
                                     "ARCHIVER_ARCHIVE_URL)")
    p.add_argument("--runs", help="run reports folder of the crawls (default: data/runs)")
    p.add_argument("--captures", help="captures folder of the crawls (default: data/captures)")
    p.add_argument("--logs", help="each crawl's log goes here (default: <runs>/jobs)")
    p.add_argument("--base-url", action="append", metavar="SOURCE=URL",
                   help="fetch SOURCE from another address (a mirror, a local copy)")
    p.add_argument("-s", "--set", action="append", metavar="NAME=VALUE", help="a Scrapy setting of the crawls")
    p.add_argument("--heartbeat", type=float, help="seconds between the worker's heartbeats (default: "
                   "$ARCHIVER_JOBS_HEARTBEAT_SECONDS, else 10)")
    p.add_argument("--stalled-after", type=float, help="a worker silent this long is gone and its jobs are retried "
                   "(default: $ARCHIVER_JOBS_STALLED_SECONDS, else 30)")
    p.add_argument("--retry-wait", type=int, help="seconds before a job whose source was busy or whose crawl was "
                   "interrupted is retried (default: $ARCHIVER_JOBS_RETRY_SECONDS, else 60)")
    p.add_argument("--max-attempts", type=int, help="attempts of a job whose source stays busy (default: "
                   "$ARCHIVER_JOBS_MAX_ATTEMPTS, else 10)")
    p.add_argument("--poll", type=float, default=5.0, help="seconds between looks for jobs that became runnable "
                   "without a notification: a retry's time come, a source's job lock freed (default 5)")
    p.add_argument("--until-empty", action="store_true", help="stop once no job is left to start (batch use)")


def _overrides(args: argparse.Namespace) -> dict[str, str]:
    from archiver.overrides import setting_overrides

    return setting_overrides(args.set)


def _queue_url(args: argparse.Namespace, command: str) -> str | None:
    from archiver.state.location import state_argument

    state = state_argument(args.state)
    if not state.shared:
        print(f"archiver {command}: the job queue lives in the shared state database: give --state "
              "postgresql://... or set ARCHIVER_STATE_URL", file=sys.stderr)
        return None
    return state.url


def run_enqueue(args: argparse.Namespace) -> int:
    from archiver.paths import sources_dir
    from archiver.sources import load_registry, resolve

    try:
        overrides = _overrides(args)
    except ValueError as exc:
        print(f"archiver enqueue: {exc}", file=sys.stderr)
        return EXIT_USAGE
    url = _queue_url(args, "enqueue")
    if url is None:
        return EXIT_USAGE
    registry = load_registry(sources_dir(overrides.get("ARCHIVER_DATA_DIR")))
    if args.all or args.kind:
        names = sorted(s.name for s in registry.values() if not args.kind or s.kind == args.kind)
    elif args.sources:
        names = [s.name for s in resolve(args.sources, registry=registry)]
    else:
        print("archiver enqueue: name sources, or use --all or --kind", file=sys.stderr)
        return EXIT_USAGE
    try:
        return asyncio.run(_enqueue(url, names))
    except Exception as exc:  # the database does not answer: nothing was queued past the last line printed
        print(f"archiver enqueue: the queue's database failed: {type(exc).__name__}: {str(exc).strip()}",
              file=sys.stderr)
        return EXIT_FAILED


async def _enqueue(url: str, names: list[str]) -> int:
    from procrastinate.exceptions import AlreadyEnqueued

    from archiver.jobs.app import build_app, crawl_task, ensure_queue_schema

    app = build_app(url)
    ensure_queue_schema(url, app)
    queued = 0
    async with app.open_async():
        task = crawl_task(app)
        for name in names:
            try:
                job_id = await task.configure(lock=name, queueing_lock=name).defer_async(source=name)
            except AlreadyEnqueued:
                print(f"{name}: already queued")
                continue
            queued += 1
            print(f"{name}: queued (job {job_id})")
    print(f"{queued} queued, {len(names) - queued} already queued", file=sys.stderr)
    return EXIT_OK


def run_worker(args: argparse.Namespace) -> int:
    from archiver.archive.objectstore import archive_argument
    from archiver.jobs.app import RetryPolicy, build_app, ensure_queue_schema
    from archiver.jobs.schedules import ScheduleError, load_schedules
    from archiver.jobs.tasks import CrawlSetup
    from archiver.paths import data_dir, sources_dir
    from archiver.runner import project_settings
    from archiver.sources import load_registry
    from archiver.summary import runs_dir

    try:
        overrides = _overrides(args)
    except ValueError as exc:
        print(f"archiver worker: {exc}", file=sys.stderr)
        return EXIT_USAGE
    if args.concurrency < 1:
        print("archiver worker: --concurrency must be at least 1", file=sys.stderr)
        return EXIT_USAGE
    url = _queue_url(args, "worker")
    if url is None:
        return EXIT_USAGE
    data_setting = overrides.get("ARCHIVER_DATA_DIR")
    registry = load_registry(sources_dir(data_setting))
    schedules_file = Path(args.schedules) if args.schedules else data_dir(data_setting) / "schedules.toml"
    if args.schedules and not schedules_file.exists():
        print(f"archiver worker: no such schedules file: {schedules_file}", file=sys.stderr)
        return EXIT_USAGE
    try:
        schedules = load_schedules(schedules_file, registry)
    except ScheduleError as exc:
        print(f"archiver worker: {exc}", file=sys.stderr)
        return EXIT_USAGE
    crawl_args: list[str] = []
    for option, value in (("--archive", args.archive), ("--runs", args.runs), ("--captures", args.captures)):
        if value:  # an s3:// archive is passed on as it is, a folder as an absolute path
            crawl_args += [option, archive_argument(value)]
    for pair in args.base_url or []:
        crawl_args += ["--base-url", pair]
    for pair in args.set or []:
        crawl_args += ["-s", pair]
    runs = Path(args.runs).resolve() if args.runs else runs_dir(project_settings(overrides))
    log_dir = Path(args.logs).resolve() if args.logs else runs / "jobs"
    heartbeat = args.heartbeat or _env_number("ARCHIVER_JOBS_HEARTBEAT_SECONDS", 10)
    stalled = args.stalled_after or _env_number("ARCHIVER_JOBS_STALLED_SECONDS", 30)
    retry = RetryPolicy(wait_seconds=args.retry_wait or int(_env_number("ARCHIVER_JOBS_RETRY_SECONDS", 60)),
                        max_attempts=args.max_attempts or int(_env_number("ARCHIVER_JOBS_MAX_ATTEMPTS", 10)))
    if stalled <= heartbeat:
        print("archiver worker: --stalled-after must be longer than --heartbeat", file=sys.stderr)
        return EXIT_USAGE
    name = f"{socket.gethostname()}:{os.getpid()}"

    def say(line: str) -> None:
        print(f"worker {name}: {line}", flush=True)

    app = build_app(url, retry, schedules, pool_timeout=max(5.0, 2 * heartbeat))
    try:
        ensure_queue_schema(url, app)
    except Exception as exc:  # psycopg's errors: no server, no such database, no right to create tables
        say(f"cannot reach the queue's database: {type(exc).__name__}: {str(exc).strip()}")
        return EXIT_FAILED
    setup = CrawlSetup(state_url=url, crawl_args=crawl_args, log_dir=log_dir, say=say)
    say(f"up: concurrency {args.concurrency}, {len(schedules)} scheduled sources, crawl logs in {log_dir}")
    try:
        asyncio.run(_work(app, setup, name=name, concurrency=args.concurrency, heartbeat=heartbeat,
                          stalled=stalled, poll=args.poll, wait=not args.until_empty))
    except Exception as exc:  # the queue's database went away for good, or a bug: loudly, non-zero
        say(f"stopped on an error: {type(exc).__name__}: {exc}")
        return EXIT_FAILED
    say("stopped")
    return EXIT_OK


async def _work(app: Any, setup: Any, *, name: str, concurrency: int, heartbeat: float, stalled: float,
                poll: float, wait: bool) -> None:
    """Run Procrastinate's worker until SIGINT/SIGTERM. Procrastinate stops a worker whose side tasks fail (its
    heartbeat or its listener lost the database); such a worker has finished its running jobs, and is started
    again as soon as the database answers, for up to ``ARCHIVER_STATE_RECONNECT_SECONDS``: after that, the
    error is raised (the command fails loudly)."""
    from procrastinate.worker import Worker

    from archiver.jobs.app import QUEUE
    from archiver.state.pg.connection import reconnect_seconds

    stopping = asyncio.Event()
    current: list[Worker] = []

    def stop() -> None:
        stopping.set()
        for worker in current:
            worker.stop()

    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop)
    async with app.open_async():
        rescuer = asyncio.create_task(_retry_stalled(app, setup, every=heartbeat, stalled=stalled,
                                                     own=lambda: current[0].worker_id if current else None))
        try:
            down_since: float | None = None
            while not stopping.is_set():
                worker = Worker(app, queues=[QUEUE], name=name, concurrency=concurrency, wait=wait,
                                additional_context={"crawl": setup}, update_heartbeat_interval=heartbeat,
                                stalled_worker_timeout=stalled, fetch_job_polling_interval=poll,
                                install_signal_handlers=False)
                current[:] = [worker]
                try:
                    await worker.run()
                    if stopping.is_set() or not wait:
                        return
                    problem = "a side task failed"
                except Exception as exc:  # its heartbeat or its first query found no database
                    problem = f"{type(exc).__name__}: {str(exc).strip() or 'database error'}"
                if worker.worker_id is not None or down_since is None:  # it had the database: a new outage
                    down_since = loop.time()
                    setup.say(f"lost the queue's database ({problem}); its running jobs are finished, starting "
                              "again when it answers")
                elif loop.time() - down_since > reconnect_seconds():
                    raise RuntimeError(f"the queue's database did not answer for {reconnect_seconds():g} s "
                                       f"({problem})")
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stopping.wait(), timeout=min(heartbeat, 2.0))
        finally:
            rescuer.cancel()


async def _retry_stalled(app: Any, setup: Any, *, every: float, stalled: float,
                         own: Any = lambda: None) -> None:
    """Put back on the queue the running jobs of workers whose heartbeat is older than ``stalled`` seconds
    (Procrastinate's stalled-job query): this frees their job locks, and the next free worker runs them."""
    from archiver.jobs.app import TASK_NAME

    while True:
        await asyncio.sleep(every)
        try:
            jobs = await app.job_manager.get_stalled_jobs(task_name=TASK_NAME, seconds_since_heartbeat=stalled)
            for job in jobs:
                if job.worker_id is not None and job.worker_id == own():
                    continue  # this worker is alive: its jobs are not stalled, whatever its heartbeat says
                try:
                    await app.job_manager.retry_job(job)
                except Exception:  # another worker retried it first  # noqa: BLE001,S112
                    continue
                source = job.task_kwargs.get("source")
                setup.say(f"job {job.id} {source}: its worker stopped answering (no heartbeat for {stalled:g} s); "
                          "retried")
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # the database is away: the worker's own loop reports it; try again later
            setup.say(f"could not look for stalled jobs: {type(exc).__name__}: {exc}")
