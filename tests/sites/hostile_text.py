"""A local embassy site whose pages attack the text of a record (run: python -m tests.sites.hostile_text).

Prints its base URL, then serves until terminated. Every article is a usembassy.gov post (``markup.py``) with our
own text, listed in a Yoast sitemap, and each goes wrong in one way that must not reach the archive as mojibake,
NULs, markup or an unbounded or reversed title: a stray byte in Lao UTF-8, UTF-16 without a byte order mark
(declared and undeclared), a megabyte title, a title with a right-to-left override, and two pages whose article
text is HTML source. Two honest pages (one about HTML, quoting tags) must come through untouched.
"""

from __future__ import annotations

import html
import sys

from twisted.internet import reactor
from twisted.web import resource, server

from tests.sites.markup import embassy_post

PUBLISHED = "2024-06-03T02:30:00+00:00"
LAO = [
    "ສະຖານທູດສະຫະລັດອາເມລິກາ ປະຈໍາ ສປປ ລາວ ໄດ້ມອບທຶນຊ່ວຍເຫຼືອ ໃຫ້ແກ່ໂຮງຮຽນປະຖົມ ຈໍານວນສິບແຫ່ງ "
    "ໃນແຂວງຫຼວງພະບາງ ເພື່ອສ້າງຫ້ອງສະໝຸດ ແລະ ຈັດຊື້ປຶ້ມອ່ານສໍາລັບເດັກນ້ອຍ.",
    "ໂຄງການນີ້ ຈະຊ່ວຍໃຫ້ນັກຮຽນຫຼາຍກວ່າສອງພັນຄົນ ໄດ້ຮັບປຶ້ມອ່ານເປັນພາສາລາວ{stray} ແລະ ພາສາອັງກິດ "
    "ພ້ອມທັງຝຶກອົບຮົມຄູສອນ ກ່ຽວກັບວິທີການສອນອ່ານ.",
    "ເຈົ້າແຂວງຫຼວງພະບາງ ໄດ້ສະແດງຄວາມຂອບໃຈ ຕໍ່ການຊ່ວຍເຫຼືອດັ່ງກ່າວ ແລະ ຢືນຢັນວ່າ ແຂວງຈະສືບຕໍ່ຮັກສາ "
    "ຫ້ອງສະໝຸດເຫຼົ່ານີ້ ໃຫ້ເປັນບ່ອນຮຽນຮູ້ຂອງຊຸມຊົນ.",
]
LAO_TITLE = "ສະຖານທູດສະຫະລັດ ມອບທຶນສ້າງຫ້ອງສະໝຸດ ໃນແຂວງຫຼວງພະບາງ"
ENGLISH = [
    "The U.S. Embassy in Vientiane opened its annual Lao Language Week today with readings by students of the "
    "National University of Laos and a workshop for teachers of Lao as a second language.",
    "Over five days, embassy staff and their families will take lessons in reading and conversation, and the "
    "week closes with a poetry evening at the American Center. ສະບາຍດີ ປີໃໝ່ ແລະ ຍິນດີຕ້ອນຮັບ.",
    "The programme has run every year since 2015 and is open to members of the public who register in advance "
    "through the embassy's cultural affairs office.",
]
ABOUT_HTML = [
    "Why <script> tags matter: the embassy's web team explained to visiting students how a page loads, and why "
    "a browser stops to run each <script> element it meets before it draws the rest of the page.",
    "They also showed how the <title> element names a page in search results, and how a <meta> tag tells a "
    "browser which character set the page uses, so that Lao text such as ສະບາຍດີ shows correctly.",
    "The session ended with a short exercise: each student wrote a page of their own with headings, paragraphs "
    "and one image, and published it on the training server.",
]
# Each page opens with its own sentence, so that no two bodies are the same (the archive keeps one of each).
OPENERS = {
    "utf16-declared": "Students read their own poems in Lao on the first morning.",
    "utf16-undeclared": "A second group of teachers joined the workshop this year.",
    "utf16-headerless": "A third group came from the southern provinces for the closing day.",
    "huge-title": "Embassy staff marked Mekong Day with a walk along the river bank.",
    "bidi-title": "Visa appointments in July open for booking next Monday.",
}


def english(slug: str) -> list[str]:
    return [f"{OPENERS[slug]} {ENGLISH[0]}", *ENGLISH[1:]]


# The megabyte title: what a broken CMS template writes into <title> and og:title alike.
HUGE_TITLE = "Embassy Marks Mekong Day " * 42_000
BIDI_TITLE = "Embassy \u202eNews\u202c Update on Visa Appointments"

