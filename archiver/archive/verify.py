"""``archiver verify``: re-read the archive against its manifest and the index against the archive; repair.

Nothing a run wrote is trusted on its word. For each source, under the source's lock (so no run is writing):

- every part the manifest lists is read again: it exists, has the listed size and sha256, is one complete
  gzip stream of whole, newline-terminated JSON lines of that source carrying the fields the index needs,
  and holds the listed number of records;
- final files (``source=*/date=*/*.jsonl.gz``) the manifest does not list are reported (and checked);
- every index row must point at a listed, intact part that holds that canonical URL with that body hash at
  that revision, and every record of a listed, intact part must be known to the index at its latest revision
  (the newest revision, then the latest ``fetched_at``, as the index itself decides).

With ``repair``: a listed part that is missing or corrupt is withdrawn from the manifest by an appended
withdrawal line (the manifest stays append-only; ``read_manifest`` no longer returns it), and a corrupt one is
moved, never deleted, to ``<archive>/.quarantine/<its path>``, where no archive glob reads it (a hidden folder:
Spark, Hive and ``glob`` skip it). An intact unlisted part is listed; a corrupt one is set aside the same way.
Then the source's rows in the index are rebuilt from the listed, intact parts, in manifest order, exactly as
the runs that finalised them would have written them: records whose only copy was in a missing or corrupt
part are forgotten, so the next run fetches them again.

The index file itself is checked first (SQLite's ``PRAGMA quick_check``). One that is not a readable SQLite
database, or fails the check, is reported for every source (and no run can use it: each fails at preparation);
``repair`` moves it, never deletes it, beside itself as ``index.sqlite.unreadable-<UTC time>`` and rebuilds a
new one from the listed, intact parts of every source. What else it held goes with it: the REST watermarks
(the next run lists every post once) and the revisit hints of the captures (a page fetched again unchanged is
stored in full once more).
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import re
import sqlite3
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from archiver.archive.manifest import (
    WITHDRAWN,
    ManifestEntry,
    append_manifest,
    append_manifest_line,
    read_manifest_lines,
)
from archiver.archive.manifest_cache import listed_for_source
from archiver.archive.storage import INDEX_KEYS, TEMP_SUFFIX
from archiver.durable import fsync_path
from archiver.state.backend import index_exists, open_index, source_lock
from archiver.state.index import ArchiveIndex, IndexUnreadable, is_damage, set_aside
from archiver.state.location import IndexLocation, is_database_url
from archiver.state.locks import LockBusy

QUARANTINE = ".quarantine"
REQUIRED_KEYS = ("canonical_url", "url", "source", "content_sha256", "fetched_at")
EXAMPLES = 20  # problems listed by name per kind; the counts are always complete


@dataclass
class PartCheck:
    """What re-reading one part found. ``rows`` (the index fields of each record) only when it is intact."""

    path: str
    problem: str | None = None
    records: int = 0
    size: int = 0
    sha256: str = ""
    rows: list[dict[str, Any]] = field(default_factory=list)

    @property
    def intact(self) -> bool:
        return self.problem is None


def _hash_file(path: Path) -> tuple[int, str]:
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as raw:
        for chunk in iter(lambda: raw.read(1 << 20), b""):
            digest.update(chunk)
            size += len(chunk)
    return size, digest.hexdigest()


def _read_records(path: Path, source: str) -> tuple[list[dict[str, Any]], str | None]:
    """The index fields of every line of a gzipped JSONL part, or the first reason it is not a whole part."""
    rows: list[dict[str, Any]] = []
    try:
        with gzip.open(path, "rb") as stream:
            for number, line in enumerate(stream, start=1):
                if not line.endswith(b"\n"):
                    return rows, f"line {number} is cut off (no newline at the end of the part)"
                try:
                    record = json.loads(line)
                except (json.JSONDecodeError, UnicodeDecodeError):
                    return rows, f"line {number} is not valid JSON"
                if not isinstance(record, dict):
                    return rows, f"line {number} is not a JSON object"
                missing = [key for key in REQUIRED_KEYS if not isinstance(record.get(key), str) or not record[key]]
                if missing:
                    return rows, f"line {number} lacks {', '.join(missing)}"
                if record["source"] != source:
                    return rows, f"line {number} is a record of source {record['source']!r}"
                rows.append({key: record[key] for key in INDEX_KEYS if key in record})
    except (OSError, EOFError, zlib.error) as exc:
        return rows, f"gzip stream is not complete or is corrupt ({exc})"
    return rows, None


def is_part_path(relative: str, source: str) -> bool:
    """Whether ``relative`` names a final part of ``source`` inside the archive (a manifest line is data, and a
    path such as ``../../x`` must never be read, let alone moved)."""
    return bool(re.fullmatch(rf"source={re.escape(source)}/date=[^/]+/[^/.][^/]*\.jsonl\.gz", relative)) and \
        ".." not in relative.split("/")


def check_part(archive_root: Path, relative: str, source: str, entry: dict[str, Any] | None = None) -> PartCheck:
    """Re-read one part; with its manifest ``entry``, also hold it to the listed size, sha256 and records."""
    path = archive_root / relative
    check = PartCheck(relative)
    if not is_part_path(relative, source):
        check.problem = f"not the path of a part of source {source!r} in this archive"
        return check
    if not path.is_file():
        check.problem = "missing"
        return check
    check.size, check.sha256 = _hash_file(path)
    rows, problem = _read_records(path, source)
    check.records = len(rows)
    listing: list[str] = []
    if entry is not None:
        if not isinstance(entry.get("bytes"), int) or not isinstance(entry.get("sha256"), str) \
                or not isinstance(entry.get("records"), int):
            listing.append("its manifest line lacks bytes, sha256 or records")
        else:
            if check.size != entry["bytes"]:
                listing.append(f"is {check.size} bytes, the manifest says {entry['bytes']}")
            if check.sha256 != entry["sha256"]:
                listing.append("sha256 differs from the manifest")
            if problem is None and check.records != entry["records"]:
                listing.append(f"holds {check.records} records, the manifest says {entry['records']}")
    if listing or problem:
        check.problem = "; ".join(listing + ([problem] if problem else []))
        if listing and not problem:
            check.problem += " (the gzip stream and its lines are whole: the manifest line may be what changed)"
        return check
    check.rows = rows
    return check


def latest_records(parts: Iterable[PartCheck]) -> dict[str, tuple[str, int, str, str]]:
    """canonical URL -> (content_sha256, revision, part, fetched_at) of the record the index must hold: the
    highest revision, then the latest fetch (the index's own rule, ``archiver.state.index.UPSERT``)."""
    latest: dict[str, tuple[str, int, str, str]] = {}
    for part in parts:
        for row in part.rows:
            key = (int(row.get("revision", 1)), row.get("fetched_at", ""))
            current = latest.get(row["canonical_url"])
            if current is None or key >= (current[1], current[3]):
                latest[row["canonical_url"]] = (row["content_sha256"], key[0], part.path, key[1])
    return latest


@dataclass
class SourceReport:
    """Everything verify found (and did) for one source."""

    source: str
    busy: str | None = None
    parts: int = 0
    records: int = 0
    missing: list[dict[str, Any]] = field(default_factory=list)
    corrupt: list[dict[str, Any]] = field(default_factory=list)
    unlisted: list[dict[str, Any]] = field(default_factory=list)
    leftover_temp_files: list[str] = field(default_factory=list)
    index_missing: bool = False
    index_unreadable: str | None = None  # why the index file cannot be used (the same for every source)
    index_rows_without_part: int = 0
    index_rows_mismatched: int = 0
    records_index_lacks: int = 0
    index_parts_stale: list[str] = field(default_factory=list)
    examples: dict[str, list[str]] = field(default_factory=dict)
    repairs: list[dict[str, Any]] = field(default_factory=list)
    records_forgotten: int = 0

    @property
    def damaged(self) -> bool:
        return bool(self.missing or self.corrupt or self.unlisted or self.index_rows_without_part
                    or self.index_rows_mismatched or self.records_index_lacks or self.index_parts_stale
                    or self.index_unreadable)

    def example(self, kind: str, text: str) -> None:
        found = self.examples.setdefault(kind, [])
        if len(found) < EXAMPLES:
            found.append(text)

    def as_json(self) -> dict[str, Any]:
        out = {k: v for k, v in self.__dict__.items()}
        out["damaged"] = self.damaged
        return out


Progress = Callable[[int, int, str], None]


@dataclass
class _Parts:
    """A source's parts as checked: the listed intact ones (manifest order) and the unlisted intact ones."""

    intact: list[PartCheck] = field(default_factory=list)
    unlisted_intact: list[PartCheck] = field(default_factory=list)


@dataclass
class Verifier:
    archive_root: Path
    index_file: IndexLocation  # the SQLite file, or the state database's URL
    locks_dir: IndexLocation  # the flock folder, or the state database's URL
    repair: bool = False
    progress: Progress | None = None
    run_id: str = ""
    done: int = 0
    total: int = 0
    index_problem: str | None = None  # why the index file cannot be used, if it cannot
    index_moved_to: Path | None = None  # where repair set that file aside
    _index_checked: bool = False

    def check_index_file(self) -> str | None:
        """Whether the index file is a readable SQLite database that passes SQLite's own check (once per run);
        returns what is wrong with it, or None (also when there is no index, and for a PostgreSQL index, whose
        server keeps its own pages whole)."""
        if not self._index_checked:
            self._index_checked = True
            if not is_database_url(self.index_file) and Path(self.index_file).exists():
                try:
                    with ArchiveIndex(Path(self.index_file)) as db:
                        self.index_problem = db.damage()
                except IndexUnreadable as unreadable:
                    self.index_problem = unreadable.problem
                except sqlite3.DatabaseError as exc:
                    if not is_damage(exc):
                        raise  # locked, read-only, full: not a damaged file, and not repaired as one
                    self.index_problem = str(exc)
        return self.index_problem

    def sources_present(self) -> list[str]:
        """Every source the archive or the (readable) index knows of."""
        names = {str(line.get("source")) for line in read_manifest_lines(self.archive_root) if line.get("source")}
        names |= {p.name[len("source="):] for p in self.archive_root.glob("source=*") if p.is_dir()}
        if self.check_index_file() is None and index_exists(self.index_file):
            with open_index(self.index_file) as db:
                names |= set(db.sources())
        return sorted(names)

    def run(self, sources: list[str]) -> list[SourceReport]:
        self.check_index_file()
        # The total is for the progress line only: each source's parts are listed again under its lock.
        self.total = sum(len(listed_for_source(self.archive_root, s)) + len(self._unlisted(s)) for s in sources)
        reports = [self._verify_source(source) for source in sources]
        if self.repair and self.index_problem is not None:
            self._replace_unreadable_index()  # even with no source to rebuild: the next run starts a new one
        return reports

    def _replace_unreadable_index(self) -> None:
        """Set the unusable index aside (once); the repairs that follow build a new one in its place."""
        if self.index_problem is not None and self.index_moved_to is None and Path(self.index_file).exists():
            self.index_moved_to = set_aside(Path(self.index_file))

    def _unlisted(self, source: str) -> list[str]:
        listed = {e["path"] for e in listed_for_source(self.archive_root, source)}
        finals = (p.relative_to(self.archive_root).as_posix()
                  for p in self.archive_root.glob(f"source={source}/date=*/*.jsonl.gz"))
        return sorted(path for path in finals if path not in listed)

    def _tick(self, source: str) -> None:
        self.done += 1
        if self.progress:
            self.progress(self.done, self.total, source)

    def _verify_source(self, source: str) -> SourceReport:
        report = SourceReport(source)
        lock = source_lock(self.locks_dir, source, run_id=self.run_id)
        try:
            lock.acquire()
        except LockBusy as busy:
            report.busy = str(busy)
            return report
        try:  # what the manifest lists now, with no run of the source finalising anything
            parts = self._check_source(report, listed_for_source(self.archive_root, source))
            if self.repair and report.damaged:
                self._repair_source(report, parts)
        finally:
            lock.release()
        return report

    def _check_source(self, report: SourceReport, entries: list[dict[str, Any]]) -> _Parts:
        source = report.source
        report.parts = len(entries)
        parts = _Parts()
        for entry in entries:
            check = check_part(self.archive_root, entry["path"], source, entry)
            self._tick(source)
            if check.problem == "missing":
                report.missing.append({"part": entry["path"], "records": entry.get("records")})
            elif check.problem:
                report.corrupt.append({"part": entry["path"], "problem": check.problem})
            else:
                report.records += check.records
                parts.intact.append(check)
        for relative in self._unlisted(source):
            check = check_part(self.archive_root, relative, source)
            self._tick(source)
            report.unlisted.append({"part": relative, "problem": check.problem})
            if check.intact:
                parts.unlisted_intact.append(check)
        report.leftover_temp_files = sorted(
            p.relative_to(self.archive_root).as_posix()
            for p in self.archive_root.glob(f"source={source}/date=*/.*{TEMP_SUFFIX}"))
        self._check_index(report, parts.intact)
        return parts

    def _check_index(self, report: SourceReport, intact: list[PartCheck]) -> None:
        source = report.source
        if self.index_problem is not None:
            report.index_unreadable = self.index_problem  # nothing in it can be compared with the parts
            return
        if index_exists(self.index_file):
            with open_index(self.index_file) as db:
                rows = db.source_rows(source)
                indexed_parts = db.indexed_parts(source)
        else:
            rows, indexed_parts = [], {}
            report.index_missing = bool(intact)
        held = {(part.path, row["canonical_url"], row["content_sha256"], int(row.get("revision", 1)))
                for part in intact for row in part.rows}
        intact_paths = {part.path for part in intact}
        index_rows = {}
        for url, sha, revision, part in rows:
            index_rows[url] = (sha, revision)
            if part not in intact_paths:
                report.index_rows_without_part += 1
                report.example("index_rows_without_part", f"{url} -> {part}")
            elif (part, url, sha, revision) not in held:
                report.index_rows_mismatched += 1
                report.example("index_rows_mismatched", f"{url} (revision {revision}) is not so in {part}")
        for url, (sha, revision, part, _) in latest_records(intact).items():
            known = index_rows.get(url)
            if known is None or known[1] < revision or (known[1] == revision and known[0] != sha):
                report.records_index_lacks += 1
                report.example("records_index_lacks", f"{url} (revision {revision}, {part})")
        report.index_parts_stale = sorted(path for path in indexed_parts if path not in intact_paths)

    # -- repair -------------------------------------------------------------------------------------------

    def _repair_source(self, report: SourceReport, checked: _Parts) -> None:
        source = report.source
        for missing in report.missing:
            self._withdraw(source, missing["part"], "missing", moved_to=None)
            report.repairs.append({"part": missing["part"], "action": "withdrawn", "reason": "missing"})
        for corrupt in report.corrupt:
            if not is_part_path(corrupt["part"], source):  # a manifest line is data: nothing outside is moved
                self._withdraw(source, corrupt["part"], corrupt["problem"], moved_to=None)
                report.repairs.append({"part": corrupt["part"], "action": "withdrawn", "reason": corrupt["problem"]})
                continue
            moved = self._set_aside(corrupt["part"])
            self._withdraw(source, corrupt["part"], corrupt["problem"], moved_to=moved)
            report.repairs.append({"part": corrupt["part"], "action": "set_aside", "moved_to": moved,
                                   "reason": corrupt["problem"]})
        for unlisted in report.unlisted:
            if unlisted["problem"] is None:
                continue
            moved = self._set_aside(unlisted["part"])
            self._withdraw(source, unlisted["part"], f"unlisted and {unlisted['problem']}", moved_to=moved)
            report.repairs.append({"part": unlisted["part"], "action": "set_aside", "moved_to": moved,
                                   "reason": unlisted["problem"]})
        for check in checked.unlisted_intact:
            self._list(source, check)
            report.repairs.append({"part": check.path, "action": "listed", "records": check.records})
        parts = checked.intact + checked.unlisted_intact
        self._replace_unreadable_index()
        with open_index(self.index_file) as db:
            before = {url: revision for url, _, revision, _ in db.source_rows(source)}
            records = db.rebuild_source(source, ((p.path, p.sha256, p.rows) for p in parts))
            after = {url: revision for url, _, revision, _ in db.source_rows(source)}
        report.records_forgotten = sum(1 for url, revision in before.items() if after.get(url, 0) < revision)
        report.repairs.append({"action": "index_rebuilt", "parts": len(parts), "records": records,
                               "records_forgotten": report.records_forgotten})

    def _set_aside(self, relative: str) -> str:
        """Move a part, without replacing anything, to where no archive glob reads it; returns its new path."""
        source = self.archive_root / relative
        target = self.archive_root / QUARANTINE / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        candidate, n = target, 0
        while True:
            try:
                os.link(source, candidate)
                break
            except FileExistsError:
                n += 1
                candidate = target.with_name(f"{target.name}.{n}")
        fsync_path(candidate.parent)
        source.unlink()
        fsync_path(source.parent)
        return candidate.relative_to(self.archive_root).as_posix()

    def _withdraw(self, source: str, relative: str, reason: str, *, moved_to: str | None) -> None:
        append_manifest_line(self.archive_root, {
            "event": WITHDRAWN, "path": relative, "source": source, "reason": reason, "moved_to": moved_to,
            "run_id": self.run_id, "at": datetime.now(UTC).isoformat(timespec="seconds"),
        })

    def _list(self, source: str, check: PartCheck) -> None:
        path = self.archive_root / check.path
        first = check.rows[0] if check.rows else {}
        finished = datetime.fromtimestamp(path.stat().st_mtime, UTC).isoformat(timespec="seconds")
        append_manifest(self.archive_root, ManifestEntry(
            path=check.path, records=check.records, bytes=check.size, sha256=check.sha256,
            run_id=first_run_id(path) or str(first.get("run_id", "")), spider="", source=source,
            started_at=finished, finished_at=finished))


def first_run_id(path: Path) -> str:
    """The run id the first record of a gzipped part names ("" for an empty part)."""
    with gzip.open(path, "rt", encoding="utf-8") as stream:
        first = stream.readline()
    return str(json.loads(first).get("run_id", "")) if first.strip() else ""


