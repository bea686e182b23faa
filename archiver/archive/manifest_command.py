"""``archiver manifest``: list the parts an archive holds, as its manifest says.

A local archive has one manifest file (``manifest.jsonl``); an ``s3://`` archive has one manifest object per
part (``<prefix>/manifest/*.json``), since objects cannot be appended to, and this lists their union (a part
listed by two objects once). With ``--captures``, the capture files (WARC) instead. ``--json`` prints the
entries as they are stored, one per line, for jq; otherwise a table, and a total on stderr.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def _entries(args: argparse.Namespace) -> tuple[str, list[dict[str, Any]], int]:
    """Where the archive is (as shown), and its listed entries; raises ``ArchiveURLError`` for a bad URL."""
    from archiver.archive.manifest import read_manifest
    from archiver.archive.objectstore import (
        CAPTURES_FOLDER,
        MANIFEST_FOLDER,
        ArchiveURL,
        ObjectStore,
        archive_url_setting,
        is_archive_url,
    )
    from archiver.captures.paths import captures_root
    from archiver.overrides import setting_overrides
    from archiver.paths import default_archive_dir
    from archiver.runner import project_settings

    settings = project_settings(setting_overrides(args.set))
    url = ArchiveURL.parse(args.archive) if is_archive_url(args.archive) else None
    if url is None and not args.archive:
        url = archive_url_setting(settings)
    if url is not None:
        store = ObjectStore.from_settings(settings, url)
        folder = f"{CAPTURES_FOLDER}/{MANIFEST_FOLDER}" if args.captures else MANIFEST_FOLDER
        unreadable: list[str] = []
        entries = store.manifest(folder=folder, unreadable=unreadable)
        for key in unreadable:
            print(f"archiver manifest: {url.bucket}/{key} is not a manifest line; the part it names is not listed",
                  file=sys.stderr)
        return str(url), entries, len(unreadable)
    root = Path(args.archive or settings.get("ARCHIVER_ARCHIVE_DIR")
                or default_archive_dir(settings.get("ARCHIVER_DATA_DIR"))).resolve()
    if args.captures:
        root = captures_root(settings, root if args.archive else None)
    return str(root), read_manifest(root), 0


def run_manifest(args: argparse.Namespace) -> int:
    from archiver.archive.objectstore import ArchiveURLError

    try:
        where, entries, unreadable = _entries(args)
    except (ArchiveURLError, ValueError) as exc:
        print(f"archiver manifest: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except Exception as exc:  # the bucket cannot be reached or read: say so, never an empty listing
        print(f"archiver manifest: cannot read the manifest of {args.archive or 'the archive'}: "
              f"{type(exc).__name__}: {exc}", file=sys.stderr)
        return EXIT_FAILED
    if args.source:
        entries = [e for e in entries if e.get("source") in set(args.source)]
    if args.json:
        for entry in entries:
            print(json.dumps(entry, ensure_ascii=False, sort_keys=True))
    else:
        print(f"{'records':>8} {'bytes':>10} {'sha256':<12} path")
        for entry in entries:
            print(f"{entry.get('records', ''):>8} {entry.get('bytes', ''):>10} {str(entry.get('sha256', ''))[:12]:<12} "
                  f"{entry.get('path')}")
    records = sum(e.get("records", 0) for e in entries if isinstance(e.get("records"), int))
    noun = "capture file" if args.captures else "part"
    print(f"{len(entries)} {noun}{'' if len(entries) == 1 else 's'}, {records} records in {where}", file=sys.stderr)
    return EXIT_FAILED if unreadable else EXIT_OK
