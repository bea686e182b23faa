"""``archiver demo``: serve the bundled sites on ephemeral ports and archive them with the real spiders.

Servers and crawls share one process and one reactor, so the demo needs nothing but this package and its data.
Every registered source whose host has a folder under ``data/demo/`` takes part (the US Embassy in Laos and
the news sites of each family). The only settings changed from a real run are the politeness delays (the
servers are our own, on loopback) and the archive folder (``data/demo-archive`` by default, so a demo never
mixes with real archives).
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from scrapy.settings import Settings

from archiver.archive.ledger import ledger_for
from archiver.paths import data_dir
from archiver.reports import demo_commands, demo_folders, shown_path
from archiver.sources import Source, load_registry
from archiver.summary import SourceSummary, format_summary, source_outcome, summarise

DEMO_HOST = "la.usembassy.gov"


def demo_settings(verbose: bool) -> Settings:
    settings = Settings()
    settings.setmodule("archiver.settings", priority="project")
    settings.set("DOWNLOAD_DELAY", 0, priority="cmdline")
    settings.set("AUTOTHROTTLE_START_DELAY", 0.0, priority="cmdline")
    settings.set("LOG_LEVEL", "INFO" if verbose else "WARNING", priority="cmdline")
    return settings


def demo_sources(data: Path) -> list[Source]:
    """Registered sources that have a demo copy of their site, embassy first."""
    chosen = [s for s in load_registry().values() if (data / "demo" / s.host).is_dir()]
    return sorted(chosen, key=lambda s: (s.kind != "embassy", s.name))


def run_demo(archive: Path | None = None, verbose: bool = False) -> int:
    from scrapy.crawler import AsyncCrawlerProcess

    from archiver.demo.server import listen
    from archiver.spiders.embassy import EmbassySpider
    from archiver.spiders.news import NewsSpider

    data = data_dir()
    sources = demo_sources(data)
    if not sources:
        print(f"archiver demo: no demo sites found under {data / 'demo'}", file=sys.stderr)
        return 1
    archive = (archive or data / "demo-archive").resolve()
    settings = demo_settings(verbose)
    # The demo keeps its own index beside its archive, so demo runs never mark real pages as archived (nor a
    # shared state database's: ARCHIVER_STATE_URL is not for the demo).
    state, runs = demo_folders(archive)
    settings.set("ARCHIVER_STATE_DIR", str(state), priority="cmdline")
    settings.set("ARCHIVER_STATE_URL", "", priority="cmdline")
    settings.set("ARCHIVER_ARCHIVE_URL", "", priority="cmdline")  # nor a shared bucket
    settings.set("ARCHIVER_RUNS_DIR", str(runs), priority="cmdline")
    captures = archive.parent / f"{archive.name}-captures"  # every exchange of the demo, as WARC files
    settings.set("ARCHIVER_CAPTURES_DIR", str(captures), priority="cmdline")
    process = AsyncCrawlerProcess(settings)
    bases: dict[str, str] = {}
    listeners = []
    for source in sources:
        if source.host not in bases:
            listening, bases[source.host] = listen(data / "demo" / source.host, host=source.host,
                                                   mirrors=source.mirrors)
            listeners.append(listening)
            print(f"demo site {source.host} served at {bases[source.host]}")
    crawlers = []
    for source in sources:
        spider = EmbassySpider if source.kind == "embassy" else NewsSpider
        crawler = process.create_crawler(spider)
        arguments = {spider.source_argument: source.name, "base_url": bases[source.host], "archive": str(archive),
                     "mirrors": "localhost" if source.mirrors else ""}
        process.crawl(crawler, **arguments)
        crawlers.append(crawler)
    process.start()
    for listening in listeners:
        listening.stopListening()
    rows: list[SourceSummary] = []
    failures: list[str] = []
    for crawler in crawlers:
        spider = crawler.spider
        stats = crawler.stats.get_stats()
        rows += summarise(stats, [s.name for s in spider.sources])
        for source in spider.sources:
            outcome, why = source_outcome(stats, source.name)
            if outcome != "ok":
                failures.append(f"{source.name}: {outcome} ({why})")
        print(f"run {spider.run_id} ({spider.name} {', '.join(s.name for s in spider.sources)})")
    print(f"archive written under {archive}")
    print(f"manifest: {archive / 'manifest.jsonl'}")
    warcs = [entry for crawler in crawlers for entry in ledger_for(crawler).warcs]
    if settings.getbool("ARCHIVER_CAPTURE", True):
        exchanges = sum(crawler.stats.get_value("archiver/captures/exchanges", 0) for crawler in crawlers)
        print(f"captures written under {captures}: {exchanges} HTTP exchanges in {len(warcs)} WARC file(s), "
              f"manifest {captures / 'manifest.jsonl'}")
        shown = shown_path(captures)
        print(f"  re-extract them offline: archiver reextract --captures {shown} --archive "
              f"{shown_path(archive.parent / (archive.name + '-reextracted'))}")
        print(f"  package them for replayweb.page: archiver captures --captures {shown} --wacz {archive.name}.wacz")
    print(format_summary(rows))
    # The demo keeps its own state and reports (never mixed with a real archive's): say how to look at them.
    print("see it again with:")
    for command in demo_commands(archive):
        print(f"  {command}")
    for failure in failures:
        print(failure, file=sys.stderr)
    return 1 if failures else 0


def serve_forever(port: int = 0, delay: float = 0.0, root: Path | None = None, host: str = DEMO_HOST,
                  access_log: Path | None = None) -> int:
    """Serve one demo site (by host) until interrupted; print its base URL first."""
    from twisted.internet import reactor

    from archiver.demo.server import listen

    logging.basicConfig(level=logging.WARNING)
    registry = {s.host: s for s in load_registry().values()}
    mirrors = registry[host].mirrors if host in registry else ()
    _, base = listen(root or data_dir() / "demo" / host, host=host, mirrors=mirrors, port=port, delay=delay,
                     access_log=access_log)
    print(base, flush=True)
    reactor.run()  # type: ignore[attr-defined]
    return 0
