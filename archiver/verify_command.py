"""``archiver verify``: choose the sources, show progress, print the findings, pick the exit code.

The checking and repairing are ``archiver.archive.verify``; this module is the command around them. Exit
codes: 0 nothing damaged; 1 something was damaged (repaired or not: the output says which); 2 usage error;
3 nothing damaged among the sources checked, but a source was locked by a running crawl and not checked.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

from archiver.archive.verify import SourceReport, Verifier
from archiver.paths import default_archive_dir
from archiver.sources import load_registry
from archiver.state.location import shown_url, state_argument

EXIT_OK, EXIT_DAMAGED, EXIT_USAGE, EXIT_LOCKED = 0, 1, 2, 3


class ProgressLine:
    """Every ``every`` parts (and at least every 10 s) a line on stderr; on a terminal, one line redrawn."""

    def __init__(self, every: int, stream: TextIO = sys.stderr) -> None:
        self.every = max(1, every)
        self.stream = stream
        self.tty = hasattr(stream, "isatty") and stream.isatty()
        self.started = self.last = time.monotonic()

    def __call__(self, done: int, total: int, source: str) -> None:
        now = time.monotonic()
        if done % self.every and done != total and now - self.last < 10:
            return
        self.last = now
        text = f"verify: {done}/{total} parts checked ({source}), {now - self.started:.0f}s"
        if self.tty:
            self.stream.write("\r" + text.ljust(78) + ("\n" if done == total else ""))
        else:
            self.stream.write(text + "\n")
        self.stream.flush()


def run_verify(args: argparse.Namespace) -> int:
    archive = Path(args.archive).resolve() if args.archive else default_archive_dir()
    state = state_argument(args.state)
    if not archive.is_dir():
        print(f"archiver verify: no archive folder at {archive}", file=sys.stderr)
        return EXIT_USAGE
    verifier = Verifier(archive, state.index, state.locks, repair=args.repair,
                        progress=ProgressLine(args.progress_every), run_id=f"verify-{time.strftime('%Y%m%dT%H%M%S')}")
    present = verifier.sources_present()
    if args.source:
        registered = set(load_registry())
        unknown = [name for name in args.source if name not in registered and name not in present]
        if unknown:
            print(f"archiver verify: unknown source(s): {', '.join(unknown)} (neither registered nor in the "
                  "archive or the index)", file=sys.stderr)
            return EXIT_USAGE
        sources = list(dict.fromkeys(args.source))
    else:
        sources = present
    reports = verifier.run(sources)
    damaged = any(r.damaged for r in reports) or verifier.index_problem is not None
    code = EXIT_DAMAGED if damaged else EXIT_LOCKED if any(r.busy for r in reports) else EXIT_OK
    moved = str(verifier.index_moved_to) if verifier.index_moved_to else None
    if args.json:
        print(json.dumps({"archive": str(archive), "index": shown_url(str(verifier.index_file)), "repair": args.repair,
                          "index_problem": verifier.index_problem, "index_moved_to": moved,
                          "exit_code": code, "sources": [r.as_json() for r in reports]},
                         ensure_ascii=False, indent=2))
    else:
        if moved:
            print(f"verify: the index {verifier.index_file} was damaged ({verifier.index_problem}); repaired: "
                  f"set it aside as {moved} and rebuilt it from the listed, intact parts (REST watermarks and "
                  "revisit hints start afresh)")
        elif verifier.index_problem is not None:
            print(f"verify: the index {verifier.index_file} is damaged ({verifier.index_problem}): runs stop at "
                  "preparation or cannot trust it; `archiver verify --repair` sets it aside and rebuilds it from "
                  "the parts")
        print(format_reports(reports))
        print(f"verify: {sum(r.damaged for r in reports)} of {len(reports)} source(s) damaged"
              f"{' (repaired)' if args.repair and damaged else ''}; exit {code}")
    return code


def format_reports(reports: list[SourceReport]) -> str:
    lines = [f"{'source':<16} {'parts':>6} {'records':>8} {'missing':>7} {'corrupt':>7} {'unlisted':>8} "
             f"{'idx-stale':>9} {'idx-wrong':>9} {'idx-lacks':>9}  state"]
    for r in reports:
        state = "busy" if r.busy else "damaged" if r.damaged else "ok"
        lines.append(f"{r.source:<16} {r.parts:>6} {r.records:>8} {len(r.missing):>7} {len(r.corrupt):>7} "
                     f"{len(r.unlisted):>8} {r.index_rows_without_part:>9} {r.index_rows_mismatched:>9} "
                     f"{r.records_index_lacks:>9}  {state}")
    for r in reports:
        lines += list(_details(r))
    return "\n".join(lines)


def _details(r: SourceReport) -> Iterator[str]:
    name = r.source
    if r.busy:
        yield f"{name}: not checked: {r.busy}"
    for m in r.missing:
        yield f"{name}: listed part {m['part']} is missing ({m.get('records')} records)"
    for c in r.corrupt:
        yield f"{name}: listed part {c['part']} is corrupt: {c['problem']}"
    for u in r.unlisted:
        yield f"{name}: final file {u['part']} is not listed in the manifest" + (
            f" and is corrupt: {u['problem']}" if u["problem"] else " (intact)")
    if r.index_unreadable:
        yield f"{name}: the index cannot be read, so it was not compared with the parts"
    if r.index_missing:
        yield f"{name}: there is no index; a run would rebuild it from the parts before crawling"
    for kind, label in (("index_rows_without_part", "index rows point at a part that is missing, corrupt or not "
                         "listed (their pages are never fetched again)"),
                        ("index_rows_mismatched", "index rows disagree with the part they point at"),
                        ("records_index_lacks", "records of intact parts the index does not know at their latest "
                         "revision (a run would archive them again)")):
        count = getattr(r, kind)
        if count:
            yield f"{name}: {count} {label}; e.g. " + "; ".join(r.examples.get(kind, [])[:3])
    if r.index_parts_stale:
        yield f"{name}: the index holds {len(r.index_parts_stale)} part(s) that are not listed and intact"
    if r.leftover_temp_files:
        yield (f"{name}: {len(r.leftover_temp_files)} unfinished part(s) of killed runs (the next run salvages "
               "them)")
    for repair in r.repairs:
        action = repair["action"]
        if action == "withdrawn" and repair["reason"] == "missing":
            yield f"{name}: repaired: withdrew missing part {repair['part']} from the manifest"
        elif action == "withdrawn":
            yield (f"{name}: repaired: withdrew the manifest line of {repair['part']} ({repair['reason']}); "
                   "nothing was moved")
        elif action == "set_aside":
            yield f"{name}: repaired: set {repair['part']} aside as {repair['moved_to']} and withdrew it"
        elif action == "listed":
            yield f"{name}: repaired: listed intact part {repair['part']} ({repair['records']} records)"
        elif action == "index_rebuilt":
            yield (f"{name}: repaired: index rebuilt from {repair['parts']} intact part(s) ({repair['records']} "
                   f"records); {repair['records_forgotten']} record(s) forgotten, the next run fetches them again")
