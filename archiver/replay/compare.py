"""The re-extracted archive against the original, record by record (by ``id``) and field by field.

For each source, the original's latest revision of each page (highest ``revision``, then latest ``fetched_at``)
is compared with the record the re-extraction made of it:

- **identical**: every field the same but the run, fetch, history and format metadata below;
- **changed**: some other field differs, counted once per record and once per field name;
- **newly found**: a page that makes a record now and has none in the original archive;
- **lost**: a page the original archive has a record of, made from a capture the re-extraction replayed (one of
  the WARCs selected, and in the period when ``--since``/``--until`` are given), and no record now.

Metadata that is per fetch or per archive, not what a page says, is kept out of ``changed`` and counted on its
own (``metadata``): ``run_id`` and ``fetched_at`` (which run, and when the bytes were fetched: a re-extracted
record's is its capture's time), ``capture`` (which capture it was made from: a later capture of an unchanged
page is another pointer), ``revision`` and ``previous_sha256`` (the original archive's history of the page; a
re-extraction starts its own), ``schema_version`` and ``extractor`` (the format and the version that made it).

Records are held as one short digest per field, not whole, so a source of many thousands of records compares in
modest memory; the values of the first few changed records are read again to show what changed.
"""

from __future__ import annotations

import gzip
import hashlib
import json
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from archiver.archive.manifest import read_manifest

METADATA = ("run_id", "fetched_at", "capture", "revision", "previous_sha256", "schema_version", "extractor")
EXAMPLES = 20  # changed, newly found and lost records shown per source
SHOWN_CHARS = 300  # of each value shown in an example


def iter_records(archive: Path, source: str) -> Iterator[dict[str, Any]]:
    """Every record of ``source``'s listed parts, in manifest order."""
    for entry in read_manifest(archive):
        if entry.get("source") != source or not entry.get("path"):
            continue
        with gzip.open(archive / entry["path"], "rt", encoding="utf-8") as stream:
            for line in stream:
                if line.strip():
                    yield json.loads(line)


def _digest(value: Any) -> bytes:
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.blake2b(text.encode("utf-8"), digest_size=8).digest()


@dataclass(frozen=True, slots=True)
class Seen:
    """A record, as the comparison keeps it."""

    url: str
    revision: int
    fetched_at: str
    warc: str | None  # the WARC its capture pointer names
    day: date | None  # its published day, as the period pipeline judges it
    fields: dict[str, bytes]

    @property
    def newer_key(self) -> tuple[int, str]:
        return (self.revision, self.fetched_at)


def published_day(record: dict[str, Any]) -> date | None:
    value = record.get("published_at")
    if not isinstance(value, str) or len(value) < 10:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def seen(record: dict[str, Any]) -> Seen:
    capture = record.get("capture")
    return Seen(url=str(record.get("url") or record.get("canonical_url") or ""),
                revision=int(record.get("revision") or 1), fetched_at=str(record.get("fetched_at") or ""),
                warc=capture.get("warc") if isinstance(capture, dict) else None, day=published_day(record),
                fields={name: _digest(value) for name, value in record.items()})


def latest_records(archive: Path, source: str) -> dict[str, Seen]:
    """The latest revision of each page of ``source`` in ``archive``, by record id."""
    latest: dict[str, Seen] = {}
    for record in iter_records(archive, source):
        key = str(record.get("id"))
        this = seen(record)
        known = latest.get(key)
        if known is None or this.newer_key >= known.newer_key:
            latest[key] = this
    return latest


def differing(before: dict[str, bytes], after: dict[str, bytes]) -> list[str]:
    return sorted(name for name in before.keys() | after.keys() if before.get(name) != after.get(name))


@dataclass
class SourceComparison:
    source: str
    original: int = 0  # pages the original archive holds (latest revisions)
    in_scope: int = 0  # of those, made from the captures replayed (and in the period)
    remade: int = 0
    identical: int = 0
    changed: int = 0
    changed_fields: Counter[str] = field(default_factory=Counter)
    metadata: Counter[str] = field(default_factory=Counter)
    newly_found: int = 0
    lost: int = 0
    not_in_scope: Counter[str] = field(default_factory=Counter)
    changed_examples: list[dict[str, Any]] = field(default_factory=list)
    newly_found_examples: list[str] = field(default_factory=list)
    lost_examples: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "original": self.original,
            "in_scope": self.in_scope,
            "remade": self.remade,
            "identical": self.identical,
            "changed": self.changed,
            "changed_fields": dict(sorted(self.changed_fields.items())),
            "newly_found": self.newly_found,
            "lost": self.lost,
            "metadata": dict(sorted(self.metadata.items())),
            "not_in_scope": dict(sorted(self.not_in_scope.items())),
            "examples": {"changed": self.changed_examples, "newly_found": self.newly_found_examples,
                         "lost": self.lost_examples},
        }


