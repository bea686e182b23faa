"""The extraction worker pool, and why none of its processes can outlive the crawl that started it.

Workers come from a forkserver (``forkserver_preload`` imports the extractor into it once), so they start fast
and inherit no reactor state. Two facts make their lifetime our job rather than the operating system's:

- A worker's parent is the forkserver, not the crawl, and every worker holds the forkserver's "alive" pipe, so
  when the crawl dies (SIGKILL, an out-of-memory kill) nothing tells the workers, and the forkserver waits on
  them. Each worker therefore watches the crawl process itself (``exit_with``): the moment it is gone, the
  worker exits, and with the last worker gone the forkserver sees the end of its pipe and exits too.
- Ctrl-C and systemd signal the whole process group. Workers and the forkserver ignore SIGINT/SIGTERM, so the
  crawl can finish the pages in flight with its pool intact; they go when the crawl has finished and gone.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import select
import signal
import threading
import time
from concurrent.futures import ProcessPoolExecutor

logger = logging.getLogger(__name__)

FORKSERVER_PRELOAD = "archiver.pipelines.forkserver_preload"
EXIT_CRAWL_GONE = 70  # a worker's exit status when it left because its crawl had gone
_POOLS: dict[int, ProcessPoolExecutor] = {}


def shared_pool(processes: int) -> ProcessPoolExecutor:
    """One pool per process, shared by every crawl in it (``archiver crawl`` runs many), started on the first
    page so a crawl that finds nothing pays nothing; the interpreter joins it at exit."""
    if processes not in _POOLS:
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload([FORKSERVER_PRELOAD])
        _POOLS[processes] = ProcessPoolExecutor(
            max_workers=processes, mp_context=context, initializer=start_worker, initargs=(os.getpid(),)
        )
    return _POOLS[processes]


def discard_pool(processes: int) -> None:
    """Forget a broken pool (its workers were told to stop by the executor); the next page starts afresh."""
    _POOLS.pop(processes, None)


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
