"""What a new user sees in the first hour: ``archiver demo``, then ``archiver stats`` and ``archiver runs``.

The demo runs in a data folder of its own (``ARCHIVER_DATA_DIR``, with the registry and demo sites linked in), from
that folder's parent as working directory, exactly as a user runs it from a checkout.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from .conftest import REPO


def archiver(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "ARCHIVER_DATA_DIR": str(cwd / "data")}
    return subprocess.run([sys.executable, "-m", "archiver.cli", *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=300)


@pytest.fixture(scope="module")
def after_demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, subprocess.CompletedProcess]:
    home = tmp_path_factory.mktemp("checkout")
    (home / "data").mkdir()
    for name in ("sources", "demo"):
        (home / "data" / name).symlink_to(REPO / "data" / name)
    demo = archiver(home, "demo")
    assert demo.returncode == 0, demo.stderr[-3000:]
    return home, demo


def demo_reports(home: Path) -> list[dict[str, Any]]:
    return [json.loads(p.read_text("utf-8")) for p in sorted((home / "data" / "demo-archive-runs").glob("*.json"))]


def last_ok_by_source(home: Path) -> dict[str, str]:
    """Each source's run id, read from the demo's own reports (every demo source is one crawl of its own)."""
    found = {}
    for report in demo_reports(home):
        for name, outcome in report["outcomes"].items():
            assert outcome == "ok", (name, report.get("outcome_reasons"))
            found[name] = report["run_id"]
    return found


def stats_rows(output: str) -> dict[str, list[str]]:
    rows = {}
    for line in output.splitlines():
        cells = line.split()
        if len(cells) == 5 and cells[1].isdigit():
            rows[cells[0]] = cells[1:]
    return rows


def test_the_demo_says_how_to_see_its_archive_again(after_demo: tuple) -> None:
    _, demo = after_demo
    lines = demo.stdout.splitlines()
    at = lines.index("see it again with:")
    assert [line.strip() for line in lines[at + 1:at + 3]] == [
        "archiver stats --state data/demo-archive-state --runs data/demo-archive-runs",
        "archiver runs --runs data/demo-archive-runs"]


def test_the_printed_stats_command_shows_each_sources_last_successful_run(after_demo: tuple) -> None:
    home, demo = after_demo
    command = next(line.strip() for line in demo.stdout.splitlines() if line.strip().startswith("archiver stats"))
    shown = archiver(home, *shlex.split(command)[1:])
    assert shown.returncode == 0, shown.stderr
    expected = last_ok_by_source(home)
    assert len(expected) >= 5
    rows = stats_rows(shown.stdout)
    assert {name: cells[-1] for name, cells in rows.items()} == expected


def test_plain_stats_and_runs_after_the_demo_show_the_demo_and_say_so(after_demo: tuple) -> None:
    home, _ = after_demo
    stats = archiver(home, "stats")
    assert stats.returncode == 0, stats.stderr
    assert "showing the demo's" in stats.stdout
    assert "archiver stats --state data/demo-archive-state --runs data/demo-archive-runs" in stats.stdout
    assert {name: cells[-1] for name, cells in stats_rows(stats.stdout).items()} == last_ok_by_source(home)

    runs = archiver(home, "runs")
    assert runs.returncode == 0, runs.stderr
    assert "archiver runs --runs data/demo-archive-runs" in runs.stdout
    listed = {cells[0]: cells[1] + " " + cells[2] for cells in (line.split() for line in runs.stdout.splitlines())
              if cells and re.fullmatch(r"\d{8}T\d{6}Z-[0-9a-f]{6}", cells[0])}
    reports = demo_reports(home)
    assert set(listed) == {r["run_id"] for r in reports}
    for report in reports:
        # to the second, as the report says it (no stray microseconds)
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+00:00", report["started_at"])
        assert listed[report["run_id"]] == report["started_at"][:19].replace("T", " ")


def test_stats_given_a_state_without_its_reports_says_why_no_run_is_shown(after_demo: tuple) -> None:
    home, _ = after_demo
    shown = archiver(home, "stats", "--state", "data/demo-archive-state")
    assert all(cells[-1] == "-" for cells in stats_rows(shown.stdout).values())
    assert "no run report in data/runs names these sources" in shown.stdout


def test_a_demo_run_prints_no_warning_of_scrapys_own(after_demo: tuple) -> None:
    """Every demo run used to print Scrapy's MetaCopyDetectionMiddleware warning (listing pages copied
    ``response.meta``, ``download_latency`` included, into the next page's request) and a deprecation warning
    for a signal handler returning a Deferred. Only the counted page warnings (``[archiver]``) remain."""
    _, demo = after_demo
    warnings = [line for line in demo.stderr.splitlines() if " WARNING: " in line]
    assert warnings, "the demo's counted warnings (a 404, bot checks) are expected"
    assert all("[archiver] WARNING" in line for line in warnings), warnings
    assert "internal meta keys" not in demo.stderr and "Deprecat" not in demo.stderr


def test_runs_sorts_and_prints_reports_of_either_time_format(tmp_path: Path) -> None:
    """Reports written by ``scrapy crawl`` before this change said ``2026-11-30 06:03:06.329664+00:00``; sorted as
    text they came before every ISO time of the same day."""
    runs = tmp_path / "runs"
    runs.mkdir()
    old = {"run_id": "20261130T090000Z-aaaaaa", "started_at": "2026-11-30 09:00:00.329664+00:00",
           "finish_reason": "finished", "outcomes": {"la": "ok"}, "sources": [{"name": "la", "archived": 3}]}
    new = {"run_id": "20261130T080000Z-bbbbbb", "started_at": "2026-11-30T08:00:00+00:00", "exit_code": 0,
           "outcomes": {"la": "failed"}, "sources": [{"name": "la", "archived": 0}]}
    for report in (old, new):
        (runs / f"{report['run_id']}.json").write_text(json.dumps(report), "utf-8")
    shown = archiver(tmp_path, "runs", "--runs", str(runs))
    rows = [line.split() for line in shown.stdout.splitlines()[1:]]
    assert [row[:3] for row in rows] == [["20261130T080000Z-bbbbbb", "2026-11-30", "08:00:00"],
                                         ["20261130T090000Z-aaaaaa", "2026-11-30", "09:00:00"]]
