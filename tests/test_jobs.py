"""The job engine (``archiver enqueue``, ``archiver worker``) on a real PostgreSQL server (``tests/pg.py``) and
real crawls of the demo site served on 127.0.0.1.

Each test writes a registry of generated sources (``g01``, ``g02``, ...) in a data folder of its own: every one
is the demo embassy site under a host of its own (the demo's host is its mirror, so its pages are archived under
the generated host), all fetched from one local server. A source's expected articles are the demo's, under its
host. What is checked is what a user would: the records in the archive parts, the jobs' outcomes in the queue,
the workers' lines, and when each job ran (Procrastinate's event log, to the microsecond).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import psycopg
import pytest

from archiver.jobs.schedules import ScheduleError, parse_schedules
from archiver.sources import load_registry

from .conftest import REPO, read_archive, start_server, stop_server, wait_for
from .pg import PostgresServer
from .sites.registry_entries import EMBASSY_ENTRY

EXPECTED = json.loads((REPO / "data" / "demo" / "expected.json").read_text("utf-8"))
QUICK = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_START_DELAY=0", "-s", "ARCHIVER_EXTRACT_PROCESSES=0",
         "-s", "ARCHIVER_CAPTURE=False"]
# short engine timings, so a killed worker's job is retried within seconds
TIMINGS = ["--heartbeat", "0.5", "--stalled-after", "2", "--retry-wait", "1", "--poll", "0.5"]


def names(count: int) -> list[str]:
    return [f"g{i:02}" for i in range(1, count + 1)]


def expected_urls(sources: list[str]) -> set[str]:
    return {f"https://{name}.usembassy.gov{article['path']}" for name in sources for article in EXPECTED["articles"]}


class Deployment:
    """One test's data folder (the generated registry), archive, runs, and database; its workers."""

    def __init__(self, tmp: Path, url: str, base: str, count: int) -> None:
        self.tmp, self.url, self.base = tmp, url, base
        self.sources = names(count)
        (tmp / "data" / "sources").mkdir(parents=True)
        (tmp / "data" / "sources" / "generated.toml").write_text(
            '[defaults]\nkind = "embassy"\nfamily = "usembassy"\nlanguage = "en"\n'
            + "".join(EMBASSY_ENTRY.format(name=name) for name in self.sources), "utf-8")
        self.env = {**os.environ, "ARCHIVER_DATA_DIR": str(tmp / "data")}
        self.workers: list[subprocess.Popen] = []

    def archiver(self, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "archiver.cli", *args], cwd=REPO, env=self.env,
                              capture_output=True, text=True, timeout=timeout)

    def enqueue(self, *args: str) -> str:
        done = self.archiver("enqueue", "--state", self.url, *args)
        assert done.returncode == 0, done.stderr[-3000:]
        return done.stdout

    def crawl_args(self) -> list[str]:
        args = ["--archive", str(self.tmp / "archive"), "--runs", str(self.tmp / "runs"), *QUICK]
        for name in self.sources:
            args += ["--base-url", f"{name}={self.base}"]
        return args

    def start_worker(self, *extra: str) -> subprocess.Popen:
        out = (self.tmp / f"worker-{len(self.workers)}.log").open("w")
        proc = subprocess.Popen([sys.executable, "-m", "archiver.cli", "worker", "--state", self.url,
                                 *self.crawl_args(), *TIMINGS, *extra], cwd=REPO, env=self.env, stdout=out,
                                stderr=subprocess.STDOUT, text=True)
        self.workers.append(proc)
        return proc

    def output(self, worker: subprocess.Popen) -> str:
        return (self.tmp / f"worker-{self.workers.index(worker)}.log").read_text("utf-8", errors="replace")

    def stop_workers(self) -> None:
        """SIGTERM (a worker finishes its crawls, then exits 0), then make sure nothing is left running."""
        for proc in self.workers:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in self.workers:
            try:
                proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()

    def jobs(self) -> list[dict[str, Any]]:
        with psycopg.connect(self.url) as conn:
            if conn.execute("SELECT to_regclass('procrastinate_jobs')").fetchone()[0] is None:
                return []  # no worker nor enqueue has created the queue yet
            rows = conn.execute("SELECT id, status, attempts, lock, args FROM procrastinate_jobs ORDER BY id")
            return [dict(zip(("id", "status", "attempts", "lock", "args"), row, strict=True)) for row in rows]

    def all_succeeded(self, count: int) -> bool:
        jobs = self.jobs()
        return len(jobs) == count and all(job["status"] == "succeeded" for job in jobs)

    def runs_of_each_lock(self) -> dict[str, list[tuple[Any, Any]]]:
        """For each job lock (source), when each of its jobs' attempts started and ended, from the queue's event
        log: a 'started' event to the next final or retry event of that job."""
        with psycopg.connect(self.url) as conn:
            rows = conn.execute("SELECT j.lock, e.job_id, e.type::text, e.at FROM procrastinate_events e "
                                "JOIN procrastinate_jobs j ON j.id = e.job_id ORDER BY e.job_id, e.at, e.id").fetchall()
        spans: dict[str, list[tuple[Any, Any]]] = defaultdict(list)
        open_at: dict[int, Any] = {}
        for lock, job_id, kind, at in rows:
            if kind == "started":
                open_at[job_id] = at
            elif job_id in open_at and kind in ("succeeded", "failed", "cancelled", "aborted", "scheduled"):
                spans[lock].append((open_at.pop(job_id), at))
        return spans


