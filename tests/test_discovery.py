"""Sitemaps, feeds and listing pages: including the malformed, gzipped and hostile ones."""

from __future__ import annotations

import gzip
import time

import pytest

from archiver.discovery import parse_loose_date
from archiver.discovery.feeds import FeedError, parse_feed
from archiver.discovery.listings import parse_listing
from archiver.discovery.sitemaps import SitemapError, parse_sitemap

URLSET = b"""<?xml version="1.0" encoding="UTF-8"?>
<?xml-stylesheet type="text/xsl" href="//la.usembassy.gov/wp-content/plugins/wordpress-seo/css/main-sitemap.xsl"?>
<urlset xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:image="http://www.google.com/schemas/sitemap-image/1.1" xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<url><loc>https://la.usembassy.gov/a/</loc><lastmod>2023-03-20T02:10:45+00:00</lastmod></url>
<url><loc>https://la.usembassy.gov/b/</loc><lastmod>not a date</lastmod></url>
<url><loc>https://la.usembassy.gov/c/</loc></url>
</urlset>"""

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
<!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
<!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
<!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
<!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
<!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
<!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">]>
<{root}><{item}><{loc}>https://la.usembassy.gov/before/</{loc}>{extra}</{item}>
<{item}><{loc}>https://la.usembassy.gov/&lol9;/</{loc}>{extra}</{item}>
<{item}><{loc}>https://la.usembassy.gov/after/</{loc}>{extra}</{item}></{root}>"""


def test_urlset_entries_with_dates() -> None:
    parsed = parse_sitemap(URLSET)
    assert parsed.kind == "urlset"
    assert [e.url for e in parsed.entries] == [f"https://la.usembassy.gov/{x}/" for x in "abc"]
    assert parsed.entries[0].day.isoformat() == "2023-03-20"
    assert parsed.entries[1].day is None and parsed.entries[1].date_unreadable
    assert parsed.entries[2].day is None and not parsed.entries[2].date_unreadable


def test_gzipped_sitemap_is_read_and_size_capped() -> None:
    assert len(parse_sitemap(gzip.compress(URLSET)).entries) == 3
    with pytest.raises(SitemapError):
        parse_sitemap(gzip.compress(URLSET), max_size=100)
    with pytest.raises(SitemapError):
        parse_sitemap(b"\x1f\x8b\x08\x00garbage")


@pytest.mark.parametrize(
    "body",
    [b"", b"<html><body>Not a sitemap</body></html>", b"<rss><channel></channel></rss>", b"\x00\x01binary"],
)
def test_non_sitemaps_are_rejected(body: bytes) -> None:
    with pytest.raises(SitemapError):
        parse_sitemap(body)


def test_truncated_sitemap_yields_what_is_complete() -> None:
    parsed = parse_sitemap(URLSET[: URLSET.index(b"<url><loc>https://la.usembassy.gov/c/")] + b"<url><lo")
    assert [e.url for e in parsed.entries][:2] == ["https://la.usembassy.gov/a/", "https://la.usembassy.gov/b/"]


def test_entity_expansion_is_not_performed_in_sitemaps_or_feeds() -> None:
    started = time.monotonic()
    body = BILLION_LAUGHS.replace(b"{root}", b"urlset").replace(b"{item}", b"url").replace(b"{loc}", b"loc")
    urls = [e.url for e in parse_sitemap(body.replace(b"{extra}", b"")).entries]
    assert all("lollollol" not in url for url in urls)
    # the entries around the hostile one are still read
    assert urls[0] == "https://la.usembassy.gov/before/" and urls[-1] == "https://la.usembassy.gov/after/"
    feed = BILLION_LAUGHS.replace(b"<{root}>", b'<rss version="2.0"><channel>').replace(b"</{root}>", b"</channel></rss>")
    feed = feed.replace(b"{item}", b"item").replace(b"{loc}", b"link").replace(b"{extra}", b"")
    urls = [e.url for e in parse_feed(feed)]
    assert all("lollollol" not in url for url in urls)
    assert urls[0] == "https://la.usembassy.gov/before/" and urls[-1] == "https://la.usembassy.gov/after/"
    assert time.monotonic() - started < 5


LAO_URLSET = """<?xml version="1.0" encoding="{encoding}"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<url><loc>https://la.usembassy.gov/ຂ່າວສານ/ກອງປະຊຸມ/</loc><lastmod>2024-05-02T00:00:00+07:00</lastmod></url>
<url><loc>https://la.usembassy.gov/news/water-safety/</loc><lastmod>2024-05-03</lastmod></url>
</urlset>"""


