"""``archiver reextract``: records rebuilt from their captures, offline, compared with the original archive.

Two sets of captures are replayed. The demo's (``archiver demo`` writes them beside its archive): its servers
lived in the demo's process, which has exited, so nothing serves those sites any more, and the re-extracted
archive must be the demo archive again, every field but the run and the fetch time. And the capture site's
(``tests.sites.capture_site``), crawled twice (the second run's pages are ``revisit`` records of the first's)
with an ``archiver fetch`` between: gzip bodies, a redirect, a 404, pages cut short, a header that is not UTF-8.
Those are replayed while the site is still up and logging every request it receives, and it receives none.

WARCs and pointers are read back with the test's own reader (``tests/warcs.py``), not the code under test.
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import sqlite3
import subprocess
import sys
import zlib
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from archiver.cli import main as archiver_main

from .conftest import REPO, assert_accounted, read_archive, run_crawl, start_server, stop_server, summary_rows
from .sites.capture_site import NOT_UTF8
from .test_captures import REGISTRY, SOURCE, server_log
from .warcs import assert_points_at_its_response, read_pointer, warc_records

PER_FETCH = {"run_id", "fetched_at"}
SINCE = "2024-01-01"  # what a re-extraction may change: which run, and when the bytes came
QUICK = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_START_DELAY=0", "-s", "RETRY_TIMES=1",
         "-s", "ARCHIVER_RETRY_BACKOFF_BASE=0.05"]


def env_with(data: Path | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "ARCHIVER_DATA_DIR"}
    if data is not None:
        env["ARCHIVER_DATA_DIR"] = str(data)
    return env


@dataclass
class Reextracted:
    proc: subprocess.CompletedProcess
    archive: Path
    report: dict[str, Any]

    @property
    def stats(self) -> dict[str, Any]:
        merged: dict[str, Any] = {}
        for crawl in self.report["crawls"]:
            merged.update(crawl["stats"])
        return merged


def reextract(archive: Path, *args: str, data: Path | None = None, expect: int = 0) -> Reextracted:
    proc = subprocess.run([sys.executable, "-m", "archiver.cli", "reextract", "--archive", str(archive), *args],
                          cwd=REPO, capture_output=True, text=True, timeout=240, env=env_with(data))
    assert proc.returncode == expect, proc.stderr[-4000:]
    reports = sorted((archive.parent / f"{archive.name}-runs").glob("*.json"))
    assert len(reports) == 1, (reports, proc.stderr[-3000:])
    report = json.loads(reports[0].read_text("utf-8"))
    assert_accounted(report)
    return Reextracted(proc, archive, report)


def all_requests_answered_by_the_captures(stats: dict[str, Any]) -> None:
    """Every request Scrapy's downloader saw was one the capture handler answered, or refused by name."""
    handled = sum(stats.get(f"archiver/replay/{k}", 0) for k in ("answered", "not_captured", "unreadable"))
    assert stats["downloader/request_count"] == handled > 0


