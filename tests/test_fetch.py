"""``archiver fetch`` and the ``urls`` spider: exactly the URLs given, each accounted for, against local servers.

The registry's sites are the bundled demo copies (``archiver serve-demo``, with ``--base-url`` pointing each
source at its server); a site in no registry entry is a WordPress block-theme blog (``tests/sites/blog.py``)
and a tagDiv page, served for ``www.example.org``. Servers write Twisted's access log, so a test can tell
which pages a run asked for.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from .conftest import (
    FAST,
    REPO,
    assert_accounted,
    read_archive,
    run_crawl,
    start_server,
    stop_server,
    wait_for,
)
from .sites.blog import POST, write_site

SEED = "https://laotiantimes.com/2023/03/21/us-and-laos-cooperate-in-anti-human-trafficking-learning-event/"
SEED_PATH = "/2023/03/21/us-and-laos-cooperate-in-anti-human-trafficking-learning-event/"
NEWS_EXPECTED = json.loads((REPO / "data" / "demo" / "news_expected.json").read_text("utf-8"))
SEED_EXPECTED = next(a for a in NEWS_EXPECTED["sites"]["laotiantimes.com"]["articles"] if a["path"] == SEED_PATH)
EMBASSY_EXPECTED = json.loads((REPO / "data" / "demo" / "expected.json").read_text("utf-8"))
LA_PATH = sorted(a["path"] for a in EMBASSY_EXPECTED["articles"])[0]
TAGDIV_PAGE = "/2024/06/17/savannakhet-economic-zone-opens-solar-panel-assembly-plant/"


class Site:
    """A demo-style server for one host, serving a folder of ours, with an access log."""

    def __init__(self, host: str, root: Path, log: Path, *options: str) -> None:
        self.host, self.root, self.log = host, root, log
        self.proc, self.base = start_server(["-m", "archiver.cli", "serve-demo", "--host", host, "--root", str(root),
                                             "--access-log", str(log), *options])

    def requests_for(self, path: str) -> int:
        """How many times a run asked this server for ``path`` (Twisted's combined log: ``"GET /path HTTP/1.1"``)."""
        text = self.log.read_text("utf-8") if self.log.exists() else ""
        return len(re.findall(rf'"GET {re.escape(path)} HTTP/1\.[01]"', text))


@pytest.fixture
def laotiantimes(tmp_path: Path) -> Iterator[Site]:
    root = tmp_path / "laotiantimes.com"
    shutil.copytree(REPO / "data" / "demo" / "laotiantimes.com", root)  # a copy: a test edits a page
    site = Site("laotiantimes.com", root, tmp_path / "laotiantimes.log")
    yield site
    stop_server(site.proc)


@pytest.fixture
def embassy(tmp_path: Path) -> Iterator[Site]:
    site = Site("la.usembassy.gov", REPO / "data" / "demo" / "la.usembassy.gov", tmp_path / "la.log")
    yield site
    stop_server(site.proc)


@pytest.fixture
def unknown_site(tmp_path: Path) -> Iterator[Site]:
    """www.example.org: in no registry entry. A block-theme blog post (general extraction), and a tagDiv page
    (a copy of a demo page moved to this host: the family is recognised by its markup, not its host)."""
    root = tmp_path / "www.example.org"
    write_site(root)
    page = (REPO / "data" / "demo" / "laotiantimes.com" / TAGDIV_PAGE.strip("/") / "index.html").read_text("utf-8")
    target = root / TAGDIV_PAGE.strip("/") / "index.html"
    target.parent.mkdir(parents=True)
    target.write_text(page.replace("https://laotiantimes.com", "https://www.example.org"), "utf-8")
    site = Site("www.example.org", root, tmp_path / "example.log")
    yield site
    stop_server(site.proc)


def fetch(work: Path, *args: str, expect: int = 0) -> tuple[subprocess.CompletedProcess, dict[str, Any]]:
    """Run ``archiver fetch`` into ``work``'s archive; its output and its run report (accounting checked)."""
    runs = work / "runs"
    before = set(runs.glob("*.json")) if runs.exists() else set()
    proc = subprocess.run(
        [sys.executable, "-m", "archiver.cli", "fetch", *args, "--archive", str(work / "archive"),
         "--state", str(work / "state"), "--runs", str(runs), *FAST],
        cwd=REPO, capture_output=True, text=True, timeout=240,
    )
    assert proc.returncode == expect, (proc.stdout[-2000:], proc.stderr[-3000:])
    reports = sorted(set(runs.glob("*.json")) - before)
    assert len(reports) == 1, reports
    report = json.loads(reports[0].read_text("utf-8"))
    assert report["exit_code"] == expect
    assert_accounted(report)
    return proc, report


def by_canonical(work: Path) -> dict[str, list[dict[str, Any]]]:
    records: dict[str, list[dict[str, Any]]] = {}
    for record in read_archive(work / "archive"):  # every record checked against the schema and manifest
        records.setdefault(record["canonical_url"], []).append(record)
    return records


def test_fetch_one_url_then_unchanged_without_fetching_then_a_revision(tmp_path: Path, laotiantimes: Site) -> None:
    base = f"laotiantimes={laotiantimes.base}"
    proc, report = fetch(tmp_path, SEED, "--base-url", base)
    records = by_canonical(tmp_path)
    assert list(records) == [SEED]
    (record,) = records[SEED]
    assert (record["source"], record["source_kind"], record["country"]) == ("laotiantimes", "news", "LA")
    assert record["title"] == SEED_EXPECTED["title"]
    assert record["published_at"] == SEED_EXPECTED["published_at"] == "2023-03-21T16:45:12+07:00"
    assert record["revision"] == 1
    assert report["accounting"]["laotiantimes"]["discovered"] == 1
    assert report["accounting"]["laotiantimes"]["archived"] == 1
    assert report["input"]["lines"] == report["input"]["urls"] == 1 and report["input"]["balanced"]
    assert report["adhoc_sources"] == {}
    assert laotiantimes.requests_for(SEED_PATH) == 1
    assert "laotiantimes" in proc.stdout and "exit 0" in proc.stdout

    # again: the archive holds it, so it is unchanged and not even asked for
    _, report = fetch(tmp_path, SEED, "--base-url", base)
    terms = report["accounting"]["laotiantimes"]
    assert (terms["discovered"], terms["unchanged"], terms["archived"]) == (1, 1, 0)
    assert report["crawls"][0]["stats"]["archiver/source/laotiantimes/discovery/skipped_archived"] == 1
    assert laotiantimes.requests_for(SEED_PATH) == 1

    # --refetch asks for it; the same body is still unchanged
    _, report = fetch(tmp_path, SEED, "--base-url", base, "--refetch")
    assert laotiantimes.requests_for(SEED_PATH) == 2
    assert report["accounting"]["laotiantimes"]["unchanged"] == 1 and report["refetch"] is True

    # the site edits the story: --refetch archives it as revision 2 of the same article
    page = laotiantimes.root / SEED_PATH.strip("/") / "index.html"
    html = page.read_text("utf-8")
    sentence = "<p>Lao and US officials met in Vientiane on Friday for a two-day learning event"
    assert html.count(sentence) == 1  # the story's first paragraph (its description says the same: left as it was)
    edited = html.replace(sentence, sentence.replace("two-day", "three-day"))
    page.write_text(edited, "utf-8")
    _, report = fetch(tmp_path, SEED, "--base-url", base, "--refetch")
    assert report["accounting"]["laotiantimes"]["archived"] == 1
    first, second = sorted(by_canonical(tmp_path)[SEED], key=lambda r: r["revision"])
    assert (first["revision"], second["revision"]) == (1, 2)
    assert second["previous_sha256"] == first["content_sha256"] != second["content_sha256"]
    assert "three-day learning event" in second["body"] and second["id"] == first["id"]


def url_file(path: Path, lines: list[str]) -> Path:
    """A URL list as a spreadsheet exports it: a byte order mark and CRLF line ends."""
    path.write_bytes(b"\xef\xbb\xbf" + "\r\n".join(lines).encode("utf-8") + b"\r\n")
    return path


def mixed_list(tmp_path: Path) -> tuple[Path, list[str]]:
    la_url = f"https://la.usembassy.gov{LA_PATH}"
    lines = [
        "# one-off list for the archive",                  # 1 comment
        SEED,                                              # 2 laotiantimes
        la_url,                                            # 3 la
        "",                                                # 4 blank
        "https://la.usembassy.gov/this-page-was-never-there/",  # 5 la: 404
        f"{SEED}?utm_source=newsletter&utm_medium=email",  # 6 the same story again (tracking parameters)
        f"https://www.example.org{POST['path']}",          # 7 no registry entry: general
        f"https://www.example.org{TAGDIV_PAGE}",           # 8 no registry entry: tagDiv markup
        "Vientiane story, see link",                       # 9 not a URL
        "laotiantimes.com/2023/03/21/other/",              # 10 no scheme
    ]
    return url_file(tmp_path / "list.txt", lines), lines


def check_mixed_report(report: dict[str, Any], tmp_path: Path) -> None:
    accounting = report["accounting"]
    assert set(accounting) == {"laotiantimes", "la", "example.org"}
    assert accounting["laotiantimes"]["discovered"] == 2
    assert accounting["laotiantimes"]["archived"] == 1
    assert accounting["laotiantimes"]["not_fetched"] == {"duplicate": 1}
    assert accounting["la"]["discovered"] == 2
    assert accounting["la"]["archived"] == 1
    assert accounting["la"]["dropped"] == {"http_404": 1}
    assert accounting["example.org"]["discovered"] == 2
    assert accounting["example.org"]["archived"] == 2
    given = report["input"]
    assert (given["lines"], given["ignored"], given["urls"]) == (10, 2, 6)
    assert given["bad"] == {"not_a_url": 1, "no_scheme": 1}
    assert given["by_source"] == {"laotiantimes": 2, "la": 2, "example.org": 2}
    assert [(b["where"], b["reason"]) for b in given["bad_lines"]] == [
        ("list.txt line 9", "not_a_url"), ("list.txt line 10", "no_scheme")]
    assert given["balanced"]
    adhoc = report["adhoc_sources"]["example.org"]
    assert adhoc["source_kind"] == "web" and adhoc["domain"] == "example.org"
    assert adhoc["origins"] == ["https://www.example.org"]
    assert adhoc["families"] == {"general": 1, "tagdiv": 1}
    assert report["outcomes"] == {"laotiantimes": "ok", "la": "ok", "example.org": "ok"}

    records = by_canonical(tmp_path)
    assert set(records) == {SEED, f"https://la.usembassy.gov{LA_PATH}", f"https://www.example.org{POST['path']}",
                            f"https://www.example.org{TAGDIV_PAGE}"}
    blog = records[f"https://www.example.org{POST['path']}"][0]
    assert (blog["source"], blog["source_kind"]) == ("example.org", "web")
    assert "country" not in blog and "site_name" not in blog  # nothing is known of the site but its page
    assert blog["title"] == POST["title"] and blog["authors"] == [POST["author"]]
    assert blog["published_at"].startswith("2024-04-12")
    assert blog["body"].split("\n\n") == POST["paragraphs"]
    tagdiv = records[f"https://www.example.org{TAGDIV_PAGE}"][0]
    assert tagdiv["source_kind"] == "web" and tagdiv["provenance"]["body"] == "site:tagdiv"
    la = records[f"https://la.usembassy.gov{LA_PATH}"][0]
    assert (la["source"], la["source_kind"], la["country"]) == ("la", "embassy", "LA")


def test_fetch_a_file_mixing_registry_hosts_an_unknown_host_and_bad_lines(
        tmp_path: Path, laotiantimes: Site, embassy: Site, unknown_site: Site) -> None:
    urls, _ = mixed_list(tmp_path)
    proc, report = fetch(tmp_path, "--urls", str(urls), "--base-url", f"laotiantimes={laotiantimes.base}",
                         "--base-url", f"la={embassy.base}", "--base-url", f"www.example.org={unknown_site.base}")
    check_mixed_report(report, tmp_path)
    assert laotiantimes.requests_for(SEED_PATH) == 1  # the repeated story was fetched once
    assert "input: 10 line(s): 6 URL(s), 2 blank or comment, 2 unusable" in proc.stdout
    assert "ad-hoc source example.org (web)" in proc.stdout
    assert "list.txt line 9: not_a_url" in proc.stdout


def test_scrapy_crawl_urls_does_the_same(tmp_path: Path, laotiantimes: Site, embassy: Site,
                                        unknown_site: Site) -> None:
    urls, _ = mixed_list(tmp_path)
    bases = (f"laotiantimes={laotiantimes.base},la={embassy.base},www.example.org={unknown_site.base}")
    report = run_crawl("urls", tmp_path / "archive", tmp_path / "runs", "-a", f"urls={urls}", "-a",
                       f"base_url={bases}")
    check_mixed_report(report, tmp_path)

    # -a url=... for a single page: already archived, so unchanged and not asked for again
    report = run_crawl("urls", tmp_path / "archive", tmp_path / "runs", "-a", f"url={SEED}", "-a",
                       f"base_url=laotiantimes={laotiantimes.base}")
    assert report["accounting"]["laotiantimes"]["unchanged"] == 1
    assert laotiantimes.requests_for(SEED_PATH) == 1


def test_source_option_counts_urls_off_its_site(tmp_path: Path, embassy: Site) -> None:
    la_url = f"https://la.usembassy.gov{LA_PATH}"
    _, report = fetch(tmp_path, la_url, SEED, "--source", "la", "--base-url", f"la={embassy.base}")
    assert set(report["accounting"]) == {"la"}
    terms = report["accounting"]["la"]
    assert (terms["discovered"], terms["archived"], terms["not_fetched"]) == (2, 1, {"offsite": 1})
    assert [r["canonical_url"] for r in read_archive(tmp_path / "archive")] == [la_url]


@pytest.mark.parametrize(("args", "message"), [
    (["--source", "laotiantimez", SEED], "did you mean laotiantimes"),
    (["--urls", "no-such-list.txt"], "cannot read the URL file"),
    (["not-a-url", "mailto:press@example.org"], "no URL to fetch"),
    ([SEED, "--base-url", "laotiantimes"], "SOURCE=URL"),
    ([], "give the URLs to fetch"),
])
def test_usage_errors_exit_2_before_anything_runs(tmp_path: Path, args: list[str], message: str) -> None:
    proc = subprocess.run([sys.executable, "-m", "archiver.cli", "fetch", *args, "--runs", str(tmp_path / "runs"),
                           "--state", str(tmp_path / "state"), "--archive", str(tmp_path / "archive")],
                          cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2, proc.stderr
    assert message in proc.stderr
    assert not (tmp_path / "runs").exists() and not (tmp_path / "archive").exists()


# -- the input and the ad-hoc names, without a crawl ------------------------------------------------------------

def test_url_lines_are_read_leniently_and_every_bad_line_has_a_reason() -> None:
    from archiver.url_input import read_lines

    data = ("\ufeff# exported 2024-06-18\r\n"
            "https://laotiantimes.com/a/\r\n"
            "   \r\n"
            "  https://la.usembassy.gov/b/  \r\n"
            "laotiantimes.com/c/\r\n"
            "www.example.org\r\n"
            "ftp://files.example.org/d.pdf\r\n"
            "mailto:press@example.org\r\n"
            "https://example.org/two words\r\n"
            "https://example.org:99999/\r\n"
            "https://ລາວ.example/ຂ່າວ\r\n").encode("utf-8") + b"https://example.org/\xff\n"
    lines = read_lines(data)
    assert [(line.where, line.reason) for line in lines] == [
        ("line 1", "ignored"), ("line 2", None), ("line 3", "ignored"), ("line 4", None), ("line 5", "no_scheme"),
        ("line 6", "no_scheme"), ("line 7", "not_http"), ("line 8", "not_http"), ("line 9", "not_a_url"),
        ("line 10", "not_a_url"), ("line 11", None), ("line 12", "not_utf8")]
    assert lines[3].url == "https://la.usembassy.gov/b/"
    # the host in IDNA form, the path percent-encoded UTF-8 (as the standard library writes them)
    assert lines[10].url == f"https://{'ລາວ'.encode('idna').decode()}.example/{quote('ຂ່າວ')}"


def test_adhoc_names_come_from_the_bundled_public_suffix_list_with_no_network() -> None:
    """Run in a network namespace of its own (no interface but a down loopback): naming never fetches."""
    code = (
        "from archiver.adhoc import adhoc_name\n"
        "print(adhoc_name('news.bbc.co.uk'), adhoc_name('www.vientianetimes.org.la'), adhoc_name('a.b.github.io'),"
        " adhoc_name('127.0.0.1'), adhoc_name('localhost', {'localhost'}), adhoc_name('www.example.org'),"
        " adhoc_name('intranet.corp'), adhoc_name('a' * 63 + '.intranet.corp'), adhoc_name('a' * 63 + '.lab.corp'))\n"
    )
    proc = subprocess.run(["unshare", "--net", sys.executable, "-c", code], cwd=REPO, capture_output=True,
                          text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    names = proc.stdout.split()
    assert names[:7] == ["bbc.co.uk", "vientianetimes.org.la", "b.github.io", "127.0.0.1", "localhost-web",
                         "example.org", "intranet.corp"]
    # a host with no registered domain and too long for a name: cut, and told apart by a digest of the whole
    assert [len(n) for n in names[7:]] == [64, 64]
    assert all(n.startswith("a" * 55 + "-") for n in names[7:]) and names[7] != names[8]


def test_an_adhoc_source_is_one_registered_domain() -> None:
    from archiver.adhoc import new_adhoc_source

    site = new_adhoc_source("example.org", "https://www.example.org", {"www.example.org": "http://127.0.0.1:8123"})
    assert site.on_site("http://example.org/a/") and site.on_site("https://blog.example.org/b/")
    assert not site.on_site("https://example.org:8443/") and not site.on_site("https://example.com/")
    assert not site.on_site("https://notexample.org/")
    assert site.fetch_address("https://www.example.org/a/") == "http://127.0.0.1:8123/a/"
    assert site.fetch_address("https://blog.example.org/b/") == "https://blog.example.org/b/"
    assert site.canonical_url("http://127.0.0.1:8123/a/") == "https://www.example.org/a/"
    local = new_adhoc_source("127.0.0.1", "http://127.0.0.1:8000", {})
    assert local.on_site("http://127.0.0.1:8000/x") and not local.on_site("http://127.0.0.1:8001/x")


def test_a_fetch_leaves_the_next_crawl_of_the_source_whole(tmp_path: Path, laotiantimes: Site) -> None:
    """A one-off fetch of one story says nothing of the rest of the site: the next crawl of the source still
    discovers and archives every other post (an incremental shortcut that took the fetch for a whole run would
    ask the site only for what changed since, and miss them)."""
    fetch(tmp_path, SEED, "--base-url", f"laotiantimes={laotiantimes.base}")
    proc = subprocess.run(
        [sys.executable, "-m", "archiver.cli", "crawl", "laotiantimes", "--base-url",
         f"laotiantimes={laotiantimes.base}", "--archive", str(tmp_path / "archive"), "--state",
         str(tmp_path / "state"), "--runs", str(tmp_path / "runs"), *FAST],
        cwd=REPO, capture_output=True, text=True, timeout=240,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    expected = {f"https://laotiantimes.com{a['path']}" for a in NEWS_EXPECTED["sites"]["laotiantimes.com"]["articles"]}
    archived = set(by_canonical(tmp_path))
    assert SEED in archived and len(expected) > 5
    assert archived == expected


def test_robots_txt_is_obeyed_as_in_a_crawl(tmp_path: Path, unknown_site: Site) -> None:
    """The blog's robots.txt disallows /wp-admin/: a URL there is asked of nobody and dropped with the reason."""
    blocked = "https://www.example.org/wp-admin/post.php?post=318"
    _, report = fetch(tmp_path, blocked, f"https://www.example.org{POST['path']}",
                      "--base-url", f"www.example.org={unknown_site.base}")
    terms = report["accounting"]["example.org"]
    assert (terms["discovered"], terms["archived"], terms["dropped"]) == (2, 1, {"robots_disallowed": 1})
    assert unknown_site.requests_for("/robots.txt") == 1
    assert unknown_site.requests_for("/wp-admin/post.php?post=318") == 0


def test_an_interrupted_fetch_exits_4_and_the_next_one_finishes_it(tmp_path: Path) -> None:
    slow = Site("la.usembassy.gov", REPO / "data" / "demo" / "la.usembassy.gov", tmp_path / "slow.log",
                "--delay", "0.3")
    paths = sorted(a["path"] for a in EMBASSY_EXPECTED["articles"])
    urls = url_file(tmp_path / "la.txt", [f"https://la.usembassy.gov{path}" for path in paths])
    command = [sys.executable, "-m", "archiver.cli", "fetch", "--urls", str(urls), "--base-url", f"la={slow.base}",
               "--archive", str(tmp_path / "archive"), "--state", str(tmp_path / "state"),
               "--runs", str(tmp_path / "runs"), *FAST]
    try:
        running = subprocess.Popen(command, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                   start_new_session=True)
        assert wait_for(lambda: any(slow.requests_for(p) for p in paths), timeout=60)
        os.killpg(running.pid, signal.SIGTERM)
        _, err = running.communicate(timeout=120)
        assert running.returncode == 4, err[-3000:]
    finally:
        stop_server(slow.proc)
    (first,) = [json.loads(p.read_text("utf-8")) for p in (tmp_path / "runs").glob("*.json")]
    assert_accounted(first)
    assert first["outcomes"] == {"la": "interrupted"} and first["exit_code"] == 4
    terms = first["accounting"]["la"]
    assert terms["discovered"] == len(paths) and terms["not_fetched"]["interrupted"] > 0
    archived = len(read_archive(tmp_path / "archive"))
    assert archived == terms["archived"]

    fast = Site("la.usembassy.gov", REPO / "data" / "demo" / "la.usembassy.gov", tmp_path / "fast.log")
    try:
        _, second = fetch(tmp_path, "--urls", str(urls), "--base-url", f"la={fast.base}")
        asked = sum(fast.requests_for(p) for p in paths)
    finally:
        stop_server(fast.proc)
    terms = second["accounting"]["la"]
    assert (terms["unchanged"], terms["archived"]) == (archived, len(paths) - archived)
    assert asked == len(paths) - archived  # what the first run archived was not asked for again
    assert len(read_archive(tmp_path / "archive")) == len(paths)
