"""Where archiver keeps its files.

Everything lives under one data directory so a deployment can move it with one setting: the sources registry
(``sources/``), the demo site (``demo/``), and what runs write (``archive/``, ``state/``, ``runs/``). The default
is the ``data/`` folder of the checkout the package runs from, which is what a user who cloned the repository
expects; ``ARCHIVER_DATA_DIR`` (environment or Scrapy setting) points elsewhere.
"""

from __future__ import annotations

import os
from pathlib import Path

_CHECKOUT_DATA = Path(__file__).resolve().parents[1] / "data"


def data_dir(setting: str | None = None) -> Path:
    """The data directory: explicit setting, then ``$ARCHIVER_DATA_DIR``, then the checkout's ``data/``."""
    chosen = setting or os.environ.get("ARCHIVER_DATA_DIR")
    if chosen:
        return Path(chosen).expanduser().resolve()
    if _CHECKOUT_DATA.is_dir():
        return _CHECKOUT_DATA
    return (Path.cwd() / "data").resolve()


def sources_dir(setting: str | None = None) -> Path:
    return data_dir(setting) / "sources"


def default_archive_dir(setting: str | None = None) -> Path:
    return data_dir(setting) / "archive"


def state_dir(state_setting: str | None = None, data_setting: str | None = None) -> Path:
    """Cross-run state (index, locks): ``ARCHIVER_STATE_DIR``, else ``<data dir>/state``."""
    return Path(state_setting).expanduser().resolve() if state_setting else data_dir(data_setting) / "state"