@pytest.mark.parametrize(("declared", "codec", "mark"), [
    ("UTF-16", "utf-16-le", b"\xff\xfe"),
    ("UTF-16", "utf-16-be", b"\xfe\xff"),
    ("UTF-32", "utf-32-le", b"\xff\xfe\x00\x00"),
    ("UTF-32", "utf-32-be", b"\x00\x00\xfe\xff"),
    ("UTF-16", "utf-16-le", b""),  # no mark: "<?" in UTF-16LE says it (XML 1.0, appendix F)
    ("UTF-8", "utf-8", b"\xef\xbb\xbf"),
], ids=["utf16le-bom", "utf16be-bom", "utf32le-bom", "utf32be-bom", "utf16le-no-bom", "utf8-bom"])
def test_a_sitemap_in_utf16_or_utf32_or_with_a_bom_is_read(declared: str, codec: str, mark: bytes) -> None:
    body = mark + LAO_URLSET.format(encoding=declared).encode(codec)
    parsed = parse_sitemap(body)
    assert parsed.kind == "urlset" and parsed.malformed is None
    assert [(e.url, e.raw_date) for e in parsed.entries] == [
        ("https://la.usembassy.gov/ຂ່າວສານ/ກອງປະຊຸມ/", "2024-05-02T00:00:00+07:00"),
        ("https://la.usembassy.gov/news/water-safety/", "2024-05-03")]
    assert len(parse_sitemap(gzip.compress(body)).entries) == 2  # also when gzipped (.xml.gz)


def test_a_utf16_sitemap_cannot_smuggle_an_entity_declaration() -> None:
    """The document type declaration is found and removed after decoding, so UTF-16 does not hide it."""
    body = BILLION_LAUGHS.replace(b"{root}", b"urlset").replace(b"{item}", b"url").replace(b"{loc}", b"loc")
    body = body.replace(b"{extra}", b"").replace(b'<?xml version="1.0"?>', b'<?xml version="1.0" encoding="UTF-16"?>')
    started = time.monotonic()
    urls = [e.url for e in parse_sitemap(b"\xff\xfe" + body.decode("ascii").encode("utf-16-le")).entries]
    assert urls[0] == "https://la.usembassy.gov/before/" and urls[-1] == "https://la.usembassy.gov/after/"
    assert all("lollollol" not in url for url in urls)
    assert time.monotonic() - started < 5


RSS = b"""<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel><title>U.S. Embassy in Laos</title>
<item><title>One</title><link>https://la.usembassy.gov/one/</link><pubDate>Fri, 17 Mar 2023 09:21:11 +0000</pubDate></item>
<item><title>Two</title><link>https://la.usembassy.gov/two/</link><pubDate>the day after tomorrow</pubDate></item>
<item><title>No link</title></item>
</channel></rss>"""


def test_rss_dates_and_unparsable_dates() -> None:
    entries = parse_feed(RSS)
    assert [e.url for e in entries] == ["https://la.usembassy.gov/one/", "https://la.usembassy.gov/two/"]
    assert entries[0].day.isoformat() == "2023-03-17"
    assert entries[1].day is None and entries[1].date_unreadable


def test_atom_feed() -> None:
    atom = b"""<feed xmlns="http://www.w3.org/2005/Atom"><entry><link rel="alternate" href="https://x.org/a"/>
    <published>2024-06-20T14:37:00+07:00</published></entry></feed>"""
    (entry,) = parse_feed(atom)
    assert entry.url == "https://x.org/a" and entry.day.isoformat() == "2024-06-20"


@pytest.mark.parametrize("body", [b"", b"<html><p>hello</p></html>", b"plain text"])
def test_non_feeds_are_rejected(body: bytes) -> None:
    with pytest.raises(FeedError):
        parse_feed(body)


LISTING = """<html><head><link rel="next" href="https://la.usembassy.gov/category/alert/page/2/"></head>
<body class="archive category"><main id="main"><h1 class="page-title">Alert</h1>
<article class="post-1 post type-post"><header class="entry-header"><h2 class="entry-date">August 29, 2024</h2>
<h2 class="entry-title"><a href="https://la.usembassy.gov/security-alert-one/" rel="bookmark">Security Alert</a></h2></header>
<div class="entry-summary"><p>Text&hellip;</p><p><a class="more-link" href="https://la.usembassy.gov/security-alert-one/">Read More &raquo;</a></p></div></article>
<article class="post-2 post type-post"><header class="entry-header"><h2 class="entry-title"><a href="/relative-post/">Relative</a></h2></header></article>
</main></body></html>"""


def test_listing_entries_dates_and_next_page() -> None:
    listing = parse_listing(LISTING, "https://la.usembassy.gov/category/alert/")
    assert [e.url for e in listing.entries] == [
        "https://la.usembassy.gov/security-alert-one/", "https://la.usembassy.gov/relative-post/"]
    assert listing.entries[0].day.isoformat() == "2024-08-29"
    assert listing.entries[1].day is None
    assert listing.next_url == "https://la.usembassy.gov/category/alert/page/2/"


