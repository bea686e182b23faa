"""A local server whose discovery documents go wrong in every way a site can (run: python -m tests.sites.hostile_discovery).

Each case is a small US-mission WordPress site of its own, on a port of its own (crawl it with
``base_url=<its address>``), discovered through Yoast's ``/sitemap_index.xml`` like the real sites. Article
pages use the real usembassy markup with our own text. Prints the first case's address, then one JSON line
mapping every case to its address, then serves until terminated.

- ``dupchild``: the index lists one child sitemap twice.
- ``cycle``: a child "sitemap" is itself an index that lists itself and the top index.
- ``offsite``: one child on another host, one on another port of this host.
- ``longchild``: one child URL of 3,000 characters.
- ``badloc``: children with an unparsable address (``http://[::1``) and an impossible port.
- ``articles``: a urlset with good posts and, among them, an article URL of 2,500 characters, a post on another
  port, a post on another host, the home page (not an article), a post listed twice (in two sitemaps), and a
  post that redirects to another listed post.
- ``empty``: every discovery method answers, and none lists a post.
- ``canonical``: posts whose ``<link rel=canonical>`` claims another post, the home page, or another
  mission's host.

- ``oddlocs``: a urlset whose <loc>s a browser would follow though the protocol wants absolute lower-case URLs:
  ``HTTP://``, ``Http://``, a relative ``/path/`` and a scheme-relative ``//host:port/path/``; plus a
  ``javascript:`` one, which is no page at all; and a raw ``&`` before an escaped ``&amp;`` in a query.
- ``rss1``/``atom03``: no API and no sitemaps, only a feed in RSS 1.0 (RDF, ``dc:date``) or Atom 0.3.
- ``big``: a sitemap of ``BIG`` posts that all answer 404 (discovery must not queue them all at once).

``POSTS`` says which posts each case must archive; the tests derive nothing from the code under test.
"""

from __future__ import annotations

import json
import sys

from twisted.internet import reactor
from twisted.web import resource, server

from tests.sites.markup import embassy_post

TEXT = [
    "The U.S. Embassy in Vientiane opened its spring series of public talks on river science this week, "
    "with researchers from three provinces presenting field work on fish migration in the Mekong.",
    "The series continues every Thursday until the end of May; each talk is followed by questions from the "
    "audience and a short visit to the embassy's reading room for students who register in advance.",
    "Recordings of each talk will be shared with partner universities so that students outside the capital "
    "can follow the discussion and send their own questions to the speakers.",
]
TITLES = {
    "river-talks-open": "River Science Talks Open at the Embassy",
    "fish-migration-study": "Students Present Fish Migration Study",
    "reading-room-hours": "Embassy Reading Room Extends Its Hours",
    "field-trip-champasak": "Field Trip to Champasak Wetlands",
}
POSTS = {
    "dupchild": ["river-talks-open", "fish-migration-study", "reading-room-hours"],
    "cycle": ["river-talks-open", "fish-migration-study"],
    "offsite": ["river-talks-open"],
    "longchild": ["river-talks-open"],
    "badloc": ["river-talks-open"],
    "articles": ["river-talks-open", "fish-migration-study", "reading-room-hours", "field-trip-champasak"],
    "canonical": ["river-talks-open", "fish-migration-study", "reading-room-hours", "field-trip-champasak"],
    "oddlocs": ["river-talks-open", "fish-migration-study", "reading-room-hours", "field-trip-champasak"],
    "rss1": ["river-talks-open", "fish-migration-study"],
    "atom03": ["reading-room-hours", "field-trip-champasak"],
}
LONG_SEGMENT = "x" * 2500
LAO_SEGMENT = "ຂ່າວ" * 100  # 400 characters, 10,800 once percent-encoded as Scrapy sends it
BIG = 600
XML = "application/xml; charset=utf-8"
NS = 'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'


def index(children: list[str]) -> str:
    rows = "".join(f"<sitemap><loc>{c}</loc><lastmod>2024-05-01T00:00:00+00:00</lastmod></sitemap>" for c in children)
    return f'<?xml version="1.0" encoding="UTF-8"?><sitemapindex {NS}>{rows}</sitemapindex>'


