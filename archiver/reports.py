"""Reading back what runs left: ``archiver runs`` (recent run reports) and ``archiver stats`` (the archive per
source, from the index, with each source's last successful run).

``archiver demo`` keeps its own state and reports beside its archive (``data/demo-archive-state``,
``data/demo-archive-runs``), so a demo never marks real pages as archived. A user's first ``archiver stats`` or
``archiver runs`` after the demo would then find nothing; when they are given no folder and the default ones are
empty, they show the demo's instead and say so, with the command that shows them.

With a state database (``--state postgresql://...`` or ``ARCHIVER_STATE_URL``), both read it: the index, and
the registry of every machine's run reports (``archiver.state.runs``), unless a runs folder is given.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

from archiver.paths import data_dir
from archiver.state.backend import index_exists, open_index
from archiver.state.location import StateLocation
from archiver.state.runs import registered_runs

DEMO_ARCHIVE = "demo-archive"


def demo_folders(archive: Path) -> tuple[Path, Path]:
    """Where ``archiver demo`` keeps the state and the run reports of the archive ``archive``."""
    return archive.parent / f"{archive.name}-state", archive.parent / f"{archive.name}-runs"


def shown_path(path: Path) -> str:
    """``path`` relative to the working directory when it is under it (shorter to copy), else absolute."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def demo_commands(archive: Path) -> list[str]:
    """The commands that show the demo's archive and runs."""
    state, runs = (shown_path(p) for p in demo_folders(archive))
    return [f"archiver stats --state {state} --runs {runs}", f"archiver runs --runs {runs}"]


def _started(report: dict[str, Any]) -> datetime | None:
    """A report's start time, whichever way it was written (ISO 8601, or Python's ``str`` of a datetime)."""
    value = report.get("started_at")
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    return moment if moment.tzinfo else None


def load_reports(runs: Path | None) -> list[dict[str, Any]]:
    folder = runs or data_dir() / "runs"
    reports = []
    for path in sorted(folder.glob("*.json")):
        try:
            report = json.loads(path.read_text("utf-8"))
        except (OSError, json.JSONDecodeError, UnicodeDecodeError):
            continue
        if isinstance(report, dict):
            reports.append(report)
    return _in_start_order(reports)


def _in_start_order(reports: list[dict[str, Any]]) -> list[dict[str, Any]]:
    # by start time, not by its text: reports of older versions wrote "2026-11-30 06:03:06.329664+00:00"
    return sorted(reports, key=lambda r: (_started(r) is not None, _started(r) or datetime.min, r.get("run_id", "")))


def _demo_instead(given: Path | None, default: Path, demo_part: int) -> tuple[Path | None, str]:
    """The demo's folder and a note, when no folder was given, the default one is empty and the demo's is not."""
    if given is not None or (default.exists() and any(default.iterdir())):
        return given, ""
    archive = data_dir() / DEMO_ARCHIVE
    demo = demo_folders(archive)[demo_part]
    if not demo.is_dir() or not any(demo.iterdir()):
        return given, ""
    note = (f"(nothing in {shown_path(default)} yet; showing the demo's, which `archiver demo` keeps apart: "
            f"{demo_commands(archive)[demo_part]})")
    return demo, note


def list_runs(runs: Path | None, limit: int = 20, state: StateLocation | None = None) -> str:
    """The latest runs: of the runs folder, or of the shared registry when ``state`` is a database and no
    folder is given."""
    shared = registered_runs(state, limit) if state is not None and runs is None else None
    note = ""
    if shared is None:
        runs, note = _demo_instead(runs, data_dir() / "runs", 1)
    lines = [f"{'run id':<26} {'started (UTC)':<20} {'exit':>4} {'sources':>7} {'archived':>8} {'unchanged':>9}"]
    reports = _in_start_order(shared) if shared is not None else load_reports(runs)
    for report in reports[-limit:]:
        rows = report.get("sources", [])
        exit_code = report.get("exit_code", 0 if report.get("finish_reason") == "finished" else 1)
        started = _started(report)
        shown = started.strftime("%Y-%m-%d %H:%M:%S") if started else str(report.get("started_at", "?"))[:19]
        lines.append(
            f"{report.get('run_id', '?'):<26} {shown:<20} {exit_code:>4} "
            f"{len(rows):>7} {sum(r.get('archived', 0) for r in rows):>8} {sum(r.get('unchanged', 0) for r in rows):>9}"
        )
    table = "\n".join(lines) if len(lines) > 1 else "no runs yet"
    return f"{note}\n{table}" if note else table


def archive_stats(state: Path | None, runs: Path | None, shared: StateLocation | None = None) -> str:
    """Per source: records indexed, the period they cover, the last successful run. ``shared``: the state
    database (its index, and its registry of run reports unless ``runs`` is given) instead of a folder."""
    note = ""
    index: Path | str
    if shared is not None:
        index = shared.index
    else:
        default_state = data_dir() / "state"
        chosen_state, note = _demo_instead(state, default_state, 0)
        if chosen_state is not None and state is None and runs is None:  # the demo's: its reports too
            runs = demo_folders(data_dir() / DEMO_ARCHIVE)[1]
        index = (chosen_state or default_state) / "index.sqlite"
    if not index_exists(index):
        return "the archive index is empty (no run has finalised anything yet)"
    from_registry = shared is not None and runs is None
    reports = _in_start_order(registered_runs(shared) or []) if from_registry else load_reports(runs)
    last_ok: dict[str, str] = {}
    for report in reports:
        outcomes = report.get("outcomes") or {
            r["name"]: "ok" for r in report.get("sources", []) if report.get("finish_reason") == "finished"}
        for name, outcome in outcomes.items():
            if outcome == "ok":
                last_ok[name] = report.get("run_id", "?")
    with open_index(index) as db:
        rows = db.source_stats()
    lines = [note] if note else []
    lines.append(f"{'source':<16} {'records':>8} {'published from':<14} {'to':<10}  last successful run")
    for source, count, first, last in rows:
        lines.append(f"{source:<16} {count:>8} {first or '-':<14} {last or '-':<10}  {last_ok.get(source, '-')}")
    if rows and not any(source in last_ok for source, *_ in rows) and not from_registry:
        lines.append(f"(no run report in {shown_path(runs or data_dir() / 'runs')} names these sources: give the "
                     "folder of this archive's run reports with --runs to see their last successful runs)")
    return "\n".join(lines)
