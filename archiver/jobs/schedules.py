"""When each source is crawled by the engine: ``schedules.toml`` in the data folder, checked at load.

The file names a schedule per kind and per source; a source's own entry wins over its kind's, and ``"off"``
leaves a source out of its kind's schedule::

    [kinds]
    embassy = "hourly"
    news = "*/20 * * * *"      # cron: minute hour day-of-month month day-of-week (a 6th field: seconds)

    [sources]
    la = "0 */6 * * *"
    kpl = "off"

Aliases: ``hourly``, ``daily``, ``weekly`` (and their ``@`` forms). The workers defer the jobs (Procrastinate
periodic tasks): every worker knows every schedule, and the database defers each tick once, whoever sees it.
A bad entry (unknown kind or source, unknown key, a cron expression croniter cannot read) stops the worker
before it starts, with one line naming the file and the entry.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from pathlib import Path

from croniter import croniter

from archiver.discovery.plan import did_you_mean
from archiver.registry_fields import KINDS
from archiver.sources import Source

ALIASES = {"hourly": "0 * * * *", "daily": "0 0 * * *", "weekly": "0 0 * * 0"}
OFF = "off"
TABLES = ("kinds", "sources")


class ScheduleError(ValueError):
    """The schedules file is malformed or names what does not exist."""


def cron_of(value: object, where: str) -> str | None:
    """The cron expression ``value`` stands for (None for ``off``), or a ScheduleError naming ``where``."""
    if not isinstance(value, str) or not value.strip():
        raise ScheduleError(f"{where}: a schedule is a string (a cron expression, hourly, daily, weekly or off), "
                            f"not {value!r}")
    text = value.strip()
    if text == OFF:
        return None
    cron = ALIASES.get(text.removeprefix("@"), text)
    if not croniter.is_valid(cron) or len(cron.split()) not in (5, 6):
        raise ScheduleError(f"{where}: {value!r} is not a cron expression (five fields: minute hour day-of-month "
                            "month day-of-week, and an optional sixth for seconds) nor hourly, daily, weekly, off")
    return cron


def parse_schedules(table: Mapping[str, object], registry: Mapping[str, Source], origin: str) -> dict[str, str]:
    """Each scheduled source's cron expression, from the ``[kinds]`` and ``[sources]`` tables of ``table``."""
    unknown = sorted(set(table) - set(TABLES))
    if unknown:
        raise ScheduleError(f"{origin}: unknown table {unknown[0]!r} (expected {' and '.join(TABLES)})")
    kinds, sources = table.get("kinds", {}), table.get("sources", {})
    for name, value in (("kinds", kinds), ("sources", sources)):
        if not isinstance(value, Mapping):
            raise ScheduleError(f"{origin}: [{name}] must be a table")
    by_kind: dict[str, str | None] = {}
    for kind, value in kinds.items():
        if kind not in KINDS:
            raise ScheduleError(f"{origin}: [kinds] {kind}: unknown kind (expected one of {', '.join(KINDS)})")
        by_kind[kind] = cron_of(value, f"{origin}: [kinds] {kind}")
    by_source: dict[str, str | None] = {}
    for name, value in sources.items():
        if name not in registry:
            hint = did_you_mean(name, list(registry), list_known=False)
            raise ScheduleError(f"{origin}: [sources] {name}: no such source{hint}")
        by_source[name] = cron_of(value, f"{origin}: [sources] {name}")
    chosen: dict[str, str] = {}
    for source in registry.values():
        cron = by_source[source.name] if source.name in by_source else by_kind.get(source.kind)
        if cron is not None:
            chosen[source.name] = cron
    return dict(sorted(chosen.items()))


def load_schedules(path: Path, registry: Mapping[str, Source]) -> dict[str, str]:
    """The schedules of ``path`` ({} when the file does not exist: no schedule, jobs only when enqueued)."""
    if not path.exists():
        return {}
    try:
        table = tomllib.loads(path.read_text("utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ScheduleError(f"{path}: cannot be read: {exc}") from exc
    return parse_schedules(table, registry, str(path))