@pytest.fixture
def demo() -> Any:
    proc, base = start_server(["-m", "archiver.cli", "serve-demo"])
    yield base
    stop_server(proc)


@pytest.fixture
def slow_demo(tmp_path: Path) -> Any:
    """The demo site answering each request after 0.05 s, logging each request to ``<tmp>/access.log``."""
    proc, base = start_server(["-m", "archiver.cli", "serve-demo", "--delay", "0.05", "--access-log",
                               str(tmp_path / "access.log")])
    yield base
    stop_server(proc)


def requests_served(tmp: Path) -> int:
    path = tmp / "access.log"
    return len(path.read_text("utf-8", errors="replace").splitlines()) if path.exists() else 0


def assert_exactly_once(tmp: Path, sources: list[str]) -> None:
    records = read_archive(tmp / "archive")
    counts = Counter(record["canonical_url"] for record in records)
    twice = sorted(url for url, n in counts.items() if n > 1)
    assert not twice, f"archived more than once: {twice[:5]}"
    missing = sorted(expected_urls(sources) - set(counts))
    assert not missing, f"never archived: {missing[:5]}"
    assert set(counts) == expected_urls(sources)


def assert_one_run_at_a_time(spans: dict[str, list[tuple[Any, Any]]]) -> None:
    for lock, runs in spans.items():
        runs = sorted(runs)
        for (_, end), (start, _) in zip(runs, runs[1:], strict=False):
            assert start >= end, f"two jobs of {lock} ran at once: {runs}"


def test_three_workers_archive_every_article_of_twelve_sources_exactly_once(
        tmp_path: Path, pg_server: PostgresServer, demo: str) -> None:
    site = Deployment(tmp_path, pg_server.new_database(), demo, 12)
    queued = site.enqueue("--all")
    assert queued.count(": queued (job ") == 12
    assert site.enqueue("g01", "g02").splitlines() == ["g01: already queued", "g02: already queued"]
    workers = [site.start_worker() for _ in range(3)]
    try:
        assert wait_for(lambda: site.all_succeeded(12), timeout=150), site.jobs()
    finally:
        site.stop_workers()
    assert [w.returncode for w in workers] == [0, 0, 0], [site.output(w)[-2000:] for w in workers]
    outputs = [site.output(w) for w in workers]
    finished = [line for out in outputs for line in out.splitlines() if ": ok, run " in line]
    assert sorted(line.split(" job ")[1].split(":")[0].split()[1] for line in finished) == site.sources
    assert sum(1 for out in outputs if ": ok, run " in out) >= 2, "one worker did everything"
    assert not any("busy" in out or "failed" in out for out in outputs), outputs
    assert all(job["attempts"] == 1 for job in site.jobs())
    assert "retried" not in outputs
    assert_exactly_once(tmp_path, site.sources)
    assert_one_run_at_a_time(site.runs_of_each_lock())


