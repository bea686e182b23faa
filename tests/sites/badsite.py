"""A local site whose pages go wrong in every way the crawler must survive (run: python -m tests.sites.badsite).

Prints its base URL, then serves until terminated. Two sites share the server: the root is a sitemap-driven
embassy site with broken articles and broken sitemaps; ``/feedsite`` has no sitemaps at all, only a feed
with one unparsable date, so discovery must fall back to it.
"""

from __future__ import annotations

import gzip
import sys

from twisted.internet import reactor
from twisted.web import resource, server

from tests.sites.markup import embassy_post

TEXT = [
    "The U.S. Embassy in Vientiane announced today a new round of small grants for community projects "
    "that improve access to clean water in rural districts of three provinces.",
    "Local organisations may apply until the end of the month; grants range from five to twenty-five "
    "thousand dollars and support wells, filtration and training for village water committees.",
    "Applicants should describe the community they serve, the work planned and how it will be maintained "
    "after the grant period ends.",
]
LAO = ["ສະຖານທູດສະຫະລັດອາເມລິກາ ປະຈໍາ ສປປ ລາວ ປະກາດທຶນການສຶກສາ ສໍາລັບນັກສຶກສາລາວ ທີ່ມີຄວາມສົນໃຈ "
       "ໃນການສຶກສາຕໍ່ຢູ່ສະຫະລັດອາເມລິກາ ໃນສົກຮຽນໜ້າ."] * 3

GOOD = ["good-one", "good-two", "malformed-html", "cp1252", "meta-conflict"]
BROKEN = {
    "pdf-report": "not_html", "photo": "not_html", "empty": "empty_body", "truncated": "truncated",
    "gone": "http_404", "broken-server": "http_500", "slow": "timeout", "huge": "too_large",
    "leaves-site": "offsite_redirect", "private/secret": "robots_disallowed",
}
BILLION_LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 2 else "") + ";") * 10}">' for i in range(2, 10))
    + ']><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>{base}/good-before-laughs/</loc></url>'
    + '<url><loc>{base}/&lol9;/</loc></url><url><loc>{base}/good-after-laughs/</loc></url></urlset>'
)
# The good entries around the hostile one, which must still be read.
AROUND_LAUGHS = ["good-before-laughs", "good-after-laughs"]


def urlset(base: str, slugs: list[str], lastmod: str = "2024-05-01T00:00:00+00:00") -> str:
    rows = "".join(f"<url><loc>{base}/{s}/</loc><lastmod>{lastmod}</lastmod></url>" for s in slugs)
    return f'<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{rows}</urlset>'


