"""``archiver captures``: list the capture files, or package them as one WACZ (``--wacz OUT.wacz``).

The listing is the captures manifest's (withdrawn files left out): one line per finalised WARC with its source,
crawl day, run, records and size, and a total per source; ``--json`` prints the manifest lines themselves.
Exit codes: 0 done; 1 the WACZ could not be made; 2 usage error (no captures, an unknown source or run, an
existing ``OUT.wacz``).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

from archiver.paths import data_dir

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def default_root(captures: str | None) -> Path:
    return Path(captures).resolve() if captures else data_dir() / "captures"


def beside(root: Path) -> Path | None:
    """The archive whose records point into the captures root ``root`` (``D`` for ``D-captures``)."""
    if root == (data_dir() / "captures").resolve():
        return data_dir() / "archive"
    if root.name.endswith("-captures"):
        return root.parent / root.name[: -len("-captures")]
    return None


def listing(files: list[dict[str, Any]]) -> str:
    lines = [f"{'source':<16} {'date':<10} {'run':<24} {'records':>8} {'bytes':>12}  file"]
    totals: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for entry in files:
        date = next((p[5:] for p in Path(entry["path"]).parts if p.startswith("date=")), "")
        lines.append(f"{entry['source']:<16} {date:<10} {entry.get('run_id', ''):<24} {entry.get('records', 0):>8} "
                     f"{entry.get('bytes', 0):>12}  {entry['path']}")
        total = totals[entry["source"]]
        total[0] += 1
        total[1] += int(entry.get("records", 0))
        total[2] += int(entry.get("bytes", 0))
    for source, (count, records, size) in sorted(totals.items()):
        lines.append(f"{source}: {count} file(s), {records} WARC records, {size} bytes")
    return "\n".join(lines)


def run_captures(args: argparse.Namespace) -> int:
    from archiver.captures.cdxj import listed_files
    from archiver.captures.wacz import WaczError, select_files, write_wacz

    root = default_root(args.captures)
    if not (root / "manifest.jsonl").is_file():
        print(f"archiver captures: no captures in {root} (no manifest.jsonl)", file=sys.stderr)
        return EXIT_USAGE
    known = listed_files(root)
    for name, values, present in (("source", args.sources, {e["source"] for e in known}),
                                  ("run", args.run, {str(e.get("run_id")) for e in known})):
        missing = sorted(set(values or []) - present)
        if missing:
            print(f"archiver captures: no captures of {name}(s) {', '.join(missing)} in {root}", file=sys.stderr)
            return EXIT_USAGE
    files = select_files(root, args.sources, args.run)
    if not args.wacz:
        if args.json:
            for entry in files:
                print(json.dumps(entry, ensure_ascii=False, sort_keys=True))
        else:
            print(listing(files))
        return EXIT_OK
    out = Path(args.wacz)
    if out.exists():
        print(f"archiver captures: {out} exists already; a WACZ is never overwritten", file=sys.stderr)
        return EXIT_USAGE
    archive = Path(args.original).resolve() if args.original else beside(root)
    sources = sorted({e["source"] for e in files})
    try:
        result = write_wacz(root, out, files, archive=archive,
                            title=f"archiver captures: {', '.join(sources)}")
    except WaczError as exc:
        print(f"archiver captures: {exc}", file=sys.stderr)
        return EXIT_FAILED
    print(f"{result.path}: {result.warcs} WARC file(s), {result.pages} page(s), {result.bytes} bytes "
          f"(open it in https://replayweb.page, or add it to a pywb collection with wb-manager add --unpack-wacz)")
    return EXIT_OK
