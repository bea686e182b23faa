"""The run reports registry: every run report of every machine, in the state database.

A run still writes its JSON report into its runs folder; with a state URL it also records the same report
here, so ``archiver runs`` and ``archiver stats`` show the runs of every machine. A report is keyed on (run
id, host, pid): recording it again (a retry after the connection broke) replaces it, and two machines that
drew the same run id keep a report each.
"""

from __future__ import annotations

import json
import os
import socket
from typing import Any

from archiver.state.pg.connection import Session


def record_run(url: str, report: dict[str, Any]) -> None:
    document = json.dumps(report, ensure_ascii=False, sort_keys=True, default=str)
    values = (str(report.get("run_id", "")), socket.gethostname(), os.getpid(), _text(report.get("started_at")),
              _text(report.get("finished_at")), report.get("exit_code"), document)
    session = Session(url)
    try:
        session.run(lambda conn: conn.execute(
            "INSERT INTO runs (run_id, host, pid, started_at, finished_at, exit_code, report) "
            "VALUES (%s, %s, %s, %s, %s, %s, %s::json) ON CONFLICT (run_id, host, pid) DO UPDATE SET "
            "started_at = excluded.started_at, finished_at = excluded.finished_at, exit_code = excluded.exit_code, "
            "report = excluded.report, recorded_at = now()", values))
    finally:
        session.close()


def load_runs(url: str, limit: int | None = None) -> list[dict[str, Any]]:
    """The recorded reports, oldest first (the latest ``limit`` when given)."""
    session = Session(url)
    try:
        rows = session.run(lambda conn: conn.execute(
            "SELECT report::text FROM (SELECT report, started_at, run_id, id FROM runs ORDER BY started_at DESC "
            "NULLS LAST, run_id DESC, id DESC LIMIT %s) latest ORDER BY started_at NULLS FIRST, run_id, id",
            (limit,)).fetchall())
    finally:
        session.close()
    reports = []
    for (text,) in rows:
        report = json.loads(text)
        if isinstance(report, dict):
            reports.append(report)
    return reports


def _text(value: Any) -> str | None:
    return None if value is None else str(value)
