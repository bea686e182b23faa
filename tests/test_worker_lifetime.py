"""No process of a crawl outlives it, whatever signal ends it: extraction workers, their forkserver, the
resource tracker. A real ``archiver crawl`` with two extraction workers runs in its own session against the slow
demo site; we end it the two ways that used to leave workers behind, and watch ``/proc`` for the session."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .conftest import REPO, read_archive, start_server, stop_server, wait_for


def session_processes(session: int) -> list[tuple[int, str]]:
    """(pid, command name) of every live process whose session id is ``session``."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:  # gone meanwhile
            continue
        name, fields = stat[stat.index("(") + 1 : stat.rindex(")")], stat[stat.rindex(")") + 2 :].split()
        if fields[0] != "Z" and int(fields[3]) == session:  # state, ppid, pgrp, session
            found.append((int(entry.name), name))
    return found


@pytest.fixture
def slow_site(tmp_path: Path):
    site = tmp_path / "site"
    shutil.copytree(REPO / "data" / "demo" / "la.usembassy.gov", site)
    server, base = start_server(["-m", "archiver.cli", "serve-demo", "--root", str(site), "--delay", "0.3"])
    yield base
    stop_server(server)


def start_crawl(tmp: Path, base: str) -> tuple[subprocess.Popen, Path]:
    log = tmp / "crawl.log"
    command = [
        sys.executable, "-m", "archiver.cli", "crawl", "la", "--archive", str(tmp / "archive"),
        "--state", str(tmp / "state"), "--runs", str(tmp / "runs"), "--base-url", f"la={base}",
        "-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_START_DELAY=0", "-s", "ARCHIVER_EXTRACT_PROCESSES=2",
    ]
    with log.open("w") as out:
        crawl = subprocess.Popen(command, cwd=REPO, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    # Workers are up once a record has been extracted (its part is being written) and the session has grown.
    started = wait_for(lambda: bool(list((tmp / "archive").glob("source=la/date=*/.*.part")))
                       and len(session_processes(crawl.pid)) >= 3, timeout=90)
    if not started:
        os.killpg(crawl.pid, signal.SIGKILL)
        pytest.fail(f"the crawl never got its workers going: {log.read_text()[-3000:]}")
    return crawl, log


def assert_session_ends(session: int, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while (left := session_processes(session)) and time.monotonic() < deadline:
        time.sleep(0.1)
    for pid, _ in left:  # don't leave them to the next test
        os.kill(pid, signal.SIGKILL)
    assert left == [], f"still running {timeout:.0f} s after the crawl ended: {left}"


def test_workers_exit_when_the_crawl_process_is_killed(tmp_path: Path, slow_site: str) -> None:
    crawl, log = start_crawl(tmp_path, slow_site)
    helpers = [p for p in session_processes(crawl.pid) if p[0] != crawl.pid]
    assert len(helpers) >= 2, helpers  # forkserver and at least one worker
    os.kill(crawl.pid, signal.SIGKILL)  # the crawl alone: nobody tells its helpers
    assert crawl.wait(timeout=30) == -signal.SIGKILL
    assert_session_ends(crawl.pid)


def test_sigterm_to_the_process_group_is_graceful_and_leaves_nothing(tmp_path: Path, slow_site: str) -> None:
    crawl, log = start_crawl(tmp_path, slow_site)
    os.killpg(crawl.pid, signal.SIGTERM)  # what systemd and a terminal's Ctrl-C (as SIGINT) do
    assert crawl.wait(timeout=120) == 4, log.read_text()[-3000:]  # interrupted: what was fetched is archived
    assert_session_ends(crawl.pid)
    output = log.read_text()
    # The pool survived the signal: the in-flight pages were extracted by the workers, not re-done in-process.
    assert "extraction workers died" not in output
    assert len(read_archive(tmp_path / "archive")) > 0
    assert not list((tmp_path / "archive").glob("source=la/date=*/.*.part"))
