"""The run reports registry: where ``archiver runs`` and ``archiver stats`` find every run.

On one machine the registry is the runs folder (one JSON report per run, ``archiver.summary.write_report``).
With a state database, each report is also recorded there (``archiver.state.pg.runs``), so the runs of every
machine sharing the state are listed together; the JSON file is still written where the runs folder is.
"""

from __future__ import annotations

from typing import Any

from archiver.state.location import StateLocation


def record_run(state: StateLocation, report: dict[str, Any]) -> None:
    """Record a finished run's report in the shared registry (nothing to do for a local state: its report file
    is the record). Raises when the database refuses it."""
    if state.url:
        from archiver.state.pg.runs import record_run as record

        record(state.url, report)


def registered_runs(state: StateLocation, limit: int | None = None) -> list[dict[str, Any]] | None:
    """The shared registry's reports, oldest first; None when the state is local (read the runs folder)."""
    if not state.url:
        return None
    from archiver.state.pg.runs import load_runs

    return load_runs(state.url, limit)
