"""The extraction worker pool, and why none of its processes can outlive the crawl that started it.

Workers come from a forkserver (``forkserver_preload`` imports the extractor into it once), so they start fast
and inherit no reactor state. Two facts make their lifetime our job rather than the operating system's:

- A worker's parent is the forkserver, not the crawl, and every worker holds the forkserver's "alive" pipe, so
  when the crawl dies (SIGKILL, an out-of-memory kill) nothing tells the workers, and the forkserver waits on
  them. Each worker therefore watches the crawl process itself (``exit_with``): the moment it is gone, the
  worker exits, and with the last worker gone the forkserver sees the end of its pipe and exits too.
- Ctrl-C and systemd signal the whole process group. Workers and the forkserver ignore SIGINT/SIGTERM, so the
  crawl can finish the pages in flight with its pool intact; they go when the crawl has finished and gone.

The crawl talks to each worker over a socket of its own, from the event loop: a task is written to an idle
worker's socket (or, when it is small, to a busy one's, where it waits in the socket's buffer), and a result is
read when the loop sees the socket readable. No thread stands in between: a process pool's manager, feeder and
result threads each woke up for every page and fought the reactor for the interpreter lock, which cost the
crawl process a tenth of its time per page. A worker that dies closes its socket, and every task it held fails
with ``BrokenProcessPool``.
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import logging
import multiprocessing
import os
import pickle
import select
import signal
import threading
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures.process import BrokenProcessPool
from multiprocessing.connection import Connection
from typing import Any

logger = logging.getLogger(__name__)

FORKSERVER_PRELOAD = "archiver.pipelines.forkserver_preload"
EXIT_CRAWL_GONE = 70  # a worker's exit status when it left because its crawl had gone
# A busy worker gets a second task only when it is this small, so that writing it never waits for the worker:
# it waits in the socket's buffer (a Unix socket takes some 200 KB) until the worker is done with the first.
QUEUED_TASK_BYTES = 96 * 1024
_POOLS: dict[int, WorkerPool] = {}
_STARTING = threading.Lock()  # pools are started on threads, one per crawl of the process


class _Worker:
    """One worker process, its end of the socket, and the futures of the tasks it holds (oldest first)."""

    def __init__(self, process: Any, conn: Connection) -> None:
        self.process = process
        self.conn = conn
        self.held: deque[asyncio.Future[Any]] = deque()
        self.queued_bytes = 0  # size of the task waiting behind the one being worked on


class WorkerPool:
    """``processes`` worker processes that each run ``task`` on the arguments sent to them."""

    def __init__(self, processes: int, task: Callable[..., Any]) -> None:
        """Start the workers (this blocks for a second or two, the forkserver's start: call it off the event
        loop) and wait until each has answered once."""
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload([FORKSERVER_PRELOAD])
        self.broken = False
        self._closed = False
        self._loop: asyncio.AbstractEventLoop | None = None
        self._waiting: deque[tuple[bytes, asyncio.Future[Any]]] = deque()
        self._workers: list[_Worker] = []
        self._closing = threading.Lock()
        # Registered before any worker starts. The pool may be starting on a thread while the crawl ends (a
        # crawl that finds nothing to fetch is over before the forkserver is ready): at exit, multiprocessing
        # waits for every worker it started, and a worker only ends when its socket closes, which this does.
        # A worker started after ``close`` (its start was under way) is closed as soon as it is known.
        atexit.register(self.close)
        try:
            for _ in range(processes):
                mine, theirs = context.Pipe(duplex=True)
                process = context.Process(target=serve, args=(theirs, os.getpid(), task), daemon=False)
                process.start()
                theirs.close()
                with self._closing:
                    self._workers.append(_Worker(process, mine))
                    if self._closed:
                        mine.close()
                        raise OSError("the pool was closed while it started")
            for worker in self._workers:  # each answers a task with no arguments: it is up
                worker.conn.send_bytes(pickle.dumps(None))
                pickle.loads(worker.conn.recv_bytes())
        except (EOFError, OSError) as exc:
            self.close()
            raise BrokenProcessPool(f"extraction workers did not start: {exc!r}") from exc

    def attach(self, loop: asyncio.AbstractEventLoop) -> None:
        """Read results on ``loop`` (the crawl's event loop); call it from the loop's thread."""
        if self._loop is None and not self._closed:
            self._loop = loop
            for worker in self._workers:
                loop.add_reader(worker.conn.fileno(), self._readable, worker)

    def submit(self, *args: Any) -> asyncio.Future[Any]:
        """Run the task on ``args`` in a worker: a future of its result (or of its exception); call it from the
        loop's thread, after ``attach``."""
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        if self.broken or self._loop is None:
            future.set_exception(BrokenProcessPool("extraction workers are gone"))
            return future
        self._waiting.append((pickle.dumps(args, protocol=pickle.HIGHEST_PROTOCOL), future))
        self._dispatch()
        return future

    def _dispatch(self) -> None:
        """Hand waiting tasks to idle workers, then small ones to busy workers (see ``QUEUED_TASK_BYTES``)."""
        for limit in (1, 2):
            for worker in self._workers:
                while self._waiting and len(worker.held) < limit:
                    data, future = self._waiting[0]
                    if future.cancelled():
                        self._waiting.popleft()
                        continue
                    if worker.held and len(data) > QUEUED_TASK_BYTES:
                        break
                    self._waiting.popleft()
                    try:
                        worker.conn.send_bytes(data)
                    except OSError:
                        self._waiting.appendleft((data, future))
                        self._break(f"a worker's socket failed (exit code {worker.process.exitcode})")
                        return
                    worker.held.append(future)

    def _readable(self, worker: _Worker) -> None:
        try:
            ok, value = pickle.loads(worker.conn.recv_bytes())
        except (EOFError, OSError):
            worker.process.join(0.1)
            self._break(f"a worker exited (code {worker.process.exitcode})")
            return
        future = worker.held.popleft()
        if not future.done():
            if ok:
                future.set_result(value)
            else:
                future.set_exception(value)
        self._dispatch()

    def _break(self, why: str) -> None:
        """A worker died: fail every task in the pool (the caller carries on without it) and stop the rest."""
        if self._closed:
            return
        logger.warning("extraction pool broken: %s", why)
        failed = [f for w in self._workers for f in w.held] + [f for _, f in self._waiting]
        for future in failed:
            if not future.done():
                future.set_exception(BrokenProcessPool(why))
        self._waiting.clear()
        self.close()

    def close(self) -> None:
        """Stop reading and close every socket: each worker then reads the end of its input and exits."""
        with self._closing:
            if self._closed:
                return
            self._closed = True
            self.broken = True  # nothing more can run here
            for worker in self._workers:
                worker.held.clear()
                if self._loop is not None and not self._loop.is_closed():
                    with contextlib.suppress(OSError, ValueError):
                        self._loop.remove_reader(worker.conn.fileno())
                worker.conn.close()


def extract_processes(value: Any) -> int:
    """Worker processes for ``ARCHIVER_EXTRACT_PROCESSES`` (``auto``: one per core, none on one core)."""
    if value in (None, "", "auto"):
        cores = os.cpu_count() or 1
        return cores if cores > 1 else 0
    return max(0, int(value))


def start_forkserver(setting: Any) -> None:
    """Spawn the forkserver now, when ``setting`` (``ARCHIVER_EXTRACT_PROCESSES``) asks for workers.

    Called by ``archiver crawl`` and ``archiver fetch`` before they import Scrapy. The forkserver loads the
    extractor and the language model in a process of its own (about a second); spawned here it does so on the
    other core while the crawl process imports Scrapy and sets up, and the pool then forks its workers from a
    server that is ready or nearly so. Spawning it does not wait for it. A run that then starts no pool after all
    has spent the forkserver's load (about a second of CPU on the other core); the forkserver exits with the
    process that spawned it.
    """
    try:
        wanted = extract_processes(setting)
    except (TypeError, ValueError):
        return  # a bad value is reported where the settings are read
    if not wanted:
        return
    from multiprocessing import forkserver

    multiprocessing.get_context("forkserver").set_forkserver_preload([FORKSERVER_PRELOAD])
    forkserver.ensure_running()


def shared_pool(processes: int, task: Callable[..., Any]) -> WorkerPool:
    """One pool per process, shared by every crawl in it (``archiver crawl`` runs many), started by
    ``extract.start_workers_early`` before Scrapy sets up (else by the first page); its workers exit when the
    interpreter does (their sockets close)."""
    with _STARTING:
        if processes not in _POOLS:
            _POOLS[processes] = WorkerPool(processes, task)
        return _POOLS[processes]


def discard_pool(processes: int) -> None:
    """Forget a broken pool (its sockets are closed, so its workers exit); the next page starts afresh."""
    _POOLS.pop(processes, None)


def serve(conn: Connection, crawl_pid: int, task: Callable[..., Any]) -> None:
    """A worker's life: read a task's arguments, answer ``(True, result)`` or ``(False, exception)``, until
    the crawl closes the socket (or is gone: see ``start_worker``). ``None`` is the start's roll call."""
    start_worker(crawl_pid)
    while True:
        try:
            data = conn.recv_bytes()
        except (EOFError, OSError):
            return
        args = pickle.loads(data)
        try:
            answer: tuple[bool, Any] = (True, None if args is None else task(*args))
        except Exception as exc:  # the crawl counts it against the page
            answer = (False, exc)
        try:
            payload = pickle.dumps(answer, protocol=pickle.HIGHEST_PROTOCOL)
        except Exception as exc:  # an exception or result that cannot be pickled
            payload = pickle.dumps((False, RuntimeError(f"unpicklable result: {exc!r}")))
        try:
            conn.send_bytes(payload)
        except OSError:
            return


def ignore_stop_signals() -> None:
    """Leave SIGINT/SIGTERM to the crawl process: a worker (or the forkserver) dying first would cost the pages in
    flight instead of letting the crawl finish them."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)


def start_worker(crawl_pid: int) -> None:
    """The pool's initializer, run in each worker."""
    ignore_stop_signals()
    exit_with(crawl_pid)


def exit_with(pid: int) -> threading.Thread:
    """Exit this process as soon as process ``pid`` has ended (a daemon thread waits for it).

    ``os.pidfd_open`` (Linux 5.3+) names that very process, so a reused pid cannot fool it, and waiting on it
    costs nothing; elsewhere the thread polls once a second. ``os._exit`` because the process being watched
    is gone: there is nobody to hand results to and nothing to clean up that the kernel will not.
    """

    def wait_then_exit() -> None:
        try:
            fd = os.pidfd_open(pid)
        except ProcessLookupError:
            os._exit(EXIT_CRAWL_GONE)
        except (AttributeError, OSError):  # no pidfd on this platform or kernel
            while _alive(pid):
                time.sleep(1.0)
            os._exit(EXIT_CRAWL_GONE)
        waiter = select.poll()
        waiter.register(fd, select.POLLIN)
        waiter.poll()  # readable once the process has exited
        os._exit(EXIT_CRAWL_GONE)

    watcher = threading.Thread(target=wait_then_exit, name=f"exit-with-{pid}", daemon=True)
    watcher.start()
    return watcher


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
