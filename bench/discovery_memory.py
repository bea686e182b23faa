"""Discovery memory bench: the crawl process's peak memory against the size of a site's sitemap.

Why: discovery used to hand Scrapy's scheduler every article request of a site at once (a request costs about
1 KB), so a sitemap of 200,000 URLs held 200,000 requests in the crawl process (698 MB measured at 38e4156,
1.06 GB with its workers). Discovery now keeps the URLs as small tuples and feeds the scheduler a few dozen at
a time; this bench shows what that costs as the sitemap grows.

What it does, for each size in ``--urls`` (default ``2000,20000,200000``): serves one US-mission-shaped site
from a Twisted server in a subprocess, whose Yoast index lists one ``post-sitemap.xml`` with that many
``<url>`` entries (one document, as a hostile or careless site would publish it, not split at the protocol's
50,000), and runs ``archiver crawl la --base-url ...`` against it with politeness off. The article URLs answer
404 by default (``--pages 404``), so the run measures discovery and request handling rather than extraction;
``--pages articles`` serves small real-shaped posts instead (much slower: every page is extracted). Reported
per size: wall time, the crawl process's peak RSS (``os.wait4``), the peak of the summed PSS of the process
with its descendants (extraction workers), the peak number of requests in Scrapy's scheduler
(``archiver/scheduler/peak_pending``), and whether the run's accounting balanced.

Usage: ``python bench/discovery_memory.py [--urls 2000,20000,200000] [--pages 404|articles] [--out FILE]``.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "bench"))
sys.path.insert(0, str(REPO))

from crawl import TreeSampler  # noqa: E402 - the crawl bench's /proc sampler, shared

SERVER = r'''
import sys
from twisted.internet import reactor
from twisted.web import resource, server
from tests.sites.markup import embassy_post

COUNT, MODE = int(sys.argv[1]), sys.argv[2]
TEXT = ("The embassy's small grants programme supported {n} community projects this year, from school gardens "
        "to clean water, and the next call for proposals opens in the spring for village groups.")

class Site(resource.Resource):
    isLeaf = True
    base = ""
    def render_GET(self, request):
        path = request.path.decode()
        def send(body, ctype="text/html; charset=utf-8", code=200):
            request.setResponseCode(code)
            request.setHeader(b"Content-Type", ctype.encode())
            return body if isinstance(body, bytes) else body.encode()
        if path == "/robots.txt":
            return send("User-agent: *\nAllow: /\n", "text/plain")
        if path == "/sitemap_index.xml":
            return send('<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                        f'<sitemap><loc>{self.base}/post-sitemap.xml</loc></sitemap></sitemapindex>',
                        "application/xml")
        if path == "/post-sitemap.xml":
            rows = "".join(f"<url><loc>{self.base}/post-{n}/</loc><lastmod>2024-05-01T00:00:00+00:00</lastmod>"
                           "</url>" for n in range(COUNT))
            return send('<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                        + rows + "</urlset>", "application/xml")
        if path.startswith("/post-") and MODE == "articles":
            n = path.strip("/").split("-", 1)[1]
            title = f"Small Grants Programme Report Number {n}"
            paras = [f"{title}. " + TEXT.format(n=n), TEXT.format(n=int(n) * 3 + 1), TEXT.format(n=int(n) + 7)]
            return send(embassy_post(self.base, f"post-{n}", title, paras, "2024-04-02T03:04:05+00:00"))
        return send("<html><body><h1>Not Found</h1></body></html>", code=404)

site = Site()
port = reactor.listenTCP(0, server.Site(site), interface="127.0.0.1")
site.base = f"http://127.0.0.1:{port.getHost().port}"
print(site.base, flush=True)
reactor.run()
'''


def run_size(count: int, mode: str, work: Path) -> dict[str, Any]:
    server = subprocess.Popen([sys.executable, "-c", SERVER, str(count), mode], cwd=REPO, stdout=subprocess.PIPE,
                              text=True)
    base = server.stdout.readline().strip() if server.stdout else ""
    run = work / f"run-{count}"
    cmd = [sys.executable, "-m", "archiver.cli", "crawl", "la", "--base-url", f"la={base}",
           "--archive", str(run / "archive"), "--state", str(run / "state"), "--runs", str(run / "runs"),
           "-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=16",
           "-s", "LOG_LEVEL=WARNING", "-s", "RETRY_ENABLED=False",
           # one 200,000-URL sitemap is about 19 MB, over the default 16 MB download cap
           "-s", f"DOWNLOAD_MAXSIZE={64 * 1024 * 1024}"]
    started = time.perf_counter()
    try:
        with (work / f"crawl-{count}.log").open("wb") as log:
            proc = subprocess.Popen(cmd, cwd=REPO, stdout=log, stderr=subprocess.STDOUT)
            sampler = TreeSampler(proc.pid)
            sampler.start()
            _, status, usage = __import__("os").wait4(proc.pid, 0)
            sampler.done.set()
            sampler.join()
    finally:
        server.terminate()
        server.wait(timeout=10)
    wall = time.perf_counter() - started
    report_files = sorted((run / "runs").glob("*.json"))
    report = json.loads(report_files[-1].read_text()) if report_files else {}
    stats = (report.get("crawls") or [{}])[0].get("stats", {})
    accounting = (report.get("accounting") or {}).get("la", {})
    shutil.rmtree(run, ignore_errors=True)
    return {
        "urls": count, "mode": mode, "exit": __import__("os").waitstatus_to_exitcode(status),
        "wall_s": round(wall, 1), "rss_mb": round(usage.ru_maxrss / 1024, 1),
        "tree_pss_mb": round(sampler.peak_kb / 1024, 1),
        "peak_pending": stats.get("archiver/scheduler/peak_pending"),
        "discovered": accounting.get("discovered"), "balanced": accounting.get("balanced"),
        "captures": (report.get("captures") or {}).get("enabled"),
        "warc_files": len((report.get("captures") or {}).get("files") or []),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--urls", default="2000,20000,200000", help="sitemap sizes (comma list)")
    parser.add_argument("--pages", choices=("404", "articles"), default="404", help="what the article URLs answer")
    parser.add_argument("--out", help="JSON results (default bench/results/discovery-memory.json)")
    args = parser.parse_args(argv)
    rows = []
    with tempfile.TemporaryDirectory(prefix="archiver-discovery-bench-") as tmp:
        print(f"{'urls':>8} {'exit':>4} {'wall s':>7} {'RSS MB':>7} {'+workers':>8} {'peak pending':>12} balanced "
              "captures WARCs")
        for count in (int(n) for n in args.urls.split(",")):
            row = run_size(count, args.pages, Path(tmp))
            rows.append(row)
            print(f"{row['urls']:>8} {row['exit']:>4} {row['wall_s']:>7} {row['rss_mb']:>7} {row['tree_pss_mb']:>8} "
                  f"{row['peak_pending']!s:>12} {row['balanced']!s:<8} {row['captures']!s:<8} {row['warc_files']}",
                  flush=True)
    out = Path(args.out) if args.out else REPO / "bench" / "results" / "discovery-memory.json"
    out.write_text(json.dumps({"pages": args.pages, "rows": rows}, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
