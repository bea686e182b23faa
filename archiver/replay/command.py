"""``archiver reextract``: rebuild an archive from its captures with today's extractor and pipelines, offline.

Each source is replayed as its own Scrapy crawl (``archiver.replay``): the registry spider's discovery, the
pipelines, the archive feeds and the accounting of ``archiver crawl``, with every request answered from the
captures and none sent. The new archive goes under ``--archive OUT`` with its own manifest, index and state
(``<OUT>-state``) and run reports (``<OUT>-runs``), so nothing in it is ``unchanged`` against the original.
The run report adds ``reextract``: per source, the captures replayed, the address they were fetched from, and
the comparison with the original archive (``archiver.replay.compare``), which the summary prints too.

Exit codes are ``archiver crawl``'s: 0 every source replayed; 1 a source failed (its captures listed nothing
discovery could use, or the new archive could not be stored); 2 usage error (an unknown source, no captures,
an ``--archive`` that already holds files); 4 interrupted.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from archiver.captures.cdxj import listed_files
from archiver.paths import data_dir, default_archive_dir
from archiver.replay.catalog import SourceCaptures, load_catalog
from archiver.replay.compare import METADATA, SourceComparison, compare_source, totals
from archiver.sources import Source, SourceError, load_registry, resolve
from archiver.state.location import is_database_url, shown_url, state_overrides

EXIT_USAGE = 2
HANDLER = "archiver.replay.handler.CaptureReplayHandler"
CAPTURE_TIME_PIPELINE = "archiver.replay.pipelines.CaptureTimePipeline"
# What a replay changes from a crawl's settings: no politeness is owed to files on disk, and a captured 429 or
# 503 is answered again at once (its retries then fail as they did). A -s NAME=VALUE may change these.
REPLAY_DEFAULTS: dict[str, Any] = {
    "DOWNLOAD_DELAY": 0,
    "AUTOTHROTTLE_ENABLED": False,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 8,
    "ARCHIVER_RETRY_BACKOFF_BASE": 0,
    "ARCHIVER_RETRY_BACKOFF_MAX": 0,
}


class UsageError(ValueError):
    pass


@dataclass
class Plan:
    """What a re-extraction replays, from where, into where."""

    root: Path  # the captures
    original: Path | None  # the archive compared with
    out: Path
    state: Path | str  # a folder, or a state database's URL
    runs_dir: Path
    since: date | None
    until: date | None
    runs: set[str] | None
    sources: list[Source] = field(default_factory=list)
    catalogs: dict[str, SourceCaptures] = field(default_factory=dict)
    base_urls: dict[str, tuple[str | None, str]] = field(default_factory=dict)  # source -> (base URL, from where)
    skipped: dict[str, str] = field(default_factory=dict)


def default_locations(captures: str | None, original: str | None) -> tuple[Path, Path | None]:
    """The captures root and the original archive: each given, else the other's neighbour (``D`` and
    ``D-captures``), else ``data/captures`` and ``data/archive``."""
    data_archive = default_archive_dir().resolve()
    if captures:
        root = Path(captures).resolve()
    elif original:
        archive = Path(original).resolve()
        root = data_dir() / "captures" if archive == data_archive else archive.parent / f"{archive.name}-captures"
    else:
        root = data_dir() / "captures"
    if original:
        return root, Path(original).resolve()
    if root == (data_dir() / "captures").resolve():
        return root, data_archive
    if root.name.endswith("-captures"):
        return root, root.parent / root.name[: -len("-captures")]
    return root, None


def _empty_or_missing(path: Path) -> bool:
    return not path.exists() or (path.is_dir() and not any(path.iterdir()))


def _database_empty(url: str) -> bool:
    from archiver.state.backend import index_exists

    return not index_exists(url)


def inferred_base_url(source: Source, catalog: SourceCaptures) -> str | None:
    """The address the latest replayed run fetched ``source`` from, when it is not the registry's (None)."""
    origin = catalog.base_origin()
    registry = urlsplit(source.base_url)
    if origin is None or origin == f"{registry.scheme}://{registry.netloc}":
        return None
    return origin + registry.path.rstrip("/")