def test_a_worker_killed_mid_job_loses_nothing_and_its_job_is_retried_elsewhere(
        tmp_path: Path, pg_server: PostgresServer, slow_demo: str) -> None:
    site = Deployment(tmp_path, pg_server.new_database(), slow_demo, 2)
    victim = site.start_worker()
    site.enqueue("--all")
    # mid-job: the victim's first crawl has fetched a dozen pages of its source
    logs = tmp_path / "runs" / "jobs"
    assert wait_for(lambda: requests_served(tmp_path) >= 12, timeout=60), site.jobs()
    running = [job for job in site.jobs() if job["status"] == "doing"]
    assert len(running) == 1, running
    killed_source = running[0]["lock"]
    assert crawls_running(killed_source) == 1
    victim.send_signal(signal.SIGKILL)
    victim.wait()
    # its crawl stops with it (no orphan crawl holding the source) and the source's lock is released
    assert wait_for(lambda: crawls_running(killed_source) == 0 and not lock_held(site.url, killed_source),
                    timeout=30)
    assert [job["status"] for job in site.jobs() if job["id"] == running[0]["id"]] == ["doing"]  # until retried
    rescuer = site.start_worker("--concurrency", "2")
    try:
        assert wait_for(lambda: site.all_succeeded(2), timeout=120), site.jobs()
    finally:
        site.stop_workers()
    out = site.output(rescuer)
    assert f"job {running[0]['id']} {killed_source}: its worker stopped answering" in out, out
    assert f"job {running[0]['id']} {killed_source}: ok, run " in out, out
    (retried,) = [job for job in site.jobs() if job["id"] == running[0]["id"]]
    assert retried["attempts"] >= 2
    # told once to stop, the killed worker's crawl stopped as on Ctrl-C: interrupted (exit 4), not failed
    assert ": exit 4; report " in (logs / f"{killed_source}-job{retried['id']}-attempt1.log").read_text("utf-8")
    with psycopg.connect(site.url) as conn:
        assert conn.execute("SELECT count(*) FROM source_locks").fetchone()[0] == 0
    assert_exactly_once(tmp_path, site.sources)
    assert_one_run_at_a_time(site.runs_of_each_lock())


def crawls_running(source: str) -> int:
    """How many ``archiver crawl <source>`` processes run on this machine now."""
    count = 0
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            argv = cmdline.read_bytes().split(b"\0")
        except OSError:
            continue
        if argv[1:5] == [b"-m", b"archiver.cli", b"crawl", source.encode()]:
            count += 1
    return count


