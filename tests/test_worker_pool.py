"""The extraction worker pool on its own: real worker processes fed over their sockets from an event loop; a
task's exception travels back; a worker killed while holding a task fails that task and every later one with
``BrokenProcessPool``, which the extraction pipeline answers by extracting in the crawl process."""

from __future__ import annotations

import asyncio
import os
import signal
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

import pytest

from archiver.pipelines.workers import WorkerPool

from .sites.worker_tasks import answer


def test_results_and_exceptions_come_back_and_an_idle_worker_takes_the_next_task(tmp_path: Path) -> None:
    pool = WorkerPool(2, answer)

    async def run() -> None:
        pool.attach(asyncio.get_running_loop())
        flag = tmp_path / "go"
        held = pool.submit("hold", str(flag))  # keeps one worker busy until the flag appears
        # the other worker answers meanwhile, one task after another
        first = await pool.submit("echo", "page 1")
        second = await pool.submit("echo", "page 2")
        assert first.startswith("page 1 from ") and second.startswith("page 2 from ")
        with pytest.raises(ValueError, match="bad page"):
            await pool.submit("raise", "bad page")
        assert not held.done()
        flag.touch()
        holder = (await asyncio.wait_for(held, 30)).split(" from ")[1]
        other = first.split(" from ")[1]
        assert holder != other and {holder, other} == {str(w.process.pid) for w in pool._workers}

    try:
        asyncio.run(run())
    finally:
        pool.close()


def test_a_worker_killed_while_holding_a_task_breaks_the_pool(tmp_path: Path) -> None:
    pool = WorkerPool(1, answer)

    async def run() -> None:
        pool.attach(asyncio.get_running_loop())
        held = pool.submit("hold", str(tmp_path / "never"))
        waiting = pool.submit("echo", "queued behind it")
        os.kill(pool._workers[0].process.pid, signal.SIGKILL)
        for future in (held, waiting):
            with pytest.raises(BrokenProcessPool):
                await asyncio.wait_for(future, 30)
        assert pool.broken
        with pytest.raises(BrokenProcessPool):
            await pool.submit("echo", "after the break")

    try:
        asyncio.run(run())
    finally:
        pool.close()


def test_the_pipeline_extracts_in_the_crawl_process_once_its_workers_are_gone(caplog) -> None:
    from scrapy.utils.test import get_crawler

    from archiver.items import Article
    from archiver.pipelines.extract import ExtractPipeline
    from archiver.spiders.embassy import EmbassySpider

    from .test_pipelines import page

    crawler = get_crawler(EmbassySpider, {"ARCHIVER_EXTRACT_PROCESSES": 1})
    spider = EmbassySpider(site="la")
    spider.resolve_sources()
    spider.crawler = crawler
    crawler.spider = spider
    crawler.stats.open_spider()
    pipeline = ExtractPipeline(crawler)

    async def run() -> tuple[Article, Article]:
        first = await pipeline.process_item(page("first-page"))  # extracted by the worker
        pool = await pipeline._pool()
        os.kill(pool._workers[0].process.pid, signal.SIGKILL)
        second = await pipeline.process_item(page("second-page"))
        return first, second

    first, second = asyncio.run(run())
    assert first["title"] == second["title"] == "Water Plant Opens"
    assert "/second-page/" in second["url"] and second["body"] == first["body"]
    assert pipeline.processes == 0  # from now on in the crawl process
    assert "extraction workers died" in caplog.text


@pytest.mark.parametrize(
    ("pairs", "spawned"),
    [([], True), (["ARCHIVER_EXTRACT_PROCESSES=2"], True), (["ARCHIVER_EXTRACT_PROCESSES=0"], False),
     (["ARCHIVER_EXTRACT_PROCESSES=2", "ARCHIVER_EXTRACT_PROCESSES=0"], False),
     (["ARCHIVER_EXTRACT_PROCESSES=many"], False)],
    ids=["default", "two", "none", "last-one-wins", "bad-value-left-to-the-settings"],
)
def test_crawl_command_spawns_the_forkserver_before_scrapy_unless_told_not_to(
    pairs: list[str], spawned: bool
) -> None:
    """``archiver crawl``/``fetch`` spawn the forkserver first thing (it loads the extractor on the other core
    while Scrapy is imported and set up), not when the first page arrives; never when the run asks for no
    workers. Checked in a fresh interpreter: whether Scrapy got imported by then, and whether a forkserver runs."""
    import subprocess
    import sys

    if (os.cpu_count() or 1) < 2 and not pairs:
        pytest.skip("'auto' means no workers on one core")
    code = (
        "import sys\n"
        "from multiprocessing import forkserver\n"
        "from archiver.cli import start_extraction_early\n"
        f"start_extraction_early({pairs!r})\n"
        "print('scrapy' in sys.modules, forkserver._forkserver._forkserver_pid is not None)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    assert done.stdout.split() == ["False", str(spawned)]


def test_a_process_that_ends_while_its_pool_is_starting_exits() -> None:
    """``archiver crawl`` starts its workers on a thread as it begins; a crawl that finds nothing to fetch can end
    while the pool is still starting. At exit, multiprocessing waits for every worker it started, and a worker
    ends only when its socket closes: the pool's exit handler must be in place before its first worker starts
    (it was registered after the last one, and such a crawl hung at exit). Here the main thread ends right after
    the first worker has started, while the pool's thread is held up before the second."""
    import subprocess
    import sys
    import time

    code = (
        "import threading, time\n"
        "import archiver.pipelines.workers as workers\n"
        "from tests.sites.worker_tasks import answer\n"
        "first = threading.Event()\n"
        "original = workers._Worker.__init__\n"
        "def held(self, process, conn):\n"
        "    original(self, process, conn)\n"
        "    first.set()\n"
        "    time.sleep(3)\n"
        "workers._Worker.__init__ = held\n"
        "threading.Thread(target=workers.shared_pool, args=(2, answer), daemon=True).start()\n"
        "assert first.wait(60)\n"
        "print('main thread done', flush=True)\n"
    )
    root = Path(__file__).resolve().parent.parent
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True, timeout=90)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "main thread done"
    assert time.monotonic() - started < 60