def make_plan(args: argparse.Namespace) -> Plan:
    """Check the arguments and read the captures' catalogs; raises UsageError or SourceError."""
    from archiver.reports import demo_folders
    from archiver.spiders.base import parse_period

    try:
        since, until = parse_period(args.since, args.until)
    except ValueError as exc:
        raise UsageError(str(exc)) from exc
    root, original = default_locations(args.captures, getattr(args, "original", None))
    out = Path(args.archive).resolve()
    state_default, runs_default = demo_folders(out)
    state: Path | str = (args.state if is_database_url(args.state) else Path(args.state).resolve()) if args.state \
        else state_default
    runs_dir = Path(args.runs).resolve() if args.runs else runs_default
    if not (root / "manifest.jsonl").is_file():
        raise UsageError(f"no captures in {root} (no manifest.jsonl); give the captures folder with --captures")
    if out in (root, original):
        raise UsageError(f"--archive {out} is the captures or the original archive; give a new folder")
    if not _empty_or_missing(out):
        raise UsageError(f"--archive {out} already holds files: a re-extraction writes a new archive of its own")
    if isinstance(state, str):
        if not _database_empty(state):
            raise UsageError(f"the state database {shown_url(state)} already holds an index: a re-extraction starts "
                             "an index of its own, so that nothing in it is 'unchanged'")
    elif not _empty_or_missing(state):
        raise UsageError(f"the state folder {state} already holds files: a re-extraction starts an index of its "
                         "own, so that nothing in it is 'unchanged'")
    if original is not None and not (original / "manifest.jsonl").is_file():
        original = None  # nothing to compare with: every record is newly found
    plan = Plan(root, original, out, state, runs_dir, since, until, set(args.run) if args.run else None)
    files = listed_files(root)
    known_runs = {str(e.get("run_id")) for e in files}
    if plan.runs and not plan.runs <= known_runs:
        raise UsageError(f"no captures of run(s) {', '.join(sorted(plan.runs - known_runs))} in {root}")
    captured = sorted({e["source"] for e in files if plan.runs is None or str(e.get("run_id")) in plan.runs})
    registry = load_registry()
    if args.sources:
        plan.sources = resolve(args.sources, registry=registry)
        missing = [s.name for s in plan.sources if s.name not in captured]
        if missing:
            raise UsageError(f"no captures of {', '.join(missing)} in {root}"
                             + (f" for run(s) {', '.join(sorted(plan.runs))}" if plan.runs else ""))
    else:
        plan.sources = [registry[name] for name in captured if name in registry]
        plan.skipped = {name: "not in the sources registry (an ad-hoc source of archiver fetch is not replayed)"
                        for name in captured if name not in registry}
    if not plan.sources:
        raise UsageError(f"nothing to re-extract in {root}")
    given = dict(_pair(pair) for pair in args.base_url or [])
    unknown = sorted(set(given) - {s.name for s in plan.sources})
    if unknown:
        raise UsageError(f"--base-url names {', '.join(unknown)}, which is not re-extracted")
    plan.catalogs = load_catalog(root, [s.name for s in plan.sources], plan.runs)
    for source in plan.sources:
        if source.name in given:
            plan.base_urls[source.name] = (given[source.name].rstrip("/"), "argument")
        else:
            inferred = inferred_base_url(source, plan.catalogs[source.name])
            plan.base_urls[source.name] = (inferred, "captures") if inferred else (None, "registry")
    return plan


def _pair(text: str) -> tuple[str, str]:
    name, sep, value = text.partition("=")
    if not sep or not name or not value:
        raise UsageError(f"--base-url {text!r}: give SOURCE=URL")
    return name, value


def replay_settings(plan: Plan, overrides: dict[str, Any]) -> Any:
    from archiver.runner import project_settings

    pipelines = dict(project_settings().getdict("ITEM_PIPELINES"))
    pipelines[CAPTURE_TIME_PIPELINE] = 50
    forced = {
        "DOWNLOAD_HANDLERS": {"http": HANDLER, "https": HANDLER, "ftp": None, "s3": None},
        "ARCHIVER_CAPTURE": False,  # a replay fetches nothing: there is nothing new to capture
        "ARCHIVER_CAPTURES_DIR": None,
        **state_overrides(str(plan.state)),
        "ARCHIVER_RUNS_DIR": str(plan.runs_dir),
        "ITEM_PIPELINES": pipelines,
    }
    return project_settings({**REPLAY_DEFAULTS, **overrides, **forced})


