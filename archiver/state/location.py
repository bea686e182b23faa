"""Where the shared state lives: a local folder (SQLite index, ``flock`` locks) or a PostgreSQL database.

One machine needs no server: the state is ``<data dir>/state`` (or ``ARCHIVER_STATE_DIR``, or ``--state
FOLDER``). Several machines share one PostgreSQL database instead: ``ARCHIVER_STATE_URL=postgresql://...``
(a Scrapy setting or the environment) or ``--state postgresql://...``. The index, the run reports registry and
the per-source locks then live there (``archiver.state.pg``).

The rest of the code passes the index's and the locks' location as a plain value (``IndexLocation``): a
``Path`` to the SQLite file (or the locks folder), or the database URL as a string. ``open_index`` and
``source_lock`` (``archiver.state.backend``) pick the backend from it, so a feed option, a thread or a
subprocess can carry it as it carries a path.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from archiver.paths import data_dir

URL_SCHEMES = ("postgresql://", "postgres://")
ENVIRONMENT = "ARCHIVER_STATE_URL"

# A path to the SQLite index file or the locks folder, or a PostgreSQL URL.
IndexLocation = Path | str


class StateURLError(ValueError):
    """``ARCHIVER_STATE_URL`` is set to something that is not a PostgreSQL URL."""


def is_database_url(value: object) -> bool:
    """Whether a location or a ``--state`` argument names a PostgreSQL database rather than a folder."""
    return isinstance(value, str) and value.startswith(URL_SCHEMES)


def shown_url(url: str) -> str:
    """The URL without its password, for logs, reports and error messages."""
    return re.sub(r"^([a-z]+://[^:/@]*):[^@/]*@", r"\1:***@", url)


@dataclass(frozen=True)
class StateLocation:
    """The state of one deployment: a folder, or a database URL (``url`` set: the folder is then unused)."""

    folder: Path
    url: str | None = None

    @property
    def index(self) -> IndexLocation:
        return self.url if self.url else self.folder / "index.sqlite"

    @property
    def locks(self) -> IndexLocation:
        return self.url if self.url else self.folder / "locks"

    @property
    def shared(self) -> bool:
        return self.url is not None

    def describe(self) -> str:
        return shown_url(self.url) if self.url else str(self.folder)


def _url_setting(value: Any) -> str | None:
    """``ARCHIVER_STATE_URL`` as given: unset (None) falls back to the environment; empty means "local"."""
    if value is None:
        value = os.environ.get(ENVIRONMENT)
    if not value:
        return None
    value = str(value)
    if not is_database_url(value):
        raise StateURLError(f"{ENVIRONMENT}={shown_url(value)!r}: give a postgresql:// URL (or nothing, for the "
                         "local state folder)")
    return value


def state_location(settings: Any) -> StateLocation:
    """The state a crawl with these Scrapy settings uses."""
    folder = Path(settings.get("ARCHIVER_STATE_DIR")).expanduser().resolve() if settings.get(
        "ARCHIVER_STATE_DIR") else data_dir(settings.get("ARCHIVER_DATA_DIR")) / "state"
    return StateLocation(folder, _url_setting(settings.get("ARCHIVER_STATE_URL")))


def state_argument(argument: str | None, data_setting: str | None = None) -> StateLocation:
    """The state a command's ``--state`` names: a database URL or a folder; without it, the environment's
    ``ARCHIVER_STATE_URL``, else ``<data dir>/state``."""
    if is_database_url(argument):
        return StateLocation(data_dir(data_setting) / "state", argument)
    if argument:
        return StateLocation(Path(argument).expanduser().resolve())
    return StateLocation(data_dir(data_setting) / "state", _url_setting(None))


def state_overrides(argument: str | None) -> dict[str, str]:
    """The Scrapy settings a ``--state`` argument stands for (a folder given explicitly wins over the
    environment's URL)."""
    if not argument:
        return {}
    if is_database_url(argument):
        return {"ARCHIVER_STATE_URL": argument}
    return {"ARCHIVER_STATE_DIR": str(Path(argument).expanduser().resolve()), "ARCHIVER_STATE_URL": ""}
