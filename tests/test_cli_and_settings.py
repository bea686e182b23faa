"""The command line and the polite defaults a scheduled job relies on."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from scrapy.settings import Settings

from .conftest import REPO

FIXTURE = REPO / "tests" / "fixtures" / "extract"


def test_scrapy_list_shows_the_spiders() -> None:
    out = subprocess.run([sys.executable, "-m", "scrapy", "list"], cwd=REPO, capture_output=True, text=True,
                         check=True)
    assert "embassy" in out.stdout.split()


def test_extract_command_prints_the_record_as_json() -> None:
    page = FIXTURE / "usembassy_press_release.html"
    expected = json.loads(page.with_suffix(".expected.json").read_text("utf-8"))
    out = subprocess.run(
        [sys.executable, "-m", "archiver.cli", "extract", str(page), "--url", expected["url"]],
        cwd=REPO, capture_output=True, text=True, check=True,
    )
    fields = json.loads(out.stdout)
    assert fields["title"] == expected["fields"]["title"]
    assert fields["published_at"] == expected["fields"]["published_at"]
    missing = subprocess.run([sys.executable, "-m", "archiver.cli", "extract", "/no/such/page.html"],
                             cwd=REPO, capture_output=True, text=True)
    assert missing.returncode == 2 and "no such file" in missing.stderr


def test_polite_and_safe_defaults() -> None:
    settings = Settings()
    settings.setmodule("archiver.settings")
    assert settings.getbool("ROBOTSTXT_OBEY")
    assert settings.getbool("AUTOTHROTTLE_ENABLED")
    assert settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN") == 2
    assert settings["ARCHIVER_CONTACT_URL"] in settings["USER_AGENT"] and "archiver/" in settings["USER_AGENT"]
    assert 0 < settings.getint("DOWNLOAD_MAXSIZE") <= 64 * 1024 * 1024
    assert settings.getint("RETRY_TIMES") >= 2
    assert not settings.getbool("TELNETCONSOLE_ENABLED") and not settings.getbool("REMOTE_CONTROL_ENABLED")
    assert settings["FEED_EXPORT_ENCODING"] == "utf-8"


def test_retry_backoff_grows_and_honours_retry_after() -> None:
    from scrapy.http import Request, Response

    from archiver.middlewares import BackoffRetryMiddleware

    settings = Settings({"RETRY_ENABLED": True, "RETRY_TIMES": 3, "ARCHIVER_RETRY_BACKOFF_BASE": 1.0,
                         "ARCHIVER_RETRY_BACKOFF_MAX": 10.0})
    middleware = BackoffRetryMiddleware(settings)
    delays = [middleware.backoff_delay(Request("https://x.org", meta={"retry_times": n})) for n in (1, 2, 3, 5)]
    assert delays == [1.0, 2.0, 4.0, 10.0]
    busy = Response("https://x.org", status=429, headers={"Retry-After": "7"})
    assert middleware.backoff_delay(Request("https://x.org", meta={"retry_times": 1}), busy) == 7.0


def test_progress_line_on_a_terminal_and_in_a_log(caplog) -> None:
    import io
    import logging

    from scrapy.statscollectors import MemoryStatsCollector
    from scrapy.utils.test import get_crawler

    from archiver.runner import Progress

    crawlers = []
    for finished in (True, False):
        crawler = get_crawler()
        crawler.stats = MemoryStatsCollector(crawler)
        crawler.stats.set_value("response_received_count", 30)
        crawler.stats.set_value("archiver/records", 12)
        if finished:
            crawler.stats.set_value("finish_reason", "finished")
        crawlers.append(crawler)

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    screen = Terminal()
    progress = Progress(crawlers, 2, stream=screen)
    progress.tick()
    assert screen.getvalue().startswith("\rsources 1/2  pages 60  articles 24  ")
    log = Progress(crawlers, 2, stream=io.StringIO())
    with caplog.at_level(logging.INFO, logger="archiver.progress"):
        log.tick()
    assert "sources 1/2  pages 60  articles 24" in caplog.text

    # with --parallel 1 the later sources have not started yet: Scrapy refuses their stats
    from scrapy.crawler import Crawler
    from scrapy.settings import Settings
    from scrapy.spiders import Spider

    waiting = Crawler(Spider, Settings())
    with pytest.raises(RuntimeError):
        waiting.stats  # noqa: B018 -- what Progress must survive
    progress = Progress([*crawlers, waiting], 3, stream=Terminal())
    progress.tick()
    assert progress.stream.getvalue().startswith("\rsources 1/3  pages 60  articles 24  ")


def test_console_and_remote_control_extensions_are_never_loaded() -> None:
    """``archiver crawl``'s settings leave Scrapy's telnet console and remote control out altogether: Scrapy loads
    every extension its settings name, a disabled one too, and those two pull in aiohttp and Twisted's conch.
    Checked in a fresh interpreter, the way a crawl builds its extension list."""
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from scrapy.utils.conf import build_component_list\n"
        "from archiver.runner import project_settings\n"
        "settings = project_settings()\n"
        "names = build_component_list(settings.getwithbase('EXTENSIONS'))\n"
        "print(sorted(m for m in ('aiohttp', 'twisted.conch.insults') if m in sys.modules))\n"
        "print(any('telnet' in str(n) or 'remote_control' in str(n) for n in names))\n"
        "print('scrapy.extensions.corestats.CoreStats' in names, 'archiver.summary.RunSummary' in names)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    assert done.stdout.split("\n")[:3] == ["[]", "False", "True True"]