@pytest.mark.parametrize(
    ("text", "day"),
    [("2023-03-17T09:21:11+00:00", "2023-03-17"), ("2023-03-17", "2023-03-17"), ("17 March, 2023", "2023-03-17"),
     ("Fri, 17 Mar 2023 09:21:11 +0000", "2023-03-17"), ("March 17, 2023", "2023-03-17"),
     ("20/06/2024", "2024-06-20"), ("20/06/2024 14:37", "2024-06-20"), ("Thursday June 20, 2024", "2024-06-20"),
     ("Wed, June 19, 2024", "2024-06-19"), ("yesterday", None), ("", None), ("2023-02-30", None)],
)
def test_loose_dates(text: str, day: str | None) -> None:
    parsed = parse_loose_date(text)
    assert (parsed.isoformat() if parsed else None) == day


RSS1 = b"""<?xml version="1.0" encoding="utf-8"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"
  xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel rdf:about="https://kpl.gov.la/rss"><title>KPL News</title><link>https://kpl.gov.la/</link>
<items><rdf:Seq><rdf:li rdf:resource="https://kpl.gov.la/En/Detail.aspx?id=101"/></rdf:Seq></items></channel>
<item rdf:about="https://kpl.gov.la/En/Detail.aspx?id=101"><title>Rice harvest begins in Savannakhet</title>
<link>https://kpl.gov.la/En/Detail.aspx?id=101</link><dc:date>2024-10-02T08:15:00+07:00</dc:date></item>
<item rdf:about="https://kpl.gov.la/En/Detail.aspx?id=102"><title>New bridge opens</title>
<link>https://kpl.gov.la/En/Detail.aspx?id=102</link></item>
</rdf:RDF>"""

ATOM03 = b"""<?xml version="1.0" encoding="utf-8"?>
<feed version="0.3" xmlns="http://purl.org/atom/ns#"><title>Mekong Observer</title>
<entry><title>Ferry timetable changes</title>
<link rel="alternate" type="text/html" href="https://mekongobserver.example/2024/06/20/ferry-timetable/"/>
<issued>2024-06-20T14:37:00+07:00</issued><modified>2024-06-21T09:00:00+07:00</modified></entry>
<entry><title>Only modified</title><link rel="alternate" href="https://mekongobserver.example/2024/06/22/edit/"/>
<modified>2024-06-23T10:00:00Z</modified></entry>
</feed>"""

RSS091 = b"""<?xml version="1.0"?><rss version="0.91"><channel><title>Old feed</title><link>https://x.org/</link>
<description>d</description><item><title>One</title><link>https://x.org/one</link></item></channel></rss>"""


def test_rss1_rdf_feed_is_read() -> None:
    entries = parse_feed(RSS1)
    assert [e.url for e in entries] == ["https://kpl.gov.la/En/Detail.aspx?id=101", "https://kpl.gov.la/En/Detail.aspx?id=102"]
    assert entries[0].day.isoformat() == "2024-10-02"
    assert entries[1].day is None and not entries[1].date_unreadable


def test_atom03_feed_publication_and_modification_dates() -> None:
    first, second = parse_feed(ATOM03)
    assert first.url == "https://mekongobserver.example/2024/06/20/ferry-timetable/"
    assert (first.day.isoformat(), first.published) == ("2024-06-20", True)
    # only a modification date: it may skip a post before --since, never one after --until
    assert (second.day.isoformat(), second.published) == ("2024-06-23", False)


def test_rss091_feed_is_read() -> None:
    assert [e.url for e in parse_feed(RSS091)] == ["https://x.org/one"]


def test_a_raw_ampersand_in_a_loc_does_not_spoil_the_escaped_ones_after_it() -> None:
    xml = (b'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
           b"<url><loc>https://la.usembassy.gov/?p=1&lang=lo</loc></url>"
           b"<url><loc>https://la.usembassy.gov/?p=2&amp;lang=lo</loc></url>"
           b"<url><loc>https://la.usembassy.gov/?p=3&#38;lang=lo</loc></url></urlset>")
    parsed = parse_sitemap(xml)
    assert [e.url for e in parsed.entries] == [f"https://la.usembassy.gov/?p={n}&lang=lo" for n in (1, 2, 3)]
    assert parsed.malformed  # still said: the site's sitemap is not valid XML


@pytest.mark.parametrize(("raw", "kept"), [
    ("2024-05-01T00:00:00+00:00", True), ("2024-05-01", True), ("2024-05-01T10:00:00Z", True),
    ("2024-02-30T25:61:00+99:00", False), ("2024-13-01", False), ("2024-05-01T10:00:00+15:00", False),
    ("yesterday", False), ("", False),
])
def test_only_a_real_moment_is_kept_as_a_lastmod(raw: str, kept: bool) -> None:
    from archiver.spiders.base import normal_lastmod

    assert normal_lastmod(raw) == (raw if kept else None)
