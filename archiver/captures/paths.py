"""Where captures go, and how their files are named.

``<captures root>/source=<s>/date=<crawl day>/<run id>-NNNN.warc.gz``, a CDXJ index beside each
(``...-NNNN.cdxj``), and one manifest for the root. The root is ``ARCHIVER_CAPTURES_DIR`` (``archiver crawl
--captures DIR``); without it, ``<data dir>/captures`` beside the default archive, or ``<archive>-captures``
beside an archive given explicitly (``--archive``, ``archive=``, ``ARCHIVER_ARCHIVE_DIR``), so captures stay
with the archive whose records point at them, and a test's or the demo's archive never writes into the
checkout's ``data/captures``.
"""

from __future__ import annotations

import os
import re
from datetime import date
from pathlib import Path
from typing import Any

from archiver.paths import data_dir, default_archive_dir

# The request meta key that carries a capture's pointer from the middleware to the spider's Page.
CAPTURE_META = "archiver_capture"
WARC_SUFFIX = ".warc.gz"
CDXJ_SUFFIX = ".cdxj"
TEMP_SUFFIX = ".part"
# A WARC being written: ``.<final name>.<pid>.part`` (hidden, so no ``*.warc.gz`` glob sees it).
TEMP_WARC = re.compile(r"^\.(?P<final>.+\.warc\.gz)\.(?P<pid>\d+)" + re.escape(TEMP_SUFFIX) + "$")
TEMP_CDXJ = re.compile(r"^\.(?P<final>.+\.cdxj)\.(?P<pid>\d+)" + re.escape(TEMP_SUFFIX) + "$")


def captures_root(settings: Any, archive_dir: str | Path | None = None) -> Path:
    """The captures root of a crawl (see the module's docstring for the rule)."""
    chosen = settings.get("ARCHIVER_CAPTURES_DIR")
    if chosen:
        return Path(chosen).expanduser().resolve()
    data = settings.get("ARCHIVER_DATA_DIR")
    default_archive = default_archive_dir(data).resolve()
    archive = Path(archive_dir).resolve() if archive_dir else default_archive
    if archive == default_archive:
        return data_dir(data) / "captures"
    return archive.parent / f"{archive.name}-captures"


def partition(root: Path, source: str, day: date) -> Path:
    return root / f"source={source}" / f"date={day.isoformat()}"


def warc_name(run_id: str, number: int) -> str:
    return f"{run_id}-{number:04d}{WARC_SUFFIX}"


def cdxj_for(warc: Path) -> Path:
    """The CDXJ index beside a WARC: ``x.warc.gz`` -> ``x.cdxj``."""
    return warc.with_name(warc.name[: -len(WARC_SUFFIX)] + CDXJ_SUFFIX)


def temp_for(final: Path) -> Path:
    """The hidden name a file is written under until it is finalised (the writer's pid in it)."""
    return final.with_name(f".{final.name}.{os.getpid()}{TEMP_SUFFIX}")


def relative(path: Path, root: Path) -> str:
    return path.relative_to(root).as_posix()
