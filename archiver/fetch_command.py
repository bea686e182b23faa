"""``archiver fetch URL... | --urls FILE``: archive exactly these pages, now, into the same archive.

One Scrapy crawl of the ``urls`` spider (``archiver.spiders.urls``) with the project's settings, so robots.txt,
politeness, retries, the pipelines, the index and the archive feeds are a crawl's; one run report, the same
summary and the same exit codes as ``archiver crawl``. The input is read and every URL given its source before
anything starts, so an unreadable file, an unknown ``--source`` or a malformed ``--base-url`` is a usage error
(exit 2) and not a failed run.
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from archiver.paths import sources_dir
from archiver.sources import SourceError, load_registry
from archiver.state.location import state_location, state_overrides

EXIT_USAGE = 2


def fetch_notes(report: dict[str, Any]) -> list[str]:
    """Lines printed under the summary: what the input held, and the ad-hoc sources."""
    lines = []
    given = report.get("input") or {}
    if given:
        bad = given.get("bad") or {}
        lines.append(f"input: {given.get('lines', 0)} line(s): {given.get('urls', 0)} URL(s), "
                     f"{given.get('ignored', 0)} blank or comment, {sum(bad.values())} unusable"
                     + (f" ({', '.join(f'{k}: {v}' for k, v in sorted(bad.items()))})" if bad else ""))
        for entry in given.get("bad_lines", [])[:10]:
            lines.append(f"  {entry['where']}: {entry['reason']}: {entry['text'][:100]!r}")
    for name, adhoc in sorted((report.get("adhoc_sources") or {}).items()):
        families = ", ".join(f"{k}: {v}" for k, v in sorted(adhoc.get("families", {}).items())) or "none read"
        lines.append(f"ad-hoc source {name} ({adhoc.get('source_kind')}): {', '.join(adhoc.get('origins', []))}; "
                     f"families {families}")
    return lines


def run_fetch(args: argparse.Namespace) -> int:
    from scrapy.crawler import AsyncCrawlerProcess

    from archiver.fetch_plan import parse_base_urls, plan_fetch
    from archiver.overrides import setting_overrides
    from archiver.pipelines.extract import start_workers_early
    from archiver.runner import Progress, finish_crawls, project_settings, start_with_progress
    from archiver.spiders.base import new_run_id
    from archiver.spiders.urls import UrlsSpider
    from archiver.url_input import read_input

    try:
        base_urls = parse_base_urls(args.base_url or [])
        lines = read_input(args.urls, args.urls_file)
        overrides = setting_overrides(args.set)
        registry = load_registry(sources_dir(overrides.get("ARCHIVER_DATA_DIR")))
        plan = plan_fetch(lines, registry, source=args.source, base_urls=base_urls)
    except (SourceError, ValueError) as exc:
        print(f"archiver fetch: {exc}", file=sys.stderr)
        return EXIT_USAGE
    if not plan.sources:
        print(f"archiver fetch: no URL to fetch: none of the {len(lines)} line(s) given is an http(s) URL",
              file=sys.stderr)
        for line, _ in plan.lines:
            if not line.ignored:
                print(f"  {line.where}: {line.reason}: {line.text[:100]!r}", file=sys.stderr)
        return EXIT_USAGE
    if args.runs:
        overrides["ARCHIVER_RUNS_DIR"] = str(Path(args.runs).resolve())
    overrides.update(state_overrides(args.state))
    settings = project_settings(overrides)
    try:
        state_location(settings)
    except ValueError as exc:
        print(f"archiver fetch: {exc}", file=sys.stderr)
        return EXIT_USAGE
    start_workers_early(settings)  # the forkserver starts while Scrapy sets up
    process = AsyncCrawlerProcess(settings)
    started = datetime.now(UTC)
    run_id = new_run_id(started)
    crawler = process.create_crawler(UrlsSpider)
    arguments: dict[str, Any] = {"run_id": run_id, "url": list(args.urls or []), "refetch": args.refetch,
                                 "base_url": base_urls}
    if args.urls_file:
        arguments["urls"] = str(Path(args.urls_file).resolve())
    if args.source:
        arguments["source"] = args.source
    if args.archive:
        from archiver.archive.objectstore import archive_argument

        arguments["archive"] = archive_argument(args.archive)
    process.crawl(crawler, **arguments)
    start_with_progress(process, Progress([crawler], 1))
    return finish_crawls(run_id, started, [(crawler, [s.name for s in plan.sources])], settings, notes=fetch_notes)