def by_id(records: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    for record in records:
        assert record["id"] not in found, f"two records of {record['url']}"
        found[record["id"]] = record
    return found


def without(record: dict[str, Any], fields: set[str]) -> dict[str, Any]:
    return {k: v for k, v in record.items() if k not in fields}


def warc_second(date: str) -> str:
    return datetime.fromisoformat(date.replace("Z", "+00:00")).astimezone(UTC).isoformat(timespec="seconds")


# -- the demo -------------------------------------------------------------------------------------------------


@dataclass
class Demo:
    archive: Path
    captures: Path
    output: str
    again: Reextracted
    period: Reextracted  # la only, --since SINCE


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Demo:
    tmp = tmp_path_factory.mktemp("reextract-demo")
    archive = tmp / "demo"
    made = subprocess.run([sys.executable, "-m", "archiver.cli", "demo", "--archive", str(archive)], cwd=REPO,
                          capture_output=True, text=True, timeout=240, env=env_with(None))
    assert made.returncode == 0, made.stderr[-4000:]
    # The demo served its sites from its own process, which has exited: no server of those sites is left. It
    # printed how to re-extract its captures; that command is the one run (into a folder of the test's).
    printed = next(line.split(": ", 1)[1] for line in made.stdout.splitlines()
                   if line.strip().startswith("re-extract them offline:"))
    words = shlex.split(printed)
    assert words[:2] == ["archiver", "reextract"] and words[words.index("--archive") + 1].endswith("demo-reextracted")
    arguments = words[2:words.index("--archive")] + words[words.index("--archive") + 2:]
    with ThreadPoolExecutor(max_workers=2) as pool:
        again = pool.submit(reextract, tmp / "again", *arguments)
        period = pool.submit(reextract, tmp / "period", "la", "--since", SINCE, *arguments)
        return Demo(archive, tmp / "demo-captures", made.stdout, again.result(), period.result())


def test_the_demo_archive_is_made_again_from_its_captures(demo: Demo) -> None:
    original = by_id(read_archive(demo.archive))
    remade = by_id(read_archive(demo.again.archive))
    assert original and remade.keys() == original.keys()
    for key, record in remade.items():
        assert without(record, PER_FETCH) == without(original[key], PER_FETCH), record["url"]
        assert record["run_id"] == demo.again.report["run_id"]
    # the same pages ended the same way: found, fetched, archived, dropped for the same reasons
    assert summary_rows(demo.again.proc.stdout) == summary_rows(demo.output)


def test_a_period_is_replayed_as_a_crawl_of_that_period(demo: Demo) -> None:
    """The demo crawl asked the WordPress API for every post; a replay of one period asks for the period's posts,
    a page never captured, and is answered with the whole list instead, whose posts it filters by their dates as
    a crawl does: the period's records come out exactly as the demo made them, hints from the API included."""
    la = [r for r in read_archive(demo.archive) if r["source"] == "la"]
    inside = by_id([r for r in la if r["published_at"][:10] >= SINCE])
    assert inside and len(inside) < len(la)
    remade = by_id(read_archive(demo.period.archive))
    assert remade.keys() == inside.keys()
    for key, record in remade.items():
        assert without(record, PER_FETCH) == without(inside[key], PER_FETCH), record["url"]
    stats = demo.period.stats
    assert stats["archiver/source/la/replay/whole_api_pages"] >= 1 and "archiver/replay/not_captured" not in stats
    assert stats["archiver/source/la/not_fetched/before_since"] == len(la) - len(inside)
    entry = demo.period.report["reextract"]["sources"]["la"]
    assert (entry["identical"], entry["changed"], entry["lost"]) == (len(inside), 0, 0)
    assert entry["not_in_scope"] == {"outside_period": len(la) - len(inside)}


def test_a_remade_record_was_fetched_when_its_capture_was_made(demo: Demo) -> None:
    for record in read_archive(demo.again.archive):
        assert_points_at_its_response(demo.captures, record)
        assert record["fetched_at"] == warc_second(read_pointer(demo.captures, record["capture"]).headers["WARC-Date"])


def test_every_request_was_answered_from_the_captures(demo: Demo) -> None:
    for crawl in demo.again.report["crawls"]:
        stats = crawl["stats"]
        answered = stats["archiver/replay/answered"]
        assert answered > 0 and "archiver/replay/not_captured" not in stats
        assert stats["downloader/request_count"] == answered == stats["downloader/response_count"]
        assert stats["robotstxt/response_count"] == 1  # robots.txt too came from the captures
    assert demo.again.report["captures"]["enabled"] is False and not (demo.again.archive.parent / "again-captures").exists()


def test_a_replay_never_says_a_source_was_seen_whole(demo: Demo) -> None:
    """Its archive is complete only up to its captures: a live crawl continuing it must list every post again."""
    index = demo.again.archive.parent / "again-state" / "index.sqlite"
    with sqlite3.connect(index) as db:
        assert db.execute("SELECT count(*) FROM watermarks").fetchone() == (0,)
        assert db.execute("SELECT count(*) FROM articles").fetchone()[0] == len(read_archive(demo.again.archive))


def test_the_report_compares_every_record(demo: Demo) -> None:
    records = read_archive(demo.archive)
    done = demo.again.report["reextract"]
    assert done["compared_with"] == str(demo.archive) and done["captures"] == str(demo.captures)
    per_source: dict[str, int] = {}
    for record in records:
        per_source[record["source"]] = per_source.get(record["source"], 0) + 1
    assert {name: entry["identical"] for name, entry in done["sources"].items()} == per_source
    totals = done["totals"]
    assert (totals["remade"], totals["identical"], totals["in_scope"]) == (len(records),) * 3
    assert (totals["changed"], totals["newly_found"], totals["lost"], totals["changed_fields"]) == (0, 0, 0, {})
    assert totals["metadata"]["run_id"] == len(records) and set(totals["metadata"]) <= PER_FETCH
    for name, entry in done["sources"].items():
        assert entry["base_url_from"] == "captures" and entry["base_url"].startswith("http://127.0.0.1:"), name
    assert "identical" in demo.again.proc.stdout and "lost 0" in demo.again.proc.stdout


def test_a_reextraction_never_writes_into_an_existing_archive(demo: Demo, capsys: pytest.CaptureFixture) -> None:
    before = sorted((p, p.stat().st_mtime_ns) for p in demo.again.archive.rglob("*"))
    for target in (demo.again.archive, demo.archive):
        assert archiver_main(["reextract", "--captures", str(demo.captures), "--archive", str(target)]) == 2
        assert "--archive" in capsys.readouterr().err
    assert sorted((p, p.stat().st_mtime_ns) for p in demo.again.archive.rglob("*")) == before


def test_what_cannot_be_reextracted_is_a_usage_error(demo: Demo, tmp_path: Path,
                                                     capsys: pytest.CaptureFixture) -> None:
    fresh = str(tmp_path / "new")
    cases = [
        (["--captures", str(tmp_path / "nothing")], "no captures"),
        (["la", "nosuchsource", "--captures", str(demo.captures)], "nosuchsource"),
        (["--captures", str(demo.captures), "--run", "20000101T000000Z-000000"], "20000101T000000Z-000000"),
        (["--captures", str(demo.captures), "--since", "2024-13-01"], "since"),
        (["la", "--captures", str(demo.captures), "--base-url", "kpl=http://127.0.0.1:9"], "kpl"),
    ]
    for arguments, said in cases:
        assert archiver_main(["reextract", "--archive", fresh, *arguments]) == 2, arguments
        assert said in capsys.readouterr().err
    assert not Path(fresh).exists()


# -- the capture site: revisits, hard cases, fetch-only captures, changed rules, periods, damage -------------------


@dataclass
class Noticeboard:
    captures: Path
    first: Path  # run 1's archive
    fetched: Path  # archiver fetch's archive
    second: Path  # run 2's archive (its pages are revisits of run 1's)
    second_report: dict[str, Any]
    fetch_run: str
    latest: Reextracted
    fetch_only: Reextracted
    new_rules: Reextracted
    period: Reextracted
    damaged: Reextracted
    damaged_url: str
    asked_while_replaying: list[dict[str, Any]]


def cdxj_lines(root: Path) -> list[dict[str, Any]]:
    lines = []
    for cdxj in sorted(root.glob("source=*/date=*/*.cdxj")):
        for line in cdxj.read_text("utf-8").splitlines():
            key, timestamp, fields = line.split(" ", 2)
            lines.append({"timestamp": timestamp, **json.loads(fields)})
    return lines


def damage_a_payload(root: Path, url: str) -> None:
    """Flip one byte inside the compressed body of the response that holds ``url``'s page (bit rot)."""
    response = next(line for line in cdxj_lines(root) if line["url"] == url and line.get("mime") == "text/html")
    warc = root / response["filename"]
    data = bytearray(warc.read_bytes())
    data[int(response["offset"]) + int(response["length"]) // 2] ^= 0xFF
    warc.write_bytes(bytes(data))


@pytest.fixture(scope="module")
def noticeboard(tmp_path_factory: pytest.TempPathFactory) -> Noticeboard:
    tmp = tmp_path_factory.mktemp("reextract-noticeboard")
    data = tmp / "data"
    (data / "sources").mkdir(parents=True)
    (data / "sources" / "notices.toml").write_text(REGISTRY, "utf-8")
    # the same registry with one rule changed since the crawl: a section read from the breadcrumbs
    rules = tmp / "data-rules"
    (rules / "sources").mkdir(parents=True)
    (rules / "sources" / "notices.toml").write_text(
        REGISTRY + '\n[source.selectors]\nsection = ".breadcrumbs span:last-child::text"\n', "utf-8")
    captures = tmp / "captures"
    server, base = start_server(["-m", "tests.sites.capture_site"])
    try:
        def crawl(archive: str) -> dict[str, Any]:
            return run_crawl("news", tmp / archive, tmp / f"{archive}-runs", "-a", f"source={SOURCE}",
                             "-a", f"base_url={base}", "-s", f"ARCHIVER_DATA_DIR={data}",
                             "-s", f"ARCHIVER_CAPTURES_DIR={captures}", *QUICK)

        crawl("first")
        fetched = subprocess.run(
            [sys.executable, "-m", "archiver.cli", "fetch", f"{base}/notices/plain/", "--source", SOURCE,
             "--base-url", f"{SOURCE}={base}", "--archive", str(tmp / "fetched"), "--state", str(tmp / "fetch-state"),
             "--runs", str(tmp / "fetched-runs"), "-s", f"ARCHIVER_CAPTURES_DIR={captures}", *QUICK],
            cwd=REPO, capture_output=True, text=True, timeout=120, env=env_with(data))
        assert fetched.returncode == 0, fetched.stderr[-3000:]
        fetch_run = json.loads(next((tmp / "fetched-runs").glob("*.json")).read_text("utf-8"))["run_id"]
        second = crawl("second")
        damaged_copy = tmp / "captures-damaged"
        shutil.copytree(captures, damaged_copy)
        damaged_url = f"{base}/notices/gzipped/"
        damage_a_payload(damaged_copy, damaged_url)
        asked_before = len(server_log(base))
        jobs = {
            "latest": (tmp / "latest", ["--captures", str(captures), "--from", str(tmp / "second")], data),
            "fetch_only": (tmp / "fetch-only", ["--captures", str(captures), "--from", str(tmp / "fetched"),
                                                "--run", fetch_run], data),
            "new_rules": (tmp / "new-rules", ["--captures", str(captures), "--from", str(tmp / "second")], rules),
            "period": (tmp / "period", ["--captures", str(captures), "--from", str(tmp / "second"),
                                        "--since", "2024-03-23"], data),
            "damaged": (tmp / "damaged", ["--captures", str(damaged_copy), "--from", str(tmp / "second")], data),
        }
        with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
            running = {name: pool.submit(reextract, out, *args, data=where) for name, (out, args, where) in jobs.items()}
            done = {name: job.result() for name, job in running.items()}
        asked = server_log(base)[asked_before:]
    finally:
        stop_server(server)
    return Noticeboard(captures, tmp / "first", tmp / "fetched", tmp / "second", second, fetch_run,
                       asked_while_replaying=asked, damaged_url=damaged_url, **done)


def test_the_site_is_asked_nothing_while_it_is_replayed(noticeboard: Noticeboard) -> None:
    assert noticeboard.asked_while_replaying == []
    for replayed in (noticeboard.latest, noticeboard.new_rules, noticeboard.period):
        assert "archiver/replay/not_captured" not in replayed.stats
        all_requests_answered_by_the_captures(replayed.stats)


def test_revisits_are_read_through_to_the_payload_they_refer_to(noticeboard: Noticeboard) -> None:
    original = by_id(read_archive(noticeboard.second))
    remade = by_id(read_archive(noticeboard.latest.archive))
    assert remade.keys() == original.keys()
    revisits = [r for r in original.values() if "refers_to" in r["capture"]]
    assert revisits, "the second run's pages should be revisits of the first run's"
    for key, record in remade.items():
        assert without(record, PER_FETCH) == without(original[key], PER_FETCH), record["url"]
        assert_points_at_its_response(noticeboard.captures, record)
    assert noticeboard.latest.stats["archiver/replay/revisits"] >= len(revisits)
    # the pages that were not archived fail the same way: a 404, and two bodies cut short
    assert noticeboard.latest.report["accounting"] == noticeboard.second_report["accounting"]
    assert noticeboard.latest.report["reextract"]["totals"]["identical"] == len(original)


def test_captured_pages_discovery_did_not_reach_are_remade_too(noticeboard: Noticeboard) -> None:
    """``archiver fetch`` captured one page and no discovery document: discovery finds nothing, says why
    (``not_captured``, never the network), and the captured page is re-extracted all the same."""
    replayed = noticeboard.fetch_only
    stats = replayed.stats
    prefix = f"archiver/source/{SOURCE}/"
    not_captured = stats[prefix + "discovery/errors/not_captured"]
    assert not_captured >= 1 and stats[prefix + "replay/not_captured"] == not_captured
    assert stats[prefix + "discovery/articles/captures"] == 1 and stats[prefix + "discovery/method/captures"] == 1
    assert replayed.report["outcomes"] == {SOURCE: "ok"}
    all_requests_answered_by_the_captures(stats)
    (original,) = read_archive(noticeboard.fetched)
    (remade,) = read_archive(replayed.archive)
    assert without(remade, PER_FETCH) == without(original, PER_FETCH)
    assert replayed.report["reextract"]["runs"] == [noticeboard.fetch_run]
    assert replayed.report["reextract"]["sources"][SOURCE]["captures"]["files"] == 1


def test_a_changed_rule_shows_as_changed_fields_with_their_values(noticeboard: Noticeboard) -> None:
    original = by_id(read_archive(noticeboard.second))
    remade = by_id(read_archive(noticeboard.new_rules.archive))
    assert remade.keys() == original.keys()
    for key, record in remade.items():  # what the new rule reads: the breadcrumbs' last item, the page's title
        assert record["section"] == record["title"] != original[key]["section"]
    entry = noticeboard.new_rules.report["reextract"]["sources"][SOURCE]
    assert (entry["changed"], entry["identical"], entry["lost"], entry["newly_found"]) == (len(original), 0, 0, 0)
    assert entry["changed_fields"]["section"] == len(original)
    for example in entry["examples"]["changed"]:
        assert example["fields"]["section"] == {"before": original[example["id"]]["section"],
                                                "after": remade[example["id"]]["section"]}
    assert len(entry["examples"]["changed"]) == len(original)
    assert f"changed {len(original)} (" in noticeboard.new_rules.proc.stdout


def test_a_period_keeps_to_its_pages_and_loses_nothing_outside_it(noticeboard: Noticeboard) -> None:
    original = read_archive(noticeboard.second)
    assert all(r["published_at"][:10] < "2024-03-23" for r in original)
    replayed = noticeboard.period
    assert replayed.report["accounting"][SOURCE]["dropped"]["published_before_since"] == len(original)
    entry = replayed.report["reextract"]["sources"][SOURCE]
    assert (entry["remade"], entry["lost"], entry["in_scope"]) == (0, 0, 0)
    assert entry["not_in_scope"] == {"outside_period": len(original)}
    assert replayed.report["reextract"]["since"] == "2024-03-23"


def test_a_damaged_capture_is_refused_and_its_page_counted_lost(noticeboard: Noticeboard) -> None:
    replayed = noticeboard.damaged
    original = read_archive(noticeboard.second)
    assert replayed.report["accounting"][SOURCE]["dropped"]["unreadable_capture"] == 1
    assert replayed.stats[f"archiver/source/{SOURCE}/replay/unreadable"] >= 1
    all_requests_answered_by_the_captures(replayed.stats)
    entry = replayed.report["reextract"]["sources"][SOURCE]
    assert (entry["lost"], entry["identical"]) == (1, len(original) - 1)
    assert entry["examples"]["lost"] == [noticeboard.damaged_url]
    assert noticeboard.damaged_url not in {r["url"] for r in read_archive(replayed.archive)}


def test_a_capture_reads_back_as_the_site_sent_it(noticeboard: Noticeboard) -> None:
    from archiver.captures.reader import UnreadableCapture, read_capture

    root = noticeboard.captures
    first_run = [line for line in cdxj_lines(root) if line.get("mime") != "warc/revisit"]
    for path, check in (("/notices/cookies/", "cookies"), ("/notices/gzipped/", "gzip")):
        line = next(x for x in first_run if x["url"].endswith(path) and x["status"] == "200")
        pointer = {"warc": line["filename"], "offset": int(line["offset"]), "length": int(line["length"])}
        theirs = read_pointer(root, pointer)
        ours = read_capture(root, pointer["warc"], pointer["offset"], pointer["length"], expect_url=line["url"])
        lines = theirs.http_lines()
        assert ours.status == int(lines[0].split(b" ")[1])
        assert ours.headers == [tuple(x.split(b": ", 1)) for x in lines[1:]]
        assert ours.payload == theirs.payload
        if check == "cookies":
            assert len([v for n, v in ours.headers if n.lower() == b"set-cookie"]) == 2
            assert any(NOT_UTF8 in value for _, value in ours.headers)
        else:
            assert ours.payload[:2] == b"\x1f\x8b" and zlib.decompress(ours.payload, 16 + zlib.MAX_WBITS)
    # a record read at an offset that is not a record's is refused, never half-read
    warc = root / first_run[0]["filename"]
    bogus = warc_records(warc)[1]
    with pytest.raises(UnreadableCapture, match="not a gzip member"):
        read_capture(root, first_run[0]["filename"], bogus.offset + 1, bogus.length)