# slug -> (title, what the crawl must do with it)
ARCHIVED = {
    "lao-stray-byte": LAO_TITLE,
    "utf16-declared": "Embassy Opens Lao Language Week",
    "utf16-undeclared": "Embassy Opens Lao Language Week Again",
    "utf16-headerless": "Embassy Closes Lao Language Week",
    "huge-title": None,
    "bidi-title": BIDI_TITLE,
    "about-html": "Why <script> tags matter",
}
MARKUP = ["escaped-source", "escaped-page"]


def lao_paragraphs(stray: str) -> list[str]:
    return [p.replace("{stray}", stray) for p in LAO]


def urlset(base: str, slugs: list[str]) -> str:
    rows = "".join(f"<url><loc>{base}/{s}/</loc><lastmod>{PUBLISHED}</lastmod></url>" for s in slugs)
    return f'<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{rows}</urlset>'


class HostileText(resource.Resource):
    isLeaf = True
    base = ""

    def render_GET(self, request):  # noqa: C901 - a route table reads best as one function
        path = request.path.decode()
        base = self.base

        def send(body: str | bytes, ctype: str = "text/html; charset=utf-8") -> bytes:
            request.setResponseCode(200)
            request.setHeader(b"Content-Type", ctype.encode())
            return body.encode() if isinstance(body, str) else body

        slug = path.strip("/")
        if path == "/robots.txt":
            return send("User-agent: *\nAllow: /\n", "text/plain")
        if path == "/sitemap_index.xml":
            return send(f'<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                        f"<sitemap><loc>{base}/post-sitemap.xml</loc></sitemap></sitemapindex>",
                        "application/xml; charset=utf-8")
        if path == "/post-sitemap.xml":
            return send(urlset(base, [*ARCHIVED, *MARKUP]), "application/xml; charset=utf-8")
        if slug == "lao-stray-byte":
            # valid UTF-8 throughout, but for one byte: a Windows-1252 no-break space pasted into the text
            page = embassy_post(base, slug, LAO_TITLE, lao_paragraphs("{stray}"), PUBLISHED, lang="lo-LA")
            return send(page.encode("utf-8").replace(b"{stray}", b"\xa0"))
        if slug in ("utf16-declared", "utf16-undeclared"):
            page = embassy_post(base, slug, ARCHIVED[slug], english(slug), PUBLISHED, charset_meta=None)
            ctype = "text/html; charset=utf-16" if slug == "utf16-declared" else "text/html"
            return send(page.encode("utf-16-le"), ctype)  # no byte order mark
        if slug == "utf16-headerless":  # no byte order mark and no Content-Type header at all
            page = embassy_post(base, slug, ARCHIVED[slug], english(slug), PUBLISHED, charset_meta=None)
            request.setResponseCode(200)
            request.defaultContentType = None
            return page.encode("utf-16-le")
        if slug == "huge-title":
            page = embassy_post(base, slug, "Embassy Marks Mekong Day", english(slug), PUBLISHED)
            page = page.replace("<title>Embassy Marks Mekong Day | U.S. Embassy in Laos</title>",
                                f"<title>{HUGE_TITLE}</title>")
            page = page.replace('property="og:title" content="Embassy Marks Mekong Day | U.S. Embassy in Laos"',
                                f'property="og:title" content="{HUGE_TITLE}"')
            return send(page)
        if slug == "bidi-title":
            return send(embassy_post(base, slug, BIDI_TITLE, english(slug), PUBLISHED))
        if slug == "about-html":
            return send(embassy_post(base, slug, ARCHIVED[slug], ABOUT_HTML, PUBLISHED))
        if slug == "escaped-source":
            # the post's text is another page's source, escaped into a <pre> by a broken editor
            source = embassy_post(base, "grants", "Embassy Announces Library Grants", ENGLISH, PUBLISHED)
            page = embassy_post(base, slug, "Library Grants Announced", ["{source}"], PUBLISHED)
            return send(page.replace("<p>{source}</p>", f"<pre>{html.escape(source)}</pre>"))
        if slug == "escaped-page":
            # the whole response is escaped source, as a double-escaping cache serves it
            source = embassy_post(base, slug, "Embassy Announces Library Grants", ENGLISH, PUBLISHED)
            return send(f"<!DOCTYPE html><html><head><title>Embassy Announces Library Grants</title></head>"
                        f"<body><main><article>{html.escape(source)}</article></main></body></html>")
        request.setResponseCode(404)
        request.setHeader(b"Content-Type", b"text/html; charset=utf-8")
        return b"<html><body><h1>Not Found</h1></body></html>"


def main() -> None:
    site = HostileText()
    port = reactor.listenTCP(0, server.Site(site), interface="127.0.0.1")
    site.base = f"http://127.0.0.1:{port.getHost().port}"
    print(site.base, flush=True)
    reactor.run()


if __name__ == "__main__":
    sys.exit(main())
