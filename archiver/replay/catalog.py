"""What the captures hold, per source, read from the captures manifest and the CDXJ index beside each WARC.

Only finalised WARCs are read (those the manifest lists), and only through their CDXJ: each line gives a
capture's URL, time, status, media type, payload digest, and the offset and length of its record, so nothing
scans a WARC. A source's catalog keeps, for the runs selected:

- the **latest capture of each URL** (latest by capture time, then by run, then by place in its file), which is
  what a replayed request is answered with;
- the **full responses** of every run of the source (selected or not), by URL and payload digest, which is
  where a ``revisit`` record's body is: a revisit of run 5 may refer to a response of run 1;
- the **first capture of the latest run**, whose address is where that run fetched the site from (robots.txt or
  the first discovery document, both at the run's base URL): a crawl made with ``--base-url`` (the demo, a
  local copy) is replayed from that same address, so its records keep their ``url``.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from archiver.captures.cdxj import Capture, listed_files, read_cdxj

logger = logging.getLogger(__name__)


@dataclass
class SourceCaptures:
    """The captures of one source (see the module's docstring)."""

    source: str
    files: list[dict[str, Any]] = field(default_factory=list)  # manifest entries of the selected runs
    latest: dict[str, Capture] = field(default_factory=dict)
    originals: dict[tuple[str, str], list[Capture]] = field(default_factory=dict)
    first_of_latest_run: Capture | None = None
    responses: int = 0  # in the selected files
    revisits: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def runs(self) -> list[str]:
        return sorted({str(e.get("run_id")) for e in self.files})

    @property
    def warcs(self) -> set[str]:
        return {e["path"] for e in self.files}

    def original_of(self, url: str, digest: str, date_timestamp: str | None) -> Capture | None:
        """The full response a revisit of ``url`` with payload ``digest`` refers to (the one captured at
        ``date_timestamp`` when several hold that payload, else the latest)."""
        found = self.originals.get((url, digest))
        if not found:
            return None
        if date_timestamp:
            exact = [c for c in found if c.timestamp == date_timestamp]
            if exact:
                return max(exact, key=lambda c: c.order)
        return max(found, key=lambda c: c.order)

    def base_origin(self) -> str | None:
        """``scheme://host[:port]`` the latest selected run fetched the site from."""
        if self.first_of_latest_run is None:
            return None
        parts = urlsplit(self.first_of_latest_run.url)
        return f"{parts.scheme}://{parts.netloc}"


def add_original(originals: dict[tuple[str, str], list[Capture]], capture: Capture) -> None:
    if not capture.revisit and capture.digest:
        originals.setdefault((capture.url, capture.digest), []).append(capture)


def load_source(root: Path, source: str, entries: Iterable[dict[str, Any]], runs: set[str] | None
                ) -> SourceCaptures:
    """The catalog of ``source`` from its manifest ``entries`` (``runs``: only these runs are replayed)."""
    catalog = SourceCaptures(source)
    latest_run = ""
    first: dict[str, Capture] = {}
    for entry in entries:
        selected = runs is None or str(entry.get("run_id")) in runs
        try:
            captures = list(read_cdxj(root, entry))
        except (OSError, UnicodeDecodeError) as exc:
            catalog.problems.append(f"{entry.get('cdxj')}: {exc}")
            logger.warning("%s: the index of %s cannot be read (%s); its captures are not replayed",
                           source, entry.get("path"), exc)
            continue
        for capture in captures:
            add_original(catalog.originals, capture)
        if not selected:
            continue
        catalog.files.append(entry)
        run = str(entry.get("run_id") or "")
        latest_run = max(latest_run, run)
        for capture in captures:
            if capture.revisit:
                catalog.revisits += 1
            else:
                catalog.responses += 1
            known = catalog.latest.get(capture.url)
            if known is None or capture.order > known.order:
                catalog.latest[capture.url] = capture
            earliest = first.get(run)
            if earliest is None or capture.order < earliest.order:
                first[run] = capture
    catalog.first_of_latest_run = first.get(latest_run)
    return catalog


def load_catalog(root: Path, sources: Iterable[str], runs: set[str] | None = None) -> dict[str, SourceCaptures]:
    """The catalog of each of ``sources``."""
    by_source: dict[str, list[dict[str, Any]]] = {}
    for entry in listed_files(root):
        by_source.setdefault(entry["source"], []).append(entry)
    return {name: load_source(root, name, by_source.get(name, []), runs) for name in sources}


class AllOriginals:
    """Every full response under a captures root, by URL and digest: where a revisit's original is looked for
    when its own source's files do not hold it (read once, when first needed)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._originals: dict[tuple[str, str], list[Capture]] | None = None

    def find(self, url: str, digest: str) -> Capture | None:
        if self._originals is None:
            originals: dict[tuple[str, str], list[Capture]] = {}
            for entry in listed_files(self.root):
                try:
                    for capture in read_cdxj(self.root, entry):
                        add_original(originals, capture)
                except (OSError, UnicodeDecodeError):
                    continue
            self._originals = originals
        found = self._originals.get((url, digest))
        return max(found, key=lambda c: c.order) if found else None
