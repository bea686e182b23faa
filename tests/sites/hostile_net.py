"""A local site that attacks the crawler's network layer (run: python -m tests.sites.hostile_net).

Prints its base URL, then serves until terminated. Everything here is sent the way a real server would send it
(Twisted writes ``Content-Length`` for the bytes we give it, so a cut compressed body arrives with consistent
lengths and no transport error):

- the root is a usembassy-style site crawled as ``la`` with ``base_url``: compressed articles and sitemaps cut
  at 60%, redirect loops, a long redirect chain, an unparsable ``Location``, a page that meta-refreshes to
  itself, same-site redirects (relative, absolute, and to the registry's own host) that must be followed, a
  redirect to another port of the same host, and a 429 whose ``Retry-After`` is a superscript two;
- ``/busy/`` and ``/calm/`` are two more sites for one crawl of two sources: ``/busy/`` answers every article
  request with 429 (``Retry-After: 5``) during a window after its first one, ``/calm/`` answers slowly but
  always. The test reaches ``/calm/`` as ``localhost`` so the two sites have separate downloader slots, like
  any two real hosts.

Every request is logged with the server's clock; ``/_log`` returns the log as JSON.
"""

from __future__ import annotations

import gzip
import json
import sys
import time

from twisted.internet import reactor
from twisted.web import resource, server

from tests.sites.markup import embassy_post

# Our own text, in the voice of a mission's news page.
TOPICS = {
    "plain-notice": "Embassy Extends Consular Hours During Boun Pi Mai",
    "gzip-whole": "Small Grants Support Weaving Cooperatives in Houaphanh",
    "gzip-cut": "Mine Action Teams Clear Farmland Near Phonsavan",
    "new-relative-home": "Exchange Alumni Mentor Students in Pakse",
    "new-absolute-home": "Embassy Donates Library Books to Savannakhet Schools",
    "new-canonical-home": "Public Health Partners Train Village Volunteers",
    "meta-target": "Fulbright Applications Open for the Coming Year",
    "meta-self": "English Access Microscholarship Graduates Celebrate",
    "busy-once": "Ambassador Meets Flood Relief Volunteers in Attapeu",
    "chain-10": "Wildlife Trafficking Workshop Gathers Park Rangers",
    "loop-a": "Disaster Preparedness Exercise Concludes in Vientiane",
    "other-port-landing": "A Page on Another Server Entirely",
}
BODY = [
    "{title}. Staff from the embassy joined provincial officials and community leaders this week to mark the "
    "occasion, and thanked the many volunteers whose work over the past year made the programme possible.",
    "The programme began three years ago with a handful of villages and now reaches families across four "
    "provinces; organisers expect to welcome more participants when the next round opens in the autumn.",
    "Residents who would like to take part can contact the provincial office, where staff will explain the "
    "application steps, the support on offer and the timetable for the coming months.",
]
# What the crawl of the root site must do with each sitemap entry.
ARCHIVED_AT = {  # listed path -> the path its record is archived at
    "plain-notice": "plain-notice",
    "gzip-whole": "gzip-whole",
    "moved-relative": "new-relative-home",
    "moved-absolute": "new-absolute-home",
    "moved-canonical": "new-canonical-home",
    "meta-moved": "meta-target",
    "busy-once": "busy-once",
}
DROPPED = {
    "gzip-cut": "truncated",
    "loop-a": "redirect_loop",
    "meta-self": "redirect_loop",
    "chain-0": "too_many_redirects",
    "other-port": "offsite_redirect",
    "bad-location": "bad_redirect",
    "always-busy": "http_429",  # retried, then given up with its status
}
CHAIN_HOPS = 10
CUT_SITEMAP_POSTS = [f"cut-encoded-{n}" for n in range(1, 31)]  # in the gzip-encoded sitemap cut at 60%
CUT_FILE_POSTS = [f"cut-file-{n}" for n in range(1, 31)]  # in the .xml.gz file cut at 60%
CANONICAL_HOST = "la.usembassy.gov"  # the registry's address of source la