def urlset(urls: list[str]) -> str:
    rows = "".join(f"<url><loc>{u}</loc><lastmod>2024-05-02T00:00:00+00:00</lastmod></url>" for u in urls)
    return f'<?xml version="1.0" encoding="UTF-8"?><urlset {NS}>{rows}</urlset>'


class HostileDiscovery(resource.Resource):
    isLeaf = True

    def __init__(self, case: str) -> None:
        super().__init__()
        self.case = case
        self.port = 0

    def render_GET(self, request):  # noqa: C901 - one route table reads best as one function
        rest = request.path.decode()
        if rest == "/robots.txt":
            return self.send(request, "User-agent: *\nAllow: /\n", "text/plain")
        case = self.case
        site = f"http://127.0.0.1:{self.port}"
        other_port = f"http://127.0.0.1:{self.port + 1 if self.port < 65535 else self.port - 1}"
        if rest.rstrip("/") and rest.strip("/") in TITLES and rest.strip("/") in POSTS.get(case, []):
            return self.post(request, case, site, rest.strip("/"))
        if case == "articles" and rest == "/moved-post/":
            request.setResponseCode(301)
            request.setHeader(b"Location", f"{site}/fish-migration-study/".encode())
            return b""
        if case == "canonical":
            claims = {"claims-other-post": f"{site}/river-talks-open/", "claims-home": f"{site}/",
                      "claims-other-mission": "https://th.usembassy.gov/river-talks-open/",
                      "claims-unlisted-post": f"{site}/a-post-not-listed-yet/"}
            slug = rest.strip("/")
            if slug in claims:
                title = f"Embassy Note {len(slug)}: {slug.replace('-', ' ').title()}"
                page = embassy_post(site, slug, title, [f"{title}. {TEXT[1]}", TEXT[2], TEXT[0]],
                                    "2024-04-09T03:04:05+00:00")
                return self.send(request, page.replace(f'<link rel="canonical" href="{site}/{slug}/" />',
                                                       f'<link rel="canonical" href="{claims[slug]}" />'))
        posts = [f"{site}/{slug}/" for slug in POSTS.get(case, [])]
        documents = {
            "dupchild": {"/sitemap_index.xml": index([f"{site}/post-sitemap.xml", f"{site}/post-sitemap.xml",
                                                      f"{site}/post-sitemap2.xml"]),
                         "/post-sitemap.xml": urlset(posts[:2]), "/post-sitemap2.xml": urlset(posts[2:])},
            "cycle": {"/sitemap_index.xml": index([f"{site}/post-sitemap.xml", f"{site}/post-sitemap2.xml"]),
                      "/post-sitemap.xml": urlset(posts),
                      "/post-sitemap2.xml": index([f"{site}/post-sitemap2.xml", f"{site}/post-sitemap.xml",
                                                   f"{site}/sitemap_index.xml"])},
            "offsite": {"/sitemap_index.xml": index(["http://elsewhere.invalid/post-sitemap3.xml",
                                                     f"{other_port}/post-sitemap4.xml",
                                                     f"{site}/post-sitemap.xml"]),
                        "/post-sitemap.xml": urlset(posts)},
            "longchild": {"/sitemap_index.xml": index([f"{site}/{LONG_SEGMENT}/post-sitemap5.xml",
                                                       f"{site}/post-sitemap.xml"]),
                          "/post-sitemap.xml": urlset(posts)},
            "badloc": {"/sitemap_index.xml": index(["http://[::1/post-sitemap6.xml",
                                                    "http://127.0.0.1:99999/post-sitemap7.xml",
                                                    f"{site}/post-sitemap.xml"]),
                       "/post-sitemap.xml": urlset(posts)},
            "articles": {"/sitemap_index.xml": index([f"{site}/post-sitemap.xml", f"{site}/post-sitemap2.xml"]),
                         "/post-sitemap.xml": urlset([f"{site}/", *posts[:3], f"{site}/{LONG_SEGMENT}/",
                                                      f"{site}/{LAO_SEGMENT}/",
                                                      f"{other_port}/field-trip-champasak/",
                                                      "http://elsewhere.invalid/reading-room-hours/",
                                                      f"{site}/moved-post/"]),
                         "/post-sitemap2.xml": urlset(posts[2:4])},
            "big": {"/sitemap_index.xml": index([f"{site}/post-sitemap.xml"]),
                    "/post-sitemap.xml": urlset([f"{site}/gone-{n}/" for n in range(BIG)])},
            "oddlocs": {"/sitemap_index.xml": index([f"{site}/post-sitemap.xml"]),
                        "/post-sitemap.xml": urlset([site.replace("http://", "HTTP://") + "/river-talks-open/",
                                                     site.replace("http://", "Http://") + "/fish-migration-study/",
                                                     "/reading-room-hours/",
                                                     site.replace("http:", "") + "/field-trip-champasak/",
                                                     "javascript:alert(1)",
                                                     f"{site}/?p=7&lang=lo", f"{site}/?p=8&amp;lang=lo"])},
            "rss1": {"/feed/": '<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
                               'xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">'
                               f'<channel rdf:about="{site}/feed/"><title>Embassy news</title><link>{site}/</link>'
                               '</channel>' + "".join(f'<item rdf:about="{p}"><title>Post</title><link>{p}</link>'
                                                      '<dc:date>2024-04-02T10:04:05+07:00</dc:date></item>'
                                                      for p in posts) + "</rdf:RDF>"},
            "atom03": {"/feed/": '<?xml version="1.0"?><feed version="0.3" xmlns="http://purl.org/atom/ns#">'
                                 '<title>Embassy news</title>' + "".join(
                                     f'<entry><title>Post</title><link rel="alternate" href="{p}"/>'
                                     '<issued>2024-04-02T10:04:05+07:00</issued></entry>' for p in posts) + "</feed>"},
            "empty": {"/sitemap_index.xml": index([f"{site}/post-sitemap.xml"]), "/post-sitemap.xml": urlset([]),
                      "/feed/": '<?xml version="1.0"?><rss version="2.0"><channel><title>Empty</title></channel></rss>'},
            "canonical": {"/sitemap_index.xml": index([f"{site}/post-sitemap.xml"]),
                          "/post-sitemap.xml": urlset([*posts, f"{site}/claims-other-post/", f"{site}/claims-home/",
                                                       f"{site}/claims-other-mission/",
                                                       f"{site}/claims-unlisted-post/"])},
        }.get(case, {})
        if rest in documents:
            ctype = {"rss1": "application/rdf+xml", "atom03": "application/atom+xml"}.get(case, "application/rss+xml")
            ctype = ctype + "; charset=utf-8" if rest == "/feed/" else XML
            return self.send(request, documents[rest], ctype)
        return self.send(request, "<!DOCTYPE html><html><head><title>Page not found</title></head>"
                                  "<body><h1>404</h1></body></html>", code=404)

    def post(self, request, case: str, site: str, slug: str) -> bytes:
        title = TITLES[slug]
        return self.send(request, embassy_post(site, slug, title, [f"{title}. {TEXT[0]}", *TEXT[1:]],
                                               "2024-04-02T03:04:05+00:00"))

    @staticmethod
    def send(request, body: str, ctype: str = "text/html; charset=utf-8", code: int = 200) -> bytes:
        request.setResponseCode(code)
        request.setHeader(b"Content-Type", ctype.encode())
        return body.encode()


CASES = [*POSTS, "empty", "big"]


def main() -> None:
    addresses = {}
    for case in CASES:
        site = HostileDiscovery(case)
        site.port = reactor.listenTCP(0, server.Site(site), interface="127.0.0.1").getHost().port
        addresses[case] = f"http://127.0.0.1:{site.port}"
    print(addresses[CASES[0]], flush=True)
    print(json.dumps(addresses), flush=True)
    reactor.run()


if __name__ == "__main__":
    sys.exit(main())