def in_period(day: date | None, since: date | None, until: date | None) -> bool:
    """As the period pipeline judges a page: one without a date is kept."""
    return day is None or not ((since and day < since) or (until and day > until))


def compare_source(source: str, new_archive: Path, original_archive: Path | None, *, warcs: set[str],
                   since: date | None = None, until: date | None = None) -> SourceComparison:
    """Compare ``source``'s records in the re-extracted archive with the original's (see the module)."""
    result = SourceComparison(source)
    original = latest_records(original_archive, source) if original_archive is not None else {}
    result.original = len(original)
    scope: set[str] = set()
    for key, record in original.items():
        if record.warc is None:
            result.not_in_scope["without_capture"] += 1
        elif record.warc not in warcs:
            result.not_in_scope["capture_not_replayed"] += 1
        elif not in_period(record.day, since, until):
            result.not_in_scope["outside_period"] += 1
        else:
            scope.add(key)
    result.in_scope = len(scope)
    remade = latest_records(new_archive, source)
    result.remade = len(remade)
    changed: dict[str, list[str]] = {}
    for key, record in remade.items():
        before = original.get(key)
        if before is None:
            result.newly_found += 1
            if len(result.newly_found_examples) < EXAMPLES:
                result.newly_found_examples.append(record.url)
            continue
        names = differing(before.fields, record.fields)
        result.metadata.update(name for name in names if name in METADATA)
        content = [name for name in names if name not in METADATA]
        if content:
            result.changed += 1
            result.changed_fields.update(content)
            if len(changed) < EXAMPLES:
                changed[key] = content
        else:
            result.identical += 1
    for key in sorted(scope - remade.keys(), key=lambda k: original[k].url):
        result.lost += 1
        if len(result.lost_examples) < EXAMPLES:
            result.lost_examples.append(original[key].url)
    result.changed_examples = _examples(changed, original, remade, original_archive, new_archive, source)
    return result


def _examples(changed: dict[str, list[str]], original: dict[str, Seen], remade: dict[str, Seen],
              original_archive: Path | None, new_archive: Path, source: str) -> list[dict[str, Any]]:
    """The values before and after of the first changed records (read again: only digests were kept)."""
    if not changed or original_archive is None:
        return []
    before = _values(original_archive, source, {k: original[k] for k in changed})
    after = _values(new_archive, source, {k: remade[k] for k in changed})
    examples = []
    for key, names in changed.items():
        examples.append({"id": key, "url": remade[key].url, "fields": {
            name: {"before": _shown(before.get(key, {}).get(name)), "after": _shown(after.get(key, {}).get(name))}
            for name in names}})
    return examples


def _values(archive: Path, source: str, wanted: dict[str, Seen]) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    for record in iter_records(archive, source):
        key = str(record.get("id"))
        target = wanted.get(key)
        if target is not None and seen(record) == target:
            found[key] = record
    return found


def _shown(value: Any) -> Any:
    if isinstance(value, str) and len(value) > SHOWN_CHARS:
        return value[:SHOWN_CHARS] + "…"
    if isinstance(value, list | dict):
        text = json.dumps(value, ensure_ascii=False)
        return value if len(text) <= SHOWN_CHARS else text[:SHOWN_CHARS] + "…"
    return value


def totals(comparisons: list[SourceComparison]) -> dict[str, Any]:
    """The sums over sources of the report's counts."""
    out: dict[str, Any] = {name: sum(getattr(c, name) for c in comparisons)
                           for name in ("original", "in_scope", "remade", "identical", "changed", "newly_found",
                                        "lost")}
    for name in ("changed_fields", "metadata", "not_in_scope"):
        merged: Counter[str] = Counter()
        for comparison in comparisons:
            merged.update(getattr(comparison, name))
        out[name] = dict(sorted(merged.items()))
    return out
