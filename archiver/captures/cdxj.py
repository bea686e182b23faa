"""Reading the CDXJ index beside each finalised WARC, and the captures manifest that lists them.

A CDXJ line is ``<SURT key> <14-digit timestamp> <JSON>``, the JSON naming the capture's ``url``, ``mime``,
``status``, payload ``digest``, and the ``offset``, ``length`` and ``filename`` (relative to the captures root)
of its record: enough to find any response or revisit without opening a WARC. Re-extraction, the WACZ package
and the listing of captures all read captures this way.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from archiver.archive.manifest import read_manifest

REVISIT_MIME = "warc/revisit"


@dataclass(frozen=True, slots=True)
class Capture:
    """One response or revisit record, as its CDXJ line describes it."""

    url: str
    timestamp: str  # 14 digits, UTC (the CDXJ's second)
    status: int
    mime: str | None
    digest: str
    warc: str  # relative to the captures root
    offset: int
    length: int
    run_id: str

    @property
    def revisit(self) -> bool:
        return self.mime == REVISIT_MIME

    @property
    def order(self) -> tuple[str, str, int]:
        """Later captures sort later: by time, then run id (they begin with their start time), then offset."""
        return (self.timestamp, self.run_id, self.offset)

    def pointer(self) -> dict[str, Any]:
        """Where the record is, as a record's ``capture`` field says it."""
        return {"warc": self.warc, "offset": self.offset, "length": self.length, "digest": self.digest}


def parse_cdxj_line(line: str, run_id: str) -> Capture | None:
    """A capture from one CDXJ line (``<SURT> <timestamp> <JSON>``); None for a line that is not one."""
    parts = line.rstrip("\n").split(" ", 2)
    if len(parts) != 3:
        return None
    try:
        fields = json.loads(parts[2])
        return Capture(url=fields["url"], timestamp=parts[1], status=int(fields.get("status") or 0),
                       mime=fields.get("mime"), digest=fields.get("digest") or "", warc=fields["filename"],
                       offset=int(fields["offset"]), length=int(fields["length"]), run_id=run_id)
    except (ValueError, KeyError, TypeError):
        return None


def read_cdxj(root: Path, entry: dict[str, Any]) -> Iterator[Capture]:
    """The captures one manifest entry's CDXJ lists (raises OSError when it cannot be read)."""
    path = root / entry["cdxj"]
    run_id = str(entry.get("run_id") or "")
    with path.open("r", encoding="utf-8") as stream:
        for line in stream:
            capture = parse_cdxj_line(line, run_id)
            if capture is not None:
                yield capture


def listed_files(root: Path) -> list[dict[str, Any]]:
    """The captures manifest's listed WARCs (withdrawn ones left out), each with its CDXJ."""
    return [e for e in read_manifest(root) if e.get("path") and e.get("cdxj") and e.get("source")]


