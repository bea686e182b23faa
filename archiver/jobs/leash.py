"""``python -m archiver.jobs.leash WORKER_PID -- COMMAND...``: run a worker's crawl, and stop it once if the worker
dies.

A worker killed outright (SIGKILL, the OOM killer) must not leave its crawl running, holding the source. The
kernel can tell a process that its parent died (``PR_SET_PDEATHSIG``), but it says so once per thread of the
parent as each one exits, and a crawl told twice to stop (Scrapy's SIGTERM) stops uncleanly, losing its
in-flight records. So the worker starts this small process instead: it receives the kernel's notices (SIGUSR1)
and gives the crawl exactly one SIGTERM, on which it stops as on Ctrl-C (what it fetched is archived, its lock
released). A SIGTERM from the worker itself (giving up at shutdown) is passed on as it comes; Ctrl-C on a
terminal reaches the crawl directly. It exits with the crawl's exit code.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import subprocess
import sys
from types import FrameType

PR_SET_PDEATHSIG = 1


def main(argv: list[str]) -> int:
    if len(argv) < 3 or argv[1] != "--":
        print("usage: python -m archiver.jobs.leash WORKER_PID -- COMMAND...", file=sys.stderr)
        return 2
    worker, command = int(argv[0]), argv[2:]
    crawl = subprocess.Popen(command)
    told = False

    def worker_died(signum: int = 0, frame: FrameType | None = None) -> None:
        nonlocal told
        if not told:
            told = True
            with contextlib.suppress(ProcessLookupError):
                crawl.send_signal(signal.SIGTERM)

    def forward(signum: int, frame: FrameType | None) -> None:
        with contextlib.suppress(ProcessLookupError):
            crawl.send_signal(signum)

    signal.signal(signal.SIGUSR1, worker_died)
    signal.signal(signal.SIGTERM, forward)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # after the crawl started: it keeps its own Ctrl-C
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, int(signal.SIGUSR1), 0, 0, 0)
    if os.getppid() != worker:  # the worker died before the notice was asked for
        worker_died()
    code = crawl.wait()
    return code if code >= 0 else 128 - code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
