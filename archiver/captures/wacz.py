"""Captures packaged as one WACZ file (WACZ 1.1, made by py-wacz), for replayweb.page and pywb.

A WACZ is a zip holding the WARCs (``archive/``), a CDX index over them (``indexes/``), a list of pages to
open (``pages/pages.jsonl``) and a ``datapackage.json`` with each file's size and sha256. py-wacz (``pip
install wacz``, the ``wacz`` extra) builds it from the finalised WARCs the captures manifest lists; what is ours:

- **names**: every source's WARCs of one ``archiver crawl`` run share the run id, so two sources' files can
  have the same name; inside the WACZ each is ``<source>-<file name>``, so none hides another;
- **pages**: the articles the archive beside the captures made from them (each record's URL and title, at the
  time of the capture its pointer names), or, without that archive, every HTML page the captures answered
  with 200; replayweb.page lists them;
- **safety**: the WACZ is written under a hidden name in the target's folder, fsynced, and linked into place,
  which never replaces a file: an existing ``OUT.wacz`` is never overwritten, and a failure leaves nothing.
"""

from __future__ import annotations

import contextlib
import gzip
import io
import json
import logging
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from warcio.timeutils import timestamp_to_iso_date

from archiver.archive.manifest import read_manifest
from archiver.captures.cdxj import Capture, listed_files, read_cdxj
from archiver.durable import fsync_path

logger = logging.getLogger(__name__)

PAGES_HEADER = {"format": "json-pages-1.0", "id": "pages", "title": "Archived pages"}
HTML = ("text/html", "application/xhtml+xml")


class WaczError(Exception):
    """A WACZ that cannot be made (nothing to package, py-wacz missing or failing, the target taken)."""


@dataclass
class WaczResult:
    path: Path
    warcs: int
    pages: int
    bytes: int


def select_files(root: Path, sources: list[str] | None, runs: list[str] | None) -> list[dict[str, Any]]:
    """The manifest entries of the WARCs to package."""
    files = listed_files(root)
    if sources:
        files = [e for e in files if e["source"] in sources]
    if runs:
        files = [e for e in files if str(e.get("run_id")) in runs]
    return sorted(files, key=lambda e: e["path"])


def packaged_name(entry: dict[str, Any]) -> str:
    """A WARC's name inside the WACZ (unique across sources)."""
    return f"{entry['source']}-{Path(entry['path']).name}"


def pages_from_archive(archive: Path, captures: dict[tuple[str, int], Capture], sources: set[str]
                       ) -> list[dict[str, Any]]:
    """The articles of ``sources`` archived from ``captures`` (by WARC and offset): one page per URL, at the
    latest capture a record was made from."""
    pages: dict[str, dict[str, Any]] = {}
    for entry in read_manifest(archive):
        if not entry.get("path") or entry.get("source") not in sources:
            continue
        with gzip.open(archive / entry["path"], "rt", encoding="utf-8") as stream:
            for line in stream:
                record = json.loads(line) if line.strip() else {}
                pointer = record.get("capture")
                if not isinstance(pointer, dict):
                    continue
                capture = captures.get((pointer.get("warc"), pointer.get("offset")))
                if capture is None or capture.url != record.get("url"):
                    continue
                page = {"url": capture.url, "ts": timestamp_to_iso_date(capture.timestamp),
                        "title": record.get("title") or capture.url}
                known = pages.get(capture.url)
                if known is None or page["ts"] >= known["ts"]:
                    pages[capture.url] = page
    return sorted(pages.values(), key=lambda p: (p["ts"], p["url"]))


def pages_from_captures(captures: dict[tuple[str, int], Capture]) -> list[dict[str, Any]]:
    """Every HTML page answered with 200, at its latest capture."""
    latest: dict[str, Capture] = {}
    for capture in captures.values():
        if capture.status == 200 and (capture.mime or "").lower() in HTML:
            known = latest.get(capture.url)
            if known is None or capture.order > known.order:
                latest[capture.url] = capture
    return [{"url": c.url, "ts": timestamp_to_iso_date(c.timestamp), "title": c.url}
            for c in sorted(latest.values(), key=lambda c: (c.timestamp, c.url))]


def write_wacz(root: Path, out: Path, files: list[dict[str, Any]], *, archive: Path | None = None,
               title: str | None = None) -> WaczResult:
    """Package ``files`` (manifest entries under ``root``) into ``out``; raises WaczError."""
    try:
        from wacz.main import main as wacz_main
    except ImportError as exc:
        raise WaczError("py-wacz is not installed: pip install wacz (or pip install -e \".[wacz]\")") from exc
    if not files:
        raise WaczError(f"no finalised capture files to package in {root}")
    out = out.resolve()
    if out.exists():
        raise WaczError(f"{out} exists already; a WACZ is never overwritten")
    if not out.parent.is_dir():
        raise WaczError(f"no folder {out.parent}")
    captures: dict[tuple[str, int], Capture] = {}
    for entry in files:
        try:
            for capture in read_cdxj(root, entry):
                captures[(capture.warc, capture.offset)] = capture
        except OSError as exc:
            raise WaczError(f"the index of {entry['path']} cannot be read: {exc}") from exc
    use_archive = archive is not None and (archive / "manifest.jsonl").is_file()
    sources = {e["source"] for e in files}
    pages = pages_from_archive(archive, captures, sources) if use_archive else pages_from_captures(captures)
    temp = out.with_name(f".{out.name}.{os.getpid()}.part")
    with tempfile.TemporaryDirectory(prefix=".wacz-", dir=out.parent) as staging_dir:
        staging = Path(staging_dir)
        inputs = []
        for entry in files:
            link = staging / packaged_name(entry)
            link.symlink_to((root / entry["path"]).resolve())
            inputs.append(str(link))
        pages_file = staging / "pages.jsonl"
        pages_file.write_text("".join(json.dumps(line, ensure_ascii=False) + "\n"
                                      for line in [PAGES_HEADER, *pages]), "utf-8")
        arguments = ["create", "-o", str(temp), "--hash-type", "sha256", "-p", str(pages_file), "--copy-pages",
                     "--title", title or "archiver captures", *inputs]
        said = io.StringIO()
        try:
            with contextlib.redirect_stdout(said):
                code = wacz_main(arguments)
        except Exception as exc:  # py-wacz raises on a WARC it cannot read
            temp.unlink(missing_ok=True)
            raise WaczError(f"py-wacz failed: {exc}") from exc
        logger.debug("py-wacz: %s", said.getvalue())
        if code != 0:
            temp.unlink(missing_ok=True)
            raise WaczError(f"py-wacz failed (exit {code}): {said.getvalue().strip()[-500:]}")
    try:
        fsync_path(temp)
        os.link(temp, out)
        fsync_path(out.parent)
    except OSError as exc:
        raise WaczError(f"{out} could not be written: {exc}") from exc
    finally:
        temp.unlink(missing_ok=True)
    return WaczResult(out, len(files), len(pages), out.stat().st_size)