class BadSite(resource.Resource):
    isLeaf = True
    base = ""

    def render_GET(self, request):  # noqa: C901 - a route table reads best as one function
        path = request.path.decode()
        base = self.base
        feed_base = base + "/feedsite"

        def send(body: str | bytes, ctype: str = "text/html; charset=utf-8", code: int = 200) -> bytes:
            request.setResponseCode(code)
            request.setHeader(b"Content-Type", ctype.encode())
            return body.encode() if isinstance(body, str) else body

        xml = "application/xml; charset=utf-8"
        if path == "/robots.txt":
            return send("User-agent: *\nDisallow: /private/\n", "text/plain")
        if path == "/sitemap_index.xml":
            children = "".join(
                f"<sitemap><loc>{base}/{n}</loc><lastmod>2024-05-01T00:00:00+00:00</lastmod></sitemap>"
                for n in ("post-sitemap.xml", "post-sitemap2.xml.gz", "post-sitemap3.xml", "post-sitemap4.xml")
            )
            return send(f'<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{children}</sitemapindex>', xml)
        if path == "/post-sitemap.xml":
            return send(urlset(base, GOOD + list(BROKEN)), xml)
        if path == "/post-sitemap2.xml.gz":
            return send(gzip.compress(urlset(base, ["good-three"]).encode()), "application/x-gzip")
        if path == "/post-sitemap3.xml":
            return send("<?xml version='1.0'?><urlset><url><loc>%%%broken", xml)
        if path == "/post-sitemap4.xml":
            return send(BILLION_LAUGHS.replace("{base}", base), xml)
        if path in ("/good-one/", "/good-two/", "/good-three/", "/good-before-laughs/", "/good-after-laughs/"):
            slug = path.strip("/")
            title = {"good-one": "Embassy Announces Clean Water Grants",
                     "good-two": "Ambassador Visits Luang Prabang School",
                     "good-three": "Fulbright Alumni Meet in Vientiane",
                     "good-before-laughs": "English Teachers Complete Summer Course",
                     "good-after-laughs": "Embassy Supports Mekong River Study"}[slug]
            paras = [f"{title}. {TEXT[0]}", *TEXT[1:]]
            return send(embassy_post(base, slug, title, paras, "2024-04-02T03:04:05+00:00"))
        if path == "/malformed-html/":
            page = embassy_post(base, "malformed-html", "Grant Winners Announced", TEXT, "2024-04-03T03:04:05+00:00")
            page = page.replace("</p>", "", 2).replace("</div></body></html>", "<div><span><b>")
            return send(page)
        if path == "/cp1252/":
            paras = ["The Embassy’s “Café Talk” series – our informal conversation programme – returns this week. "
                     + TEXT[0], *TEXT[1:]]
            page = embassy_post(base, "cp1252", "Café Talk Series Returns", paras, "2024-04-04T03:04:05+00:00",
                                charset_meta=None)
            return send(page.encode("cp1252"), "text/html; charset=utf-8")
        if path == "/meta-conflict/":
            page = embassy_post(base, "meta-conflict", "Scholarship Announcement", LAO, "2024-04-05T03:04:05+00:00",
                                lang="lo-LA", charset_meta="utf-8")
            return send(page.encode("utf-8"), "text/html; charset=iso-8859-1")
        if path == "/pdf-report/":
            return send(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF", "application/pdf")
        if path == "/photo/":
            return send(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "image/png")
        if path == "/empty/":
            return send(b"")
        if path == "/truncated/":
            request.setHeader(b"Content-Type", b"text/html; charset=utf-8")
            request.setHeader(b"Content-Length", b"50000")
            request.write(b"<!DOCTYPE html><html><head><title>Half a page")
            reactor.callLater(0.05, request.channel.transport.loseConnection)
            return server.NOT_DONE_YET
        if path == "/broken-server/":
            return send("<h1>Internal Server Error</h1>", code=500)
        if path == "/slow/":
            reactor.callLater(30, lambda: None if request.finished or request._disconnected else (
                request.write(b"late"), request.finish()))
            return server.NOT_DONE_YET
        if path == "/huge/":
            filler = "".join(f"<p>{TEXT[0]}</p>" for _ in range(3000))
            return send(embassy_post(base, "huge", "A Very Long Page", [TEXT[0]], "2024-04-06T03:04:05+00:00")
                        .replace("</article>", filler + "</article>"))
        if path == "/leaves-site/":
            request.setResponseCode(302)
            request.setHeader(b"Location", b"http://offsite.invalid/landing/")
            return b""
        if path.startswith("/private/"):
            return send(embassy_post(base, "private/secret", "Should Never Be Fetched", TEXT, "2024-04-07T00:00:00+00:00"))
        # The feed-only site.
        if path == "/feedsite/feed/":
            items = "".join(
                f"<item><title>{s}</title><link>{feed_base}/{s}/</link><pubDate>{d}</pubDate></item>"
                for s, d in (("feed-post-a", "Tue, 02 Apr 2024 03:04:05 +0000"), ("feed-post-b", "someday soon"))
            )
            return send(f'<?xml version="1.0"?><rss version="2.0"><channel><title>Feed site</title>{items}</channel></rss>',
                        "application/rss+xml; charset=utf-8")
        if path in ("/feedsite/feed-post-a/", "/feedsite/feed-post-b/"):
            slug = path.strip("/").split("/")[-1]
            title = f"Feed Post {slug[-1].upper()} Reaches the Archive"
            return send(embassy_post(feed_base, slug, title, [f"{title}. {TEXT[0]}", *TEXT[1:]],
                                     "2024-04-02T03:04:05+00:00"))
        return send("<html><body><h1>Not Found</h1></body></html>", code=404)


def main() -> None:
    site = BadSite()
    port = reactor.listenTCP(0, server.Site(site), interface="127.0.0.1")
    site.base = f"http://127.0.0.1:{port.getHost().port}"
    print(site.base, flush=True)
    reactor.run()


if __name__ == "__main__":
    sys.exit(main())