def test_two_workers_never_crawl_one_source_at_once_and_a_crawl_of_a_running_source_exits_3(
        tmp_path: Path, pg_server: PostgresServer, slow_demo: str) -> None:
    site = Deployment(tmp_path, pg_server.new_database(), slow_demo, 3)
    workers = [site.start_worker("--concurrency", "2", "--max-attempts", "30") for _ in range(2)]
    try:
        # a source held by a run outside the engine: its job is told busy (exit 3) and retried after the wait
        # (a polite one: 0.25 s between requests, so it holds the source for about ten seconds)
        outside = subprocess.Popen([sys.executable, "-m", "archiver.cli", "crawl", "g03", "--state", site.url,
                                    *site.crawl_args(), "-s", "DOWNLOAD_DELAY=0.25"], cwd=REPO, env=site.env,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        assert wait_for(lambda: lock_held(site.url, "g03"), timeout=30)
        site.enqueue("g01", "g03")
        assert wait_for(lambda: site.jobs()[0]["status"] == "doing", timeout=30), site.jobs()
        again = site.enqueue("g01", "g02")  # g01 runs, so it may be queued once more: its job waits for the lock
        assert again.splitlines()[0].startswith("g01: queued (job ")
        # while a worker holds g01, an ordinary crawl of it from another process is refused, as today
        refused = site.archiver("crawl", "g01", "--state", site.url, *site.crawl_args())
        assert refused.returncode == 3, refused.stderr[-2000:]
        assert "source 'g01' is already being archived by pid" in refused.stderr
        most = 0

        def done() -> bool:
            nonlocal most
            most = max(most, crawls_running("g01"))
            return site.all_succeeded(4)

        assert wait_for(done, timeout=150, interval=0.05), site.jobs()
        assert outside.wait(timeout=60) == 0
    finally:
        site.stop_workers()
    assert most == 1
    spans = site.runs_of_each_lock()
    assert len(spans["g01"]) == 2
    assert_one_run_at_a_time(spans)
    # the second g01 job waited for the first, while g02 ran beside it: the lock, not a lack of free workers
    (g02,) = spans["g02"]
    first, second = sorted(spans["g01"])
    assert g02[0] < first[1] and second[0] >= first[1]
    outputs = "".join(site.output(w) for w in workers)
    assert "g03: busy (another run holds it), retried later" in outputs
    (g03,) = [job for job in site.jobs() if job["lock"] == "g03"]
    assert g03["attempts"] >= 2
    assert_exactly_once(tmp_path, site.sources)


def lock_held(url: str, source: str) -> bool:
    with psycopg.connect(url) as conn:
        if conn.execute("SELECT to_regclass('source_locks')").fetchone()[0] is None:
            return False  # no run has started yet
        return conn.execute("SELECT count(*) FROM source_locks WHERE source = %s", (source,)).fetchone()[0] == 1


def test_a_schedule_in_config_is_run_by_the_engine(tmp_path: Path, pg_server: PostgresServer, demo: str) -> None:
    site = Deployment(tmp_path, pg_server.new_database(), demo, 2)
    (tmp_path / "data" / "schedules.toml").write_text('[kinds]\nembassy = "off"\n\n[sources]\n'
                                                       'g02 = "*/2 * * * * *"  # every 2 seconds\n', "utf-8")
    worker = site.start_worker()
    try:
        assert wait_for(lambda: sum(j["status"] == "succeeded" for j in site.jobs()) >= 1, timeout=60), site.jobs()
    finally:
        site.stop_workers()
    assert worker.returncode == 0, site.output(worker)[-2000:]
    assert "1 scheduled sources" in site.output(worker)
    assert {job["lock"] for job in site.jobs()} == {"g02"}
    assert all(job["args"]["source"] == "g02" and job["args"]["timestamp"] for job in site.jobs())
    assert {r["source"] for r in read_archive(tmp_path / "archive")} == {"g02"}


def test_schedules_are_checked_at_load(tmp_path: Path) -> None:
    (tmp_path / "sources").mkdir()
    (tmp_path / "sources" / "generated.toml").write_text(
        '[defaults]\nkind = "embassy"\nfamily = "usembassy"\nlanguage = "en"\n'
        + "".join(EMBASSY_ENTRY.format(name=name) for name in names(3)), "utf-8")
    registry = load_registry(tmp_path / "sources")
    assert parse_schedules({"kinds": {"embassy": "hourly"}, "sources": {"g02": "@daily", "g03": "off"}},
                           registry, "f") == {"g01": "0 * * * *", "g02": "0 0 * * *"}
    assert parse_schedules({}, registry, "f") == {}
    for table, message in [
        ({"kinds": {"blog": "hourly"}}, "f: [kinds] blog: unknown kind"),
        ({"sources": {"g4": "hourly"}}, "f: [sources] g4: no such source"),
        ({"sources": {"g01": "every hour"}}, "f: [sources] g01: 'every hour' is not a cron expression"),
        ({"sources": {"g01": "61 * * * *"}}, "f: [sources] g01: '61 * * * *' is not a cron expression"),
        ({"sources": {"g01": 5}}, "f: [sources] g01: a schedule is a string"),
        ({"source": {"g01": "hourly"}}, "f: unknown table 'source'"),
    ]:
        with pytest.raises(ScheduleError) as caught:
            parse_schedules(table, registry, "f")
        assert str(caught.value).startswith(message), caught.value


def test_the_engine_needs_a_database_state(tmp_path: Path) -> None:
    env = {**os.environ, "ARCHIVER_DATA_DIR": str(tmp_path)}
    env.pop("ARCHIVER_STATE_URL", None)
    for command in (["enqueue", "--all"], ["worker"]):
        done = subprocess.run([sys.executable, "-m", "archiver.cli", *command, "--state", str(tmp_path / "state")],
                              cwd=REPO, env=env, capture_output=True, text=True, timeout=60)
        assert done.returncode == 2
        assert "the job queue lives in the shared state database" in done.stderr


def test_the_database_restarting_mid_run_loses_and_duplicates_nothing(
        tmp_path: Path, pg_server: PostgresServer, slow_demo: str) -> None:
    """The server restarts while both workers are crawling (every session ends: the queue's connections and
    the crawls' locks and index connections); then it stops for a while, and a job queued once it is back is
    run by the same workers."""
    site = Deployment(tmp_path, pg_server.new_database(), slow_demo, 3)
    # a restart may take longer than the tests' two seconds of silence: a worker is only gone after 15
    workers = [site.start_worker("--stalled-after", "15") for _ in range(2)]
    try:
        site.enqueue("g01", "g02")
        assert wait_for(lambda: [j["status"] for j in site.jobs()] == ["doing", "doing"]
                        and requests_served(tmp_path) >= 12, timeout=60), site.jobs()
        pg_server.restart()
        assert wait_for(lambda: site.all_succeeded(2), timeout=120), (site.jobs(), [site.output(w) for w in workers])
        # the server away for longer than a heartbeat: the idle workers notice, and wait for it
        pg_server.stop_server()
        assert wait_for(lambda: any("lost the queue's database" in site.output(w) for w in workers), timeout=30)
        pg_server.start_server()
        site.enqueue("g03")
        assert wait_for(lambda: site.all_succeeded(3), timeout=120), (site.jobs(), [site.output(w) for w in workers])
        assert all(w.poll() is None for w in workers)
    finally:
        site.stop_workers()
    # the crawls rode out the restart (their state calls are repeated on a new connection), and the workers
    # started again once the server answered: each source ran once, and each job's end was recorded once
    assert [w.returncode for w in workers] == [0, 0]
    outputs = "".join(site.output(w) for w in workers)
    assert sorted(line.split(": ok, run ")[0].split()[-1] for line in outputs.splitlines() if ": ok, run " in line) \
        == site.sources, outputs[-3000:]
    assert all(job["attempts"] == 1 for job in site.jobs())
    assert "retried" not in outputs
    assert_exactly_once(tmp_path, site.sources)


def test_a_worker_whose_database_stays_away_fails_loudly(tmp_path: Path, pg_server: PostgresServer) -> None:
    site = Deployment(tmp_path, pg_server.new_database(), "http://127.0.0.1:9", 1)  # no job: no site needed
    site.env["ARCHIVER_STATE_RECONNECT_SECONDS"] = "3"
    worker = site.start_worker()
    try:
        assert wait_for(lambda: ": up: " in site.output(worker) and site.jobs() == [], timeout=30)
        pg_server.stop_server()
        try:
            assert worker.wait(timeout=60) == 1
        finally:
            pg_server.start_server()
    finally:
        site.stop_workers()
    out = site.output(worker)
    assert "lost the queue's database" in out
    assert "stopped on an error: RuntimeError: the queue's database did not answer for 3 s" in out
    # and a worker or an enqueue that finds no database at all says so, exit 1
    site.url = site.url.replace(f"port={pg_server.port}", "port=1")
    enqueue = site.archiver("enqueue", "--all", "--state", site.url)
    assert enqueue.returncode == 1 and "the queue's database failed: OperationalError" in enqueue.stderr
    late = site.start_worker()
    assert late.wait(timeout=60) == 1
    assert "cannot reach the queue's database: OperationalError" in site.output(late)
