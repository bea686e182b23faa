"""Reading back what runs left: ``archiver runs`` (recent run reports) and ``archiver stats`` (the archive per
source, from the index, with each source's last successful run)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from archiver.paths import data_dir
from archiver.state.index import ArchiveIndex


def load_reports(runs: Path | None) -> list[dict[str, Any]]:
    folder = runs or data_dir() / "runs"
    reports = []
    for path in sorted(folder.glob("*.json")):
        try:
            reports.append(json.loads(path.read_text("utf-8")))
        except (OSError, json.JSONDecodeError):
            continue
    return sorted(reports, key=lambda r: r.get("started_at") or "")


def list_runs(runs: Path | None, limit: int = 20) -> str:
    lines = [f"{'run id':<26} {'started (UTC)':<26} {'exit':>4} {'sources':>7} {'archived':>8} {'unchanged':>9}"]
    for report in load_reports(runs)[-limit:]:
        rows = report.get("sources", [])
        exit_code = report.get("exit_code", 0 if report.get("finish_reason") == "finished" else 1)
        lines.append(
            f"{report.get('run_id', '?'):<26} {str(report.get('started_at', '?'))[:25]:<26} {exit_code:>4} "
            f"{len(rows):>7} {sum(r.get('archived', 0) for r in rows):>8} {sum(r.get('unchanged', 0) for r in rows):>9}"
        )
    return "\n".join(lines) if len(lines) > 1 else "no runs yet"


def archive_stats(state: Path | None, runs: Path | None) -> str:
    index_file = (state or data_dir() / "state") / "index.sqlite"
    if not index_file.exists():
        return "the archive index is empty (no run has finalised anything yet)"
    last_ok: dict[str, str] = {}
    for report in load_reports(runs):
        outcomes = report.get("outcomes") or {
            r["name"]: "ok" for r in report.get("sources", []) if report.get("finish_reason") == "finished"}
        for name, outcome in outcomes.items():
            if outcome == "ok":
                last_ok[name] = report.get("run_id", "?")
    with ArchiveIndex(index_file) as index:
        rows = index.source_stats()
    lines = [f"{'source':<16} {'records':>8} {'published from':<14} {'to':<10}  last successful run"]
    for source, count, first, last in rows:
        lines.append(f"{source:<16} {count:>8} {first or '-':<14} {last or '-':<10}  {last_ok.get(source, '-')}")
    return "\n".join(lines)
