"""``archiver demo``: serve the bundled embassy site on an ephemeral port and archive it with the real spider.

Server and crawl share one process and one reactor, so the demo needs nothing but this package and its data.
The only settings changed from a real run are the politeness delays (the server is our own, on loopback) and
the archive folder (``data/demo-archive`` by default, so a demo never mixes with real archives).
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from scrapy.settings import Settings

from archiver.paths import data_dir
from archiver.summary import format_summary

DEMO_SITE = "la"
DEMO_HOST = "la.usembassy.gov"


def demo_settings(verbose: bool) -> Settings:
    settings = Settings()
    settings.setmodule("archiver.settings", priority="project")
    settings.set("DOWNLOAD_DELAY", 0, priority="cmdline")
    settings.set("AUTOTHROTTLE_START_DELAY", 0.0, priority="cmdline")
    settings.set("LOG_LEVEL", "INFO" if verbose else "WARNING", priority="cmdline")
    return settings


def run_demo(archive: Path | None = None, verbose: bool = False) -> int:
    from scrapy.crawler import AsyncCrawlerProcess

    from archiver.demo.server import demo_root, listen
    from archiver.spiders.embassy import EmbassySpider

    root = demo_root(data_dir(), DEMO_HOST)
    if not root.is_dir():
        print(f"archiver demo: the demo site is missing ({root})", file=sys.stderr)
        return 1
    archive = (archive or data_dir() / "demo-archive").resolve()
    process = AsyncCrawlerProcess(demo_settings(verbose))
    listening, base = listen(root, host=DEMO_HOST)
    print(f"demo site {DEMO_HOST} served at {base}")
    crawler = process.create_crawler(EmbassySpider)
    process.crawl(crawler, site=DEMO_SITE, base_url=base, archive=str(archive))
    process.start()
    listening.stopListening()
    spider = crawler.spider
    from archiver.summary import summarise

    rows = summarise(crawler.stats.get_stats(), [s.name for s in spider.sources], spider.archive_dir, spider.run_id)
    print(f"run {spider.run_id}: archive written under {spider.archive_dir}")
    print(f"manifest: {spider.archive_dir / 'manifest.jsonl'}")
    print(format_summary(rows))
    finish = crawler.stats.get_value("finish_reason")
    return 0 if finish == "finished" and any(r.archived for r in rows) else 1


def serve_forever(port: int = 0, delay: float = 0.0, root: Path | None = None) -> int:
    from twisted.internet import reactor

    from archiver.demo.server import demo_root, listen

    logging.basicConfig(level=logging.WARNING)
    root = root or demo_root(data_dir(), DEMO_HOST)
    _, base = listen(root, host=DEMO_HOST, port=port, delay=delay)
    print(base, flush=True)
    reactor.run()  # type: ignore[attr-defined]
    return 0
