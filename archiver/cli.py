"""The ``archiver`` command: list sources, extract a saved page, run the offline demo, serve the demo site.

Crawls themselves are ordinary Scrapy crawls (``scrapy crawl embassy -a site=la``); this command adds what
Scrapy has no verb for. Exit codes: 0 success, 1 the run failed, 2 usage error (bad arguments, unknown source).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from archiver.sources import KINDS, SourceError, load_registry

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


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


def cmd_demo(args: argparse.Namespace) -> int:
    from archiver.demo.run import run_demo

    return run_demo(archive=Path(args.archive) if args.archive else None, verbose=args.verbose)


def cmd_serve_demo(args: argparse.Namespace) -> int:
    from archiver.demo.run import serve_forever

    return serve_forever(port=args.port, delay=args.delay, root=Path(args.root) if args.root else None,
                         host=args.host)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="archiver", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("sources", help="list the registered sources")
    p.add_argument("--kind", choices=KINDS, help="only sources of this kind")
    p.add_argument("--json", action="store_true", help="one JSON object per line")
    p.set_defaults(func=cmd_sources)

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
    p.set_defaults(func=cmd_serve_demo)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except SourceError as exc:
        print(f"archiver: {exc}", file=sys.stderr)
        return EXIT_USAGE


if __name__ == "__main__":
    sys.exit(main())
