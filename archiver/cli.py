"""The ``archiver`` command: list sources, crawl them, fetch given URLs, extract a saved page, run the offline
demo, serve the demo site, verify the archive, re-extract it from its captures, list or package the captures.

Crawls themselves are ordinary Scrapy crawls (``scrapy crawl embassy -a site=la``); this command adds what
Scrapy has no verb for. Exit codes: 0 success, 1 the run failed (``verify``: something is damaged), 2 usage
error (bad arguments, unknown source), 3 a source was locked by a running crawl (and skipped).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from archiver.jobs.command import add_enqueue_arguments, add_worker_arguments
from archiver.paths import sources_dir
from archiver.sources import KINDS, SourceError, load_registry
from archiver.state.location import StateURLError, state_argument, state_location, state_overrides

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_LOCKED = 0, 1, 2, 3


def cmd_sources(args: argparse.Namespace) -> int:
    registry = load_registry()
    rows = [s for s in registry.values() if not args.kind or s.kind == args.kind]
    if args.json:
        for s in rows:
            print(json.dumps({"name": s.name, "kind": s.kind, "country": s.country, "site_name": s.site_name,
                              "base_url": s.base_url, "language": s.language}, ensure_ascii=False))
        return EXIT_OK
    print(f"{'name':<12} {'kind':<8} {'cc':<3} {'site name':<52} base url")
    for s in sorted(rows, key=lambda s: (s.kind, s.name)):
        print(f"{s.name:<12} {s.kind:<8} {s.country:<3} {s.site_name:<52} {s.base_url}")
    print(f"{len(rows)} sources", file=sys.stderr)
    return EXIT_OK


def cmd_extract(args: argparse.Namespace) -> int:
    from archiver.extract import extract

    path = Path(args.path)
    if not path.is_file():
        print(f"archiver extract: no such file: {path}", file=sys.stderr)
        return EXIT_USAGE
    raw = path.read_bytes()
    if path.suffix == ".gz":
        import gzip

        raw = gzip.decompress(raw)
    from archiver.decoding import decode_html

    html = decode_html(raw, None).text
    fields = extract(html, args.url or path.resolve().as_uri())
    print(json.dumps(fields, ensure_ascii=False, indent=2, sort_keys=True))
    return EXIT_OK


def start_extraction_early(pairs: list[str] | None) -> None:
    """Spawn the extraction forkserver before Scrapy is imported (``workers.start_forkserver``), unless the
    run's ``-s ARCHIVER_EXTRACT_PROCESSES`` (the last one given, else the project's default) asks for none."""
    from archiver import settings
    from archiver.overrides import setting_overrides
    from archiver.pipelines.workers import start_forkserver

    try:
        given = setting_overrides(pairs)
    except ValueError:  # reported by the command itself, which then runs nothing
        return
    start_forkserver(given.get("ARCHIVER_EXTRACT_PROCESSES", settings.ARCHIVER_EXTRACT_PROCESSES))


def cmd_crawl(args: argparse.Namespace) -> int:
    start_extraction_early(args.set)
    from archiver.overrides import setting_overrides
    from archiver.runner import project_settings, run_crawl
    from archiver.sources import resolve
    from archiver.spiders.base import parse_limit, parse_period

    try:
        overrides = setting_overrides(args.set)
    except ValueError as exc:
        print(f"archiver crawl: {exc}", file=sys.stderr)
        return EXIT_USAGE
    # the registry the crawl will use: the one of -s ARCHIVER_DATA_DIR (or the environment's) when given
    registry = load_registry(sources_dir(overrides.get("ARCHIVER_DATA_DIR")))
    if args.all or args.kind:
        sources = [s for s in registry.values() if not args.kind or s.kind == args.kind]
        sources.sort(key=lambda s: (s.kind, s.name))
    elif args.sources:
        sources = resolve(args.sources, registry=registry)
    else:
        print("archiver crawl: name sources, or use --all or --kind", file=sys.stderr)
        return EXIT_USAGE
    try:
        parse_period(args.since, args.until)
        limit = parse_limit(args.limit)
    except ValueError as exc:
        print(f"archiver crawl: {exc}", file=sys.stderr)
        return EXIT_USAGE
    for name, value in (("ARCHIVER_RUNS_DIR", args.runs), ("ARCHIVER_CAPTURES_DIR", args.captures)):
        if value:
            overrides[name] = str(Path(value).resolve())
    overrides.update(state_overrides(args.state))
    archive = None
    from archiver.archive.objectstore import is_archive_url

    if is_archive_url(args.archive):
        overrides["ARCHIVER_ARCHIVE_URL"] = args.archive  # parts are spooled locally, then published there
    elif args.archive:
        archive = Path(args.archive).resolve()
    settings = project_settings(overrides)
    state_location(settings)  # a bad ARCHIVER_STATE_URL is a usage error, before anything runs
    if archive is None:
        from archiver.archive.objectstore import ArchiveURLError, archive_url_setting

        try:
            archive_url_setting(settings)
        except ArchiveURLError as exc:
            print(f"archiver crawl: {exc}", file=sys.stderr)
            return EXIT_USAGE
    base_urls = dict(pair.split("=", 1) for pair in args.base_url or [])
    return run_crawl(sources, since=args.since, until=args.until, limit=limit, archive=archive,
                     parallel=args.parallel, settings_overrides=overrides, base_urls=base_urls)


def cmd_fetch(args: argparse.Namespace) -> int:
    start_extraction_early(args.set)
    from archiver.fetch_command import run_fetch

    return run_fetch(args)


def cmd_runs(args: argparse.Namespace) -> int:
    from archiver.reports import list_runs

    state = state_argument(args.state)
    print(list_runs(Path(args.runs) if args.runs else None, args.limit, state=state if state.shared else None))
    return EXIT_OK


def cmd_stats(args: argparse.Namespace) -> int:
    from archiver.reports import archive_stats

    state = state_argument(args.state)
    print(archive_stats(state.folder if args.state and not state.shared else None,
                        Path(args.runs) if args.runs else None, shared=state if state.shared else None))
    return EXIT_OK


def cmd_verify(args: argparse.Namespace) -> int:
    from archiver.verify_command import run_verify

    return run_verify(args)


def cmd_reextract(args: argparse.Namespace) -> int:
    from archiver.replay.command import run_reextract

    return run_reextract(args)


def cmd_captures(args: argparse.Namespace) -> int:
    from archiver.captures.command import run_captures

    return run_captures(args)


def cmd_enqueue(args: argparse.Namespace) -> int:
    from archiver.jobs.command import run_enqueue

    return run_enqueue(args)


def cmd_worker(args: argparse.Namespace) -> int:
    from archiver.jobs.command import run_worker

    return run_worker(args)


def cmd_manifest(args: argparse.Namespace) -> int:
    from archiver.archive.manifest_command import run_manifest

    return run_manifest(args)


def cmd_demo(args: argparse.Namespace) -> int:
    from archiver.demo.run import run_demo

    return run_demo(archive=Path(args.archive) if args.archive else None, verbose=args.verbose)


def cmd_serve_demo(args: argparse.Namespace) -> int:
    from archiver.demo.run import serve_forever

    return serve_forever(port=args.port, delay=args.delay, root=Path(args.root) if args.root else None,
                         host=args.host, access_log=Path(args.access_log) if args.access_log else None)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="archiver", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("sources", help="list the registered sources")
    p.add_argument("--kind", choices=KINDS, help="only sources of this kind")
    p.add_argument("--json", action="store_true", help="one JSON object per line")
    p.set_defaults(func=cmd_sources)

    p = sub.add_parser("crawl", help="archive sources (for cron, systemd timers, one-off runs)")
    p.add_argument("sources", nargs="*", help="source names (see `archiver sources`)")
    p.add_argument("--all", action="store_true", help="every registered source")
    p.add_argument("--kind", choices=KINDS, help="every source of this kind")
    p.add_argument("--since", help="only posts published on or after YYYY-MM-DD (see the README's edge rules)")
    p.add_argument("--until", help="only posts published on or before YYYY-MM-DD (see the README's edge rules)")
    p.add_argument("--limit", help="at most N articles per source")
    p.add_argument("--archive", help="archive folder (default: data/archive), or an s3://bucket/prefix URL "
                   "shared by several machines (default: $ARCHIVER_ARCHIVE_URL)")
    p.add_argument("--state", help="state: a folder (index and locks; default: data/state) or a postgresql:// "
                   "URL shared by several machines (default: $ARCHIVER_STATE_URL)")
    p.add_argument("--runs", help="run reports folder (default: data/runs)")
    p.add_argument("--captures", help="captures folder, the WARCs of every fetch (default: data/captures, or "
                                      "<archive>-captures beside an --archive)")
    p.add_argument("--parallel", type=int, default=4, help="sources crawled at the same time (default 4)")
    p.add_argument("--base-url", action="append", metavar="SOURCE=URL",
                   help="fetch SOURCE from another address (a mirror, a local copy)")
    p.add_argument("-s", "--set", action="append", metavar="NAME=VALUE", help="a Scrapy setting")
    p.set_defaults(func=cmd_crawl)

    p = sub.add_parser("enqueue", help="queue one crawl job per source for the workers (needs a postgresql:// state)")
    add_enqueue_arguments(p, KINDS)
    p.set_defaults(func=cmd_enqueue)

    p = sub.add_parser("worker", help="run queued crawl jobs and the schedules, one source crawl per job")
    add_worker_arguments(p)
    p.set_defaults(func=cmd_worker)

    p = sub.add_parser("fetch", help="archive exactly these URLs now (one-off: no discovery)")
    p.add_argument("urls", nargs="*", metavar="URL", help="article URLs to fetch")
    p.add_argument("--urls", dest="urls_file", metavar="FILE",
                   help="a file of URLs, one per line ('#' comments and blank lines ignored)")
    p.add_argument("--source", metavar="NAME", help="give every URL to this registry source (default: each URL's "
                   "source by its host; a host in no registry entry gets an ad-hoc source named after its "
                   "registered domain)")
    p.add_argument("--refetch", action="store_true",
                   help="fetch URLs the archive already holds too; a changed page is archived as a new revision")
    p.add_argument("--archive", help="archive folder (default: data/archive), or an s3://bucket/prefix URL "
                   "(default: $ARCHIVER_ARCHIVE_URL)")
    p.add_argument("--state", help="state: a folder (index and locks; default: data/state) or a postgresql:// "
                   "URL shared by several machines (default: $ARCHIVER_STATE_URL)")
    p.add_argument("--runs", help="run reports folder (default: data/runs)")
    p.add_argument("--base-url", action="append", metavar="NAME=URL",
                   help="fetch a registry SOURCE, or a HOST in no registry entry, from another address (a local "
                        "copy); records keep the real address")
    p.add_argument("-s", "--set", action="append", metavar="NAME=VALUE", help="a Scrapy setting")
    p.set_defaults(func=cmd_fetch)

    p = sub.add_parser("runs", help="list recent runs")
    p.add_argument("--runs", help="run reports folder (default: data/runs, or the state database's registry)")
    p.add_argument("--state", help="a postgresql:// state URL: list the runs of every machine sharing it "
                                   "(default: $ARCHIVER_STATE_URL)")
    p.add_argument("-n", "--limit", type=int, default=20)
    p.set_defaults(func=cmd_runs)

    p = sub.add_parser("stats", help="summarise the archive per source")
    p.add_argument("--state", help="state folder (default: data/state), or a postgresql:// state URL "
                                   "(default: $ARCHIVER_STATE_URL)")
    p.add_argument("--runs", help="run reports folder (default: data/runs)")
    p.set_defaults(func=cmd_stats)

    p = sub.add_parser("verify", help="re-read the archive against its manifest and the index against the "
                                      "archive; report damage (exit 1), repair it with --repair")
    p.add_argument("--archive", help="archive folder (default: data/archive)")
    p.add_argument("--state", help="state: a folder (index and locks; default: data/state) or a postgresql:// "
                   "URL shared by several machines (default: $ARCHIVER_STATE_URL)")
    p.add_argument("--source", nargs="+", metavar="NAME", help="only these sources (default: every source "
                   "the archive or the index holds)")
    p.add_argument("--repair", action="store_true", help="withdraw missing parts, set corrupt ones aside, list "
                   "intact unlisted ones, rebuild the index from the intact parts (the next run fetches what "
                   "was lost)")
    p.add_argument("--json", action="store_true", help="print the findings as one JSON document")
    p.add_argument("--progress-every", type=int, default=100, metavar="N",
                   help="a progress line every N parts (default 100; a terminal line is redrawn instead)")
    p.set_defaults(func=cmd_verify)

    p = sub.add_parser("reextract", help="rebuild records from captures with today's extractor and pipelines, "
                                         "offline, into a new archive, and compare it with the original")
    p.add_argument("sources", nargs="*", help="source names (default: every registry source the captures hold)")
    p.add_argument("--archive", required=True, help="the new archive's folder (new or empty)")
    p.add_argument("--captures", help="the captures folder (default: <from>-captures beside --from, else "
                                      "data/captures)")
    p.add_argument("--from", dest="original", metavar="ARCHIVE", help="the archive to compare with (default: the "
                   "one the captures sit beside: D for D-captures, data/archive for data/captures)")
    p.add_argument("--since", help="only posts published on or after YYYY-MM-DD, as for crawl")
    p.add_argument("--until", help="only posts published on or before YYYY-MM-DD, as for crawl")
    p.add_argument("--run", action="append", metavar="RUN_ID", help="only the captures of this run (repeat it; "
                   "default: every run, the latest capture of each URL)")
    p.add_argument("--base-url", action="append", metavar="SOURCE=URL", help="the address the captures of SOURCE "
                   "were fetched from (default: read from the captures)")
    p.add_argument("--state", help="the new archive's state: a folder (default: <archive>-state) or a "
                                   "postgresql:// URL of an empty database")
    p.add_argument("--runs", help="run reports folder (default: <archive>-runs)")
    p.add_argument("--parallel", type=int, default=4, help="sources replayed at the same time (default 4)")
    p.add_argument("-s", "--set", action="append", metavar="NAME=VALUE", help="a Scrapy setting")
    p.set_defaults(func=cmd_reextract)

    p = sub.add_parser("captures", help="list the capture files (WARC), or package them as one WACZ for "
                                        "replayweb.page and pywb")
    p.add_argument("sources", nargs="*", help="only these sources (default: every source captured)")
    p.add_argument("--captures", help="the captures folder (default: data/captures)")
    p.add_argument("--run", action="append", metavar="RUN_ID", help="only the files of this run (repeat it)")
    p.add_argument("--wacz", metavar="OUT.wacz", help="write the selected files as one WACZ (never overwrites)")
    p.add_argument("--from", dest="original", metavar="ARCHIVE", help="the archive whose articles become the "
                   "WACZ's pages (default: the one beside the captures: D for D-captures)")
    p.add_argument("--json", action="store_true", help="list the manifest lines as JSON")
    p.set_defaults(func=cmd_captures)

    p = sub.add_parser("manifest", help="list the archive's parts: the local manifest, or the union of an s3:// "
                                        "archive's manifest objects")
    p.add_argument("--archive", help="archive folder or s3://bucket/prefix URL (default: $ARCHIVER_ARCHIVE_URL, "
                                     "else data/archive)")
    p.add_argument("--source", action="append", metavar="NAME", help="only this source's parts (repeat it)")
    p.add_argument("--captures", action="store_true", help="list the capture files (WARC) instead")
    p.add_argument("--json", action="store_true", help="one manifest entry per line, as JSON")
    p.add_argument("-s", "--set", action="append", metavar="NAME=VALUE",
                   help="a Scrapy setting (AWS_ENDPOINT_URL, AWS_ACCESS_KEY_ID, ...)")
    p.set_defaults(func=cmd_manifest)

    p = sub.add_parser("extract", help="extract the article record from a saved HTML page and print it as JSON")
    p.add_argument("path", help="saved page (.html or .html.gz)")
    p.add_argument("--url", help="the URL the page was fetched from (resolves links, picks site rules)")
    p.set_defaults(func=cmd_extract)

    p = sub.add_parser("demo", help="serve the bundled demo sites on 127.0.0.1 and archive them with the real spiders")
    p.add_argument("--archive", help="archive folder (default: data/demo-archive)")
    p.add_argument("-v", "--verbose", action="store_true", help="show Scrapy's log")
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser("serve-demo", help="serve the demo site until interrupted (prints its base URL)")
    p.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (default: any free port)")
    p.add_argument("--delay", type=float, default=0.0, help="seconds to wait before each response")
    p.add_argument("--host", default="la.usembassy.gov", help="which demo site (a folder under data/demo/)")
    p.add_argument("--root", help="serve this copy of the site folder instead of data/demo/<host>")
    p.add_argument("--access-log", metavar="FILE", help="append one line per request to FILE (combined log format)")
    p.set_defaults(func=cmd_serve_demo)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except (SourceError, StateURLError) as exc:
        print(f"archiver: {exc}", file=sys.stderr)
        return EXIT_USAGE


if __name__ == "__main__":
    sys.exit(main())
