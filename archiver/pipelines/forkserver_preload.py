"""Imported by the extraction forkserver, and only there (``workers.shared_pool`` names it as the preload).

The forkserver ignores SIGTERM, as Python's forkserver already ignores SIGINT: systemd and ``kill -- -PGID`` send
SIGTERM to the whole process group, and a forkserver that died of it would break the crawl's pool while the
crawl is still finishing its pages. It needs no watchdog of its own: it exits when its "alive" pipe closes,
that is when the crawl and every worker (each of which watches the crawl) are gone. Then it loads the
extractor and the workers' task module, so every worker it forks shares them.
"""

import signal

signal.signal(signal.SIGTERM, signal.SIG_IGN)

import archiver.extract.warm  # noqa: E402,F401  (the extractor and the language model)
import archiver.pipelines.pagework  # noqa: E402,F401  (what a worker runs, without Scrapy)
import archiver.pipelines.workers  # noqa: E402,F401  (a worker's loop)