BUSY_POSTS = [f"busy-post-{n}" for n in range(1, 7)]
CALM_POSTS = [f"calm-post-{n}" for n in range(1, 5)]
BUSY_WINDOW = 4.5  # seconds after its first article request during which /busy/ answers 429
BUSY_RETRY_AFTER = 5
CALM_DELAY = 0.1  # seconds /calm/ takes per article


def cut(data: bytes, fraction: float = 0.6) -> bytes:
    return data[: int(len(data) * fraction)]


def urlset(base: str, slugs: list[str]) -> bytes:
    rows = "".join(f"<url><loc>{base}/{s}/</loc><lastmod>2024-06-0{1 + i % 9}T08:00:00+07:00</lastmod></url>"
                   for i, s in enumerate(slugs))
    return (f'<?xml version="1.0" encoding="UTF-8"?>'
            f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{rows}</urlset>').encode()


def sitemap_index(base: str, children: list[str]) -> bytes:
    rows = "".join(f"<sitemap><loc>{base}/{c}</loc><lastmod>2024-06-09T08:00:00+07:00</lastmod></sitemap>"
                   for c in children)
    return (f'<?xml version="1.0" encoding="UTF-8"?>'
            f'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{rows}</sitemapindex>').encode()


def article(base: str, slug: str, title: str | None = None) -> str:
    title = title or TOPICS.get(slug) or f"Community Notice {slug.replace('-', ' ').title()}"
    paragraphs = [p.format(title=title) for p in BODY]
    paragraphs[1] += f" Reference {slug}."  # every page's text differs, so none is a duplicate of another
    return embassy_post(base, slug, title, paragraphs, "2024-06-03T09:30:00+07:00")


def with_meta_refresh(page: str, target: str) -> str:
    return page.replace("<head>", f'<head>\n<meta http-equiv="refresh" content="0; url={target}">', 1)


class HostileNet(resource.Resource):
    isLeaf = True
    port = 0

    def __init__(self) -> None:
        super().__init__()
        self.log: list[dict[str, object]] = []
        self.busy_first: float | None = None
        self.busy_once_seen = False

    def render_GET(self, request):  # noqa: C901 - a route table reads best as one function
        path = request.path.decode()
        host = (request.getHeader(b"host") or b"").decode()
        base = f"http://{host}"
        now = time.monotonic()
        if path == "/_log":
            request.setHeader(b"Content-Type", b"application/json")
            return json.dumps(self.log).encode()

        def send(body: str | bytes, ctype: str = "text/html; charset=utf-8", code: int = 200,
                 **headers: bytes) -> bytes:
            self.log.append({"t": now, "host": host, "path": path, "status": code})
            request.setResponseCode(code)
            request.setHeader(b"Content-Type", ctype.encode())
            for name, value in headers.items():
                request.setHeader(name.replace("_", "-").encode(), value)
            return body.encode() if isinstance(body, str) else body

        def redirect(location: str, code: int = 302) -> bytes:
            return send(b"", code=code, Location=location.encode())

        xml = "application/xml; charset=utf-8"
        slug = path.strip("/")
        if path == "/robots.txt":
            return send("User-agent: *\nAllow: /\n", "text/plain")

        # -- two sites for one crawl: /busy/ rate-limits, /calm/ is slow and steady ------------------------
        for site, posts in (("busy", BUSY_POSTS), ("calm", CALM_POSTS)):
            if path == f"/{site}/sitemap_index.xml":
                return send(sitemap_index(f"{base}/{site}", ["post-sitemap.xml"]), xml)
            if path == f"/{site}/post-sitemap.xml":
                return send(urlset(f"{base}/{site}", posts), xml)
        if slug.startswith("busy/busy-post-"):
            self.busy_first = self.busy_first if self.busy_first is not None else now
            if now - self.busy_first < BUSY_WINDOW:
                return send("<html><body><h1>Too Many Requests</h1></body></html>", code=429,
                            Retry_After=str(BUSY_RETRY_AFTER).encode())
            return send(article(f"{base}/busy", slug.split("/")[1]))
        if slug.startswith("calm/calm-post-"):
            page = send(article(f"{base}/calm", slug.split("/")[1]))
            reactor.callLater(CALM_DELAY, lambda: None if request._disconnected else (
                request.write(page), request.finish()))
            return server.NOT_DONE_YET

        # -- the root site, crawled as source la ---------------------------------------------------------
        if path == "/sitemap_index.xml":
            return send(sitemap_index(base, ["post-sitemap.xml", "post-sitemap2.xml", "post-sitemap3.xml.gz"]), xml)
        if path == "/post-sitemap.xml":
            return send(urlset(base, [*ARCHIVED_AT, *DROPPED]), xml)
        if path == "/post-sitemap2.xml":  # gzip content-coding cut at 60%, Content-Length consistent
            return send(cut(gzip.compress(urlset(base, CUT_SITEMAP_POSTS))), xml, Content_Encoding=b"gzip")
        if path == "/post-sitemap3.xml.gz":  # a gzip file (no content-coding) cut at 60%
            return send(cut(gzip.compress(urlset(base, CUT_FILE_POSTS))), "application/x-gzip")
        if slug == "gzip-whole":
            return send(gzip.compress(article(base, slug).encode()), Content_Encoding=b"gzip")
        if slug == "gzip-cut":
            return send(cut(gzip.compress(article(base, slug).encode())), Content_Encoding=b"gzip")
        if slug == "moved-relative":
            return redirect("/new-relative-home/", 301)
        if slug == "moved-absolute":
            return redirect(f"{base}/new-absolute-home/", 301)
        if slug == "moved-canonical":  # the registry's own address: fetched from this run's base URL
            return redirect(f"https://{CANONICAL_HOST}/new-canonical-home/", 301)
        if slug == "other-port":  # the same host on another port is another server
            return redirect(f"http://127.0.0.1:{self.port + 1}/other-port-landing/")
        if slug == "bad-location":  # not a URL anyone can fetch
            return redirect("http://[2001:db8::1/broken/")
        if slug == "loop-a":
            return redirect("/loop-b/")
        if slug == "loop-b":
            return redirect(f"{base}/loop-a/")
        if slug.startswith("chain-") and slug[6:].isdigit() and int(slug[6:]) < CHAIN_HOPS:
            return redirect(f"/chain-{int(slug[6:]) + 1}/")
        if slug == "meta-self":
            return send(with_meta_refresh(article(base, slug), "/meta-self/"))
        if slug == "meta-moved":
            return send('<!DOCTYPE html><html><head><meta http-equiv="refresh" content="0; url=/meta-target/">'
                        "<title>Moved</title></head><body><p>This page has moved.</p></body></html>")
        if slug == "always-busy":
            return send("<html><body><h1>Slow down</h1></body></html>", code=429, Retry_After=b"0")
        if slug == "busy-once":
            if not self.busy_once_seen:
                self.busy_once_seen = True
                # "²" in ISO-8859-1: str.isdigit() says yes, int() says no; not delta-seconds either way
                return send("<html><body><h1>Slow down</h1></body></html>", code=429, Retry_After=b"\xb2")
            return send(article(base, slug))
        if slug in TOPICS or slug in CUT_SITEMAP_POSTS or slug in CUT_FILE_POSTS or slug.startswith("chain-"):
            return send(article(base, slug))
        return send("<html><body><h1>Not Found</h1></body></html>", code=404)


def main() -> None:
    site = HostileNet()
    port = reactor.listenTCP(0, server.Site(site), interface="127.0.0.1")
    site.port = port.getHost().port
    print(f"http://127.0.0.1:{site.port}", flush=True)
    reactor.run()


if __name__ == "__main__":
    sys.exit(main())