def run_reextract(args: argparse.Namespace) -> int:
    from scrapy.crawler import AsyncCrawlerProcess

    from archiver.replay.session import ReplaySession, register_session
    from archiver.replay.spiders import replay_spider
    from archiver.runner import Progress, finish_crawls, start_with_progress
    from archiver.spiders.base import new_run_id

    try:
        plan = make_plan(args)
        overrides = dict(_setting(pair) for pair in args.set or [])
    except (UsageError, SourceError) as exc:
        print(f"archiver reextract: {exc}", file=sys.stderr)
        return EXIT_USAGE
    settings = replay_settings(plan, overrides)
    process = AsyncCrawlerProcess(settings)
    started = datetime.now(UTC)
    run_id = new_run_id(started)
    queue: list[tuple[Any, dict[str, Any]]] = []
    crawls: list[tuple[Any, list[str]]] = []
    for source in plan.sources:
        spider = replay_spider(source)
        crawler = process.create_crawler(spider)
        register_session(crawler, ReplaySession(plan.root, {source.name: plan.catalogs[source.name]}))
        arguments: dict[str, Any] = {spider.source_argument: source.name, "run_id": run_id,
                                     "archive": str(plan.out)}
        if plan.since:
            arguments["since"] = plan.since.isoformat()
        if plan.until:
            arguments["until"] = plan.until.isoformat()
        base_url, _ = plan.base_urls[source.name]
        if base_url:
            arguments["base_url"] = base_url
            arguments["mirrors"] = "localhost" if source.mirrors else ""
        queue.append((crawler, arguments))
        crawls.append((crawler, [source.name]))
        where = f" as fetched from {base_url}" if base_url else ""
        catalog = plan.catalogs[source.name]
        print(f"{source.name}: replaying {len(catalog.latest)} captured URL(s) of {len(catalog.files)} WARC "
              f"file(s){where}", file=sys.stderr)

    def start_next(_: Any = None) -> None:
        if queue:
            crawler, arguments = queue.pop(0)
            process.crawl(crawler, **arguments).add_done_callback(start_next)

    for _ in range(min(max(1, args.parallel), len(queue))):
        start_next()
    start_with_progress(process, Progress([c for c, _ in crawls], len(crawls)))
    comparisons = [compare_source(s.name, plan.out, plan.original, warcs=plan.catalogs[s.name].warcs,
                                  since=plan.since, until=plan.until) for s in plan.sources]
    return finish_crawls(run_id, started, crawls, settings, notes=reextract_notes,
                         report_extra={"reextract": reextract_report(plan, comparisons)})


def reextract_report(plan: Plan, comparisons: list[SourceComparison]) -> dict[str, Any]:
    sources = {}
    for comparison in comparisons:
        catalog = plan.catalogs[comparison.source]
        base_url, base_from = plan.base_urls[comparison.source]
        sources[comparison.source] = {
            "base_url": base_url, "base_url_from": base_from,
            "captures": {"files": len(catalog.files), "runs": catalog.runs, "urls": len(catalog.latest),
                         "responses": catalog.responses, "revisits": catalog.revisits,
                         "problems": catalog.problems},
            **comparison.as_dict(),
        }
    return {
        "captures": str(plan.root),
        "compared_with": str(plan.original) if plan.original else None,
        "archive": str(plan.out),
        "since": plan.since.isoformat() if plan.since else None,
        "until": plan.until.isoformat() if plan.until else None,
        "runs": sorted(plan.runs) if plan.runs else None,
        "metadata_fields": list(METADATA),
        "sources": sources,
        "skipped": plan.skipped,
        "totals": totals(comparisons),
    }


def reextract_notes(report: dict[str, Any]) -> list[str]:
    """The comparison, under the summary table."""
    done = report.get("reextract") or {}
    lines = []
    original = done.get("compared_with")
    lines.append(f"re-extracted into {done.get('archive')} from the captures in {done.get('captures')}; "
                 + (f"compared with {original}" if original else "no original archive to compare with"))
    for name, entry in sorted((done.get("sources") or {}).items()):
        changed = ", ".join(f"{k}: {v}" for k, v in entry["changed_fields"].items())
        lines.append(f"  {name}: re-made {entry['remade']}: identical {entry['identical']}, changed "
                     f"{entry['changed']}{f' ({changed})' if changed else ''}, newly found {entry['newly_found']}, "
                     f"lost {entry['lost']} (of {entry['in_scope']} made from these captures)")
    for name, why in sorted((done.get("skipped") or {}).items()):
        lines.append(f"  {name}: skipped: {why}")
    return lines


def _setting(pair: str) -> tuple[str, str]:
    name, sep, value = pair.partition("=")
    if not sep or not name:
        raise UsageError(f"-s {pair!r}: give NAME=VALUE")
    return name, value
